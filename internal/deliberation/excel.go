package deliberation

import (
	"context"
	"io"
	"strconv"

	"shequ/internal/platform/i18n"
	"shequ/internal/platform/xlsx"
)

// exportMax bounds an export's rows.
const exportMax = 20000

// TopicSheet is the topics' Excel layout.
var TopicSheet = &xlsx.Spec{SheetZh: "议题", SheetEn: "Topics", Columns: []xlsx.Column{
	{Key: "id", Zh: "编号", En: "No.", Width: 8},
	{Key: "community", Zh: "社区", En: "Community", Width: 20},
	{Key: "title", Zh: "标题", En: "Title", Width: 30},
	{Key: "source", Zh: "来源", En: "Source", Width: 14},
	{Key: "source_ref", Zh: "来源编号", En: "Source reference", Width: 14},
	{Key: "proposer", Zh: "提出人", En: "Raised by", Width: 14},
	{Key: "status", Zh: "状态", En: "Status", Width: 10},
	{Key: "plan", Zh: "议事安排或理由", En: "Plan or reason", Width: 40},
	{Key: "created", Zh: "提出日期", En: "Raised on", Width: 12},
}, MaxRows: exportMax}

// DecisionSheet is the decisions' Excel layout.
var DecisionSheet = &xlsx.Spec{SheetZh: "议事决定", SheetEn: "Decisions", Columns: []xlsx.Column{
	{Key: "id", Zh: "编号", En: "No.", Width: 8},
	{Key: "community", Zh: "社区", En: "Community", Width: 20},
	{Key: "title", Zh: "标题", En: "Title", Width: 30},
	{Key: "body", Zh: "内容", En: "Text", Width: 50},
	{Key: "from", Zh: "公示开始", En: "Published from", Width: 12},
	{Key: "until", Zh: "公示截止", En: "Published until", Width: 12},
	{Key: "objections", Zh: "异议数", En: "Objections", Width: 8},
}, MaxRows: exportMax}

// RosterSheet is the 协商能人 roster's Excel layout.
var RosterSheet = &xlsx.Spec{SheetZh: "协商能人", SheetEn: "Deliberation leaders", Columns: []xlsx.Column{
	{Key: "name", Zh: "姓名", En: "Name", Width: 14},
	{Key: "community", Zh: "社区", En: "Community", Width: 20},
	{Key: "chaired", Zh: "主持次数", En: "Chaired", Width: 10},
	{Key: "facilitated", Zh: "引导次数", En: "Facilitated", Width: 10},
	{Key: "last", Zh: "最近一次", En: "Latest", Width: 12},
}, MaxRows: exportMax}

// pages reads every page of a list (200 at a time) up to exportMax rows.
func pages[T any](read func(page int) ([]T, bool, error), write func(T) error) error {
	n := 0
	for page := 1; ; page++ {
		items, more, err := read(page)
		if err != nil {
			return err
		}
		for _, it := range items {
			if n++; n > exportMax {
				return nil
			}
			if err := write(it); err != nil {
				return err
			}
		}
		if !more {
			return nil
		}
	}
}

// ExportTopics writes the topics of the caller's area that match f.
func (s *Service) ExportTopics(ctx context.Context, f TopicFilter, w io.Writer) error {
	lang := i18n.From(ctx)
	return TopicSheet.Export(w, lang, func(ex *xlsx.Exporter) error {
		return pages(func(page int) ([]Topic, bool, error) {
			f.Page, f.PerPage = page, 200
			return s.Topics(ctx, f)
		}, func(t Topic) error {
			note := t.Plan
			if t.Status != Admitted {
				note = t.Reason
			}
			return ex.Write(strconv.FormatInt(t.ID, 10), t.DivisionName, t.Title, i18n.T(lang, "deliberation.source."+t.SourceKind), t.SourceRef,
				t.ProposerName, i18n.T(lang, "deliberation.status."+t.Status), note, t.CreatedAt.In(china).Format(DateLayout))
		})
	}, nil)
}

// ExportDecisions writes the decisions of the caller's area.
func (s *Service) ExportDecisions(ctx context.Context, division string, w io.Writer) error {
	return DecisionSheet.Export(w, i18n.From(ctx), func(ex *xlsx.Exporter) error {
		return pages(func(page int) ([]Resolution, bool, error) { return s.Decisions(ctx, division, page, 200) }, func(x Resolution) error {
			return ex.Write(strconv.FormatInt(x.ID, 10), x.DivisionName, x.Title, x.Body, x.ShownFrom, x.ShownUntil, strconv.FormatInt(x.Objections, 10))
		})
	}, nil)
}

// ExportRoster writes the 协商能人 roster of the caller's area.
func (s *Service) ExportRoster(ctx context.Context, division string, w io.Writer) error {
	items, err := s.Roster(ctx, division)
	if err != nil {
		return err
	}
	return RosterSheet.Export(w, i18n.From(ctx), func(ex *xlsx.Exporter) error {
		for _, e := range items {
			if err := ex.Write(e.Name, e.DivisionName, strconv.FormatInt(e.Chaired, 10), strconv.FormatInt(e.Facilitated, 10), e.Last); err != nil {
				return err
			}
		}
		return nil
	}, nil)
}
