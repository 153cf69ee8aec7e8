package apptest

import (
	"context"
	"fmt"
	"time"

	"shequ/internal/platform/auth"
	"shequ/internal/volunteer"
)

// validID makes a valid GB 11643 ID number from a serial.
func validID(serial int64) string {
	first := fmt.Sprintf("13110219850101%03d", serial%1000)
	w := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for k := range 17 {
		sum += int(first[k]-'0') * w[k]
	}
	return first + string("10X98765432"[sum%11])
}

// VolunteerService records, through the volunteer slice's own flow,
// hours of service on day for the resident account userID of community:
// the account becomes a volunteer (once), a township's practice station
// with a lead publishes an activity from 09:00 to 09:00 plus hours, the
// volunteer signs up, the lead confirms the attendance by hand and closes
// the activity. The volunteer service's clock is moved for the setup and
// put back.
func (e *Env) VolunteerService(userID int64, login, township, community string, day time.Time, hours int) {
	t := e.T
	t.Helper()
	s := e.App.Volunteers
	old := s.Now
	defer func() { s.Now = old }()
	at := func(h int) time.Time {
		return time.Date(day.Year(), day.Month(), day.Day(), h, 0, 0, 0, day.Location())
	}
	s.Now = func() time.Time { return at(8) }
	member := auth.With(context.Background(), &auth.Principal{UserID: userID, Name: login, Role: auth.Resident, Area: auth.AreaOf(community, 5)})
	v, err := s.Me(member)
	if err != nil {
		name, id, phone := login, validID(userID), fmt.Sprintf("137%08d", userID)
		if v, err = s.Register(member, volunteer.Registration{Name: &name, IDNumber: &id, Phone: &phone}); err != nil {
			t.Fatal(err)
		}
	}
	staff := auth.With(context.Background(), &auth.Principal{UserID: 1, Name: "township-setup", Role: auth.TownshipStaff, Area: auth.AreaOf(township, 4)})
	org, err := s.CreateOrg(staff, volunteer.OrgInput{DivisionCode: township, Name: fmt.Sprintf("新时代文明实践站%d", userID), Kind: "practice_station"})
	if err != nil {
		t.Fatal(err)
	}
	leadID := e.VerifiedResident(fmt.Sprintf("lead%d", userID), "领队", community, true)
	lead := auth.With(context.Background(), &auth.Principal{UserID: leadID, Name: "lead", Role: auth.Resident, Area: auth.AreaOf(community, 5)})
	ln, lid, lp := "领队", validID(leadID+500), fmt.Sprintf("136%08d", leadID)
	lv, err := s.Register(lead, volunteer.Registration{Name: &ln, IDNumber: &lid, Phone: &lp})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetMember(staff, org.ID, lv.ID, true); err != nil {
		t.Fatal(err)
	}
	a, err := s.Publish(lead, volunteer.ActivityInput{OrgID: org.ID, CommunityCode: community, Title: "为老人理发", Content: "义务理发",
		Target: "elderly", Place: "社区活动室", StartsAt: at(9), EndsAt: at(9 + hours), Slots: 5})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SignUp(member, a.ID); err != nil {
		t.Fatal(err)
	}
	s.Now = func() time.Time { return at(9 + hours).Add(time.Minute) }
	if err := s.Confirm(lead, a.ID, volunteer.Attendance{VolunteerID: v.ID, CheckinAt: at(9), CheckoutAt: at(9 + hours), Reason: "现场登记"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Close(lead, a.ID); err != nil {
		t.Fatal(err)
	}
}
