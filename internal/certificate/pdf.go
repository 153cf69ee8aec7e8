package certificate

import (
	"bytes"
	"fmt"
	"io"
	"time"

	"github.com/go-pdf/fpdf"
	"github.com/skip2/go-qrcode"

	"shequ/internal/platform/cjkfont"
)

// The font is Noto Sans SC subset to GB2312 (platform/cjkfont).
var fontTTF = cjkfont.TTF

const fontName = cjkfont.Name

// PDF writes the certificate as a PDF in Chinese: number, volunteer (name,
// masked ID number), the records of the period with their hours, the
// total, the issuing organisation with its seal, the date, and a QR code
// of verifyURL. seal is a PNG (see NormalizeSeal).
func PDF(w io.Writer, c *Certificate, seal []byte, verifyURL string) error {
	qr, err := QRCode(verifyURL)
	if err != nil {
		return err
	}
	pdf := newPDF("志愿服务证明", c.Number, c.IssuedAt)
	pdf.SetFooterFunc(func() {
		pdf.SetY(-15)
		pdf.SetFont(fontName, "", 8)
		pdf.SetTextColor(110, 110, 110)
		pdf.CellFormat(0, 5, fmt.Sprintf("证明编号 %s    第 %d 页 共 {nb} 页", c.Number, pdf.PageNo()), "", 0, "C", false, 0, "")
	})
	pdf.AliasNbPages("{nb}")
	pdf.AddPage()
	pageW, _ := pdf.GetPageSize()
	left, _, right, _ := pdf.GetMargins()
	width := pageW - left - right

	heading(pdf, "志愿服务证明", c.Number, c.RevokedAt)

	pdf.SetFont(fontName, "", 12)
	body := fmt.Sprintf("兹证明 %s（身份证号：%s）于 %s 至 %s 期间在%s参加志愿服务，经本组织记录，累计服务时长 %s 小时。服务记录如下：",
		c.VolunteerName, c.IDNumber, chineseDate(c.From), chineseDate(c.To), c.OrganizationName, FormatHours(c.Hours))
	paragraph(pdf, "　　"+body, width, 8)
	pdf.Ln(4)

	// The records, in a table that breaks across pages with its header.
	cols := []float64{30, width - 30 - 28, 28}
	header := func() {
		pdf.SetFont(fontName, "", 10.5)
		pdf.SetFillColor(238, 238, 238)
		for i, h := range []string{"日期", "服务内容", "时长（小时）"} {
			pdf.CellFormat(cols[i], 8, h, "1", 0, "C", true, 0, "")
		}
		pdf.Ln(-1)
	}
	header()
	const lineH = 6.5
	_, pageH := pdf.GetPageSize()
	for _, it := range c.Items {
		lines := wrap(pdf, it.Content, cols[1]-3)
		if len(lines) == 0 {
			lines = []string{""}
		}
		h := float64(len(lines))*lineH + 1.5
		if pdf.GetY()+h > pageH-24 {
			pdf.AddPage()
			header()
		}
		x, y := pdf.GetXY()
		pdf.Rect(x, y, cols[0], h, "D")
		pdf.Rect(x+cols[0], y, cols[1], h, "D")
		pdf.Rect(x+cols[0]+cols[1], y, cols[2], h, "D")
		pdf.SetXY(x, y+0.75)
		pdf.CellFormat(cols[0], lineH, it.Date, "", 0, "C", false, 0, "")
		for i, l := range lines {
			pdf.SetXY(x+cols[0]+1.5, y+0.75+float64(i)*lineH)
			pdf.CellFormat(cols[1]-3, lineH, l, "", 0, "L", false, 0, "")
		}
		pdf.SetXY(x+cols[0]+cols[1], y+0.75)
		pdf.CellFormat(cols[2], lineH, FormatHours(it.Hours), "", 0, "C", false, 0, "")
		pdf.SetXY(x, y+h)
	}
	pdf.SetFont(fontName, "", 10.5)
	pdf.CellFormat(cols[0]+cols[1], 8, "合计", "1", 0, "R", false, 0, "")
	pdf.CellFormat(cols[2], 8, FormatHours(c.Hours), "1", 1, "C", false, 0, "")
	pdf.Ln(5)
	pdf.SetFont(fontName, "", 10)
	paragraph(pdf, "本证明依据《志愿服务记录与证明出具办法（试行）》出具，不收取任何费用。证明真伪可扫描左下二维码或访问 "+verifyURL+" 核验。", width, 6)

	return finish(w, pdf, qr, seal, c.OrganizationName, c.IssuedOn())
}

// newPDF starts an A4 certificate in the font stack, titled and dated; its
// number is a keyword (plain ASCII, so that it is findable in the file).
func newPDF(title, number string, at time.Time) *fpdf.Fpdf {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetTitle(title+" "+number, true)
	pdf.SetSubject(title, true)
	pdf.SetKeywords(number, false)
	pdf.SetCreator("shequ", true)
	pdf.SetCreationDate(at)
	pdf.SetModificationDate(at)
	pdf.AddUTF8FontFromBytes(fontName, "", fontTTF)
	pdf.SetMargins(22, 20, 22)
	pdf.SetAutoPageBreak(true, 22)
	return pdf
}

