// Package webassets holds the static files of the UI: our CSS and script,
// and the vendored libraries under static/vendor, each with its licence.
package webassets

import (
	"embed"
	"io/fs"
)

//go:embed static
var files embed.FS

// Static is the static/ folder.
var Static, _ = fs.Sub(files, "static")
