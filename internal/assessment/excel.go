package assessment

import (
	"context"
	"io"
	"strconv"
	"strings"

	"shequ/internal/division"
	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/xlsx"
)

var sheet = xlsx.Spec{SheetZh: "综合考核评比", SheetEn: "Assessment", Columns: []xlsx.Column{
	{Key: "year", Zh: "年度", En: "Year"},
	{Key: "scheme", Zh: "考核方案", En: "Scheme", Width: 24},
	{Key: "community_code", Zh: "区划代码", En: "Division code", Width: 16},
	{Key: "community", Zh: "社区", En: "Community", Width: 20},
	{Key: "state", Zh: "状态", En: "State", Width: 12},
	{Key: "total", Zh: "总分", En: "Total"},
	{Key: "township_rank", Zh: "乡镇（街道）内排名", En: "Rank in township"},
	{Key: "county_rank", Zh: "县（市、区）内排名", En: "Rank in county"},
	{Key: "items", Zh: "各项得分", En: "Points by item", Width: 60},
	{Key: "reviewer", Zh: "审核人", En: "Reviewed by", Width: 14},
	{Key: "approver", Zh: "审定人", En: "Approved by", Width: 14},
}}

// Export writes the assessments the filter selects in the caller's area as
// a workbook: each with its total, its ranks (where the caller may see
// the ranking) and its points by item; audited. Errors: EINVALID, EFORBIDDEN.
func (s *Service) Export(ctx context.Context, f Filter, w io.Writer) error {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return err
	}
	lang := i18n.From(ctx)
	return sheet.Export(w, lang, func(ex *xlsx.Exporter) error {
		ranks := map[string]map[int64]int{}
		rankIn := func(a *Assessment, code string) (string, error) {
			key := strconv.FormatInt(a.SchemeID, 10) + ":" + code
			m, ok := ranks[key]
			if !ok {
				m = map[int64]int{}
				rk, err := s.Ranking(ctx, a.SchemeID, code)
				if err != nil && errs.Code(err) != errs.ENOTFOUND {
					return "", err
				}
				if rk != nil {
					for _, r := range rk.Rows {
						m[r.AssessmentID] = r.Rank
					}
				}
				ranks[key] = m
			}
			if n := m[a.ID]; n > 0 {
				return strconv.Itoa(n), nil
			}
			return "", nil
		}
		f.PerPage = 200
		for f.Page = 1; ; f.Page++ {
			items, more, err := s.List(ctx, f)
			if err != nil {
				return err
			}
			for i := range items {
				a := &items[i]
				if err := s.fill(ctx, a, false); err != nil {
					return err
				}
				parts := make([]string, 0, len(a.Scores))
				for _, c := range a.Scores {
					pts := "—"
					if c.Points != nil {
						pts = strconv.FormatFloat(*c.Points, 'f', -1, 64)
					}
					parts = append(parts, c.Item.Name+": "+pts)
				}
				var total any = ""
				if a.Total != nil {
					total = *a.Total
				}
				town, err := rankIn(a, division.Code(a.CommunityCode).Township())
				if err != nil {
					return err
				}
				county, err := rankIn(a, division.Code(a.CommunityCode).County())
				if err != nil {
					return err
				}
				if err := ex.Write(a.Year, a.SchemeName, a.CommunityCode, a.CommunityName, i18n.T(lang, "assessment.state."+a.State), total,
					town, county, strings.Join(parts, "; "), a.Reviewer, a.Approver); err != nil {
					return err
				}
			}
			if !more {
				return nil
			}
		}
	}, func(rows int) error {
		return s.Audit.Write(ctx, audit.Entry{Action: "assessment.export", ObjectType: "assessment", ObjectID: "*",
			Detail: map[string]any{"rows": rows, "year": f.Year, "scheme_id": f.SchemeID, "state": f.State}})
	})
}
