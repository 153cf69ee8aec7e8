package resident

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"log/slog"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"shequ/internal/division"
	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/pii"
	"shequ/internal/platform/ratelimit"
	"shequ/internal/platform/sms"
)

// Service holds the rules of residents' sign-up, code sign-in, recovery
// and verification.
type Service struct {
	DB        *db.DB
	Store     *Store
	Users     *auth.Users
	Sessions  *auth.Sessions
	Audit     *audit.Log
	Keys      *pii.Ring
	Divisions *division.Service
	SMS       sms.Sender
	// Prefs keeps a resident's choice of SMS for their messages (nil: the
	// choice is not offered).
	Prefs SMSPrefs
	// PerPhone and PerClient limit the codes sent to one number and asked
	// for from one address.
	PerPhone  *ratelimit.Limiter
	PerClient *ratelimit.Limiter
	Now       func() time.Time
}

// NewService makes the service.
func NewService(d *db.DB, users *auth.Users, sessions *auth.Sessions, a *audit.Log, keys *pii.Ring, divs *division.Service, sender sms.Sender) *Service {
	return &Service{DB: d, Store: &Store{DB: d}, Users: users, Sessions: sessions, Audit: a, Keys: keys, Divisions: divs, SMS: sender,
		PerPhone: ratelimit.New(d, CodesPerPhone, CodeWindow), PerClient: ratelimit.New(d, CodesPerClient, CodeWindow), Now: time.Now}
}

func (s *Service) now() time.Time { return s.Now().UTC().Truncate(time.Microsecond) }

// anonymous is the principal of someone not signed in, for the audit log.
func anonymous(ctx context.Context, phone, client string) context.Context {
	return auth.With(ctx, &auth.Principal{Name: sms.Mask(phone), Role: "anonymous", Client: client})
}

// phoneIndex is the blind index of a normalised number (the same keyed
// index the registries use for exact searches).
func (s *Service) phoneIndex(phone string) string { return s.Keys.Index(phone) }

// codeHash is a keyed hash of a code, bound to its number and purpose:
// without the key a stolen table does not give the codes away.
func (s *Service) codeHash(phoneIdx, purpose, code string) string {
	return s.Keys.Index("sms-code:" + purpose + ":" + phoneIdx + ":" + code)
}

// newCode draws a uniform 6-digit code.
func newCode() string {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		panic(err)
	}
	s := strconv.FormatInt(n.Int64(), 10)
	return strings.Repeat("0", CodeDigits-len(s)) + s
}

// SendCode sends a one-time code for purpose to phone, from client. The
// answer is the same whether or not the number has an account: for a
// sign-up of a number that has one, the message says so instead of carrying
// a code; for a sign-in or recovery of a number that has none, nothing is
// sent. Errors: EINVALID (number, purpose), ETOOMANY (this number or this
// address asked too often).
func (s *Service) SendCode(ctx context.Context, client, phone, purpose string) error {
	phone = NormalPhone(phone)
	var f errs.Fields
	if phone == "" {
		f.Add("phone", "resident.phone_format")
	}
	if !slices.Contains(Purposes, purpose) {
		f.Add("purpose", "error.one_of", strings.Join(Purposes, ", "))
	}
	if err := f.Err(); err != nil {
		return err
	}
	idx := s.phoneIndex(phone)
	var msg *sms.Message
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		actx := anonymous(ctx, phone, client)
		ok, err := s.PerClient.Take(ctx, "resident.code:client:"+client)
		if err != nil {
			return err
		}
		if ok {
			ok, err = s.PerPhone.Take(ctx, "resident.code:phone:"+idx)
		}
		if err != nil {
			return err
		}
		if !ok {
			_ = s.Audit.WriteAlone(actx, audit.Entry{Action: "resident.code", ObjectType: "phone", ObjectID: sms.Mask(phone),
				Result: audit.Denied, Detail: map[string]string{"purpose": purpose, "reason": "rate limit"}})
			return errs.E(errs.ETOOMANY, "error.too_many")
		}
		_, registered, err := s.Store.UserByPhone(ctx, idx)
		if err != nil {
			return err
		}
		lang := i18n.From(ctx)
		switch {
		case purpose == PurposeSignUp && registered:
			msg = &sms.Message{Phone: phone, Template: "signup_registered", Text: i18n.T(lang, "resident.sms_registered")}
		case purpose != PurposeSignUp && !registered:
			// Nothing to send: no account to sign in to.
		default:
			code, now := newCode(), s.now()
			if err := s.Store.PutCode(ctx, idx, purpose, s.codeHash(idx, purpose, code), now, now.Add(CodeValidFor)); err != nil {
				return err
			}
			msg = &sms.Message{Phone: phone, Template: "signup_code", Params: map[string]string{"code": code},
				Text: i18n.T(lang, "resident.sms_code", code, int(CodeValidFor/time.Minute))}
		}
		return s.Audit.Write(actx, audit.Entry{Action: "resident.code", ObjectType: "phone", ObjectID: sms.Mask(phone),
			Detail: map[string]string{"purpose": purpose}})
	})
	if err != nil {
		return err
	}
	if msg != nil {
		// A failed send is logged, not told: the answer must not depend on
		// the number. The resident asks again after a minute.
		if err := s.SMS.Send(ctx, *msg); err != nil {
			slog.Error("resident: sms not sent", "to", sms.Mask(phone), "template", msg.Template, "err", err)
		}
	}
	return nil
}

