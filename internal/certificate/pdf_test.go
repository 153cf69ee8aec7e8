package certificate

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/go-pdf/fpdf"
	"github.com/makiuchi-d/gozxing"
	gozxingqr "github.com/makiuchi-d/gozxing/qrcode"
)

// testSeal draws a red ring, as an organisation's seal scan would be.
func testSeal(t testing.TB) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 200, 200))
	for y := 0; y < 200; y++ {
		for x := 0; x < 200; x++ {
			d := (x-100)*(x-100) + (y-100)*(y-100)
			if d < 95*95 && d > 85*85 || d < 20*20 {
				img.Set(x, y, color.NRGBA{200, 20, 20, 255})
			}
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	seal, err := NormalizeSeal(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	return seal
}

func testCertificate(n int) *Certificate {
	c := &Certificate{Number: NewNumber(), VolunteerID: 7, VolunteerName: "张晓明", IDNumber: "131***********1234",
		OrganizationID: 3, OrganizationName: "河东街道新华社区志愿服务队", DivisionCode: "131102001001",
		From: "2026-01-01", To: "2026-06-30", IssuedAt: time.Date(2026, 7, 2, 3, 0, 0, 0, time.UTC), IssuedBy: "王芳"}
	for i := range n {
		m := int64(150 + 50*(i%3))
		c.Items = append(c.Items, Item{Date: time.Date(2026, 1, 3+i%28, 0, 0, 0, 0, time.UTC).AddDate(0, i/28, 0).Format(DateLayout),
			Hours: hours(m), centi: m, Content: "为辖区独居老人上门送餐、打扫卫生并陪伴聊天，记录老人身体状况"})
		c.centi += m
	}
	c.Hours = hours(c.centi)
	return c
}

func TestPDF(t *testing.T) {
	c := testCertificate(40)
	url := "https://shequ.example.cn/verify/" + c.Number
	var out bytes.Buffer
	if err := PDF(&out, c, testSeal(t), url); err != nil {
		t.Fatal(err)
	}
	pdf := out.Bytes()
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", pdf[:20])
	}
	if !bytes.Contains(pdf, []byte(c.Number)) {
		t.Error("the certificate number is not in the PDF's metadata")
	}
	if len(pdf) > 1<<20 {
		t.Errorf("PDF is %d bytes; the font subset should keep it small", len(pdf))
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Log("pdftotext not installed: text not checked")
		return
	}
	f := t.TempDir() + "/c.pdf"
	if err := os.WriteFile(f, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	text, err := exec.Command("pdftotext", "-enc", "UTF-8", f, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	plain := strings.Join(strings.Fields(string(text)), "")
	for _, want := range []string{"志愿服务证明", "证明编号：" + c.Number, "张晓明", "131***********1234", "2026年1月1日至2026年6月30日",
		"河东街道新华社区志愿服务队", "累计服务时长" + FormatHours(c.Hours) + "小时", "2026-01-03", "为辖区独居老人上门送餐", "2026年7月2日", "不收取任何费用", "第2页"} {
		if !strings.Contains(plain, want) {
			t.Errorf("PDF text lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(plain, "撤销") {
		t.Error("a valid certificate says it is revoked")
	}
	// A revoked certificate's PDF says so across the page.
	now := time.Now()
	c.RevokedAt = &now
	out.Reset()
	if err := PDF(&out, c, testSeal(t), url); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(f, out.Bytes(), 0o600)
	text, _ = exec.Command("pdftotext", "-enc", "UTF-8", f, "-").Output()
	if !strings.Contains(strings.Join(strings.Fields(string(text)), ""), "撤销，不再有效") {
		t.Errorf("revoked certificate's PDF does not say so:\n%s", text)
	}
}

func TestQRCodeDecodes(t *testing.T) {
	url := "https://shequ.example.cn/verify/" + NewNumber()
	b, err := QRCode(url)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	// The image is the code alone: read it as such. gozxing's locator
	// misses about one random code in 200 (a decoder limit, not the code's:
	// the same codes read with the hint every time).
	res, err := gozxingqr.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_PURE_BARCODE: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.GetText() != url {
		t.Errorf("QR code reads %q, want %q", res.GetText(), url)
	}
}

func TestNumber(t *testing.T) {
	seen := map[string]bool{}
	for range 2000 {
		n := NewNumber()
		if len(n) != 19 || NormalizeNumber(n) != n {
			t.Fatalf("number %q is not canonical", n)
		}
		if seen[n] {
			t.Fatalf("number %q drawn twice", n)
		}
		seen[n] = true
	}
	for in, want := range map[string]string{
		"7k3m q9xd 2hfa w8rt": "7K3M-Q9XD-2HFA-W8RT",
		"7K3MQ9XD2HFAW8RT":    "7K3M-Q9XD-2HFA-W8RT",
		"oilm-0000-0000-0000": "011M-0000-0000-0000",
		"7K3M-Q9XD-2HFA-W8R":  "",
		"7K3M-Q9XD-2HFA-W8RU": "",
		"7K3M-Q9XD-2HFA-W8R志": "",
		"../../etc/passwd":    "",
	} {
		if got := NormalizeNumber(in); got != want {
			t.Errorf("NormalizeNumber(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMaskName(t *testing.T) {
	for in, want := range map[string]string{"张晓明": "张*明", "李四": "李*", "欧阳晓锋": "欧**锋", "王": "*", "": ""} {
		if got := MaskName(in); got != want {
			t.Errorf("MaskName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNormalizeSeal(t *testing.T) {
	if _, err := NormalizeSeal([]byte("GIF89a not a seal")); err == nil {
		t.Error("a GIF passed as a seal")
	}
	if _, err := NormalizeSeal(bytes.Repeat([]byte{0x89}, MaxSealBytes+1)); err == nil {
		t.Error("an oversized upload passed")
	}
	tiny := image.NewNRGBA(image.Rect(0, 0, 10, 10))
	var b bytes.Buffer
	png.Encode(&b, tiny)
	if _, err := NormalizeSeal(b.Bytes()); err == nil {
		t.Error("a 10×10 image passed as a seal")
	}
	// A 16-bit PNG with a text chunk comes out 8-bit without it.
	big := image.NewNRGBA64(image.Rect(0, 0, 100, 100))
	b.Reset()
	png.Encode(&b, big)
	chunk := []byte("tEXtAuthor\x00secret")
	withText := append([]byte{}, b.Bytes()[:33]...) // signature and IHDR
	withText = binary.BigEndian.AppendUint32(withText, uint32(len(chunk)-4))
	withText = append(withText, chunk...)
	withText = binary.BigEndian.AppendUint32(withText, crc32.ChecksumIEEE(chunk))
	withText = append(withText, b.Bytes()[33:]...)
	if !bytes.Contains(withText, []byte("secret")) {
		t.Fatal("test upload lacks its metadata")
	}
	out, err := NormalizeSeal(withText)
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := png.DecodeConfig(bytes.NewReader(out))
	if cfg.ColorModel != color.NRGBAModel {
		t.Errorf("seal not redrawn as 8-bit NRGBA: %v", cfg.ColorModel)
	}
	if bytes.Contains(out, []byte("secret")) {
		t.Error("metadata survived")
	}
}

func BenchmarkPDF(b *testing.B) {
	seal := testSeal(b)
	// A year of weekly service, and ten years of it (about 500 records,
	// some 20 pages).
	for _, n := range []int{50, 500} {
		b.Run(fmt.Sprintf("records=%d", n), func(b *testing.B) {
			c := testCertificate(n)
			url := "https://shequ.example.cn/verify/" + c.Number
			for b.Loop() {
				if err := PDF(&bytes.Buffer{}, c, seal, url); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestWrapKeepsEveryCharacter(t *testing.T) {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.AddUTF8FontFromBytes(fontName, "", fontTTF)
	pdf.SetFont(fontName, "", 12)
	text := "兹证明张晓明于2026年1月1日至2026年6月30日期间参加志愿服务，访问 https://shequ.example.cn/verify/7K3M-Q9XD-2HFA-W8RT 核验。"
	lines := wrap(pdf, text, 40)
	if len(lines) < 4 {
		t.Fatalf("wrapped into %d lines: %q", len(lines), lines)
	}
	for _, l := range lines {
		if w := pdf.GetStringWidth(l); w > 40 && !strings.Contains(l, "https") {
			t.Errorf("line %q is %.1f mm wide", l, w)
		}
	}
	if got := strings.ReplaceAll(strings.Join(lines, ""), " ", ""); got != strings.ReplaceAll(text, " ", "") {
		t.Errorf("wrap lost characters:\n%s\n%s", got, text)
	}
}
