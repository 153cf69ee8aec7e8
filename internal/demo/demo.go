// Package demo builds the demonstration database: the real divisions of
// 衡水市, synthetic but plausible community profiles, and one account per
// role whose passwords are printed at every start.
package demo

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"shequ/data"
	"shequ/internal/community"
	"shequ/internal/division"
	"shequ/internal/emergency"
	"shequ/internal/indicator"
	"shequ/internal/ledger"
	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
	"shequ/internal/project"
	"shequ/internal/residentunit"
)

// CensusPopulation is 衡水市's resident population in the 2020 census; the
// synthetic profiles sum to it.
const CensusPopulation = 4_212_933

// Account is a demo account.
type Account struct {
	Name     string
	Role     auth.Role
	Area     string
	AreaName string
	Password string
}

// Builder builds or reuses the demo.
type Builder struct {
	DB        *db.DB
	Divisions *division.Service
	Users     *auth.Users
	Audit     *audit.Log
	// Indicators, when set, gets a year of monthly snapshots for the trend
	// charts.
	Indicators *indicator.Service
	// Emergencies, when set (the app's, wired to the outbox and the people
	// registry), gets the demo community's plans, drills and an alert.
	Emergencies *emergency.Service
	// Ledger, when set (the app's, reading the request catalogue's
	// units), gets the 2021–2025 plan's special actions and projects.
	Ledger *ledger.Service
	// Projects and ResidentUnits, when set (the app's, the three lists
	// reading the units' resources through their Registries), get the
	// three lists and the resident units; otherwise both are built here
	// and the lists' matches see no registry.
	Projects      *project.Service
	ResidentUnits *residentunit.Service
	DataDir       string
	Out           io.Writer // progress
	// Progress redraws a counter in place; for terminals only.
	Progress bool
}

// AccountsFile is where the demo accounts' passwords are kept, 0600.
func (b *Builder) AccountsFile() string { return filepath.Join(b.DataDir, "demo-accounts.txt") }

// Ensure builds the demo on an empty database and returns the accounts; on
// a database that has it already, it reads the accounts back.
func (b *Builder) Ensure(ctx context.Context) ([]Account, bool, error) {
	ctx = auth.With(ctx, auth.SystemPrincipal)
	n, err := b.Users.Count(ctx)
	if err != nil {
		return nil, false, err
	}
	if n > 0 {
		accs, err := readAccounts(b.AccountsFile())
		return accs, false, err
	}
	accs, err := b.build(ctx)
	return accs, true, err
}

func (b *Builder) say(format string, args ...any) {
	if b.Out != nil {
		fmt.Fprintf(b.Out, format, args...)
	}
}

