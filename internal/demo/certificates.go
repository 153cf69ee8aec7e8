package demo

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"math"

	"shequ/internal/certificate"
	"shequ/internal/platform/pii"
	"shequ/internal/volunteer"
)

// SealPNG draws the demo's seal: a red ring with a five-pointed star in
// the middle, as a round official seal (公章) looks without its lettering,
// on a transparent ground. Drawn here, so the demo ships no image file.
func SealPNG() []byte {
	const side = 256
	const c = side / 2
	red := color.NRGBA{R: 200, G: 16, B: 16, A: 255}
	img := image.NewNRGBA(image.Rect(0, 0, side, side))
	// The star's ten corners, alternately on radii 46 and 18, a point up.
	var star [10][2]float64
	for i := range star {
		r := 46.0
		if i%2 == 1 {
			r = 18
		}
		a := -math.Pi/2 + float64(i)*math.Pi/5
		star[i] = [2]float64{c + r*math.Cos(a), c + r*math.Sin(a)}
	}
	inStar := func(x, y float64) bool { // even-odd rule
		in := false
		for i, j := 0, len(star)-1; i < len(star); j, i = i, i+1 {
			a, b := star[i], star[j]
			if (a[1] > y) != (b[1] > y) && x < (b[0]-a[0])*(y-a[1])/(b[1]-a[1])+a[0] {
				in = !in
			}
		}
		return in
	}
	for y := range side {
		for x := range side {
			fx, fy := float64(x)+0.5, float64(y)+0.5
			d := math.Hypot(fx-c, fy-c)
			if d >= 110 && d <= 122 || d >= 100 && d <= 102 || inStar(fx, fy) {
				img.SetNRGBA(x, y, red)
			}
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err) // encoding an in-memory image does not fail
	}
	return b.Bytes()
}

// seals gives every volunteer organisation of the demo a seal, so that
// the first certificate issued in the demo works (an organisation with no
// seal cannot issue one).
func (b *Builder) seals(ctx context.Context, keys *pii.Ring) error {
	orgs, err := volunteer.NewService(b.DB, b.Audit, keys).Orgs(ctx, "")
	if err != nil {
		return err
	}
	out := make([]certificate.Organization, 0, len(orgs))
	for _, o := range orgs {
		out = append(out, certificate.Organization{ID: o.ID, Name: o.Name, DivisionCode: o.DivisionCode})
	}
	b.say("writing %d organisations' seals… ", len(out))
	if err := certificate.NewService(b.DB, b.Audit, nil).LoadSeals(ctx, out, SealPNG()); err != nil {
		return err
	}
	b.say("done\n")
	return nil
}
