package app

import (
	"context"

	"shequ/internal/indicator"
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

// ledgerPeriods is the plan periods the ledger's tasks belong to: the
// indicator slice's plan periods (the shipped 2021–2025 plan and those city
// staff load), read as the system, since a department reads no dashboard.
type ledgerPeriods struct{ indicators *indicator.Service }

// Plan20212025 is the code of the 2021–2025 plan period.
const Plan20212025 = indicator.ShippedCode

func (l ledgerPeriods) Periods(ctx context.Context) ([]string, error) {
	ps, err := l.indicators.Plans(SystemContext(ctx))
	if err != nil {
		return nil, err
	}
	codes := make([]string, len(ps))
	for i, p := range ps {
		codes[i] = p.Code
	}
	return codes, nil
}

// ledgerCompletion gives the final evaluation (indicator) the completion
// of the period's special actions and projects inside a division. The
// caller's own area bounds it: the ledger refuses a division outside it.
type ledgerCompletion struct{ ledger *ledger.Service }

func (l ledgerCompletion) TaskCompletion(ctx context.Context, period, division string) ([]indicator.TaskLine, error) {
	lines, err := l.ledger.Completion(ctx, period, division)
	if err != nil {
		return nil, err
	}
	out := make([]indicator.TaskLine, 0, len(lines))
	for _, x := range lines {
		out = append(out, indicator.TaskLine{Kind: x.Kind, Name: x.Code + " " + x.Title, Total: x.Items, Done: x.Done})
	}
	return out, nil
}
