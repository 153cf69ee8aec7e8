package web

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"testing"

	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
)

// TestShowRefusal: a refused search adds its reasons, in the caller's
// language, to what the page already says and takes the refusal's
// status; nil changes nothing; any other error is returned as it is.
func TestShowRefusal(t *testing.T) {
	ctx := i18n.With(context.Background(), i18n.EN)
	refused := errs.Invalid(errs.Field("phone", "error.not_found"))
	sum, status, err := ShowRefusal(ctx, refused, []string{"before"}, http.StatusOK)
	want, _ := Explain(i18n.EN, refused)
	if err != nil || status != errs.Status(refused) || !slices.Equal(sum, append([]string{"before"}, want...)) {
		t.Errorf("refused: %q %d %v", sum, status, err)
	}
	if sum, status, err := ShowRefusal(ctx, nil, []string{"x"}, http.StatusOK); err != nil || status != http.StatusOK || !slices.Equal(sum, []string{"x"}) {
		t.Errorf("nil: %q %d %v", sum, status, err)
	}
	boom := errors.New("boom")
	if _, _, err := ShowRefusal(ctx, boom, nil, http.StatusOK); err != boom {
		t.Errorf("other error: %v", err)
	}
}
