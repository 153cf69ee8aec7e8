package project

import (
	"context"
	"io"

	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/calendar"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/xlsx"
)

func col(key, zh, en string, width float64) xlsx.Column {
	return xlsx.Column{Key: key, Zh: zh, En: en, Width: width}
}

// The lists' export sheets.
var (
	NeedSheet = &xlsx.Spec{SheetZh: "居民需求清单", SheetEn: "Residents' needs", Columns: []xlsx.Column{
		col("division_code", "区划代码", "Division code", 16), col("division_name", "所在区划", "Division", 20),
		col("title", "需求", "Need", 30), col("kind", "类别", "Kind", 12), col("source", "来源", "Source", 12),
		col("group", "涉及群体", "Group", 14), col("affected", "涉及人数", "People affected", 10), col("status", "状态", "Status", 10),
		col("resource", "对接资源", "Matched resource", 24), col("close_reason", "关闭原因", "Reason closed", 20),
		col("created_at", "登记时间", "Recorded", 18)}}
	ResourceSheet = &xlsx.Spec{SheetZh: "服务资源清单", SheetEn: "Service resources", Columns: []xlsx.Column{
		col("division_code", "区划代码", "Division code", 16), col("division_name", "所在区划", "Division", 20),
		col("name", "资源", "Resource", 30), col("source", "来源", "Source", 14), col("kind", "类别", "Kind", 10),
		col("serves", "适用需求", "Suits", 12), col("unit", "提供单位", "Offered by", 20), col("contact", "联系方式", "Contact", 16),
		col("hours", "开放时间", "Hours", 30), col("capacity", "容量或金额", "Capacity or amount", 12)}}
	ProjectSheet = &xlsx.Spec{SheetZh: "民生项目清单", SheetEn: "Livelihood projects", Columns: []xlsx.Column{
		col("division_code", "区划代码", "Division code", 16), col("division_name", "所在区划", "Division", 20),
		col("title", "项目", "Project", 30), col("owner", "实施单位", "Carried out by", 20), col("funding", "资金来源", "Funding", 14),
		col("budget", "预算（元）", "Budget (yuan)", 14), col("status", "状态", "Status", 10), col("late", "进度", "Schedule", 10),
		col("runner", "负责人", "Run by", 14), col("accepted_by", "验收人", "Accepted by", 14)}}
	FigureSheet = &xlsx.Spec{SheetZh: "三项清单统计", SheetEn: "Three lists figures", Columns: []xlsx.Column{
		col("division_code", "区划代码", "Division code", 16), col("division_name", "区划", "Division", 20),
		col("needs_open", "待对接需求", "Needs open", 10), col("needs_matched", "已对接需求", "Needs matched", 10),
		col("needs_served", "已满足需求", "Needs served", 10), col("share", "对接率", "Share matched", 10),
		col("on_time", "按期项目", "Projects on time", 10), col("late", "逾期项目", "Projects late", 10),
		col("finance", "财政（元）", "Finance (yuan)", 14), col("collective", "村集体（元）", "Village collective (yuan)", 14),
		col("social", "社会（元）", "Social (yuan)", 14), col("purchase", "政府购买（元）", "Government purchase (yuan)", 14)}}
)

// export writes a workbook filled by fill and audits it.
func (s *Service) export(ctx context.Context, spec *xlsx.Spec, action string, filter map[string]string, w io.Writer,
	fill func(lang string, ex *xlsx.Exporter) error) error {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return err
	}
	lang := i18n.From(ctx)
	return spec.Export(w, lang, func(ex *xlsx.Exporter) error { return fill(lang, ex) }, func(rows int) error {
		return s.Audit.Write(ctx, audit.Entry{Action: action, ObjectType: "project", ObjectID: "*",
			Detail: map[string]any{"rows": rows, "filter": filter}})
	})
}

func label(lang, prefix, code string) string {
	if code == "" {
		return ""
	}
	return i18n.T(lang, prefix+code)
}

// ExportNeeds writes the needs the filter selects. Errors: EINVALID, EFORBIDDEN.
func (s *Service) ExportNeeds(ctx context.Context, f NeedFilter, w io.Writer) error {
	if err := f.check(); err != nil {
		return err
	}
	return s.export(ctx, NeedSheet, "project.need.export", map[string]string{"q": f.Q, "division": f.Division, "kind": f.Kind, "status": f.Status}, w,
		func(lang string, ex *xlsx.Exporter) error {
			return s.Store.eachNeed(ctx, f, func(n *Need) error {
				return ex.Write(n.DivisionCode, n.DivisionName, n.Title, label(lang, "project.kind.", n.Kind), label(lang, "project.source.", n.Source),
					label(lang, "project.group.", n.Group), n.Affected, label(lang, "project.need_status.", n.Status), n.ResourceName, n.CloseReason,
					n.CreatedAt.In(calendar.China).Format("2006-01-02 15:04"))
			})
		})
}

// ExportResources writes the resources the filter selects. Errors: EINVALID, EFORBIDDEN.
func (s *Service) ExportResources(ctx context.Context, f ResourceFilter, w io.Writer) error {
	rs, err := s.AllResources(ctx, f)
	if err != nil {
		return err
	}
	return s.export(ctx, ResourceSheet, "project.resource.export", map[string]string{"q": f.Q, "division": f.Division, "kind": f.Kind, "source": f.Source}, w,
		func(lang string, ex *xlsx.Exporter) error {
			for _, r := range rs {
				if err := ex.Write(r.DivisionCode, r.DivisionName, r.Name, label(lang, "project.from.", r.Source), label(lang, "project.resource_kind.", r.Kind),
					label(lang, "project.kind.", r.Serves), r.Unit, r.Contact, r.Hours, r.Capacity); err != nil {
					return err
				}
			}
			return nil
		})
}

// ExportProjects writes the projects the filter selects. Errors: EINVALID, EFORBIDDEN.
func (s *Service) ExportProjects(ctx context.Context, f ProjectFilter, w io.Writer) error {
	if err := f.check(); err != nil {
		return err
	}
	return s.export(ctx, ProjectSheet, "project.export", map[string]string{"q": f.Q, "division": f.Division, "funding": f.Funding, "status": f.Status}, w,
		func(lang string, ex *xlsx.Exporter) error {
			return s.Store.eachProject(ctx, f, s.today(), func(p *Project) error {
				sched := i18n.T(lang, "project.on_time")
				if p.Late {
					sched = i18n.T(lang, "project.late")
				}
				return ex.Write(p.DivisionCode, p.DivisionName, p.Title, p.Owner, label(lang, "project.funding.", p.Funding), Yuan(p.Budget),
					label(lang, "project.status.", p.Status), sched, p.Runner, p.AcceptedBy)
			})
		})
}

// ExportFigures writes the figures at a division and under it. Errors as Figures.
func (s *Service) ExportFigures(ctx context.Context, code string, w io.Writer) error {
	total, rows, err := s.Figures(ctx, code)
	if err != nil {
		return err
	}
	return s.export(ctx, FigureSheet, "project.figures.export", map[string]string{"division": total.DivisionCode}, w,
		func(lang string, ex *xlsx.Exporter) error {
			for _, f := range append([]ListFigures{*total}, rows...) {
				if err := ex.Write(f.DivisionCode, f.DivisionName, f.NeedsOpen, f.NeedsMatched, f.NeedsServed, f.SharePercent(), f.OnTime, f.Late,
					Yuan(f.Money["finance"]), Yuan(f.Money["collective"]), Yuan(f.Money["social"]), Yuan(f.Money["purchase"])); err != nil {
					return err
				}
			}
			return nil
		})
}