// checkCode uses up phone's code for purpose if code is it. A wrong code
// counts against the code's tries (committed even though the caller goes
// no further); a code past its time or its tries is refused like a wrong
// one. Errors: EINVALID on field code.
func (s *Service) checkCode(ctx context.Context, idx, purpose, code string) error {
	good := false
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		c, ok, err := s.Store.Code(ctx, idx, purpose)
		if err != nil || !ok {
			return err
		}
		if c.Tries >= CodeTries || !s.now().Before(c.ExpiresAt) {
			return s.Store.DeleteCode(ctx, idx, purpose)
		}
		if !hmac.Equal([]byte(c.Hash), []byte(s.codeHash(idx, purpose, code))) {
			return s.Store.CountTry(ctx, idx, purpose)
		}
		good = true
		return s.Store.DeleteCode(ctx, idx, purpose)
	})
	if err != nil {
		return err
	}
	if !good {
		return errs.Invalid(errs.Field("sms_code", "resident.code_wrong"))
	}
	return nil
}

// newName makes a login name for a resident: "r" and 10 random digits,
// not derived from the number.
func newName() string {
	var b strings.Builder
	b.WriteString("r")
	for range 10 {
		n, _ := rand.Int(rand.Reader, big.NewInt(10))
		b.WriteByte(byte('0' + n.Int64()))
	}
	return b.String()
}

// signUpPrincipal creates the account: the system acting for the sign-up
// page, in its one transaction.
var signUpPrincipal = &auth.Principal{Name: "self-signup", Role: auth.System}

