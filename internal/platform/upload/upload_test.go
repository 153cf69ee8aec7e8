package upload

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"shequ/internal/platform/auth"
	"shequ/internal/platform/db/dbtest"
	"shequ/internal/platform/errs"
)

// The GPS position planted in test photos: 37°44'N 115°40'E, written as
// the EXIF rationals a phone writes.
var gpsMarker = []byte("GPSMARK-37.7397N-115.6703E")

func testImage(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			// Top-left quadrant red, the rest blue, so rotation shows.
			c := color.RGBA{0, 0, 255, 255}
			if x < w/2 && y < h/2 {
				c = color.RGBA{255, 0, 0, 255}
			}
			img.Set(x, y, c)
		}
	}
	return img
}

// exifSegment builds an APP1 Exif segment, little-endian TIFF, with IFD0
// holding Orientation and a GPSInfo pointer, and a GPS IFD with
// GPSLatitudeRef "N", GPSLatitude (three rationals) and a GPSProcessingMethod
// carrying gpsMarker, so the test can look for the bytes afterwards.
func exifSegment(orientation uint16) []byte {
	le := binary.LittleEndian
	var t bytes.Buffer
	t.WriteString("II")
	_ = binary.Write(&t, le, uint16(42))
	_ = binary.Write(&t, le, uint32(8))
	// IFD0 at 8: 2 entries.
	ifd0 := 8
	gpsIFD := ifd0 + 2 + 2*12 + 4
	_ = binary.Write(&t, le, uint16(2))
	entry := func(tag, typ uint16, count, value uint32) {
		_ = binary.Write(&t, le, tag)
		_ = binary.Write(&t, le, typ)
		_ = binary.Write(&t, le, count)
		_ = binary.Write(&t, le, value)
	}
	entry(0x0112, 3, 1, uint32(orientation)) // SHORT in the low bytes (little-endian)
	entry(0x8825, 4, 1, uint32(gpsIFD))      // GPSInfo IFD pointer
	_ = binary.Write(&t, le, uint32(0))      // no next IFD
	// GPS IFD: 3 entries, then its data.
	data := gpsIFD + 2 + 3*12 + 4
	_ = binary.Write(&t, le, uint16(3))
	entry(0x0001, 2, 2, uint32('N'))                          // GPSLatitudeRef "N\0" inline
	entry(0x0002, 5, 3, uint32(data))                         // GPSLatitude: 3 RATIONALs
	entry(0x001B, 7, uint32(len(gpsMarker)), uint32(data+24)) // GPSProcessingMethod
	_ = binary.Write(&t, le, uint32(0))
	for _, r := range [][2]uint32{{37, 1}, {44, 1}, {2292, 100}} {
		_ = binary.Write(&t, le, r[0])
		_ = binary.Write(&t, le, r[1])
	}
	t.Write(gpsMarker)
	payload := append([]byte("Exif\x00\x00"), t.Bytes()...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	return append(seg, payload...)
}

// photo is a JPEG as a phone makes it: SOI, APP1 Exif with GPS, then the
// image.
func photo(t *testing.T, w, h int, orientation uint16) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, testImage(w, h), &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	raw := b.Bytes()
	out := append([]byte{}, raw[:2]...)
	out = append(out, exifSegment(orientation)...)
	out = append(out, raw[2:]...)
	// Also a comment segment and trailing bytes after EOI, which some
	// tools use to smuggle data.
	return append(out, []byte("TRAILER-"+string(gpsMarker))...)
}

func fieldKey(t *testing.T, err error) string {
	t.Helper()
	e := errs.As(err)
	if e.Code != errs.EINVALID || len(e.Fields) != 1 {
		t.Fatalf("want one EINVALID field, got %v", err)
	}
	return e.Fields[0].Key
}

