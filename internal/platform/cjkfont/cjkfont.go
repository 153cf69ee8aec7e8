// Package cjkfont is the Chinese font the PDFs embed (certificates, the
// plan's evaluation report): Noto Sans SC subset to GB2312; see
// fonts/README.md.
package cjkfont

import (
	_ "embed"

	"github.com/go-pdf/fpdf"
)

// TTF is the font file.
//
//go:embed fonts/NotoSansSC-Regular-GB2312.ttf
var TTF []byte

// Name is the family the font is added under.
const Name = "notosanssc"

// Add adds the font to pdf under Name.
func Add(pdf *fpdf.Fpdf) { pdf.AddUTF8FontFromBytes(Name, "", TTF) }
