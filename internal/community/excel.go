package community

import (
	"context"
	"io"

	"shequ/internal/platform/i18n"
	"shequ/internal/platform/xlsx"
)

// CatalogueSheet is the catalogue's Excel layout.
var CatalogueSheet = &xlsx.Spec{
	SheetZh: "社区公共服务目录", SheetEn: "Public service catalogue",
	Columns: []xlsx.Column{
		{Key: "name", Zh: "服务事项", En: "Service", Width: 28},
		{Key: "details", Zh: "说明", En: "Description", Width: 40},
		{Key: "materials", Zh: "所需材料", En: "What to bring", Width: 40},
		{Key: "times", Zh: "办理时间", En: "When", Width: 24},
		{Key: "venue", Zh: "办理地点", En: "Where", Width: 24},
		{Key: "division_name", Zh: "制定单位", En: "Kept by", Width: 20},
	},
	MaxRows: maxCatalogue,
}

// ExportCatalogue writes a community's published catalogue as a workbook
// in the caller's language. It is public information, so anyone may
// export it; nothing is audited. Errors: ENOTFOUND.
func (s *Service) ExportCatalogue(ctx context.Context, code string, w io.Writer) error {
	items, err := s.Catalogue(ctx, code)
	if err != nil {
		return err
	}
	return CatalogueSheet.Export(w, i18n.From(ctx), func(ex *xlsx.Exporter) error {
		for _, it := range items {
			if err := ex.Write(it.Name, it.Description, it.Materials, it.ServiceHours, it.Place, it.DivisionName); err != nil {
				return err
			}
		}
		return nil
	}, nil)
}
