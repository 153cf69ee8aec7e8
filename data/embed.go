// Package data ships the public reference data the binary needs: the
// National Bureau of Statistics' division codes of 衡水市 (from the npm
// package china-division 2.7.0, licence beside the file) and the State
// Council's holiday calendar.
package data

import "embed"

// FS holds divisions/*.csv and calendar/*.csv.
//
//go:embed divisions/hengshui.csv calendar/cn-holidays.csv
var FS embed.FS
