package survey

import (
	"context"
	"io"
	"strconv"

	"shequ/internal/platform/audit"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/xlsx"
)

var resultSheet = xlsx.Spec{SheetZh: "测评结果", SheetEn: "Results", Columns: []xlsx.Column{
	{Key: "code", Zh: "区划代码", En: "Division code", Width: 16},
	{Key: "name", Zh: "区划", En: "Division", Width: 24},
	{Key: "question", Zh: "题目", En: "Question", Width: 40},
	{Key: "option", Zh: "选项", En: "Option", Width: 24},
	{Key: "count", Zh: "人次", En: "Count"},
	{Key: "share", Zh: "占比(%)", En: "Share (%)"},
	{Key: "average", Zh: "平均分", En: "Average"},
}}

// Export writes a round's results in a division and in each of its
// children as a workbook (one row per option, a row of response counts
// first), and audits it. Errors as Results.
func (s *Service) Export(ctx context.Context, rid int64, code string, w io.Writer) error {
	res, err := s.Results(ctx, rid, code)
	if err != nil {
		return err
	}
	lang := i18n.From(ctx)
	return resultSheet.Export(w, lang, func(ex *xlsx.Exporter) error {
		return s.writeResults(ctx, ex, lang, rid, res)
	}, func(rows int) error {
		return s.Audit.Write(ctx, audit.Entry{Action: "survey.export", ObjectType: "survey_round", ObjectID: id(rid),
			Detail: map[string]any{"division": res.Division.Code, "rows": rows}})
	})
}

// writeResults writes the rows of a round's results in a division, then
// those of each of its children.
func (s *Service) writeResults(ctx context.Context, ex *xlsx.Exporter, lang string, rid int64, res *Results) error {
	write := func(r *Results) error {
		d := r.Division
		if err := ex.Write(d.Code, d.Name, i18n.T(lang, "survey.responses"), i18n.T(lang, "survey.interviews"), d.Responses,
			"", strconv.FormatInt(d.Interviews, 10)); err != nil {
			return err
		}
		for _, q := range r.Questions {
			avg := ""
			if q.Question.Kind == Rating && q.Answered > 0 {
				avg = strconv.FormatFloat(q.Average, 'f', 2, 64)
			}
			if err := ex.Write(d.Code, d.Name, q.Question.Text, i18n.T(lang, "survey.answered"), q.Answered, "", avg); err != nil {
				return err
			}
			for _, o := range q.Options {
				if err := ex.Write(d.Code, d.Name, q.Question.Text, o.Label, o.Count, strconv.FormatFloat(o.Share, 'f', 1, 64), ""); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := write(res); err != nil {
		return err
	}
	for _, c := range res.Children {
		cr, err := s.Results(ctx, rid, c.Code)
		if err != nil {
			return err
		}
		if err := write(cr); err != nil {
			return err
		}
	}
	return nil
}