func (b *Builder) build(ctx context.Context) ([]Account, error) {
	start := time.Now()
	dn := b.divisionCount(ctx)
	if dn == 0 {
		f, err := data.FS.Open("divisions/hengshui.csv")
		if err != nil {
			return nil, err
		}
		defer f.Close()
		// The measures are rebuilt once, with the profiles, below.
		res, err := b.Divisions.ImportCSVDeferMeasures(ctx, f, func(done, total int) {
			if b.Progress {
				b.say("\rimporting 衡水市 divisions… %d/%d", done, total)
			}
		})
		if err != nil {
			return nil, err
		}
		if b.Progress {
			b.say("\r\033[K")
		}
		b.say("imported %d divisions of 衡水市 (%.1fs)\n", res.Rows, time.Since(start).Seconds())
	}
	comms, err := b.Divisions.Store.Communities(ctx)
	if err != nil {
		return nil, err
	}
	profiles := Profiles(comms, CensusPopulation, 2026)
	b.say("writing %d community profiles… ", len(profiles))
	phase := time.Now()
	now := phase.UTC().Truncate(time.Microsecond)
	err = b.DB.WithTx(ctx, func(ctx context.Context) error {
		if err := b.Divisions.Store.InsertProfiles(ctx, profiles, "demo", now); err != nil {
			return err
		}
		if err := b.Divisions.RebuildMeasures(ctx); err != nil {
			return err
		}
		return b.Audit.Write(ctx, audit.Entry{Action: "demo.profiles", ObjectType: "division", ObjectID: "*", Detail: map[string]int{"profiles": len(profiles)}})
	})
	if err != nil {
		return nil, err
	}
	b.say("done (%.1fs)\n", time.Since(phase).Seconds())
	if err := b.facilities(ctx, comms); err != nil {
		return nil, err
	}
	if err := b.workersAndOrganizations(ctx, comms); err != nil {
		return nil, err
	}
	if err := b.persons(ctx, comms); err != nil {
		return nil, err
	}
	if err := b.volunteers(ctx, comms); err != nil {
		return nil, err
	}
	accs, err := b.accounts(ctx, comms)
	if err != nil {
		return nil, err
	}
	if err := b.residentVolunteer(ctx); err != nil {
		return nil, err
	}
	// The demo accounts' community has notices, a catalogue and a hall
	// phone on its page.
	for _, a := range accs {
		if a.Role == auth.Resident {
			if err := SeedCommunityPage(ctx, community.NewService(b.DB, b.Audit, nil), a.Area); err != nil {
				return nil, err
			}
			if err := b.SeedDeliberation(ctx, a.Area); err != nil {
				return nil, err
			}
			if err := b.mediation(ctx, a.Area); err != nil {
				return nil, err
			}
			if err := b.grids(ctx, a.Area); err != nil {
				return nil, err
			}
		}
	}
	if err := b.emergencies(ctx, accs); err != nil {
		return nil, err
	}
	if err := b.proxyCases(ctx, accs); err != nil {
		return nil, err
	}
	if err := b.surveys(ctx, comms, accs); err != nil {
		return nil, err
	}
	if err := b.visits(ctx); err != nil {
		return nil, err
	}
	if err := b.requests(ctx, comms); err != nil {
		return nil, err
	}
	if err := b.projects(ctx, comms); err != nil {
		return nil, err
	}
	if err := b.burdenLists(ctx, accs); err != nil {
		return nil, err
	}
	if err := b.ledger(ctx); err != nil {
		return nil, err
	}
	if err := b.indicatorHistory(ctx); err != nil {
		return nil, err
	}
	if err := writeAccounts(b.AccountsFile(), accs); err != nil {
		return nil, err
	}
	b.say("demo built in %.1fs\n", time.Since(start).Seconds())
	return accs, nil
}

// accounts creates one account per role: city-wide roles at the city, the
// others down one branch of the tree.
func (b *Builder) accounts(ctx context.Context, comms []division.Division) ([]Account, error) {
	if len(comms) == 0 {
		return nil, errs.Invalid(errs.Field("divisions", "demo.no_communities"))
	}
	// The first urban community, so the six-part structure shows; its
	// township and county give the other areas.
	c := comms[0]
	for _, x := range comms {
		if x.Kind == "urban" {
			c = x
			break
		}
	}
	township := division.ParentOf(c.Code, division.Community)
	county := division.ParentOf(township, division.Township)
	city := division.ParentOf(county, division.County)
	plan := []struct {
		role auth.Role
		area string
	}{
		{auth.Admin, city}, {auth.Auditor, city}, {auth.CityStaff, city}, {auth.CountyStaff, county},
		{auth.TownshipStaff, township}, {auth.CommunityWorker, c.Code}, {auth.GridWorker, c.Code},
		{auth.HandlingUnit, county}, {auth.Resident, c.Code},
	}
	var out []Account
	for _, p := range plan {
		name := "demo-" + strings.ReplaceAll(string(p.role), "_", "-")
		pw := auth.GeneratePassword()
		if _, err := b.Users.Create(ctx, auth.UserInput{Name: name, DisplayName: name, Role: p.role, AreaCode: p.area,
			Password: pw, Demo: true}); err != nil {
			return nil, fmt.Errorf("create %s: %w", name, err)
		}
		d, err := b.Divisions.Store.Get(ctx, p.area)
		if err != nil {
			return nil, err
		}
		out = append(out, Account{Name: name, Role: p.role, Area: p.area, AreaName: d.Name, Password: pw})
		if err := b.Audit.Write(ctx, audit.Entry{Action: "user.create", ObjectType: "user", ObjectID: name,
			Detail: map[string]string{"role": string(p.role), "area": p.area, "demo": "true"}}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func writeAccounts(path string, accs []Account) error {
	var sb strings.Builder
	sb.WriteString("# shequ demo accounts: name role area password\n")
	for _, a := range accs {
		fmt.Fprintf(&sb, "%s\t%s\t%s\t%s\t%s\n", a.Name, a.Role, a.Area, a.AreaName, a.Password)
	}
	return os.WriteFile(path, []byte(sb.String()), 0o600)
}

func readAccounts(path string) ([]Account, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("this database has accounts but %s is missing; is it a demo database? %w", path, err)
	}
	defer f.Close()
	var out []Account
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
			continue
		}
		p := strings.Split(line, "\t")
		if len(p) != 5 {
			continue
		}
		out = append(out, Account{Name: p[0], Role: auth.Role(p[1]), Area: p[2], AreaName: p[3], Password: p[4]})
	}
	return out, sc.Err()
}