func TestPhotoLosesGPS(t *testing.T) {
	in := photo(t, 64, 48, 1)
	if !bytes.Contains(in, gpsMarker) || !bytes.Contains(in, []byte("Exif\x00\x00")) {
		t.Fatal("test photo is missing its EXIF")
	}
	if jpegOrientation(in) != 1 {
		t.Fatal("orientation not read")
	}
	f, err := Config{}.Check(bytes.NewReader(in), "photo")
	if err != nil {
		t.Fatal(err)
	}
	if f.Type != JPEG || f.Width != 64 || f.Height != 48 {
		t.Fatalf("got %s %dx%d", f.Type, f.Width, f.Height)
	}
	for _, bad := range [][]byte{gpsMarker, []byte("Exif"), []byte("TRAILER"), {0xFF, 0xE1}} {
		if bytes.Contains(f.Bytes, bad) {
			t.Errorf("output still holds %q", bad)
		}
	}
	if _, err := jpeg.Decode(bytes.NewReader(f.Bytes)); err != nil {
		t.Fatalf("output is not a JPEG: %v", err)
	}
	if len(f.SHA256) != 64 {
		t.Fatalf("sha256 %q", f.SHA256)
	}
}

func TestRotatedPhotoIsTurnedUpright(t *testing.T) {
	// Orientation 6: the camera was turned clockwise; the stored 64×48
	// picture shows upright as 48×64 with its top-left corner at the top right.
	in := photo(t, 64, 48, 6)
	if jpegOrientation(in) != 6 {
		t.Fatalf("orientation %d", jpegOrientation(in))
	}
	f, err := Config{}.Check(bytes.NewReader(in), "photo")
	if err != nil {
		t.Fatal(err)
	}
	if f.Width != 48 || f.Height != 64 {
		t.Fatalf("got %dx%d, want 48x64", f.Width, f.Height)
	}
	img, _ := jpeg.Decode(bytes.NewReader(f.Bytes))
	r, _, b, _ := img.At(40, 8).RGBA()
	if r>>8 < 200 || b>>8 > 60 {
		t.Fatalf("top right should be red after turning, got r=%d b=%d", r>>8, b>>8)
	}
	r, _, _, _ = img.At(8, 8).RGBA()
	if r>>8 > 60 {
		t.Fatalf("top left should be blue after turning, got r=%d", r>>8)
	}
}

func TestPNGLosesTextChunks(t *testing.T) {
	var b bytes.Buffer
	if err := png.Encode(&b, testImage(20, 10)); err != nil {
		t.Fatal(err)
	}
	raw := b.Bytes()
	// Insert a tEXt chunk after IHDR (8-byte signature + 25-byte IHDR).
	text := []byte("Comment\x00" + string(gpsMarker))
	chunk := make([]byte, 8, 12+len(text))
	binary.BigEndian.PutUint32(chunk, uint32(len(text)))
	copy(chunk[4:], "tEXt")
	chunk = append(chunk, text...)
	chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(chunk[4:]))
	in := append(append(append([]byte{}, raw[:33]...), chunk...), raw[33:]...)
	f, err := Config{}.Check(bytes.NewReader(in), "photo")
	if err != nil {
		t.Fatal(err)
	}
	if f.Type != PNG || f.Width != 20 || f.Height != 10 || bytes.Contains(f.Bytes, gpsMarker) {
		t.Fatalf("got %s %dx%d, marker kept: %v", f.Type, f.Width, f.Height, bytes.Contains(f.Bytes, gpsMarker))
	}
}

