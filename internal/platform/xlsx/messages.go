package xlsx

import "shequ/internal/platform/i18n"

func init() {
	i18n.Register(map[string]i18n.Msg{
		"field.upload":             {"上传的文件", "uploaded file"},
		"xlsx.unreadable":          {"文件读取失败，请重新上传", "could not be read; please upload it again"},
		"xlsx.too_large":           {"文件过大，不能超过 %d MB", "is too large (at most %d MB)"},
		"xlsx.too_wide":            {"有内容超出了第 %d 列", "has values past column %d"},
		"xlsx.cell_too_long":       {"第 %s 列的内容超过 %d 个字符（Excel 一个单元格的上限）", "column %s holds more than %d characters (what one Excel cell holds)"},
		"xlsx.unzips_too_large":    {"解压后超过 %d MB，不能导入", "unzips to more than %d MB and cannot be imported"},
		"xlsx.ratio":               {"压缩比超过 %d 倍，可能是恶意构造的文件，不能导入", "is compressed more than %d times over, as a zip bomb is, and cannot be imported"},
		"xlsx.element_too_large":   {"含有超过 %d KB 的 XML 元素，不能导入", "holds an XML element over %d KB and cannot be imported"},
		"xlsx.empty":               {"文件是空的", "is empty"},
		"xlsx.not_workbook":        {"不是有效的 Excel 工作簿(.xlsx)", "is not a valid Excel workbook (.xlsx)"},
		"xlsx.no_header":           {"找不到表头行，请使用下载的模板", "has no header row; please use the downloaded template"},
		"xlsx.no_rows":             {"表头下没有数据行", "has no data rows under the header"},
		"xlsx.too_many_rows":       {"数据行过多，一次最多导入 %d 行", "has too many rows (at most %d at a time)"},
		"xlsx.unknown_column":      {"不认识的列“%s”，请使用下载的模板", "has an unknown column \"%s\"; please use the downloaded template"},
		"xlsx.duplicate_column":    {"该列出现了两次", "appears twice"},
		"xlsx.missing_column":      {"缺少这一必填列", "is a required column and is missing"},
		"xlsx.cell_without_header": {"第 %s 列有内容但没有表头", "column %s has values but no header"},
		"xlsx.instructions":        {"填写说明", "Instructions"},
		"xlsx.instructions_intro":  {"请在“%s”工作表中逐行填写，第一行表头不要修改；带 * 的列必填。每行的问题都会在导入时指出，有任何问题则整个文件都不导入。", "Fill in the sheet \"%s\" one row per record and keep its header row; columns marked * are required. Every problem is named by row on import, and a file with any problem imports nothing."},
		"xlsx.col_header":          {"列", "Column"},
		"xlsx.col_required":        {"是否必填", "Required"},
		"xlsx.col_help":            {"填写要求", "What to enter"},
		"xlsx.col_example":         {"示例", "Example"},
		"xlsx.required":            {"必填", "required"},
		"xlsx.not_date":            {"应为日期，如 2024-05-01", "must be a date such as 2024-05-01"},
		"xlsx.optional":            {"选填", "optional"},
		"xlsx.not_one_of":          {"“%s”不是可选的值，应为以下之一：%s", "\"%s\" is not one of: %s"},
		"xlsx.pick_one":            {"从下拉列表中选择：%s", "pick from the list: %s"},
		"xlsx.pick_several":        {"可多选，用顿号分隔：%s", "one or more, separated by commas: %s"},
		"xlsx.pick_from_list":      {"请从下拉列表中选择", "please pick a value from the list"},
		"xlsx.lists":               {"选项", "Lists"},
	})
}
