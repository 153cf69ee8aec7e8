package division

import "shequ/internal/platform/i18n"

func init() {
	m := map[string]i18n.Msg{
		"division.nav":                     {"区划与社区", "Divisions"},
		"division.not_a_community":         {"%s 不是村（社区）", "%s is not a village or community"},
		"division.pick_a_community":        {"请选择一个村（社区）", "choose a village or community"},
		"picker.legend":                    {"所在村（社区）", "Your village or community"},
		"picker.search_label":              {"输入名称查找", "Search by name"},
		"picker.search_placeholder":        {"如 游园、河西", "e.g. 游园, 河西"},
		"picker.find":                      {"查找", "Find"},
		"picker.chosen":                    {"已选择：", "Chosen: "},
		"picker.results":                   {"名称含“%s”的村（社区）：", "Villages and communities named like “%s”:"},
		"picker.more":                      {"只显示前 20 个，请输入更完整的名称。", "Only the first 20 are shown; type more of the name."},
		"picker.none":                      {"没有找到，请换个名称或逐级选择。", "None found; try another name or choose level by level."},
		"picker.browse":                    {"或逐级选择：", "Or choose level by level:"},
		"picker.top":                       {"全部", "All"},
		"division.crumbs":                  {"所在位置", "You are here"},
		"division.search":                  {"查找区划", "Find a division"},
		"division.search_label":            {"按名称或代码查找", "Search by name or code"},
		"division.search_placeholder":      {"名称或代码，如 桃城 或 131102", "Name or code, e.g. 桃城 or 131102"},
		"division.no_results":              {"没有找到匹配的区划。", "No division matches."},
		"division.not_found":               {"找不到区划 %s，或它不在您的辖区内。", "Division %s does not exist or is outside your area."},
		"division.none":                    {"您的辖区内没有区划。", "There are no divisions in your area."},
		"division.code_format":             {"区划代码应为 12 位数字", "must be a 12-digit division code"},
		"division.not_community":           {"只有村(社区)才有社区概况", "only villages and communities have a profile"},
		"division.part_unknown":            {"“%s”不是该类社区的组织", "%q is not an organisation of this kind of community"},
		"division.part_twice":              {"组织“%s”重复", "organisation %q is given twice"},
		"division.level":                   {"层级", "Level"},
		"division.kind":                    {"类型", "Kind"},
		"division.name":                    {"名称", "Name"},
		"division.code":                    {"区划代码", "Code"},
		"division.children":                {"下级区划（%d 个）", "Divisions below (%d)"},
		"division.child_count":             {"下级数", "Below"},
		"division.communities":             {"村(社区)数", "Villages and communities"},
		"division.profile":                 {"社区概况", "Community profile"},
		"division.edit":                    {"编辑社区概况", "Edit the profile"},
		"division.history":                 {"变更记录", "Change history"},
		"division.no_history":              {"还没有变更记录。", "No changes yet."},
		"division.changed_at":              {"时间", "When"},
		"division.actor":                   {"操作人", "Who"},
		"division.field":                   {"项目", "Field"},
		"division.before":                  {"变更前", "Before"},
		"division.after":                   {"变更后", "After"},
		"division.part":                    {"组织", "Organisation"},
		"division.org_name":                {"名称", "Name"},
		"division.org_head":                {"负责人", "Head"},
		"division.no_orgs":                 {"尚未登记组织。", "No organisations recorded yet."},
		"division.updated":                 {"最近更新：%s，%s", "Last updated %s by %s"},
		"division.never_updated":           {"尚未更新过。", "Never updated."},
		"division.structure.urban":         {"“六位一体”组织体系", "Urban six-part organisation structure"},
		"division.structure.other":         {"“六位一体”组织体系", "Urban six-part organisation structure"},
		"division.structure.rural":         {"“五位一体”组织体系", "Rural five-part organisation structure"},
		"level.province":                   {"省", "Province"},
		"level.city":                       {"市", "City"},
		"level.county":                     {"县(市、区)", "County"},
		"level.township":                   {"乡镇(街道)", "Township"},
		"level.community":                  {"村(社区)", "Village or community"},
		"kind.subdistrict":                 {"街道", "Subdistrict"},
		"kind.town":                        {"镇", "Town"},
		"kind.township":                    {"乡", "Township"},
		"kind.zone":                        {"开发区等", "Zone"},
		"kind.rural":                       {"村", "Village"},
		"kind.urban":                       {"社区", "Urban community"},
		"kind.other":                       {"其他", "Other"},
		"field.code":                       {"区划代码", "division code"},
		"field.q":                          {"查询词", "search text"},
		"field.population":                 {"常住人口", "resident population"},
		"field.urban_population":           {"城镇常住人口", "urban resident population"},
		"field.households":                 {"户数", "households"},
		"field.building_area":              {"总建筑面积(m²)", "total building floor area (m²)"},
		"field.commercial_area":            {"商业建筑面积(m²)", "commercial floor area (m²)"},
		"field.relocation":                 {"“空心村”治理集中安置社区", "relocation community (hollow-village consolidation)"},
		"field.broadband":                  {"通宽带", "broadband"},
		"field.has_5g":                     {"通5G", "5G coverage"},
		"field.organisations":              {"组织体系", "organisations"},
		"part.party_branch":                {"党组织", "Party branch"},
		"part.residents_committee":         {"居民委员会", "Residents' committee"},
		"part.villagers_committee":         {"村民委员会", "Villagers' committee"},
		"part.owners_committee":            {"业主委员会", "Owners' committee"},
		"part.property_management":         {"物业服务企业", "Property management company"},
		"part.building_steward":            {"楼门(栋)长", "Building stewards"},
		"part.service_station":             {"综合服务站", "Service station"},
		"part.village_affairs_supervision": {"村务监督委员会", "Village affairs supervision committee"},
		"part.economic_cooperative":        {"经济合作社", "Economic cooperative"},
	}
	for _, p := range append(append([]string{}, UrbanParts...), RuralParts...) {
		pm := m["part."+p]
		m["field.org."+p] = pm
		m["field.org."+p+".name"] = i18n.Msg{pm[0] + "名称", pm[1] + " name"}
		m["field.org."+p+".head"] = i18n.Msg{pm[0] + "负责人", pm[1] + " head"}
	}
	i18n.Register(m)
}

