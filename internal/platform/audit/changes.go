package audit

// Changes is what an update changed, for an audit record's (or a history
// entry's) before and after: the fields of after whose text differs from
// before's, each with both texts. before and after render one record
// field by field (a slice's flat).
func Changes(before, after map[string]string) (map[string]string, map[string]string) {
	ob, oa := map[string]string{}, map[string]string{}
	for k, v := range after {
		if before[k] != v {
			ob[k], oa[k] = before[k], v
		}
	}
	return ob, oa
}
