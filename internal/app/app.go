// Package app wires the platform and the slices into one program: the
// database, the services, the routes and the background jobs. cmd/shequ
// calls it; tests start it the same way.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"shequ/internal/account"
	"shequ/internal/assessment"
	"shequ/internal/auditlog"
	"shequ/internal/burden"
	"shequ/internal/care"
	"shequ/internal/certificate"
	"shequ/internal/community"
	"shequ/internal/deliberation"
	"shequ/internal/division"
	"shequ/internal/emergency"
	"shequ/internal/facility"
	"shequ/internal/grid"
	"shequ/internal/indicator"
	"shequ/internal/ledger"
	"shequ/internal/mediation"
	"shequ/internal/notify"
	"shequ/internal/organization"
	"shequ/internal/partymember"
	"shequ/internal/person"
	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/calendar"
	"shequ/internal/platform/db"
	"shequ/internal/platform/jobs"
	"shequ/internal/platform/measure"
	"shequ/internal/platform/pii"
	"shequ/internal/platform/sms"
	"shequ/internal/platform/upload"
	"shequ/internal/platform/web"
	"shequ/internal/project"
	"shequ/internal/property"
	"shequ/internal/proxy"
	"shequ/internal/rating"
	"shequ/internal/request"
	"shequ/internal/request/open311"
	"shequ/internal/request/stats"
	"shequ/internal/resident"
	"shequ/internal/residentunit"
	"shequ/internal/survey"
	"shequ/internal/volunteer"
	"shequ/internal/worker"
	webassets "shequ/web"
)

// Version is set at build time with -ldflags "-X shequ/internal/app.Version=…".
var Version = "dev"

// Config is how the program was started.
// cmd/shequ reads flags and the environment into it; nothing below cmd
// reads the environment for these settings.
type Config struct {
	DataDir    string
	DBURL      string
	Demo       bool
	TrustProxy bool // SHEQU_TRUST_PROXY=1: a reverse proxy on loopback
	// TrustedProxies (SHEQU_TRUSTED_PROXIES): the reverse proxies'
	// addresses and CIDR prefixes, comma-separated, whose X-Forwarded-For
	// and X-Forwarded-Proto are believed.
	TrustedProxies string
	// PublicURL is the address printed in certificates' QR codes and
	// verification links (SHEQU_PUBLIC_URL), checked by Open; empty: the
	// address the request came to (its Host, https when it came over TLS
	// or through a trusted proxy that says so).
	PublicURL string
	// AuditAnchorFile is where the hourly audit anchors are appended
	// (SHEQU_AUDIT_ANCHOR_FILE); empty: the log only.
	AuditAnchorFile string
	// KeyFile is the key file that seals personal data (SHEQU_KEY_FILE),
	// the same on every node; empty: <DataDir>/shequ.key, made on first
	// start (pii.Load).
	KeyFile string
	// SMS is the SMS gateway (--sms-url, …); without a URL messages go to
	// the in-memory box (App.SMSBox) and the log, as in the demo and tests.
	SMS SMSConfig
}

// SMSConfig configures the SMS gateway adapter (sms.Gateway).
type SMSConfig struct {
	URL       string
	AccessKey string
	Secret    string
	SignName  string
	// Templates maps our template ids to the gateway's template codes:
	// "signup_code=SMS_1001,other=SMS_1002".
	Templates string
}

