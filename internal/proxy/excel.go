package proxy

import (
	"context"
	"io"
	"strconv"

	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/calendar"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/xlsx"
)

// Sheet is the export's layout; personal data is masked.
var Sheet = &xlsx.Spec{
	SheetZh: "政务代办件", SheetEn: "Proxy cases",
	Columns: []xlsx.Column{
		{Key: "id", Zh: "编号", En: "Number"},
		{Key: "community", Zh: "社区（村）", En: "Community", Width: 20},
		{Key: "service", Zh: "代办事项", En: "Service", Width: 24},
		{Key: "department", Zh: "承办部门", En: "Department", Width: 24},
		{Key: "status", Zh: "状态", En: "Status", Choice: &xlsx.Choice{Codes: Statuses, Label: "proxy.status."}},
		{Key: "channel", Zh: "受理渠道", En: "Channel", Choice: &xlsx.Choice{Codes: []string{ChannelHall, ChannelOnline, ChannelRequest}, Label: "proxy.channel."}},
		{Key: "request_number", Zh: "诉求编号", En: "Request number", Width: 16},
		{Key: "name", Zh: "申请人", En: "Applicant"},
		{Key: "phone", Zh: "联系电话", En: "Phone", Width: 14},
		{Key: "received", Zh: "受理时间", En: "Received", Width: 16},
		{Key: "due", Zh: "办理时限", En: "Due", Width: 16},
		{Key: "overdue", Zh: "超期", En: "Overdue", Bool: true},
		{Key: "result", Zh: "办结时间", En: "Result", Width: 16},
		{Key: "rating", Zh: "满意度", En: "Rating"},
	},
}

// Export writes the cases the filter selects as a workbook, personal data
// masked, and audits it. Errors: EINVALID, EFORBIDDEN.
func (s *Service) Export(ctx context.Context, f Filter, w io.Writer) error {
	if _, err := auth.Require(ctx, auth.AreaStaff()...); err != nil {
		return err
	}
	if err := f.check(); err != nil {
		return err
	}
	lang := i18n.From(ctx)
	at := func(t interface{ Format(string) string }) string { return t.Format("2006-01-02 15:04") }
	return Sheet.Export(w, lang, func(ex *xlsx.Exporter) error {
		return s.Store.eachCase(ctx, f, s.Keys.Index(f.Q), s.now(), func(c *Case) error {
			s.mask(c)
			result, rating := "", ""
			if c.ResultAt != nil {
				result = at(c.ResultAt.In(calendar.China))
			}
			if c.Rating > 0 {
				rating = i18n.T(lang, "proxy.rating."+strconv.Itoa(c.Rating))
			}
			return ex.Write(c.ID, c.CommunityName, c.ServiceName, c.Department, Sheet.Col("status").Label(lang, c.Status),
				Sheet.Col("channel").Label(lang, c.Channel), c.RequestNumber, c.Name, c.Phone, at(c.CreatedAt.In(calendar.China)),
				at(c.DueAt.In(calendar.China)), xlsx.BoolText(c.late(s.Now()), lang), result, rating)
		})
	}, func(rows int) error {
		return s.Audit.Write(ctx, audit.Entry{Action: "proxy.case.export", ObjectType: "proxy_case", ObjectID: "*",
			Detail: map[string]any{"rows": rows, "filter": map[string]any{"division": f.Division, "status": f.Status, "overdue": f.Overdue}}})
	})
}
