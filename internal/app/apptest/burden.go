package apptest

import (
	"shequ/internal/platform/auth"
	"shequ/internal/request"
)

// Department makes a department (a handling unit of kind "department")
// at area named name, with the handling_unit test account of area as its
// member, and returns the unit's id.
func (e *Env) Department(area, name string) int64 {
	e.T.Helper()
	u, err := e.App.Requests.CreateUnit(e.Ctx, request.Unit{Name: name, Kind: "department", DivisionCode: area, Active: true})
	if err != nil {
		e.T.Fatalf("department %s: %v", name, err)
	}
	acc, err := e.App.Users.ByName(e.Ctx, e.User(auth.HandlingUnit, area))
	if err != nil {
		e.T.Fatal(err)
	}
	if err := e.App.Requests.AddMember(e.Ctx, u.ID, acc.ID); err != nil {
		e.T.Fatalf("member of %s: %v", name, err)
	}
	return u.ID
}
