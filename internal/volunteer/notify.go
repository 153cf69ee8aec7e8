package volunteer

import (
	"context"
	"strconv"
)

// Notifier puts a message in an account's inbox, in the writer's
// transaction: a message key of this slice's catalogue with its arguments,
// and the object it is about with the page that shows it (package notify,
// adapted in internal/app).
type Notifier interface {
	NotifyUser(ctx context.Context, userID int64, key string, args []string, object string, id int64, link string) error
}

// notifyCorrection tells the volunteer who asked for a correction of their
// hours the decision, when they have an account.
func (s *Service) notifyCorrection(ctx context.Context, c *Correction, approved bool, reason string) error {
	if s.Notify == nil {
		return nil
	}
	user, err := s.userOf(ctx, c.VolunteerID)
	if err != nil || user == 0 {
		return err
	}
	if approved {
		return s.Notify.NotifyUser(ctx, user, "volunteer.note.correction_approved", []string{strconv.FormatFloat(c.Hours, 'f', -1, 64)},
			"volunteer_correction", c.ID, "/volunteer")
	}
	return s.Notify.NotifyUser(ctx, user, "volunteer.note.correction_refused", []string{reason}, "volunteer_correction", c.ID, "/volunteer")
}
