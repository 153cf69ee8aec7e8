package certificate_test

import (
	"bytes"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"shequ/internal/app"
	"shequ/internal/app/apptest"
	"shequ/internal/certificate"
	"shequ/internal/certificate/certtest"
	"shequ/internal/platform/auth"
)

// pdfQRCodes reads the QR codes among a PDF's images.
func pdfQRCodes(t *testing.T, pdf string) []string {
	t.Helper()
	if _, err := exec.LookPath("pdfimages"); err != nil {
		t.Skip("pdfimages (poppler-utils) not installed")
	}
	dir := t.TempDir()
	if err := os.WriteFile(dir+"/c.pdf", []byte(pdf), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("pdfimages", "-png", dir+"/c.pdf", dir+"/img").CombinedOutput(); err != nil {
		t.Fatalf("pdfimages: %v %s", err, out)
	}
	imgs, _ := filepath.Glob(dir + "/img-*.png")
	var read []string
	for _, f := range imgs {
		b, _ := os.ReadFile(f)
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			continue
		}
		bmp, _ := gozxing.NewBinaryBitmapFromImage(img)
		// Each image is a code alone (or the seal): see TestQRCodeDecodes.
		if r, err := qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_PURE_BARCODE: true}); err == nil {
			read = append(read, r.GetText())
		}
	}
	return read
}

// TestPublicURLInCertificate: with SHEQU_PUBLIC_URL set, the PDF's text,
// its QR code and the staff page give the verification page at that
// address, not the one the request came to (127.0.0.1 in a demo).
func TestPublicURLInCertificate(t *testing.T) {
	t.Parallel()
	const public = "https://shequ.example.cn/hs"
	e := apptest.NewWith(t, func(c *app.Config) { c.PublicURL = public + "/" })
	w := certtest.Seed(e)
	tok := e.Token(auth.CommunityWorker, apptest.Community)
	status, c, body := issue(t, e, w, tok, w.Org.ID, "2026-03-01", "2026-03-31")
	if status != 201 {
		t.Fatalf("issue: %d %s", status, body)
	}
	number := c["number"].(string)
	want := public + "/verify/" + number

	res := e.API("GET", "/api/v1/certificates/"+number+".pdf", tok, nil)
	if res.StatusCode != 200 {
		t.Fatalf("pdf: %d %s", res.StatusCode, res.Body)
	}
	if read := pdfQRCodes(t, res.Body); len(read) != 1 || read[0] != want {
		t.Errorf("QR codes in the PDF read %q, want [%s]", read, want)
	}
	if _, err := exec.LookPath("pdftotext"); err == nil {
		f := t.TempDir() + "/c.pdf"
		os.WriteFile(f, []byte(res.Body), 0o600)
		out, err := exec.Command("pdftotext", "-enc", "UTF-8", f, "-").Output()
		text := strings.Join(strings.Fields(string(out)), "")
		if err != nil || !strings.Contains(text, want) || strings.Contains(text, "127.0.0.1") {
			t.Errorf("PDF text (%v) should give %s: %s", err, want, out)
		}
	}
	page := e.Session(auth.CommunityWorker, apptest.Community).Get("/certificates/" + number)
	if page.StatusCode != 200 || !strings.Contains(page.Body, want) || strings.Contains(page.Body, "127.0.0.1") {
		t.Errorf("staff page: %d, want the link %s: %.3000s", page.StatusCode, want, page.Body)
	}
}

func TestCheckPublicURL(t *testing.T) {
	for in, want := range map[string]string{
		"": "", "https://shequ.example.cn": "https://shequ.example.cn", "https://shequ.example.cn/": "https://shequ.example.cn",
		"http://10.1.2.3:8080/hs/": "http://10.1.2.3:8080/hs",
	} {
		if got, err := certificate.CheckPublicURL(in); err != nil || got != want {
			t.Errorf("%q: %q %v, want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"shequ.example.cn", "ftp://shequ.example.cn", "https://", "https://a.cn/?x=1", "https://a.cn/#v", "https://u:p@a.cn", "/verify"} {
		if got, err := certificate.CheckPublicURL(bad); err == nil {
			t.Errorf("%q accepted as %q", bad, got)
		}
	}
}