func TestRefusals(t *testing.T) {
	var g bytes.Buffer
	_ = gif.Encode(&g, testImage(4, 4), nil)
	jpg := photo(t, 16, 16, 1)
	var pngBuf bytes.Buffer
	_ = png.Encode(&pngBuf, testImage(4, 4))
	cases := []struct {
		name string
		cfg  Config
		in   []byte
		key  string
	}{
		{"empty", Config{}, nil, "upload.empty"},
		{"gif", Config{}, g.Bytes(), "upload.bad_type"},
		{"text named like a photo", Config{}, []byte("<html><script>alert(1)</script>"), "upload.bad_type"},
		{"png when only jpeg allowed", Config{Types: []string{JPEG}}, pngBuf.Bytes(), "upload.bad_type"},
		{"truncated jpeg", Config{}, jpg[:len(jpg)/2], "upload.bad_image"},
		{"too large", Config{MaxBytes: 100}, jpg, "upload.too_large"},
		{"too many pixels", Config{MaxPixels: 100}, jpg, "upload.too_many_pixels"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := c.cfg.Check(bytes.NewReader(c.in), "photo")
			if err == nil {
				t.Fatal("accepted")
			}
			if k := fieldKey(t, err); k != c.key {
				t.Fatalf("key %s, want %s", k, c.key)
			}
		})
	}
}

func TestFormFile(t *testing.T) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("photo", "IMG_0001.jpg")
	_, _ = fw.Write(photo(t, 32, 32, 1))
	_ = mw.Close()
	r := httptest.NewRequest(http.MethodPost, "/", &body)
	r.Header.Set("Content-Type", mw.FormDataContentType())
	f, err := Config{}.FormFile(r, "photo")
	if err != nil {
		t.Fatal(err)
	}
	if f.Name != "IMG_0001.jpg" || bytes.Contains(f.Bytes, gpsMarker) {
		t.Fatalf("name %q, marker kept %v", f.Name, bytes.Contains(f.Bytes, gpsMarker))
	}
	r = httptest.NewRequest(http.MethodPost, "/", strings.NewReader(""))
	r.Header.Set("Content-Type", mw.FormDataContentType())
	if _, err := (Config{}).FormFile(r, "other"); err == nil || fieldKey(t, err) == "" {
		t.Fatal("missing file accepted")
	}
}

func TestStore(t *testing.T) {
	t.Parallel()
	d := dbtest.Open(t)
	ctx := auth.With(context.Background(), auth.SystemPrincipal)
	if _, err := d.Writer().Exec(`INSERT INTO divisions (code, name, level, kind, parent_code) VALUES ('131100000000','衡水市',2,'',NULL)`); err != nil {
		t.Skipf("cannot insert a division here: %v", err)
	}
	s := NewStore(d)
	f, err := Config{}.Check(bytes.NewReader(photo(t, 8, 8, 1)), "photo")
	if err != nil {
		t.Fatal(err)
	}
	id, err := s.Put(ctx, "test.photo", "131102001001", f)
	if err != nil {
		t.Fatal(err)
	}
	again, err := s.Put(ctx, "test.photo", "131102001001", f)
	if err != nil || again != id {
		t.Fatalf("same bytes stored twice: %d %d %v", id, again, err)
	}
	b, err := s.Load(ctx, "test.photo", id)
	if err != nil || !bytes.Equal(b.Bytes, f.Bytes) || b.Type != JPEG || b.SHA256 != f.SHA256 {
		t.Fatalf("load: %v", err)
	}
	if _, err := s.Load(ctx, "other.owner", id); errs.Code(err) != errs.ENOTFOUND {
		t.Fatalf("other owner: %v", err)
	}
	in := auth.With(ctx, &auth.Principal{Role: auth.GridWorker, Area: auth.AreaOf("131102001001", 5)})
	out := auth.With(ctx, &auth.Principal{Role: auth.GridWorker, Area: auth.AreaOf("131102001002", 5)})
	if _, err := s.Get(in, "test.photo", id); err != nil {
		t.Fatalf("own area: %v", err)
	}
	if _, err := s.Get(out, "test.photo", id); errs.Code(err) != errs.ENOTFOUND {
		t.Fatalf("other area: %v", err)
	}
	w := httptest.NewRecorder()
	Serve(w, httptest.NewRequest(http.MethodGet, "/", nil), b)
	if w.Header().Get("Content-Type") != JPEG || w.Header().Get("X-Content-Type-Options") != "nosniff" || !bytes.Equal(w.Body.Bytes(), f.Bytes) {
		t.Fatalf("serve: %v", w.Header())
	}
}
