package upload

import "shequ/internal/platform/i18n"

func init() {
	i18n.Register(map[string]i18n.Msg{
		"upload.too_large":       {"文件过大，不能超过 %d MB", "is too large (at most %d MB)"},
		"upload.unreadable":      {"文件读取失败，请重新上传", "could not be read; please upload it again"},
		"upload.empty":           {"文件是空的", "is empty"},
		"upload.bad_type":        {"只接受 JPEG 或 PNG 图片", "must be a JPEG or PNG image"},
		"upload.bad_image":       {"图片已损坏或无法识别", "is a damaged or unrecognised image"},
		"upload.too_many_pixels": {"图片像素过多，不能超过 %d 百万像素", "has too many pixels (at most %d megapixels)"},
	})
}
