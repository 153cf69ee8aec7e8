// Package migrations holds the schema, one folder per engine. Both folders
// carry the same numbered files with the same meaning; a test compares them.
package migrations

import "embed"

// FS holds sqlite/*.sql and postgres/*.sql.
//
//go:embed sqlite/*.sql postgres/*.sql
var FS embed.FS