// SignUp creates a resident's account from a code sent to their number
// (purpose signup), bound to their community and unverified. Errors:
// EINVALID (fields, a wrong or spent code), ECONFLICT (the number has an
// account).
func (s *Service) SignUp(ctx context.Context, client string, in SignUp) (*auth.Account, error) {
	now := s.now()
	in, f := in.validate(now)
	if in.Community != "" {
		if _, err := s.Divisions.PickOption(ctx, in.Community); err != nil {
			if c := errs.Code(err); c != errs.EINVALID && c != errs.ENOTFOUND {
				return nil, err
			}
			f.Add("community", "division.pick_a_community")
		}
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	idx := s.phoneIndex(in.Phone)
	actx := anonymous(ctx, in.Phone, client)
	if err := s.checkCode(ctx, idx, PurposeSignUp, in.Code); err != nil {
		_ = s.Audit.WriteAlone(actx, audit.Entry{Action: "resident.signup", ObjectType: "phone", ObjectID: sms.Mask(in.Phone),
			Result: audit.Denied, Detail: map[string]string{"reason": "code"}})
		return nil, err
	}
	// Code sign-in only until the resident sets a password (recovery);
	// a password given is hashed here, outside the transaction: argon2 in
	// it would hold the writer for every other write.
	hash := auth.NoPassword
	if in.Password != "" {
		var err error
		if hash, err = auth.HashPassword(in.Password); err != nil {
			return nil, errs.Internal("resident.Service.SignUp: HashPassword", err)
		}
	}
	phoneSealed, err := s.Keys.Seal(in.Phone)
	if err != nil {
		return nil, errs.Internal("resident.Service.SignUp: seal phone", err)
	}
	idSealed, idIdx := "", ""
	if in.IDNumber != "" {
		if idSealed, err = s.Keys.Seal(in.IDNumber); err != nil {
			return nil, errs.Internal("resident.Service.SignUp: seal id number", err)
		}
		idIdx = s.Keys.Index(in.IDNumber)
	}
	var id int64
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		if _, taken, err := s.Store.UserByPhone(ctx, idx); err != nil {
			return err
		} else if taken {
			return errs.Conflict("resident.phone_taken")
		}
		sctx := auth.With(ctx, signUpPrincipal)
		// A drawn name may, rarely, be taken: draw again.
		for try := 0; ; try++ {
			id, err = s.Users.Create(sctx, auth.UserInput{Name: newName(), DisplayName: in.DisplayName, Role: auth.Resident,
				AreaCode: in.Community, PasswordHash: hash})
			if err == nil || try == 3 || !hasField(err, "name") {
				break
			}
		}
		if err != nil {
			return err
		}
		if err := s.Store.Insert(ctx, id, in.Community, phoneSealed, idx, idSealed, idIdx, now); err != nil {
			return err
		}
		pctx := auth.With(ctx, &auth.Principal{UserID: id, Name: in.DisplayName, Role: auth.Resident,
			Area: auth.AreaOf(in.Community, division.Community), Client: client})
		return s.Audit.Write(pctx, audit.Entry{Action: "resident.signup", ObjectType: "resident", ObjectID: strconv.FormatInt(id, 10),
			Detail: map[string]string{"community": in.Community, "phone": sms.Mask(in.Phone)}})
	})
	if err != nil {
		return nil, err
	}
	return s.Sessions.LoadAccount(ctx, id)
}

func hasField(err error, field string) bool {
	for _, f := range errs.As(err).Fields {
		if f.Field == field {
			return true
		}
	}
	return false
}

// account finds the live account of a number, with a code for purpose.
// Every refusal (no account, a disabled one, a wrong code) is the same
// EINVALID on field code; the audit log keeps the cause.
func (s *Service) account(ctx context.Context, client, phone, code, purpose, action string) (*auth.Account, error) {
	phone = NormalPhone(phone)
	if phone == "" {
		return nil, errs.Invalid(errs.Field("phone", "resident.phone_format"))
	}
	code = strings.TrimSpace(code)
	actx := anonymous(ctx, phone, client)
	deny := func(reason string) error {
		_ = s.Audit.WriteAlone(actx, audit.Entry{Action: action, ObjectType: "phone", ObjectID: sms.Mask(phone), Result: audit.Denied,
			Detail: map[string]string{"reason": reason}})
		return errs.Invalid(errs.Field("sms_code", "resident.code_wrong"))
	}
	idx := s.phoneIndex(phone)
	if err := s.checkCode(ctx, idx, purpose, code); err != nil {
		if errs.Code(err) != errs.EINVALID {
			return nil, err
		}
		return nil, deny("code")
	}
	id, ok, err := s.Store.UserByPhone(ctx, idx)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, deny("no account")
	}
	acc, err := s.Sessions.LoadAccount(ctx, id)
	if err != nil {
		return nil, err
	}
	if acc.Disabled {
		return nil, deny("disabled")
	}
	return acc, nil
}

// SignInWithCode signs a resident in with a code sent to their number
// (purpose signin). The caller starts the session and audits it. Errors:
// EINVALID (the same for a wrong code and a number without an account).
func (s *Service) SignInWithCode(ctx context.Context, client, phone, code string) (*auth.Account, error) {
	return s.account(ctx, client, phone, code, PurposeSignIn, "auth.login_code")
}

// Recover sets a new password for the resident whose number got the code
// (purpose recover); their other sessions end. Errors: EINVALID (a weak
// password, before the code is spent; a wrong code).
func (s *Service) Recover(ctx context.Context, client, phone, code, password string) (*auth.Account, error) {
	if err := auth.ValidatePassword("password", password); err != nil {
		return nil, err
	}
	acc, err := s.account(ctx, client, phone, code, PurposeRecover, "auth.recover")
	if err != nil {
		return nil, err
	}
	if err := auth.ValidatePassword("password", password, acc.Name, acc.DisplayName); err != nil {
		return nil, err
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return nil, errs.Internal("resident.Service.Recover: HashPassword", err)
	}
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		if err := s.Users.Recover(ctx, acc.ID, hash); err != nil {
			return err
		}
		return s.Audit.Write(auth.With(ctx, acc.Principal(client, "")), audit.Entry{Action: "auth.recover", ObjectType: "user", ObjectID: acc.Name})
	})
	if err != nil {
		return nil, err
	}
	return acc, nil
}

