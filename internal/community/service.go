package community

import (
	"context"
	"strconv"
	"time"

	"shequ/internal/division"
	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/calendar"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

// Directory is what the page reads from other slices, adapted in
// internal/app: the community's facilities in use (the comprehensive one,
// its service hall, first), its workers in post (name and post only) and
// its profile's counts.
type Directory interface {
	Facilities(ctx context.Context, code string) ([]PageFacility, error)
	Staff(ctx context.Context, code string) ([]StaffMember, error)
	Counts(ctx context.Context, code string) (population, households int64, err error)
}

// Emergencies gives the page a community's emergency readiness (adapted
// in internal/app over the emergency slice); public facts only.
type Emergencies interface {
	Readiness(ctx context.Context, code string) (*Readiness, error)
}

// ProxyCatalogue lists the government services a community offers to
// handle for residents (政务代办), for its page: the proxy slice, adapted in
// internal/app; nil leaves the section out.
type ProxyCatalogue interface {
	ProxyServices(ctx context.Context, code string) ([]ProxyService, error)
}

// GridPost is the post of grid workers, listed apart on the page.
const GridPost = "grid_worker"

// Service holds the rules of the community slice.
type Service struct {
	DB        *db.DB
	Store     *Store
	Audit     *audit.Log
	Directory Directory
	// Emergencies, when set, adds the emergency plan's version and the
	// shelters to the page.
	Emergencies Emergencies
	// Proxy, when set, lists the 政务代办 services the community offers.
	Proxy ProxyCatalogue
	Now   func() time.Time
}

// NewService makes the service; dir may be set later (wiring).
func NewService(d *db.DB, a *audit.Log, dir Directory) *Service {
	return &Service{DB: d, Store: &Store{DB: d}, Audit: a, Directory: dir, Now: time.Now}
}

func (s *Service) today() string { return s.Now().In(calendar.China).Format(DateLayout) }

// Today is the date in China, as notices' dates are compared.
func (s *Service) Today() string { return s.today() }

// Page gathers the community page: anyone may read it. Errors: ENOTFOUND
// (not a community).
func (s *Service) Page(ctx context.Context, code string) (*CommunityPage, error) {
	if !division.ValidCode(code) {
		return nil, errs.NotFound("community.not_found", code)
	}
	name, path, err := s.Store.community(ctx, code)
	if err != nil {
		return nil, err
	}
	p := &CommunityPage{Code: code, Name: name, Workers: []StaffMember{}, GridWorkers: []StaffMember{}, Facilities: []PageFacility{}}
	for _, n := range path {
		p.Path += n
	}
	p.Path += name
	if p.Notices, p.MoreNotices, err = s.Store.currentNotices(ctx, code, s.today(), NoticePage, 0); err != nil {
		return nil, err
	}
	if p.Catalogue, err = s.Store.catalogue(ctx, code); err != nil {
		return nil, err
	}
	if s.Proxy != nil {
		if p.Proxy, err = s.Proxy.ProxyServices(ctx, code); err != nil {
			return nil, err
		}
	}
	phone, version, err := s.Store.hall(ctx, code)
	if err != nil {
		return nil, err
	}
	if s.Directory != nil {
		if p.Population, p.Households, err = s.Directory.Counts(ctx, code); err != nil {
			return nil, err
		}
		fs, err := s.Directory.Facilities(ctx, code)
		if err != nil {
			return nil, err
		}
		if len(fs) > 0 && isHall(fs[0].Kind) {
			p.Hall = &ServiceHall{Name: fs[0].Name, Address: fs[0].Address, Hours: fs[0].Hours}
		}
		p.Facilities = append(p.Facilities, fs...)
		staff, err := s.Directory.Staff(ctx, code)
		if err != nil {
			return nil, err
		}
		for _, w := range staff {
			if w.Post == GridPost {
				p.GridWorkers = append(p.GridWorkers, w)
			} else {
				p.Workers = append(p.Workers, w)
			}
		}
	}
	if s.Emergencies != nil {
		if p.Emergency, err = s.Emergencies.Readiness(ctx, code); err != nil {
			return nil, err
		}
	}
	if p.Hall == nil && (phone != "" || version > 0) {
		p.Hall = &ServiceHall{Name: name}
	}
	if p.Hall != nil {
		p.Hall.Phone, p.Hall.Version = phone, version
	}
	if p.Notices == nil {
		p.Notices = []Notice{}
	}
	if p.Catalogue == nil {
		p.Catalogue = []CatalogueItem{}
	}
	return p, nil
}

// isHall: the comprehensive facility is the community's service hall.
func isHall(kind string) bool {
	return kind == "comprehensive" || kind == "party_public_service_centre"
}

// NoticesFor returns up to limit notices a community shows today, newest
// first: the resident's home page reads them. Anyone may read them.
// Errors: ENOTFOUND.
func (s *Service) NoticesFor(ctx context.Context, communityCode string, limit int) ([]Notice, error) {
	n, _, err := s.CurrentNotices(ctx, communityCode, 1, limit)
	return n, err
}

// CurrentNotices returns one page of the notices a community shows today.
// Errors: ENOTFOUND.
func (s *Service) CurrentNotices(ctx context.Context, code string, page, perPage int) ([]Notice, bool, error) {
	if !division.ValidCode(code) {
		return nil, false, errs.NotFound("community.not_found", code)
	}
	if _, _, err := s.Store.community(ctx, code); err != nil {
		return nil, false, err
	}
	page, perPage = Paging(page, perPage)
	return s.Store.currentNotices(ctx, code, s.today(), perPage, (page-1)*perPage)
}

// ListNotices returns one page of the notices at or under a division in
// the caller's area, withdrawn and past ones too. Errors: EINVALID,
// EFORBIDDEN.
func (s *Service) ListNotices(ctx context.Context, f NoticeFilter) ([]Notice, bool, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, false, err
	}
	var bad errs.Fields
	if f.Division != "" && !division.ValidCode(f.Division) {
		bad.Add("division", "community.code_format")
	}
	if f.Kind != "" && !contains(Kinds, f.Kind) {
		bad.Add("kind", "error.one_of", "announcement, public_notice")
	}
	if f.Status != "" && !contains(Statuses, f.Status) {
		bad.Add("status", "error.one_of", "published, withdrawn")
	}
	if err := bad.Err(); err != nil {
		return nil, false, err
	}
	f.Page, f.PerPage = Paging(f.Page, f.PerPage)
	return s.Store.listNotices(ctx, f, s.today())
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// GetNotice returns a notice in the caller's area; one outside answers
// ENOTFOUND and the refusal is audited. Errors: ENOTFOUND, EFORBIDDEN.
func (s *Service) GetNotice(ctx context.Context, id int64) (*Notice, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, err
	}
	return s.getNotice(ctx, id, "community.notice.read")
}