// sender makes the configured sender: the gateway, or the box.
func (c SMSConfig) sender() (sms.Sender, *sms.Box, error) {
	if c.URL == "" {
		b := &sms.Box{}
		return b, b, nil
	}
	u, err := url.Parse(c.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, nil, fmt.Errorf("--sms-url %q is not an http(s) URL", c.URL)
	}
	if c.AccessKey == "" || c.Secret == "" || c.SignName == "" {
		return nil, nil, fmt.Errorf("--sms-url needs --sms-access-key, --sms-sign-name and SHEQU_SMS_SECRET")
	}
	t := map[string]string{}
	for _, kv := range strings.Split(c.Templates, ",") {
		if kv = strings.TrimSpace(kv); kv == "" {
			continue
		}
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" || v == "" {
			return nil, nil, fmt.Errorf("--sms-templates: %q is not id=CODE", kv)
		}
		t[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	return &sms.Gateway{URL: c.URL, AccessKey: c.AccessKey, Secret: c.Secret, SignName: c.SignName, Templates: t}, nil, nil
}

// App is the running program.
type App struct {
	Cfg       Config
	DB        *db.DB
	Audit     *audit.Log
	Sessions  *auth.Sessions
	Users     *auth.Users
	Keys      *pii.Ring // seals personal data and TOTP secrets; see package pii
	Divisions *division.Service
	// Places resolves Open311's address_string and lat/long to a
	// community, over the dashboard map's county boundaries.
	Places *division.Places
	// Measures lists the measures the wired slices keep; the indicator
	// engine reads them by name and says which are still awaited.
	Measures   *measure.Registry
	Indicators *indicator.Service
	Web        *web.Server
	API        huma.API
	Jobs       *jobs.Runner
	// SMS sends text messages; SMSBox is the same sender when it is the
	// in-memory box (no gateway configured: the demo and the tests read
	// codes from it), nil with a gateway.
	SMS    sms.Sender
	SMSBox *sms.Box

	// The slices' services, each built once in build (in dependency
	// order); routes and jobs are registered from these, and tests drive
	// the same instances (their clocks included).
	Facilities    *facility.Service
	Organizations *organization.Service
	Workers       *worker.Service
	Persons       *person.Service
	Volunteers    *volunteer.Service
	Certificates  *certificate.Service
	Requests      *request.Service
	RequestStats  *stats.Service   // the 三率 over the requests' summary
	Open311       *open311.Service // GeoReport v2 over Requests
	Care          *care.Service
	Communities   *community.Service
	Emergencies   *emergency.Service
	// Projects is the three lists (三项清单): needs, resources, projects.
	Projects *project.Service
	// ResidentUnits is the 驻区单位 registry; the three lists read its
	// resources through Projects.Registries.
	ResidentUnits *residentunit.Service
	// PartyMembers is 在职党员到社区报到: registrations, posts, coverage.
	PartyMembers *partymember.Service
	Mediation    *mediation.Service // people's mediation, legal advisers, 法律明白人
	Proxy        *proxy.Service     // 政务代办: catalogue, offerings, cases
	Surveys      *survey.Service    // satisfaction surveys (满意度测评)
	Ratings      *rating.Service    // service ratings (好差评) of every registered subject kind
	Burden       *burden.Service    // 社区减负: work-item list and admissions, assigned work, proofs, seal uses
	Grids        *grid.Service      // grids (网格), grid workers, buildings' heads, patrols (巡查)
	// Notify is the one outbox every slice announces through, and every
	// account's inbox; its SMS go out through SMS.
	Notify *notify.Outbox

	// The home page's work queues: the slices' (in order), the sign-ups
	// to verify and the community's notices (nil until their slices are
	// wired).
	homeSources []HomeSource
	Signups     SignupQueue
	Notices     NoticeBoard
	Residents   *resident.Service
	// Deliberation is 协商议事: topics, meetings, votes, decisions.
	Deliberation *deliberation.Service
	// Ledger is the plan's task ledger (任务分解, 年度任务清单).
	Ledger *ledger.Service
	// Assessments is the one yearly assessment of communities (综合考核评比).
	Assessments *assessment.Service
	// Property is 物业: companies, compounds, committees, yearly scores.
	Property *property.Service
}

// Open opens and migrates the database and builds the services and routes.
func Open(ctx context.Context, cfg Config) (*App, error) {
	proxies, err := web.ParseTrustedProxies(cfg.TrustedProxies)
	if err != nil {
		return nil, fmt.Errorf("SHEQU_TRUSTED_PROXIES: %w", err)
	}
	if cfg.PublicURL, err = certificate.CheckPublicURL(cfg.PublicURL); err != nil {
		return nil, fmt.Errorf("SHEQU_PUBLIC_URL: %w", err)
	}
	smsSender, smsBox, err := cfg.SMS.sender()
	if err != nil {
		return nil, err
	}
	if cfg.TrustProxy {
		proxies = append(proxies, web.LoopbackProxies...)
	}
	d, err := db.Open(ctx, db.Config{DataDir: cfg.DataDir, URL: cfg.DBURL})
	if err != nil {
		return nil, err
	}
	if _, err := d.Migrate(ctx); err != nil {
		d.Close()
		return nil, err
	}
	keys, err := pii.Load(cfg.DataDir, cfg.KeyFile)
	if err == nil {
		err = keys.Bind(ctx, d)
	}
	if err != nil {
		d.Close()
		return nil, err
	}
	a := &App{Cfg: cfg, DB: d, Keys: keys, SMS: smsSender, SMSBox: smsBox}
	a.Audit = audit.New(d)
	a.Sessions = auth.NewSessions(d)
	a.Users = auth.NewUsers(d, a.Sessions)
	a.Users.Secrets = keys
	a.Web = web.New(d, a.Sessions, webassets.Static)
	a.Web.Demo = cfg.Demo
	a.Web.Version = Version
	a.Web.SetTrustedProxies(proxies)
	a.API = a.Web.NewAPI(Version)
	a.Jobs = jobs.New(d)
	if err := a.build(ctx); err != nil {
		d.Close()
		return nil, err
	}
	a.routes()
	a.jobs()
	return a, nil
}

// build makes every service once, in dependency order: the platform's,
// then each slice, then the adapters between slices (a slice reaches
// another only through a small interface of its own, adapted here). Every
// slice registers the measures it keeps before the indicator engine reads
// the registry.
func (a *App) build(ctx context.Context) error {
	d := a.DB
	a.Divisions = division.NewService(d, a.Audit)
	a.Divisions.Store.Keys = a.Keys
	places, err := division.NewPlaces(a.Divisions.Store, webassets.Static, "vendor/echarts-china-cities")
	if err != nil {
		return err
	}
	a.Places = places
	a.Measures = measure.NewRegistry()
	a.Measures.Register(division.Measures...)

	a.Facilities = facility.NewService(d, a.Audit)
	a.Measures.Register(facility.Measures...)
	a.Organizations = organization.NewService(d, a.Audit)
	a.Measures.Register(organization.Measures...)
	a.Workers = worker.NewService(d, a.Audit, a.Keys)
	a.Measures.Register(worker.Measures...)
	a.Persons = person.NewService(d, a.Audit, a.Keys)
	a.Measures.Register(person.Measures...)
	a.Volunteers = volunteer.NewService(d, a.Audit, a.Keys)
	a.Measures.Register(volunteer.Measures...)
	a.Certificates = certificate.NewService(d, a.Audit, volunteerRegistry{a.Volunteers})
	// The community page: notices, the service catalogue, and what it
	// shows of the facilities, workers and profile.
	a.Communities = community.NewService(d, a.Audit, communityDirectory{a.Facilities, a.Workers, a.Divisions})
	a.Notices = communityNotices{a.Communities}

	// One working-day calendar (the shipped days and the database's
	// additions) for every deadline: intake by any channel, callbacks,
	// visits' follow-ups.
	cal, err := calendar.Load(ctx, d)
	if err != nil {
		slog.Error("request calendar: using the shipped days only", "err", err)
		cal = nil
	}
	if a.SMS == nil {
		a.SMSBox = &sms.Box{}
		a.SMS = a.SMSBox
	}
	a.Notify = notify.NewOutbox(d, nil, a.SMS, a.Keys)
	a.Requests = request.NewService(d, a.Audit, a.Keys, cal, a.Notify)
	a.Notify.Units = NotifyUnits(a.Requests)
	a.Certificates.Notify = inboxNotifier{a.Notify}
	a.Volunteers.Notify = inboxNotifier{a.Notify}
	if err := a.Requests.SeedCategories(SystemContext(ctx)); err != nil {
		slog.Error("request categories", "err", err)
	}
	a.RequestStats = stats.NewService(d)
	a.Measures.Register(stats.Measures...)
	a.Open311 = open311.NewService(a.Requests, a.Places)

	a.Care = care.NewService(d, a.Audit, a.Keys, CarePeople(a.Persons))
	a.Care.Requests = CareRequests(a.Requests)
	a.Care.Notify = inboxNotifier{a.Notify}
	a.Measures.Register(care.Measures...)
	a.Surveys = survey.NewService(d, a.Audit)
	a.Measures.Register(survey.Measures...)
	a.Ratings = rating.NewService(d, a.Audit)
	a.Ratings.Notify = inboxNotifier{a.Notify}
	registerRatingSubjects(a.Ratings, a.Facilities, a.Workers)

	// Emergencies: alerts reach residents and grid workers through the
	// outbox, the vulnerable people come from the people registry and the
	// shelters from the facility registry.
	a.Emergencies = emergency.NewService(d, a.Audit, upload.NewStore(d))
	a.Emergencies.People = emergencyPeople{a.Persons}
	a.Emergencies.Notify = emergencyNotifier{a.Notify}
	a.Emergencies.Shelters = emergencyShelters{a.Facilities}
	a.Communities.Emergencies = communityEmergencies{a.Emergencies}
	// The three lists read counts of the people registry, the registries'
	// resources and the recurring request categories.
	a.ResidentUnits = residentunit.NewService(d, a.Audit, a.Keys)
	a.ResidentUnits.Serves, a.ResidentUnits.ServesLabel = project.NeedKinds, "project.kind."
	a.Projects = project.NewService(d, a.Audit, a.Keys)
	a.Projects.People = projectPeople{a.Persons}
	a.Projects.Registries = projectRegistries{a.Facilities, a.Organizations, a.Volunteers, a.ResidentUnits}
	a.Projects.Requests = projectRequests{a.Requests}
	// 政务代办: deadlines on the requests' calendar (the same pointer, so
	// the reload job and a day added on the catalogue page reach it).
	a.Proxy = proxy.NewService(d, a.Audit, a.Keys, a.Requests.Calendar)
	a.Proxy.Notify = inboxNotifier{a.Notify}
	a.Proxy.Requests = proxyRequests{a.Requests}
	a.Requests.Onward = append(a.Requests.Onward, proxyOnward)
	a.Communities.Proxy = proxyCatalogue{a.Proxy}
	a.Measures.Register(proxy.Measures...)

	// Measures that follow the tree: facilities in relocation communities
	// follow the profiles; a division import may change a community's kind.
	a.Divisions.ProfileListeners = append(a.Divisions.ProfileListeners, func(ctx context.Context, code string) error {
		return a.Facilities.Refresh(ctx, code)
	})
	a.Divisions.RebuildListeners = append(a.Divisions.RebuildListeners, a.Facilities.RebuildMeasures,
		func(ctx context.Context) error { return a.Workers.Reconcile(ctx, false) })

	// Each role's home page is its work queue, slice by slice.
	a.homeSources = []HomeSource{a.Requests, a.Care, volunteerHome{a.Volunteers}, certificateHome{a.Certificates}, a.Proxy}
	// Residents' own sign-up, code sign-in and verification; codes go
	// out through the one SMS sender.
	a.Residents = resident.NewService(d, a.Users, a.Sessions, a.Audit, a.Keys, a.Divisions, a.SMS)
	a.Residents.Prefs = a.Notify
	a.Signups = residentSignups{a.Residents}
	a.Proxy.Accounts = proxyAccounts{a.Residents}
	// 好差评 of a 民生项目 and of a 代办件 (only its own resident sees one).
	a.Ratings.Register("project", subjectOf(a.Projects.RatingSubject))
	a.Ratings.Register("proxy_case", subjectOf(a.Proxy.RatingSubject))
	// The request form chooses its community with the division picker and
	// pre-fills a resident's own details.
	a.Requests.Places, a.Requests.Contacts = a.Divisions, residentContacts{a.Residents}
	// 在职党员报到: reads resident accounts as deliberation does, the
	// volunteers' hours and the resident units' names.
	a.PartyMembers = partymember.NewService(d, a.Audit, a.Keys, deliberationRegistry{a.Divisions, a.Residents, a.Users})
	a.PartyMembers.Hours, a.PartyMembers.Units = a.Volunteers, partyUnits{a.ResidentUnits}
	// 协商议事: reads the registries (profiles, verified residents, staff
	// accounts) and tells proposers in their inbox.
	a.Deliberation = deliberation.NewService(d, a.Audit, a.Keys, deliberationRegistry{a.Divisions, a.Residents, a.Users})
	a.Deliberation.Notify = inboxNotifier{a.Notify}
	a.homeSources = append(a.homeSources, deliberationHome{a.Deliberation})
	// A decision may start a 民生项目 of the three lists.
	a.Deliberation.Projects = a.Projects
	// People's mediation: mediators from the workers' roster, cases from
	// requests in a dispute category, shown on the request's page.
	a.Mediation = mediation.NewService(d, a.Audit, a.Keys)
	a.Mediation.Workers, a.Mediation.Requests = mediationWorkers{a.Workers}, mediationRequests{a.Requests}
	a.Requests.Cases = requestCases{a.Mediation}
	// 社区减负: departments are the request catalogue's units; proofs take
	// the certificates' numbering, PDF and public verification page.
	a.Burden = burden.NewService(d, a.Audit)
	a.Burden.Units, a.Burden.Residents, a.Burden.Printer = burdenUnits{a.Requests}, deliberationRegistry{a.Divisions, a.Residents, a.Users}, certificatePrinter{}
	a.Certificates.Others = append(a.Certificates.Others, proofVerifier{a.Burden})
	// The plan's task ledger: units are the request catalogue's handling
	// units; a unit's work items to report on are on its home page.
	a.Ledger = ledger.NewService(d, a.Audit, upload.NewStore(d))
	a.Ledger.Units = ledgerUnits{a.Requests}
	a.homeSources = append(a.homeSources, a.Ledger)
	// Grids and patrols: events found are filed as requests (channel
	// patrol), and the request's page links back to the patrol.
	a.Grids = grid.NewService(d, a.Audit, a.Keys)
	a.Grids.Requests = gridRequests{a.Requests}
	a.Requests.Onward = append(a.Requests.Onward, gridOnward(a.Grids))
	// 物业: property requests routed to the compound's company, ratings of
	// a compound's property service, the companies' yearly scores.
	a.Property = property.NewService(d, a.Audit, a.Keys)
	wireProperty(a.Property, a.Requests, a.RequestStats, a.Ratings, a.Residents)

	eng, err := indicator.NewEngine(d, a.Measures)
	if err != nil {
		return err
	}
	// The final evaluation reports the task ledger's special actions and
	// projects; the ledger's tasks belong to the indicator slice's periods.
	a.Indicators = &indicator.Service{DB: d, Engine: eng, Divisions: a.Divisions, Audit: a.Audit, Tasks: ledgerCompletion{a.Ledger}}
	a.Ledger.Periods = ledgerPeriods{a.Indicators}
	// The assessment of communities reads the indicators and the 三率.
	a.Assessments = assessment.NewService(d, a.Audit, upload.NewStore(d), assessmentSource{eng, a.RequestStats})
	// The 2021–2025 plan period, from the shipped plan file, once.
	return a.Indicators.SeedPlans(ctx)
}

// routes registers every slice's pages and API.
func (a *App) routes() {
	a.Web.Page("GET /{$}", a.home)
	a.Notify.RegisterWeb(a.Web)
	a.Notify.RegisterAPI(a.API)
	a.registerHomeAPI(a.API)
	account.Register(a.Web, a.Users, a.Sessions, a.Audit)
	a.Divisions.RegisterWeb(a.Web)
	a.Divisions.RegisterAPI(a.API)
	a.Divisions.RegisterRosterAPI(a.API)
	// The division picker (public: the sign-up page uses it).
	a.Divisions.RegisterPicker(a.Web, a.API)
	// Residents: sign-up, code sign-in, recovery, verification.
	a.Residents.RegisterWeb(a.Web)
	a.Residents.RegisterAPI(a.API, a.Web)
	// The auditor's pages and API.
	al := auditlog.New(a.Audit)
	al.RegisterWeb(a.Web)
	al.RegisterAPI(a.API)
	a.Indicators.RegisterWeb(a.Web)
	a.Indicators.RegisterAPI(a.API)
	a.Facilities.RegisterWeb(a.Web)
	a.Facilities.RegisterAPI(a.API)
	a.Organizations.RegisterWeb(a.Web)
	a.Organizations.RegisterAPI(a.API)
	a.Workers.RegisterWeb(a.Web)
	a.Workers.RegisterAPI(a.API)
	a.Persons.RegisterWeb(a.Web)
	a.Persons.RegisterAPI(a.API)
	a.Volunteers.RegisterWeb(a.Web)
	a.Volunteers.RegisterAPI(a.API)
	// Certificates: pages (the public verification page among them) and API.
	h := certificate.NewHandlers(a.Web, a.Certificates, a.Cfg.PublicURL)
	h.RegisterWeb()
	h.RegisterAPI(a.API)
	// Resident requests (接诉即办): intake, the dispatch catalogue,
	// handling, callbacks, ratings, appeals; the 三率; proactive alerts;
	// Open311.
	a.Requests.RegisterAPI(a.API)
	a.Requests.RegisterWeb(a.Web)
	a.RequestStats.RegisterWeb(a.Web)
	a.RequestStats.RegisterAPI(a.API)
	a.Requests.RegisterProactiveWeb(a.Web)
	a.Requests.RegisterProactiveAPI(a.API)
	a.Open311.Register(a.Web)
	a.Care.RegisterWeb(a.Web)
	a.Care.RegisterAPI(a.API)
	a.Communities.RegisterWeb(a.Web)
	a.Communities.RegisterAPI(a.API)
	a.Emergencies.RegisterWeb(a.Web)
	a.Emergencies.RegisterAPI(a.API)
	a.Deliberation.RegisterWeb(a.Web)
	a.Deliberation.RegisterAPI(a.API)
	a.Projects.RegisterWeb(a.Web)
	a.Projects.RegisterAPI(a.API)
	a.ResidentUnits.RegisterWeb(a.Web)
	a.ResidentUnits.RegisterAPI(a.API)
	a.PartyMembers.RegisterWeb(a.Web)
	a.PartyMembers.RegisterAPI(a.API)
	a.Mediation.RegisterWeb(a.Web)
	a.Property.RegisterWeb(a.Web, propertyUnitChoices(a.Requests))
	a.Property.RegisterAPI(a.API)
	a.Mediation.RegisterAPI(a.API)
	a.Proxy.RegisterWeb(a.Web)
	a.Proxy.RegisterAPI(a.API)
	a.Surveys.RegisterWeb(a.Web)
	a.Surveys.RegisterAPI(a.API)
	a.Ratings.RegisterWeb(a.Web)
	a.Ratings.RegisterAPI(a.API)
	a.Burden.RegisterWeb(a.Web, a.Cfg.PublicURL)
	a.Burden.RegisterAPI(a.API)
	a.Ledger.RegisterWeb(a.Web)
	a.Ledger.RegisterAPI(a.API)
	a.Assessments.RegisterWeb(a.Web)
	a.Assessments.RegisterAPI(a.API)
	a.Grids.RegisterWeb(a.Web)
	a.Grids.RegisterAPI(a.API)
}

// jobs registers the background jobs (leased, so one node runs each).
func (a *App) jobs() {
	a.Jobs.Every("sessions.purge", 10*time.Minute, func(ctx context.Context) error {
		n, err := a.Sessions.Purge(ctx)
		if n > 0 {
			slog.Info("purged expired sessions", "count", n)
		}
		if err != nil {
			return err
		}
		if _, err = account.PurgeSignInBuckets(ctx, a.DB, time.Now().Add(-time.Hour)); err != nil {
			return err
		}
		_, err = a.Users.PurgeSignInFailures(ctx)
		return err
	})
	// The audit chain's head, hourly, to the log and to the anchor file
	// when set: anchors kept where the database's administrators cannot
	// change them (`shequ audit verify --anchors`).
	a.Jobs.Every("audit.anchor", time.Hour, func(ctx context.Context) error {
		return a.Audit.Anchor(ctx, a.Cfg.AuditAnchorFile)
	})
	// This month's figures of every indicator down to townships, for the
	// trend charts; a node that was down catches up on its next run.
	a.Jobs.Every("indicator.snapshot", 6*time.Hour, func(ctx context.Context) error {
		_, err := a.Indicators.Snapshot(ctx)
		return err
	})
	// Last year's values of its plan period, frozen once (from December's
	// snapshots) and never recomputed.
	a.Jobs.Every("indicator.freeze", 6*time.Hour, func(ctx context.Context) error {
		return a.Indicators.FreezeLastYear(SystemContext(ctx))
	})
	// Measures across the date boundary: a membership or a time in post
	// that begins or ends today, a volunteer's 12 months of activity.
	a.Jobs.Every("person.date_boundary", time.Hour, func(ctx context.Context) error {
		return a.Persons.Reconcile(SystemContext(ctx), false)
	})
	a.Jobs.Every("worker.date_boundary", time.Hour, func(ctx context.Context) error {
		return a.Workers.Reconcile(SystemContext(ctx), false)
	})
	a.Jobs.Every("volunteer.active", 24*time.Hour, func(ctx context.Context) error {
		return a.Volunteers.RefreshActive(SystemContext(ctx))
	})
	a.Jobs.Every(request.DeadlineJob, 5*time.Minute, func(ctx context.Context) error {
		// Days another node added to the calendar count from here on.
		if err := a.Requests.Calendar.Reload(ctx, a.DB); err != nil {
			return err
		}
		_, err := a.Requests.RunDeadlines(SystemContext(ctx))
		return err
	})
	a.Jobs.Every(notify.OutboxJob, 15*time.Second, func(ctx context.Context) error {
		_, err := a.Notify.Deliver(SystemContext(ctx), 500)
		return err
	})
	// Each run reads the 三率 summary (a few thousand rows a month), so
	// the indicator engine is at most a minute behind the stats pages.
	a.Jobs.Every(stats.Job, time.Minute, func(ctx context.Context) error {
		n, err := a.RequestStats.SyncMeasures(SystemContext(ctx))
		if n > 0 {
			slog.Info("request stats measures updated", "changed", n)
		}
		return err
	})
	a.Jobs.Every("resident.codes_purge", time.Hour, func(ctx context.Context) error {
		_, err := a.Residents.PurgeCodes(ctx)
		return err
	})
	// Request categories that recur in a community raise needs.
	a.Jobs.Every(project.RecurringJob, 24*time.Hour, func(ctx context.Context) error {
		ids, err := a.Projects.RaiseRecurring(SystemContext(ctx), "", project.RecurringMin)
		if len(ids) > 0 {
			slog.Info("needs raised from recurring requests", "count", len(ids))
		}
		return err
	})
	// The coverage measure counts this year's cases: from New Year on,
	// the new year's values start from its own cases.
	a.Jobs.Every("proxy.year_boundary", time.Hour, func(ctx context.Context) error {
		return a.Proxy.Reconcile(SystemContext(ctx), false)
	})
	// Rounds past their last day close, and the communities they
	// surveyed count for satisfaction_survey_coverage.
	a.Jobs.Every(survey.CloseJob, time.Hour, func(ctx context.Context) error {
		_, err := a.Surveys.CloseDue(SystemContext(ctx))
		return err
	})
	a.Jobs.Every(care.JobName, time.Hour, func(ctx context.Context) error {
		_, err := a.Care.RunMonthly(SystemContext(ctx))
		return err
	})
}

// Handler is the whole HTTP handler.
func (a *App) Handler() http.Handler { return a.Web.Handler() }

// Serve runs the web server and the background jobs until ctx ends.
func (a *App) Serve(ctx context.Context, addr string, ready func(net.Addr)) error {
	return a.ServeTLS(ctx, addr, web.TLS{}, ready)
}

// ServeTLS is Serve over HTTPS when tls names a certificate and key.
func (a *App) ServeTLS(ctx context.Context, addr string, tls web.TLS, ready func(net.Addr)) error {
	jctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go a.Jobs.Run(jctx)
	return web.ServeTLS(ctx, addr, a.Handler(), tls, ready)
}

// Close closes the database.
func (a *App) Close() error { return a.DB.Close() }

// SystemContext is ctx acting as the system (the CLI and jobs).
func SystemContext(ctx context.Context) context.Context {
	return auth.With(ctx, auth.SystemPrincipal)
}

// Describe says where the data lives, for start-up logs.
func (a *App) Describe() string { return a.DB.Describe() }
