package resident_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"shequ/internal/app/apptest"
	"shequ/internal/notify"
	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
	"shequ/internal/resident"
)

const client = "192.0.2.10"

// code asks for a code for phone and reads it from the app's SMS box.
func code(t *testing.T, e *apptest.Env, phone, purpose string) string {
	t.Helper()
	if err := e.App.Residents.SendCode(context.Background(), client, phone, purpose); err != nil {
		t.Fatalf("send code to %s: %v", phone, err)
	}
	m, ok := e.App.SMSBox.Last(phone)
	if !ok || m.Params["code"] == "" {
		t.Fatalf("no code in the box for %s: %+v", phone, m)
	}
	if !strings.Contains(m.Text, m.Params["code"]) {
		t.Fatalf("the text %q does not carry the code", m.Text)
	}
	return m.Params["code"]
}

func signUp(t *testing.T, e *apptest.Env, phone, name, community string) *auth.Account {
	t.Helper()
	acc, err := e.App.Residents.SignUp(context.Background(), client, resident.SignUp{Phone: phone, Code: code(t, e, phone, resident.PurposeSignUp),
		DisplayName: name, Community: community})
	if err != nil {
		t.Fatalf("sign up %s: %v", phone, err)
	}
	return acc
}

func fieldsOf(err error) map[string]string {
	out := map[string]string{}
	for _, f := range errs.As(err).Fields {
		out[f.Field] = f.Key
	}
	return out
}