// Print writes the accounts as a table.
func Print(w io.Writer, url string, accs []Account) {
	fmt.Fprintf(w, "\nshequ demo is serving at %s\n\n", url)
	fmt.Fprintf(w, "%-22s %-18s %-14s %s\n", "account", "role", "area", "password")
	for _, a := range accs {
		fmt.Fprintf(w, "%-22s %-18s %-14s %s   (%s)\n", a.Name, a.Role, a.Area, a.Password, a.AreaName)
	}
	fmt.Fprintln(w)
}

var (
	surnames = []rune("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文")
	given    = []rune("建国立华明伟芳秀英志强海军红霞文静丽敏磊洋勇艳杰娟涛超平刚桂兰玉凤春梅俊峰辉鹏飞宇晨新利东亮云龙金凤振兴永庆淑珍")
)

func personName(r *rand.Rand) string {
	n := string(surnames[r.IntN(len(surnames))]) + string(given[r.IntN(len(given))])
	if r.IntN(3) > 0 {
		n += string(given[r.IntN(len(given))])
	}
	return n
}

// Profiles makes synthetic profiles whose populations sum to total: urban
// communities larger than villages, households of 2.6 to 3.3 people, floor
// areas from households, organisations present as often as the plan's
// baseline suggests. The same seed gives the same profiles.
func Profiles(comms []division.Division, total int64, seed uint64) []division.Profile {
	r := rand.New(rand.NewPCG(seed, seed^0x5eed))
	weights := make([]float64, len(comms))
	var sum float64
	for i, c := range comms {
		base := 1.0
		switch c.Kind {
		case "urban":
			base = 9
		case "other":
			base = 2
		}
		// Lognormal spread around the base.
		weights[i] = base * math.Exp(r.NormFloat64()*0.45)
		sum += weights[i]
	}
	out := make([]division.Profile, len(comms))
	var assigned int64
	for i, c := range comms {
		pop := int64(math.Round(float64(total) * weights[i] / sum))
		if i == len(comms)-1 {
			pop = total - assigned
		}
		assigned += pop
		p := division.Profile{Code: c.Code, Population: pop}
		p.Households = int64(float64(pop) / (2.6 + r.Float64()*0.7))
		urban := c.Kind == "urban"
		if urban {
			p.UrbanPopulation = pop - int64(float64(pop)*r.Float64()*0.03)
			p.BuildingArea = math.Round(float64(p.Households) * (75 + r.Float64()*40))
			p.CommercialArea = math.Round(p.BuildingArea * (0.03 + r.Float64()*0.10))
		} else {
			p.UrbanPopulation = int64(float64(pop) * r.Float64() * 0.2)
			p.BuildingArea = math.Round(float64(p.Households) * (95 + r.Float64()*60))
			p.CommercialArea = math.Round(p.BuildingArea * (0.005 + r.Float64()*0.04))
			p.Relocation = r.Float64() < 0.02
		}
		p.Broadband = urban || r.Float64() < 0.985
		p.Has5G = urban || r.Float64() < 0.72
		p.Organisations = organisations(r, c)
		out[i] = p
	}
	return out
}

func organisations(r *rand.Rand, c division.Division) []division.Organisation {
	odds := map[string]float64{
		"party_branch": 1, "residents_committee": 1, "villagers_committee": 1, "service_station": 0.9,
		"owners_committee": 0.55, "property_management": 0.7, "building_steward": 0.8,
		"village_affairs_supervision": 0.97, "economic_cooperative": 0.85,
	}
	suffix := map[string]string{
		"party_branch": "党支部", "residents_committee": "居民委员会", "villagers_committee": "村民委员会",
		"service_station": "综合服务站", "owners_committee": "业主委员会", "property_management": "物业服务中心",
		"building_steward": "楼门长队伍", "village_affairs_supervision": "村务监督委员会", "economic_cooperative": "股份经济合作社",
	}
	short := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(c.Name, "村民委员会"), "居民委员会"), "社区居委会")
	var out []division.Organisation
	for _, part := range division.PartsFor(c.Kind) {
		if r.Float64() < odds[part] {
			out = append(out, division.Organisation{Part: part, Name: short + suffix[part], Head: personName(r)})
		}
	}
	return out
}
