package apptest

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"testing"

	"shequ/internal/platform/upload"
)

// PNG is a small picture, w×h pixels with a diagonal line, as a camera
// would not send but every upload check accepts.
func PNG(tb testing.TB, w, h int) []byte {
	tb.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := 0; x < w; x++ {
		img.Set(x, x%h, color.RGBA{B: 200, A: 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// Photo is PNG checked as an upload of field "photo", for a service call
// that takes photos.
func Photo(tb testing.TB) *upload.File {
	tb.Helper()
	f, err := upload.Config{}.Check(bytes.NewReader(PNG(tb, 40, 30)), "photo")
	if err != nil {
		tb.Fatal(err)
	}
	return f
}