func (s *Service) getNotice(ctx context.Context, id int64, action string) (*Notice, error) {
	n, err := s.Store.getNotice(ctx, id, s.today())
	return n, s.Audit.RefusedOutside(ctx, err, action, "community_notice", id, s.Store.noticeExists)
}

func flatNotice(n *Notice) map[string]string {
	return map[string]string{"division_code": n.DivisionCode, "kind": n.Kind, "title": n.Title, "body": n.Body,
		"starts_on": n.StartsOn, "ends_on": n.EndsOn, "status": n.Status}
}

// checkCommunity adds a field error unless code is a community in the
// caller's area.
func (s *Service) checkCommunity(ctx context.Context, code string, bad *errs.Fields) error {
	if code == "" {
		return nil
	}
	level, _, err := s.Store.division(ctx, code)
	switch {
	case errs.Code(err) == errs.ENOTFOUND:
		bad.Add("division_code", "community.division_not_found", code)
	case err != nil:
		return err
	case level != division.Community:
		bad.Add("division_code", "community.not_a_community")
	}
	return nil
}

// CreateNotice publishes a notice of a community in the caller's area.
// Errors: EINVALID, EFORBIDDEN.
func (s *Service) CreateNotice(ctx context.Context, p NoticePatch) (*Notice, error) {
	if _, err := auth.Require(ctx, EditRoles...); err != nil {
		return nil, err
	}
	var id int64
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		n := p.apply(Notice{}, s.today())
		bad := n.validate()
		if err := s.checkCommunity(ctx, n.DivisionCode, &bad); err != nil {
			return err
		}
		if err := bad.Err(); err != nil {
			return err
		}
		now := s.Now().UTC().Truncate(time.Microsecond)
		var err error
		if id, err = s.Store.insertNotice(ctx, &n, auth.From(ctx).Name, now); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "community.notice.create", ObjectType: "community_notice", ObjectID: strconv.FormatInt(id, 10),
			Detail: map[string]any{"after": flatNotice(&n)}})
	})
	if err != nil {
		return nil, err
	}
	return s.GetNotice(ctx, id)
}