// heading writes the number, the title and, when revoked, the notice.
func heading(pdf *fpdf.Fpdf, title, number string, revokedAt *time.Time) {
	pdf.SetFont(fontName, "", 10)
	pdf.CellFormat(0, 6, "证明编号："+number, "", 1, "R", false, 0, "")
	pdf.Ln(6)
	pdf.SetFont(fontName, "", 24)
	pdf.CellFormat(0, 14, title, "", 1, "C", false, 0, "")
	if revokedAt != nil {
		pdf.SetFont(fontName, "", 14)
		pdf.SetTextColor(200, 0, 0)
		pdf.CellFormat(0, 10, "本证明已于 "+chineseDate(shanghai(*revokedAt).Format(DateLayout))+" 撤销，不再有效", "", 1, "C", false, 0, "")
		pdf.SetTextColor(0, 0, 0)
	}
	pdf.Ln(8)
}

// finish writes the signature block (issuer and date on the right with the
// seal over them, the QR code on the left; kept together on one page) and
// the document to w.
func finish(w io.Writer, pdf *fpdf.Fpdf, qr, seal []byte, issuer, issuedOn string) error {
	pageW, pageH := pdf.GetPageSize()
	left, _, right, _ := pdf.GetMargins()
	width := pageW - left - right
	if pdf.GetY()+50 > pageH-22 {
		pdf.AddPage()
	}
	y := pdf.GetY() + 8
	pdf.SetFont(fontName, "", 12)
	pdf.SetXY(left, y+14)
	pdf.CellFormat(width, 8, issuer, "", 2, "R", false, 0, "")
	pdf.CellFormat(width, 8, chineseDate(issuedOn), "", 2, "R", false, 0, "")
	opt := fpdf.ImageOptions{ImageType: "PNG"}
	pdf.RegisterImageOptionsReader("qr", opt, bytes.NewReader(qr))
	pdf.ImageOptions("qr", left, y, 32, 32, false, opt, 0, "")
	pdf.SetFont(fontName, "", 8)
	pdf.SetXY(left, y+33)
	pdf.CellFormat(40, 4, "扫码核验", "", 0, "L", false, 0, "")
	if len(seal) > 0 {
		pdf.RegisterImageOptionsReader("seal", opt, bytes.NewReader(seal))
		pdf.ImageOptions("seal", left+width-48, y, 40, 0, false, opt, 0, "")
	}
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("certificate pdf: %w", err)
	}
	return pdf.Output(w)
}

// QRCode is a PNG of a QR code for url.
func QRCode(url string) ([]byte, error) {
	return qrcode.Encode(url, qrcode.Medium, 256)
}

// chineseDate writes 2026-03-05 as 2026年3月5日.
func chineseDate(d string) string {
	t, err := time.Parse(DateLayout, d)
	if err != nil {
		return d
	}
	return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
}

// paragraph writes text wrapped to width.
func paragraph(pdf *fpdf.Fpdf, text string, width, lineH float64) {
	for _, l := range wrap(pdf, text, width) {
		pdf.CellFormat(width, lineH, l, "", 2, "L", false, 0, "")
	}
}

// wrap breaks text into lines no wider than width: between any two
// Chinese characters, and at a space inside Latin text. (fpdf's MultiCell
// and SplitText drop the character at a break in unspaced Chinese text.)
func wrap(pdf *fpdf.Fpdf, text string, width float64) []string {
	var lines []string
	r := []rune(text)
	start, space := 0, -1
	for i := 0; i < len(r); i++ {
		if r[i] == ' ' {
			space = i
		}
		if i > start && pdf.GetStringWidth(string(r[start:i+1])) > width {
			end, next := i, i
			if r[i] < 0x80 && space > start {
				end, next = space, space+1 // keep a Latin word whole
			}
			lines = append(lines, string(r[start:end]))
			start, space = next, -1
			i = next - 1
		}
	}
	if start < len(r) || len(lines) == 0 {
		lines = append(lines, string(r[start:]))
	}
	return lines
}

// Document is a certificate of another kind that shares the numbering,
// the font stack, the QR code and the verification page (a community's
// 证明, package burden): a title, paragraphs of body text, the basis it is
// issued on, the issuer and the date.
type Document struct {
	Title      string
	Number     string
	Paragraphs []string
	Basis      string
	Issuer     string
	IssuedAt   time.Time
	RevokedAt  *time.Time
}

// DocumentPDF writes d as an A4 PDF in Chinese with a QR code of verifyURL.
func DocumentPDF(w io.Writer, d *Document, verifyURL string) error {
	qr, err := QRCode(verifyURL)
	if err != nil {
		return err
	}
	pdf := newPDF(d.Title, d.Number, d.IssuedAt)
	pdf.AddPage()
	pageW, _ := pdf.GetPageSize()
	left, _, right, _ := pdf.GetMargins()
	width := pageW - left - right
	heading(pdf, d.Title, d.Number, d.RevokedAt)
	pdf.SetFont(fontName, "", 12)
	for _, p := range d.Paragraphs {
		paragraph(pdf, "　　"+p, width, 8)
		pdf.Ln(2)
	}
	pdf.Ln(4)
	pdf.SetFont(fontName, "", 10)
	paragraph(pdf, "出具依据："+d.Basis+"。证明真伪可扫描左下二维码或访问 "+verifyURL+" 核验。", width, 6)
	return finish(w, pdf, qr, nil, d.Issuer, shanghai(d.IssuedAt).Format(DateLayout))
}
