package request

import (
	"context"

	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
)

// UnitAccounts lists the enabled accounts that act for a unit (package
// notify puts the unit's messages in their inboxes): its members, and for a
// township or community unit the staff of its division who are members of
// no unit (the accounts unitOfUser gives that unit).
func (s *Store) UnitAccounts(ctx context.Context, unitID int64) ([]int64, error) {
	return db.Column[int64](ctx, s.DB.Q(ctx), "request.Store.UnitAccounts: select request_unit_members", `SELECT m.user_id FROM request_unit_members m JOIN users u ON u.id = m.user_id
		WHERE m.unit_id = $1 AND u.disabled = $2
		UNION
		SELECT u.id FROM request_units ru JOIN users u ON u.area_code = ru.division_code
		WHERE ru.id = $1 AND ru.kind IN ('township', 'community') AND u.disabled = $2 AND u.role IN ($3, $4, $5)
		AND NOT EXISTS (SELECT 1 FROM request_unit_members x WHERE x.user_id = u.id)
		AND ru.id = (SELECT MIN(r2.id) FROM request_units r2 WHERE r2.division_code = ru.division_code
			AND r2.kind IN ('township', 'community') AND r2.active = $6)
		LIMIT 1000`, unitID, false, string(auth.TownshipStaff), string(auth.CommunityWorker), string(auth.GridWorker), true)
}