func init() {
	i18n.Register(map[string]i18n.Msg{
		"import.header":         {"表头应为 %s", "the header must be %s"},
		"import.csv_syntax":     {"CSV 格式错误：%s", "CSV syntax error: %s"},
		"import.columns":        {"应有 5 列，实际 %d 列", "must have 5 columns, has %d"},
		"import.duplicate":      {"代码 %s 重复（第 %d 行已出现）", "code %s appears twice (first on line %d)"},
		"import.level_nesting":  {"层级“%s”与代码不符，代码表示“%s”", "level %q does not match the code, which says %q"},
		"import.kind_empty":     {"该层级不应填写类型", "must be empty at this level"},
		"import.parent_nesting": {"上级代码 %s 与代码不符，应为 %s", "parent %s does not match the code; it should be %s"},
		"import.parent_missing": {"上级 %s 既不在文件中，也不在系统中", "parent %s is neither in the file nor in the database"},
		"import.empty":          {"文件中没有数据行", "the file has no data rows"},
		"field.header":          {"表头", "header"},
		"field.row":             {"整行", "row"},
		"field.name":            {"名称", "name"},
		"field.level":           {"层级", "level"},
		"field.kind":            {"类型", "kind"},
		"field.parent_code":     {"上级代码", "parent code"},
	})
}

// Open311's place resolution (Places): what to send when a place cannot be found.
func init() {
	i18n.Register(map[string]i18n.Msg{
		"division.place.coordinate":  {"应为十进制度数，如 37.73", "must be decimal degrees such as 37.73"},
		"division.place.bad_point":   {"经纬度超出范围", "lat and long are out of range"},
		"division.place.outside":     {"该坐标不在已知的任何县（市、区）边界内；请发送 address_id（社区的 12 位区划代码）或 address_string（如 衡水市桃城区河西街道游园社区）", "the point lies outside every county boundary we know; send address_id (the community's 12-digit code) or address_string (such as 衡水市桃城区河西街道游园社区)"},
		"division.place.county_only": {"该坐标位于%s，但无法确定社区；请同时发送 address_string（社区名称，如 河西街道游园社区）或 address_id（社区的 12 位区划代码）", "the point lies in %s, but no community can be told from it; send address_string too (the community's name, such as 河西街道游园社区) or address_id (its 12-digit code)"},
		"division.place.required":    {"请发送 address_id（社区的 12 位区划代码）、address_string（如 衡水市桃城区河西街道游园社区）或 lat/long", "send address_id (the community's 12-digit code), address_string (such as 衡水市桃城区河西街道游园社区) or lat/long"},
		"division.place.not_found":   {"找不到名为“%s”的村（社区）；请发送完整名称，如 衡水市桃城区河西街道游园社区，或 address_id", "no village or community is named %q; send its full name, such as 衡水市桃城区河西街道游园社区, or address_id"},
		"division.place.ambiguous":   {"“%s”可指多个社区（%s）；请加上县、乡镇名称，或发送 address_id", "%q names several communities (%s); add the county's and township's names, or send address_id"},
	})
}