// reveal masks a stored row for showing, with its community's path.
func (s *Service) reveal(ctx context.Context, x *row) (*Resident, error) {
	r := x.Resident
	phone, err := s.Keys.Open(x.PhoneSealed)
	if err != nil {
		return nil, errs.Internal("resident.Service.reveal: open phone", err)
	}
	r.Phone = pii.Mask(phone)
	if x.IDSealed != "" {
		idn, err := s.Keys.Open(x.IDSealed)
		if err != nil {
			return nil, errs.Internal("resident.Service.reveal: open id number", err)
		}
		r.IDNumber = pii.MaskIDNumber(idn)
	}
	if o, err := s.Divisions.PickOption(ctx, r.CommunityCode); err == nil {
		r.CommunityPath = o.Path
	}
	return &r, nil
}

// Me returns the caller's own sign-up: its state and, when refused, why.
// Errors: EFORBIDDEN (not a resident), ENOTFOUND (an account made by staff).
func (s *Service) Me(ctx context.Context) (*Resident, error) {
	p, err := auth.Require(ctx, auth.Resident)
	if err != nil {
		return nil, err
	}
	x, err := s.Store.Own(ctx, p.UserID)
	if err != nil {
		return nil, err
	}
	r, err := s.reveal(ctx, x)
	if err != nil {
		return nil, err
	}
	if s.Prefs != nil {
		on, err := s.Prefs.SMSFor(ctx, p.UserID)
		if err != nil {
			return nil, err
		}
		r.SMS = &on
	}
	return r, nil
}

// SMSPrefs keeps whether an account gets its messages by SMS too, and the
// sealed number to send them to (package notify, wired in app).
type SMSPrefs interface {
	SMSFor(ctx context.Context, userID int64) (bool, error)
	SetSMSFor(ctx context.Context, userID int64, on bool, phoneSealed string) error
}

// SetSMS records the caller's choice to get their messages by SMS too, at
// the number they signed up with (which the code proved theirs; no other
// number can be given, so nobody can send the platform's messages to a
// stranger). Audited. Errors: EFORBIDDEN, ENOTFOUND (an account staff
// made has no number of its own here).
func (s *Service) SetSMS(ctx context.Context, on bool) (*Resident, error) {
	p, err := auth.Require(ctx, auth.Resident)
	if err != nil {
		return nil, err
	}
	if s.Prefs == nil {
		return nil, errs.Internal("resident.Service.SetSMS: no preferences wired", nil)
	}
	x, err := s.Store.Own(ctx, p.UserID)
	if err != nil {
		return nil, err
	}
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		if err := s.Prefs.SetSMSFor(ctx, p.UserID, on, x.PhoneSealed); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "resident.sms", ObjectType: "user", ObjectID: p.Name,
			Result: audit.OK, Detail: map[string]any{"sms": on}})
	})
	if err != nil {
		return nil, err
	}
	return s.Me(ctx)
}

// IsVerified reports whether account id is a verified resident.
func (s *Service) IsVerified(ctx context.Context, id int64) (bool, error) {
	return s.Store.IsVerified(ctx, id)
}

// Queue lists the sign-ups of the caller's area in one state (default
// unverified), oldest first. Errors: EFORBIDDEN, EINVALID (status).
func (s *Service) Queue(ctx context.Context, status string, page, perPage int) ([]Resident, bool, error) {
	if _, err := auth.Require(ctx, VerifyRoles...); err != nil {
		return nil, false, err
	}
	if status == "" {
		status = Unverified
	}
	if !slices.Contains(Statuses, status) {
		return nil, false, errs.Invalid(errs.Field("status", "error.one_of", strings.Join(Statuses, ", ")))
	}
	page, perPage = db.Paging(page, perPage)
	rows, more, err := s.Store.Queue(ctx, status, page, perPage)
	if err != nil {
		return nil, false, err
	}
	out := make([]Resident, 0, len(rows))
	for i := range rows {
		r, err := s.reveal(ctx, &rows[i])
		if err != nil {
			return nil, false, err
		}
		out = append(out, *r)
	}
	return out, more, nil
}

