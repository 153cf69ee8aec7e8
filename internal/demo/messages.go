package demo

import "shequ/internal/platform/i18n"

func init() {
	i18n.Register(map[string]i18n.Msg{
		"demo.no_communities": {"区划中没有村(社区)，无法建立演示数据", "there are no villages or communities to build the demo on"},
		"field.divisions":     {"区划", "divisions"},
	})
}