// UpdateNotice changes a notice; status withdrawn takes it down. A notice
// stays at its community. Errors: EINVALID, ECONFLICT, ENOTFOUND, EFORBIDDEN.
func (s *Service) UpdateNotice(ctx context.Context, id int64, p NoticePatch) (*Notice, error) {
	if _, err := auth.Require(ctx, EditRoles...); err != nil {
		return nil, err
	}
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		before, err := s.getNotice(ctx, id, "community.notice.update")
		if err != nil {
			return err
		}
		if p.Version != nil && *p.Version != before.Version {
			return errs.Conflict("error.conflict")
		}
		after := p.apply(*before, s.today())
		bad := after.validate()
		if after.DivisionCode != before.DivisionCode {
			bad.Add("division_code", "community.notice_moves")
		}
		if err := bad.Err(); err != nil {
			return err
		}
		b, a := audit.Changes(flatNotice(before), flatNotice(&after))
		if len(a) == 0 {
			return nil
		}
		if err := s.Store.updateNotice(ctx, &after, before.Version, auth.From(ctx).Name, s.Now().UTC().Truncate(time.Microsecond)); err != nil {
			return err
		}
		action := "community.notice.update"
		if before.Status == Published && after.Status == Withdrawn {
			action = "community.notice.withdraw"
		}
		return s.Audit.Write(ctx, audit.Entry{Action: action, ObjectType: "community_notice", ObjectID: strconv.FormatInt(id, 10),
			Detail: map[string]any{"before": b, "after": a}})
	})
	if err != nil {
		return nil, err
	}
	return s.GetNotice(ctx, id)
}

// WithdrawNotice takes a notice down. Errors as UpdateNotice.
func (s *Service) WithdrawNotice(ctx context.Context, id int64, version *int) (*Notice, error) {
	st := Withdrawn
	return s.UpdateNotice(ctx, id, NoticePatch{Status: &st, Version: version})
}

// Catalogue returns the published catalogue of a community: its own items,
// then those its township and county keep. Anyone may read it. Errors:
// ENOTFOUND.
func (s *Service) Catalogue(ctx context.Context, code string) ([]CatalogueItem, error) {
	if !division.ValidCode(code) {
		return nil, errs.NotFound("community.not_found", code)
	}
	if _, _, err := s.Store.community(ctx, code); err != nil {
		return nil, err
	}
	return s.Store.catalogue(ctx, code)
}

// Items returns every item kept at one division in the caller's area
// (a community, or a township or county whose communities inherit them),
// withdrawn ones too. Errors: ENOTFOUND, EFORBIDDEN.
func (s *Service) Items(ctx context.Context, code string) ([]CatalogueItem, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, err
	}
	if _, _, err := s.Store.division(ctx, code); err != nil {
		return nil, err
	}
	return s.Store.items(ctx, code)
}

// GetItem returns a catalogue item in the caller's area. Errors: ENOTFOUND, EFORBIDDEN.
func (s *Service) GetItem(ctx context.Context, id int64) (*CatalogueItem, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, err
	}
	return s.getItem(ctx, id, "community.item.read")
}

func (s *Service) getItem(ctx context.Context, id int64, action string) (*CatalogueItem, error) {
	it, err := s.Store.getItem(ctx, id)
	return it, s.Audit.RefusedOutside(ctx, err, action, "catalogue_item", id, s.Store.itemExists)
}

func flatItem(it *CatalogueItem) map[string]string {
	return map[string]string{"division_code": it.DivisionCode, "name": it.Name, "details": it.Description,
		"materials": it.Materials, "times": it.ServiceHours, "venue": it.Place, "status": it.Status}
}

