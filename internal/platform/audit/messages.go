package audit

import "shequ/internal/platform/i18n"

func init() {
	i18n.Register(map[string]i18n.Msg{
		"audit.broken.deleted":      {"第 %d 至 %d 条记录缺失（已被删除），位于第 %d 条之前", "records %d to %d are missing (deleted), before record %d"},
		"audit.broken.link":         {"第 %d 条记录与前一条的链接不符（其前面的记录被修改或删除）", "record %d does not link to the record before it (a record before it was edited or deleted)"},
		"audit.broken.edited":       {"第 %d 条记录的内容与其哈希不符（已被修改）", "the content of record %d does not match its hash (edited)"},
		"audit.broken.head_missing": {"链头缺失：最后一条记录是第 %d 条", "the chain head is missing; the last record is %d"},
		"audit.broken.anchor":       {"整条链被改写：第 %d 条记录与链外保存的锚点不符", "the chain was rewritten: record %d does not match the anchor kept outside the database"},
		"audit.broken.truncated":    {"末尾记录被截去：链止于第 %d 条，链头记为第 %d 条", "records were cut off the end: the chain ends at record %d but its head says %d"},
	})
}
