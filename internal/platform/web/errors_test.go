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

// TestRefusedSearch: a refused search becomes the page's Refused with its
// status, unless the page already shows a refused form; other errors are
// returned.
func TestRefusedSearch(t *testing.T) {
	ctx := i18n.With(context.Background(), i18n.ZH)
	refused := errs.Invalid(errs.Field("division", "error.not_found"))
	p, status, err := RefusedSearch(ctx, refused, nil, http.StatusOK)
	if err != nil || p == nil || status != errs.Status(refused) || len(p.Summary) != 2 || p.Errors["division"] == "" {
		t.Errorf("refused: %+v %d %v", p, status, err)
	}
	form := &Refused{Summary: []string{"form"}}
	if p, status, err := RefusedSearch(ctx, refused, form, http.StatusConflict); p != form || status != http.StatusConflict || err != nil {
		t.Errorf("with a refused form: %+v %d %v", p, status, err)
	}
	boom := errors.New("boom")
	if _, _, err := RefusedSearch(ctx, boom, nil, http.StatusOK); err != boom {
		t.Errorf("other error: %v", err)
	}
}
