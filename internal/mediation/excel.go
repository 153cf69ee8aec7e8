package mediation

import (
	"context"
	"io"
	"strings"

	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/xlsx"
)

// CaseSheet is the cases' export; parties are masked.
var CaseSheet = &xlsx.Spec{
	SheetZh: "人民调解案件", SheetEn: "Mediation cases",
	Columns: []xlsx.Column{
		{Key: "id", Zh: "案件编号", En: "Case", Width: 10},
		{Key: "community", Zh: "社区", En: "Community", Width: 20},
		{Key: "kind", Zh: "纠纷类型", En: "Kind", Width: 12},
		{Key: "request", Zh: "诉求编号", En: "Request", Width: 18},
		{Key: "parties", Zh: "当事人", En: "Parties", Width: 24},
		{Key: "mediators", Zh: "调解员", En: "Mediators", Width: 20},
		{Key: "status", Zh: "状态", En: "Status", Width: 10},
		{Key: "signed_on", Zh: "协议签订日期", En: "Agreement signed", Width: 14},
		{Key: "referral", Zh: "引导途径", En: "Referral", Width: 12},
		{Key: "callback", Zh: "回访", En: "Callback", Width: 14},
		{Key: "closed_on", Zh: "结案日期", En: "Closed on", Width: 12},
	},
}

// ServiceSheet is the advisers' log export.
var ServiceSheet = &xlsx.Spec{
	SheetZh: "法律顾问服务记录", SheetEn: "Legal advisers' services",
	Columns: []xlsx.Column{
		{Key: "on", Zh: "日期", En: "Date", Width: 12},
		{Key: "community", Zh: "社区", En: "Community", Width: 20},
		{Key: "adviser", Zh: "法律顾问", En: "Adviser", Width: 14},
		{Key: "kind", Zh: "服务类型", En: "Kind", Width: 14},
		{Key: "people", Zh: "服务人数", En: "People served", Width: 10},
		{Key: "note", Zh: "内容", En: "Note", Width: 40},
	},
}

// LiterateSheet is the legal-literate villagers' roster.
var LiterateSheet = &xlsx.Spec{
	SheetZh: "法律明白人", SheetEn: "Legal-literate villagers",
	Columns: []xlsx.Column{
		{Key: "community", Zh: "社区", En: "Community", Width: 20},
		{Key: "name", Zh: "姓名", En: "Name", Width: 14},
		{Key: "hours", Zh: "培训学时", En: "Hours of training", Width: 12},
	},
}

// ExportLiterates writes the legal-literate villagers in the caller's
// area (under code when given) with their hours of training.
func (s *Service) ExportLiterates(ctx context.Context, code string, w io.Writer) error {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return err
	}
	if err := s.checkArea(ctx, code); err != nil {
		return err
	}
	items, _, err := s.Store.literates(ctx, code, "", 1, 0)
	if err != nil {
		return err
	}
	return LiterateSheet.Export(w, i18n.From(ctx), func(ex *xlsx.Exporter) error {
		for _, l := range items {
			if err := ex.Write(l.CommunityName, l.Name, l.Hours); err != nil {
				return err
			}
		}
		return nil
	}, func(rows int) error {
		return s.Audit.Write(ctx, audit.Entry{Action: "mediation.literate.export", ObjectType: "mediation.literate", ObjectID: "*",
			Detail: map[string]any{"division": code, "rows": rows}})
	})
}

// ExportCases writes the cases the filter selects (parties masked) in
// the caller's language; the export is audited.
func (s *Service) ExportCases(ctx context.Context, f CaseFilter, w io.Writer) error {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return err
	}
	if err := f.check(); err != nil {
		return err
	}
	if err := s.checkArea(ctx, f.Division); err != nil {
		return err
	}
	lang := i18n.From(ctx)
	return CaseSheet.Export(w, lang, func(ex *xlsx.Exporter) error {
		return s.Store.eachCase(ctx, f, func(c *MediationCase) error {
			var parties, mediators []string
			for _, p := range c.Parties {
				parties = append(parties, p.Name)
			}
			for _, m := range c.Mediators {
				mediators = append(mediators, m.Name)
			}
			referral, follow := "", ""
			if c.Referral != "" {
				referral = i18n.T(lang, "mediation.referral."+c.Referral)
			}
			if c.CallbackOn != "" {
				follow = c.CallbackOn + " " + i18n.T(lang, "mediation.kept."+c.CallbackKept)
			}
			return ex.Write(c.ID, c.CommunityName, i18n.T(lang, "mediation.kind."+c.Kind), c.RequestNumber, strings.Join(parties, "、"),
				strings.Join(mediators, "、"), i18n.T(lang, "mediation.status."+c.Status), c.AgreementSignedOn, referral, follow, c.ClosedOn)
		})
	}, func(rows int) error {
		return s.Audit.Write(ctx, audit.Entry{Action: "mediation.case.export", ObjectType: "mediation.case", ObjectID: "*",
			Detail: map[string]any{"division": f.Division, "status": f.Status, "kind": f.Kind, "rows": rows}})
	})
}

// ExportServices writes the advisers' services in the caller's area
// (under code when given).
func (s *Service) ExportServices(ctx context.Context, code string, w io.Writer) error {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return err
	}
	if err := s.checkArea(ctx, code); err != nil {
		return err
	}
	items, _, err := s.Store.services(ctx, code, 0, 1, 0)
	if err != nil {
		return err
	}
	lang := i18n.From(ctx)
	return ServiceSheet.Export(w, lang, func(ex *xlsx.Exporter) error {
		for _, v := range items {
			if err := ex.Write(v.On, v.CommunityName, v.AdviserName, i18n.T(lang, "mediation.service."+v.Kind), v.People, v.Note); err != nil {
				return err
			}
		}
		return nil
	}, func(rows int) error {
		return s.Audit.Write(ctx, audit.Entry{Action: "mediation.adviser.export", ObjectType: "mediation.adviser", ObjectID: "*",
			Detail: map[string]any{"division": code, "rows": rows}})
	})
}
