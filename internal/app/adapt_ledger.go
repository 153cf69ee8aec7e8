package app

import (
	"context"

	"shequ/internal/ledger"
	"shequ/internal/request"
)

// ledgerUnits reads the request catalogue's handling units for the task
// ledger: all of them (as the system: a task names units of any county),
// and the one the caller's account acts for.
type ledgerUnits struct{ requests *request.Service }

func (u ledgerUnits) All(ctx context.Context) ([]ledger.LedgerUnit, error) {
	us, err := u.requests.Units(SystemContext(ctx), "")
	if err != nil {
		return nil, err
	}
	out := make([]ledger.LedgerUnit, 0, len(us))
	for _, x := range us {
		if x.Active {
			out = append(out, ledger.LedgerUnit{ID: x.ID, Name: x.Name, DivisionCode: x.DivisionCode})
		}
	}
	return out, nil
}

func (u ledgerUnits) Mine(ctx context.Context) (int64, error) {
	x, err := u.requests.MyUnit(ctx)
	if err != nil || x == nil {
		return 0, err
	}
	return x.ID, nil
}

// ledgerPeriods is the plan periods the ledger's tasks belong to. The
// indicator slice holds one plan today: the 2021–2025 plan, whose 23
// indicators it computes against their 2025 targets. When it keeps plan
// periods as data (issue #15, "Plan periods as data"), this adapter reads
// them from it instead.
type ledgerPeriods struct{}

// Plan20212025 is the code of the 2021–2025 plan period.
const Plan20212025 = "2021-2025"

func (ledgerPeriods) Periods(context.Context) ([]string, error) { return []string{Plan20212025}, nil }