// CreateItem adds a catalogue item at a community, or at a township or
// county for all its communities, in the caller's area. Errors: EINVALID,
// EFORBIDDEN.
func (s *Service) CreateItem(ctx context.Context, p ItemPatch) (*CatalogueItem, error) {
	if _, err := auth.Require(ctx, EditRoles...); err != nil {
		return nil, err
	}
	var id int64
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		it := p.apply(CatalogueItem{})
		bad := it.validate()
		if it.DivisionCode != "" {
			level, _, err := s.Store.division(ctx, it.DivisionCode)
			switch {
			case errs.Code(err) == errs.ENOTFOUND:
				bad.Add("division_code", "community.division_not_found", it.DivisionCode)
			case err != nil:
				return err
			case level < division.County:
				bad.Add("division_code", "community.catalogue_level")
			}
		}
		if err := bad.Err(); err != nil {
			return err
		}
		var err error
		if id, err = s.Store.insertItem(ctx, &it, auth.From(ctx).Name, s.Now().UTC().Truncate(time.Microsecond)); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "community.item.create", ObjectType: "catalogue_item", ObjectID: strconv.FormatInt(id, 10),
			Detail: map[string]any{"after": flatItem(&it)}})
	})
	if err != nil {
		return nil, err
	}
	return s.GetItem(ctx, id)
}

// UpdateItem changes a catalogue item; status withdrawn takes it out of
// the catalogue. Errors: EINVALID, ECONFLICT, ENOTFOUND, EFORBIDDEN.
func (s *Service) UpdateItem(ctx context.Context, id int64, p ItemPatch) (*CatalogueItem, error) {
	if _, err := auth.Require(ctx, EditRoles...); err != nil {
		return nil, err
	}
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		before, err := s.getItem(ctx, id, "community.item.update")
		if err != nil {
			return err
		}
		if p.Version != nil && *p.Version != before.Version {
			return errs.Conflict("error.conflict")
		}
		after := p.apply(*before)
		bad := after.validate()
		if after.DivisionCode != before.DivisionCode {
			bad.Add("division_code", "community.notice_moves")
		}
		if err := bad.Err(); err != nil {
			return err
		}
		b, a := audit.Changes(flatItem(before), flatItem(&after))
		if len(a) == 0 {
			return nil
		}
		if err := s.Store.updateItem(ctx, &after, before.Version, auth.From(ctx).Name, s.Now().UTC().Truncate(time.Microsecond)); err != nil {
			return err
		}
		action := "community.item.update"
		if before.Status == Published && after.Status == Withdrawn {
			action = "community.item.withdraw"
		}
		return s.Audit.Write(ctx, audit.Entry{Action: action, ObjectType: "catalogue_item", ObjectID: strconv.FormatInt(id, 10),
			Detail: map[string]any{"before": b, "after": a}})
	})
	if err != nil {
		return nil, err
	}
	return s.GetItem(ctx, id)
}

// SaveHallPhone keeps the service hall's work phone of a community in the
// caller's area; version is the one read (0 before any). Errors:
// EINVALID, ECONFLICT, ENOTFOUND, EFORBIDDEN.
func (s *Service) SaveHallPhone(ctx context.Context, code, phone string, version int) error {
	if _, err := auth.Require(ctx, EditRoles...); err != nil {
		return err
	}
	phone = trimPhone(phone)
	if !validPhone(phone) {
		return errs.Invalid(errs.Field("phone", "community.phone_format"))
	}
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		level, _, err := s.Store.division(ctx, code)
		if err != nil {
			return err
		}
		if level != division.Community {
			return errs.Invalid(errs.Field("division_code", "community.not_a_community"))
		}
		before, stored, err := s.Store.hall(ctx, code)
		if err != nil {
			return err
		}
		if stored != version {
			return errs.Conflict("error.conflict")
		}
		if before == phone && stored > 0 {
			return nil
		}
		if err := s.Store.saveHall(ctx, code, phone, version, auth.From(ctx).Name, s.Now().UTC().Truncate(time.Microsecond)); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "community.hall.update", ObjectType: "division", ObjectID: code,
			Detail: map[string]any{"before": map[string]string{"phone": before}, "after": map[string]string{"phone": phone}}})
	})
}

func trimPhone(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		if r != ' ' && r != '\t' {
			out = append(out, r)
		}
	}
	return string(out)
}

// validPhone accepts a work number: digits with an optional area code
// hyphen and extension, such as 0318-2345678 or 0318-2345678-801.
func validPhone(s string) bool {
	if s == "" {
		return true
	}
	if len(s) > maxPhone {
		return false
	}
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '-':
		default:
			return false
		}
	}
	return digits >= 7
}
