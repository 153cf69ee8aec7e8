package certificate

import (
	"bytes"
	"image"
	"image/draw"
	_ "image/jpeg" // seals may be uploaded as JPEG
	"image/png"

	"shequ/internal/platform/errs"
	"shequ/internal/platform/upload"
)

// Limits of a seal image.
const (
	MaxSealBytes = 2 << 20
	maxSealSide  = 2000
	minSealSide  = 64
)

// NormalizeSeal checks an uploaded seal with package upload (a PNG or
// JPEG by content, within the size cap, re-encoded without metadata) and
// then redraws it as an 8-bit RGBA PNG of a sensible size, which fpdf
// reads whatever the upload was (fpdf refuses 16-bit and interlaced PNGs).
// Errors: EINVALID on the field "seal".
func NormalizeSeal(data []byte) ([]byte, error) {
	f, err := upload.Config{MaxBytes: MaxSealBytes, MaxPixels: maxSealSide * maxSealSide}.Check(bytes.NewReader(data), "seal")
	if err != nil {
		return nil, err
	}
	if f.Width > maxSealSide || f.Height > maxSealSide || f.Width < minSealSide || f.Height < minSealSide {
		return nil, errs.Invalid(errs.Field("seal", "certificate.seal_size", minSealSide, maxSealSide))
	}
	img, _, err := image.Decode(bytes.NewReader(f.Bytes))
	if err != nil {
		return nil, errs.Internal("certificate.NormalizeSeal: Decode", err)
	}
	b := img.Bounds()
	out := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(out, out.Bounds(), img, b.Min, draw.Src)
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, out); err != nil {
		return nil, errs.Internal("certificate.NormalizeSeal: Encode", err)
	}
	return buf.Bytes(), nil
}