func count(t *testing.T, e *apptest.Env, q string, args ...any) int {
	t.Helper()
	var n int
	if err := e.App.DB.Q(context.Background()).QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSignUpWithACode(t *testing.T) {
	e := apptest.New(t)
	ctx := context.Background()
	phone := "13812345678"
	c := code(t, e, phone, resident.PurposeSignUp)
	// Only a keyed hash of the code is kept.
	if n := count(t, e, `SELECT count(*) FROM sms_codes WHERE code_hash = $1 OR code_hash LIKE $2`, c, "%"+c+"%"); n != 0 {
		t.Fatal("the code is stored in clear")
	}
	acc, err := e.App.Residents.SignUp(ctx, client, resident.SignUp{Phone: "138 1234 5678", Code: c, DisplayName: " 王小明 ",
		Community: apptest.Community, IDNumber: "11010519491231002x"})
	if err != nil {
		t.Fatal(err)
	}
	if acc.Role != auth.Resident || acc.AreaCode != apptest.Community || acc.DisplayName != "王小明" || acc.MustChangePassword {
		t.Fatalf("account %+v", acc)
	}
	// Without a password of their own no password signs in, not even the
	// one the check of unknown names runs against.
	for _, pw := range []string{"shequ-no-such-account", auth.NoPassword, ""} {
		if _, err := e.App.Users.Authenticate(auth.With(ctx, &auth.Principal{Name: acc.Name, Role: "anonymous", Client: client}), acc.Name, pw); err == nil {
			t.Fatalf("a code-only account signed in with password %q", pw)
		}
	}
	// The number and ID number are sealed; the code is spent.
	if n := count(t, e, `SELECT count(*) FROM residents WHERE phone_sealed LIKE $1 OR id_number_sealed LIKE $2`, "%"+phone+"%", "%110105%"); n != 0 {
		t.Fatal("a number is stored in clear")
	}
	if n := count(t, e, `SELECT count(*) FROM sms_codes`); n != 0 {
		t.Fatalf("%d codes left after use", n)
	}
	me, err := e.App.Residents.Me(auth.With(ctx, acc.Principal(client, "")))
	if err != nil {
		t.Fatal(err)
	}
	if me.Status != resident.Unverified || me.Phone != "138****5678" || !strings.Contains(me.CommunityPath, "河西街道 › 游园社区") ||
		me.IDNumber == "" || strings.Contains(me.IDNumber, "19491231") {
		t.Fatalf("own view %+v", me)
	}
	// The same code does not work twice, and the number has its account.
	if _, err := e.App.Residents.SignUp(ctx, client, resident.SignUp{Phone: phone, Code: c, DisplayName: "x", Community: apptest.Community}); fieldsOf(err)["sms_code"] != "resident.code_wrong" {
		t.Fatalf("a spent code: %v", err)
	}
	// Audited, without the whole number.
	recs, _, err := e.App.Audit.Search(e.Ctx, audit.Filter{Action: "resident.signup"})
	if err != nil || len(recs) == 0 {
		t.Fatalf("no sign-up audit: %v", err)
	}
	for _, r := range recs {
		if strings.Contains(r.Detail, phone) || strings.Contains(r.ObjectID, phone) || strings.Contains(r.ActorName, phone) {
			t.Fatalf("the audit log holds the number: %+v", r)
		}
	}
}

func TestTheAnswerDoesNotTellWhetherANumberIsRegistered(t *testing.T) {
	e := apptest.New(t)
	ctx := context.Background()
	signUp(t, e, "13900000001", "甲", apptest.Community)
	before := len(e.App.SMSBox.Messages())
	// A sign-up code for a registered number: the same nil answer; the
	// message tells the owner instead of carrying a code.
	if err := e.App.Residents.SendCode(ctx, client, "13900000001", resident.PurposeSignUp); err != nil {
		t.Fatal(err)
	}
	m, _ := e.App.SMSBox.Last("13900000001")
	if m.Params["code"] != "" || m.Template != "signup_registered" {
		t.Fatalf("a registered number got %+v", m)
	}
	// A sign-in code for an unknown number: the same nil answer, nothing sent.
	if err := e.App.Residents.SendCode(ctx, client, "13900000002", resident.PurposeSignIn); err != nil {
		t.Fatal(err)
	}
	if _, ok := e.App.SMSBox.Last("13900000002"); ok {
		t.Fatal("a code went to a number without an account")
	}
	if n := len(e.App.SMSBox.Messages()); n != before+1 {
		t.Fatalf("%d messages sent, want 1", n-before)
	}
	// And a sign-in attempt for it is refused like a wrong code.
	if _, err := e.App.Residents.SignInWithCode(ctx, client, "13900000002", "123456"); fieldsOf(err)["sms_code"] != "resident.code_wrong" {
		t.Fatalf("unknown number: %v", err)
	}
}

func TestACodeHasFiveTriesAndFiveMinutes(t *testing.T) {
	e := apptest.New(t)
	ctx := context.Background()
	phone := "13700000001"
	signUp(t, e, phone, "乙", apptest.Community)
	good := code(t, e, phone, resident.PurposeSignIn)
	wrong := "000000"
	if good == wrong {
		wrong = "111111"
	}
	for i := range resident.CodeTries {
		if _, err := e.App.Residents.SignInWithCode(ctx, client, phone, wrong); fieldsOf(err)["sms_code"] != "resident.code_wrong" {
			t.Fatalf("wrong code %d: %v", i, err)
		}
	}
	if _, err := e.App.Residents.SignInWithCode(ctx, client, phone, good); fieldsOf(err)["sms_code"] != "resident.code_wrong" {
		t.Fatalf("the right code after %d wrong ones: %v", resident.CodeTries, err)
	}
	// A new code works, but not after five minutes.
	good = code(t, e, phone, resident.PurposeSignIn)
	now := time.Now()
	e.App.Residents.Now = func() time.Time { return now.Add(resident.CodeValidFor + time.Second) }
	if _, err := e.App.Residents.SignInWithCode(ctx, client, phone, good); fieldsOf(err)["sms_code"] != "resident.code_wrong" {
		t.Fatalf("an expired code: %v", err)
	}
	e.App.Residents.Now = time.Now
	good = code(t, e, phone, resident.PurposeSignIn)
	// A sign-in code is not a recovery code.
	if _, err := e.App.Residents.Recover(ctx, client, phone, good, "Neu-Passw0rd-9"); fieldsOf(err)["sms_code"] != "resident.code_wrong" {
		t.Fatalf("a sign-in code recovered the account: %v", err)
	}
	acc, err := e.App.Residents.SignInWithCode(ctx, client, phone, good)
	if err != nil || acc.Role != auth.Resident {
		t.Fatalf("sign in with a code: %v %+v", err, acc)
	}
}

func TestCodesAreLimitedPerNumberAndPerAddress(t *testing.T) {
	e := apptest.New(t)
	ctx := context.Background()
	for i := range resident.CodesPerPhone {
		if err := e.App.Residents.SendCode(ctx, client, "13600000001", resident.PurposeSignUp); err != nil {
			t.Fatalf("code %d: %v", i, err)
		}
	}
	if err := e.App.Residents.SendCode(ctx, client, "13600000001", resident.PurposeSignUp); errs.Code(err) != errs.ETOOMANY {
		t.Fatalf("code %d to one number: %v", resident.CodesPerPhone+1, err)
	}
	// Another address may still ask for other numbers until its own limit.
	other := "198.51.100.7"
	for i := range resident.CodesPerClient {
		if err := e.App.Residents.SendCode(ctx, other, "1350000"+strconv.Itoa(1000+i), resident.PurposeSignUp); err != nil {
			t.Fatalf("code %d from one address: %v", i, err)
		}
	}
	if err := e.App.Residents.SendCode(ctx, other, "13599999999", resident.PurposeSignUp); errs.Code(err) != errs.ETOOMANY {
		t.Fatalf("code %d from one address: %v", resident.CodesPerClient+1, err)
	}
}

func TestBadSignUpsChangeNothing(t *testing.T) {
	e := apptest.New(t)
	ctx := context.Background()
	phone := "13500000001"
	c := code(t, e, phone, resident.PurposeSignUp)
	for _, tc := range []struct {
		in    resident.SignUp
		field string
		key   string
	}{
		{resident.SignUp{Phone: "1234", Code: c, DisplayName: "丙", Community: apptest.Community}, "phone", "resident.phone_format"},
		{resident.SignUp{Phone: phone, Code: "12ab", DisplayName: "丙", Community: apptest.Community}, "sms_code", "resident.code_format"},
		{resident.SignUp{Phone: phone, Code: c, DisplayName: " ", Community: apptest.Community}, "display_name", "error.required"},
		{resident.SignUp{Phone: phone, Code: c, DisplayName: "丙", Community: apptest.Township}, "community", "division.pick_a_community"},
		{resident.SignUp{Phone: phone, Code: c, DisplayName: "丙", Community: "131102001999"}, "community", "division.pick_a_community"},
		{resident.SignUp{Phone: phone, Code: c, DisplayName: "丙", Community: apptest.Community, IDNumber: "110105194912310021"}, "id_number", "idcard.checksum"},
		{resident.SignUp{Phone: phone, Code: c, DisplayName: "丙", Community: apptest.Community, Password: "short"}, "password", ""},
	} {
		_, err := e.App.Residents.SignUp(ctx, client, tc.in)
		key, ok := fieldsOf(err)[tc.field]
		if !ok || (tc.key != "" && key != tc.key) {
			t.Errorf("%+v: %v, want %s on %s", tc.in, err, tc.key, tc.field)
		}
	}
	if n := count(t, e, `SELECT count(*) FROM residents`); n != 0 {
		t.Fatalf("%d residents after bad sign-ups", n)
	}
	// The code survived the bad forms: a good one still signs up.
	if _, err := e.App.Residents.SignUp(ctx, client, resident.SignUp{Phone: phone, Code: c, DisplayName: "丙", Community: apptest.Community}); err != nil {
		t.Fatal(err)
	}
}

func TestRecoverSetsAPasswordThatNeedNotChange(t *testing.T) {
	e := apptest.New(t)
	ctx := context.Background()
	phone := "13400000001"
	acc := signUp(t, e, phone, "丁", apptest.Community)
	// A weak password is refused before the code is spent.
	c := code(t, e, phone, resident.PurposeRecover)
	if _, err := e.App.Residents.Recover(ctx, client, phone, c, "weak"); fieldsOf(err)["password"] == "" {
		t.Fatalf("weak password: %v", err)
	}
	if _, err := e.App.Residents.Recover(ctx, client, phone, c, "Neu-Passw0rd-9"); err != nil {
		t.Fatal(err)
	}
	got, err := e.App.Users.Authenticate(auth.With(ctx, &auth.Principal{Name: acc.Name, Role: "anonymous", Client: client}), acc.Name, "Neu-Passw0rd-9")
	if err != nil || got.MustChangePassword {
		t.Fatalf("sign in with the recovered password: %v %+v", err, got)
	}
}

func TestWorkersVerifyTheirOwnArea(t *testing.T) {
	e := apptest.New(t)
	ctx := context.Background()
	acc := signUp(t, e, "13300000001", "戊", apptest.Community)
	other := signUp(t, e, "13300000002", "己", apptest.SiblingCommunity)
	rs := e.App.Residents
	worker := e.As(auth.CommunityWorker, apptest.Community)
	if n, err := rs.Waiting(worker); err != nil || n != 1 {
		t.Fatalf("waiting in the community: %d %v", n, err)
	}
	if n, err := rs.Waiting(e.As(auth.TownshipStaff, apptest.Township)); err != nil || n != 2 {
		t.Fatalf("waiting in the township: %d %v", n, err)
	}
	items, _, err := rs.Queue(worker, "", 1, 50)
	if err != nil || len(items) != 1 || items[0].UserID != acc.ID {
		t.Fatalf("the community's queue: %v %+v", err, items)
	}
	// Another community's worker: not found, and the refusal is audited.
	sibling := e.As(auth.CommunityWorker, apptest.SiblingCommunity)
	if _, err := rs.Decide(sibling, acc.ID, true, ""); errs.Code(err) != errs.ENOTFOUND {
		t.Fatalf("a sibling's worker: %v", err)
	}
	recs, _, _ := e.App.Audit.Search(e.Ctx, audit.Filter{Action: "resident.verify", Result: audit.Denied})
	if len(recs) != 1 || recs[0].ObjectID != strconv.FormatInt(acc.ID, 10) {
		t.Fatalf("audited refusals: %+v", recs)
	}
	// A township's staff outside it: not found; a grid worker: forbidden.
	if _, err := rs.Decide(e.As(auth.TownshipStaff, apptest.SiblingTownship), acc.ID, true, ""); errs.Code(err) != errs.ENOTFOUND {
		t.Fatalf("another township: %v", err)
	}
	if _, err := rs.Decide(e.As(auth.GridWorker, apptest.Community), acc.ID, true, ""); errs.Code(err) != errs.EFORBIDDEN {
		t.Fatalf("a grid worker: %v", err)
	}
	// A refusal needs a reason, which the resident then reads.
	if _, err := rs.Decide(worker, acc.ID, false, " "); fieldsOf(err)["refusal_reason"] != "error.required" {
		t.Fatalf("refusal without a reason: %v", err)
	}
	if _, err := rs.Decide(worker, acc.ID, false, "查无此人"); err != nil {
		t.Fatal(err)
	}
	me, err := rs.Me(auth.With(ctx, acc.Principal(client, "")))
	if err != nil || me.Status != resident.Refused || me.Reason != "查无此人" {
		t.Fatalf("the resident's view: %v %+v", err, me)
	}
	// The township's staff may decide inside it.
	township := e.As(auth.TownshipStaff, apptest.Township)
	r, err := rs.Decide(township, acc.ID, true, "")
	if err != nil || r.Status != resident.Verified || r.Reason != "" {
		t.Fatalf("verify: %v %+v", err, r)
	}
	if _, err := rs.Decide(township, acc.ID, true, ""); errs.Code(err) != errs.ECONFLICT {
		t.Fatalf("verify twice: %v", err)
	}
	if ok, err := rs.IsVerified(ctx, acc.ID); err != nil || !ok {
		t.Fatalf("IsVerified: %v %v", ok, err)
	}
	if ok, _ := rs.IsVerified(ctx, other.ID); ok {
		t.Fatal("an unverified resident counts as verified")
	}
	items, _, _ = rs.Queue(township, resident.Unverified, 1, 50)
	if len(items) != 1 || items[0].UserID != other.ID {
		t.Fatalf("the township's queue: %+v", items)
	}
}

// TestResidentsChooseSMS: a resident who signed up turns SMS copies of
// their messages on and off; only while it is on does a message to them
// also go out by SMS, to the number they signed up with. Staff cannot
// choose, and an account staff made has no number here.
func TestResidentsChooseSMS(t *testing.T) {
	e := apptest.New(t)
	phone := "13400000077"
	acc := signUp(t, e, phone, "甲", apptest.Community)
	me := auth.With(context.Background(), &auth.Principal{UserID: acc.ID, Name: acc.Name, Role: auth.Resident,
		Area: auth.AreaOf(apptest.Community, 5)})
	smsTo := func() int {
		n := 0
		for _, m := range e.App.SMSBox.Messages() {
			if m.Phone == phone {
				n++
			}
		}
		return n
	}
	tell := func(text string) {
		t.Helper()
		if err := e.App.DB.WithTx(e.Ctx, func(ctx context.Context) error {
			return e.App.Notify.ToUser(ctx, acc.ID, notify.Note{Key: "request.note.reply", Args: []any{"260309-7", text}})
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.App.Notify.Deliver(e.Ctx, 100); err != nil {
			t.Fatal(err)
		}
	}
	r, err := e.App.Residents.Me(me)
	if err != nil || r.SMS == nil || *r.SMS {
		t.Fatalf("a new resident's SMS choice: %+v %v, want off", r, err)
	}
	before := smsTo()
	tell("第一条")
	if smsTo() != before {
		t.Fatal("an SMS went out before the resident chose it")
	}
	if r, err = e.App.Residents.SetSMS(me, true); err != nil || r.SMS == nil || !*r.SMS {
		t.Fatalf("turn on: %+v %v", r, err)
	}
	tell("第二条")
	last, ok := e.App.SMSBox.Last(phone)
	if smsTo() != before+1 || !ok || !strings.Contains(last.Text, "第二条") {
		t.Fatalf("after turning SMS on, the box holds %d messages to the number, the last %q", smsTo()-before, last.Text)
	}
	if _, err := e.App.Residents.SetSMS(me, false); err != nil {
		t.Fatal(err)
	}
	tell("第三条")
	if smsTo() != before+1 {
		t.Fatal("an SMS went out after the resident turned it off")
	}
	if n := count(t, e, `SELECT count(*) FROM audit_log WHERE action = 'resident.sms'`); n != 2 {
		t.Errorf("%d audit records of the choice, want 2", n)
	}
	if _, err := e.App.Residents.SetSMS(e.As(auth.CommunityWorker, apptest.Community), true); errs.Code(err) != errs.EFORBIDDEN {
		t.Errorf("a worker choosing SMS: %v, want EFORBIDDEN", err)
	}
	staffMade := auth.With(context.Background(), &auth.Principal{UserID: 999999, Name: "made-by-staff", Role: auth.Resident,
		Area: auth.AreaOf(apptest.Community, 5)})
	if _, err := e.App.Residents.SetSMS(staffMade, true); errs.Code(err) != errs.ENOTFOUND {
		t.Errorf("an account without a sign-up choosing SMS: %v, want ENOTFOUND", err)
	}
}
