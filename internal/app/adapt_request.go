package app

import (
	"context"
	"fmt"

	"shequ/internal/care"
	"shequ/internal/request"
)

// CareRequests opens a request for a visit's follow-up (channel visit,
// category elderly care, in the visit's community), in the visit's
// transaction, as the visiting worker. The visits slice uses it as its
// care.RequestOpener (care.Service.Requests).
func CareRequests(s *request.Service) care.RequestOpener { return careOpener{s} }

type careOpener struct{ s *request.Service }

func (c careOpener) OpenFromVisit(ctx context.Context, f care.FollowUp) (int64, error) {
	r, err := c.s.Create(ctx, request.Intake{DivisionCode: f.DivisionCode, CategoryCode: "social.elderly",
		Channel: request.ChannelVisit, ContactName: f.PersonName, Title: "探访发现：" + f.PersonName,
		Description: fmt.Sprintf("探访发现(探访记录 %d)：%s", f.VisitID, f.Text)})
	if err != nil {
		return 0, err
	}
	return r.ID, nil
}
