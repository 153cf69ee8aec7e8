package measure

import "context"

// Reconcile brings the stored values of the measures in want (key → code →
// value, over the whole tree) in line with it: with rebuild each key is
// replaced wholesale (Rebuild: bulk loads); otherwise only the values that
// differ are Set, and a stored value want no longer has is set to 0
// (repairs and the daily move of date boundaries). Run it in the caller's
// transaction.
func (s *Store) Reconcile(ctx context.Context, want map[string]map[string]int64, rebuild bool) error {
	for key, vals := range want {
		if rebuild {
			if err := s.Rebuild(ctx, key, vals); err != nil {
				return err
			}
			continue
		}
		have, err := s.Values(ctx, key, "000000000000", "999999999999")
		if err != nil {
			return err
		}
		for code, v := range vals {
			if have[code] != v {
				if err := s.Set(ctx, key, code, v); err != nil {
					return err
				}
			}
		}
		for code := range have {
			if _, ok := vals[code]; !ok {
				if err := s.Set(ctx, key, code, 0); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
