// Package upload reads uploaded images safely: the size is capped, the type
// is decided by the content (never by the name or the browser's word), only
// the configured types are accepted, and every image is decoded and encoded
// again so that nothing but its pixels survives (EXIF with GPS positions,
// XMP, comments, trailing data). The bytes that come out are what a slice
// stores, in the database through Store, and serves through its own
// handlers after its own access check.
package upload

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"slices"

	"shequ/internal/platform/errs"
)

// Content types this package can check and re-encode.
const (
	JPEG = "image/jpeg"
	PNG  = "image/png"
)

// Defaults.
const (
	DefaultMaxBytes  = 8 << 20
	DefaultMaxPixels = 40_000_000
)

// Config says what an upload may be.
type Config struct {
	MaxBytes  int64    // 0: DefaultMaxBytes
	MaxPixels int      // width × height; 0: DefaultMaxPixels (guards against decompression bombs)
	Types     []string // accepted content types; nil: JPEG and PNG
	Quality   int      // JPEG quality of the re-encoded image; 0: 85
}

func (c Config) maxBytes() int64 {
	if c.MaxBytes > 0 {
		return c.MaxBytes
	}
	return DefaultMaxBytes
}

func (c Config) maxPixels() int {
	if c.MaxPixels > 0 {
		return c.MaxPixels
	}
	return DefaultMaxPixels
}

func (c Config) types() []string {
	if len(c.Types) > 0 {
		return c.Types
	}
	return []string{JPEG, PNG}
}

// File is a checked, re-encoded image.
type File struct {
	Name   string // the name the browser gave, for display only
	Type   string // JPEG or PNG, decided by the content
	Width  int
	Height int
	Bytes  []byte
	SHA256 string // hex of the re-encoded bytes
}

// FormFile reads the file of the multipart field of r and checks it with
// Check. The caller caps the whole request body (http.MaxBytesReader) as
// usual; this caps the file. A missing file is EINVALID on field.
//
// Errors: EINVALID naming field (missing, too large, not an accepted
// image, unreadable).
func (c Config) FormFile(r *http.Request, field string) (*File, error) {
	f, h, err := r.FormFile(field)
	if errors.Is(err, http.ErrMissingFile) {
		return nil, errs.Invalid(errs.Field(field, "error.required"))
	}
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, errs.Invalid(errs.Field(field, "upload.too_large", c.maxBytes()>>20))
		}
		return nil, errs.Invalid(errs.Field(field, "upload.unreadable"))
	}
	defer f.Close()
	return c.Header(h, f, field)
}

// Header checks an already parsed multipart file.
func (c Config) Header(h *multipart.FileHeader, f io.Reader, field string) (*File, error) {
	if h.Size > c.maxBytes() {
		return nil, errs.Invalid(errs.Field(field, "upload.too_large", c.maxBytes()>>20))
	}
	out, err := c.Check(f, field)
	if err != nil {
		return nil, err
	}
	out.Name = h.Filename
	return out, nil
}

// Check reads at most the size cap from r, decides the type by content,
// decodes the image and encodes it again without any metadata. A JPEG
// whose EXIF says it was taken rotated is turned upright first, since the
// orientation tag goes with the rest of the metadata.
//
// Errors: EINVALID naming field.
func (c Config) Check(r io.Reader, field string) (*File, error) {
	limit := c.maxBytes()
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, errs.Invalid(errs.Field(field, "upload.unreadable"))
	}
	if int64(len(data)) > limit {
		return nil, errs.Invalid(errs.Field(field, "upload.too_large", limit>>20))
	}
	if len(data) == 0 {
		return nil, errs.Invalid(errs.Field(field, "upload.empty"))
	}
	typ := http.DetectContentType(data)
	if !slices.Contains(c.types(), typ) || (typ != JPEG && typ != PNG) {
		return nil, errs.Invalid(errs.Field(field, "upload.bad_type"))
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || "image/"+format != typ {
		return nil, errs.Invalid(errs.Field(field, "upload.bad_image"))
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > c.maxPixels() {
		return nil, errs.Invalid(errs.Field(field, "upload.too_many_pixels", c.maxPixels()/1_000_000))
	}
	var img image.Image
	if typ == JPEG {
		img, err = jpeg.Decode(bytes.NewReader(data))
	} else {
		img, err = png.Decode(bytes.NewReader(data))
	}
	if err != nil {
		return nil, errs.Invalid(errs.Field(field, "upload.bad_image"))
	}
	var buf bytes.Buffer
	if typ == JPEG {
		img = orient(img, jpegOrientation(data))
		q := c.Quality
		if q <= 0 || q > 100 {
			q = 85
		}
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: q})
	} else {
		err = (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, img)
	}
	if err != nil {
		return nil, errs.Internal("upload.Config.Check", err)
	}
	sum := sha256.Sum256(buf.Bytes())
	b := img.Bounds()
	return &File{Type: typ, Width: b.Dx(), Height: b.Dy(), Bytes: buf.Bytes(), SHA256: hex.EncodeToString(sum[:])}, nil
}
