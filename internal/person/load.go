package person

import (
	"context"
	"time"

	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
)

// Seed is a person for a bulk load (the demo), personal data in plaintext.
type Seed struct {
	CommunityCode, Name, IDNumber, Phone, Address, Household, ContactName, ContactPhone string
	Groups                                                                              []Membership
}

// Load adds many people in one transaction through the import's batched
// inserts, checks each as Create does (an ID number twice is refused),
// rebuilds the measures and writes one audit record. Only the system (the
// CLI, the demo) may load. Errors: EINVALID (naming the seed's position as
// its row), EFORBIDDEN.
func (s *Service) Load(ctx context.Context, seeds []Seed) error {
	if _, err := auth.Require(ctx); err != nil {
		return err
	}
	now := s.Now()
	stamp := now.UTC().Truncate(time.Microsecond)
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		var b bulk
		defer b.close()
		defer s.DB.GrowCache(ctx)()
		seen := map[string]int{}
		batch := make([]pending, 0, importBatch)
		flush := func() error {
			if len(batch) == 0 {
				return nil
			}
			dups, err := s.Store.addBatch(ctx, &b, batch, "demo", stamp, true)
			if err == nil && len(dups) > 0 {
				return errs.Invalid(rowField(batch[dups[0]].line, "id_number", "person.duplicate"))
			}
			batch = batch[:0]
			return err
		}
		for i, sd := range seeds {
			r := record{CommunityCode: sd.CommunityCode, Name: sd.Name, IDNumber: sd.IDNumber, Phone: sd.Phone, Address: sd.Address,
				Household: sd.Household, ContactName: sd.ContactName, ContactPhone: sd.ContactPhone, Groups: sd.Groups}
			r.normalize()
			if bad := r.validate(now); len(bad) > 0 {
				for j := range bad {
					bad[j].Row = i + 1
				}
				return bad.Err()
			}
			if first, ok := seen[r.IDNumber]; ok {
				return errs.Invalid(rowField(i+1, "id_number", "person.duplicate_in_file", first))
			}
			seen[r.IDNumber] = i + 1
			sl, err := s.Store.seal(&r)
			if err != nil {
				return err
			}
			batch = append(batch, pending{line: i + 1, r: r, idx: sl.idIdx, sealed: sl})
			if len(batch) == importBatch {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		if err := flush(); err != nil {
			return err
		}
		if err := s.Reconcile(ctx, true); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "person.load", ObjectType: "person", ObjectID: "*", Detail: map[string]int{"persons": len(seeds)}})
	})
}

func rowField(row int, field, key string, args ...any) errs.FieldError {
	f := errs.Field(field, key, args...)
	f.Row = row
	return f
}