// Get returns one sign-up of the caller's area. A resident outside it is
// ENOTFOUND and the refusal is audited. Errors: EFORBIDDEN, ENOTFOUND.
func (s *Service) Get(ctx context.Context, id int64) (*Resident, error) {
	if _, err := auth.Require(ctx, VerifyRoles...); err != nil {
		return nil, err
	}
	x, err := s.Store.Get(ctx, id, false)
	if err != nil {
		s.auditOutside(ctx, err, id, "resident.read")
		return nil, err
	}
	return s.reveal(ctx, x)
}

func (s *Service) auditOutside(ctx context.Context, err error, id int64, action string) {
	_ = s.Audit.RefusedOutside(ctx, err, action, "resident", id, s.Store.Exists)
}

// Decide confirms (verify) or refuses a resident's residence; a refusal
// needs a reason, which the resident sees. Errors: EFORBIDDEN, ENOTFOUND
// (outside the area, audited), EINVALID (no reason), ECONFLICT (already so).
func (s *Service) Decide(ctx context.Context, id int64, verify bool, reason string) (*Resident, error) {
	p, err := auth.Require(ctx, VerifyRoles...)
	if err != nil {
		return nil, err
	}
	status, action := Verified, "resident.verify"
	reason = strings.TrimSpace(reason)
	if !verify {
		status, action = Refused, "resident.refuse"
		switch n := utf8.RuneCountInString(reason); {
		case n == 0:
			return nil, errs.Invalid(errs.Field("refusal_reason", "error.required"))
		case n > 200:
			return nil, errs.Invalid(errs.Field("refusal_reason", "error.too_long", 200))
		}
	} else {
		reason = ""
	}
	var out *Resident
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		x, err := s.Store.Get(ctx, id, true)
		if err != nil {
			db.AfterTx(ctx, func(ctx context.Context) { s.auditOutside(ctx, err, id, action) })
			return err
		}
		if x.Status == status {
			return errs.Conflict("resident.already", status)
		}
		now := s.now()
		if err := s.Store.Decide(ctx, id, status, reason, p.Name, now); err != nil {
			return err
		}
		x.Status, x.Reason, x.DecidedBy, x.DecidedAt = status, reason, p.Name, &now
		if out, err = s.reveal(ctx, x); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: action, ObjectType: "resident", ObjectID: strconv.FormatInt(id, 10),
			Detail: map[string]string{"community": x.CommunityCode, "reason": reason}})
	})
	return out, err
}

// PurgeCodes forgets spent codes; a job runs it.
func (s *Service) PurgeCodes(ctx context.Context) (int64, error) {
	var n int64
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		var err error
		if n, err = s.Store.PurgeCodes(ctx, s.now()); err != nil {
			return err
		}
		// The limits' buckets are full again a window after their last use.
		_, err = s.Store.PurgeBuckets(ctx, s.now().Add(-CodeWindow))
		return err
	})
	return n, err
}

// Contact returns the signed-in resident's own name, whole mobile number
// and community, for pre-filling their own forms (ok false for anyone
// else, and for residents whose account staff made).
func (s *Service) Contact(ctx context.Context) (name, phone, community string, ok bool) {
	p := auth.From(ctx)
	if p == nil || p.Role != auth.Resident {
		return "", "", "", false
	}
	x, err := s.Store.Own(ctx, p.UserID)
	if err != nil {
		return "", "", "", false
	}
	if phone, err = s.Keys.Open(x.PhoneSealed); err != nil {
		return "", "", "", false
	}
	return x.DisplayName, phone, x.CommunityCode, true
}

// Waiting counts the sign-ups of the caller's area still to verify (for a
// work queue). Errors: EFORBIDDEN.
func (s *Service) Waiting(ctx context.Context) (int, error) {
	if _, err := auth.Require(ctx, VerifyRoles...); err != nil {
		return 0, err
	}
	return s.Store.CountUnverified(ctx)
}

// CountVerified counts a community's verified residents; for other slices
// through their adapters (no personal data).
func (s *Service) CountVerified(ctx context.Context, community string) (int64, error) {
	return s.Store.CountVerified(ctx, community)
}
