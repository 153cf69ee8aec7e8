package care

import (
	"context"
	"slices"
	"strconv"
)

// Notifier puts a message in an account's inbox, in the writer's
// transaction: a message key of this slice's catalogue with its arguments,
// and the object it is about (none here) with the page that shows it
// (package notify, adapted in internal/app).
type Notifier interface {
	NotifyUser(ctx context.Context, userID int64, key string, args []string, object string, id int64, link string) error
}

// remind tells each visitor how many visits of the month were just given
// to them (rows as insertTasks takes them: the assignee is the fifth).
func (s *Service) remind(ctx context.Context, month string, rows [][]any) error {
	if s.Notify == nil {
		return nil
	}
	per := map[int64]int{}
	for _, r := range rows {
		if id, ok := r[4].(int64); ok {
			per[id]++
		}
	}
	ids := make([]int64, 0, len(per))
	for id := range per {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		if err := s.Notify.NotifyUser(ctx, id, "care.note.month_tasks", []string{month, strconv.Itoa(per[id])}, "", 0,
			"/visits?month="+month); err != nil {
			return err
		}
	}
	return nil
}
