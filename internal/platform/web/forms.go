package web

import (
	"context"
	"io"
	"net/http"
	"net/url"

	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
)

// FlashRedirect ends a form that changed something: msg (a message key, or
// a translated text) shows on the next page and the browser is sent to to
// with 303 See Other. It returns nil, so that a handler can end with it.
func FlashRedirect(w http.ResponseWriter, r *http.Request, msg, to string) error {
	Flash(w, r, msg)
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// ImportFile is the handler of a registry's Excel import form: the body is
// capped at maxBytes, the workbook in the form's "file" field goes to read
// (a form without one is the field error "upload": error.required). A
// workbook read whole ends with done(result) flashed and a redirect to
// back; one refused as invalid shows the page again through failed, with
// the error's status and its summary in the user's language; any other
// error is returned. The caller checks the roles first.
func ImportFile[T any](w http.ResponseWriter, r *http.Request, maxBytes int64, back string,
	read func(ctx context.Context, f io.Reader) (T, error), done func(lang string, result T) string,
	failed func(status int, summary []string) error) error {
	ctx := r.Context()
	r.Body = http.MaxBytesReader(w, r.Body, maxBytes)
	var res T
	f, _, err := r.FormFile("file")
	if err != nil {
		err = errs.Invalid(errs.Field("upload", "error.required"))
	} else {
		defer f.Close()
		res, err = read(ctx, f)
	}
	if err == nil {
		return FlashRedirect(w, r, done(i18n.From(ctx), res), back)
	}
	if errs.Code(err) != errs.EINVALID {
		return err
	}
	sum, _ := Explain(i18n.From(ctx), err)
	return failed(errs.Status(err), sum)
}

// Refused is what a page shows again of a refused form: the summary, the
// message beside each field and the values the user sent.
type Refused struct {
	Summary []string
	Errors  map[string]string
	Values  url.Values
}

// FormDone ends a form: without an error, msg flashed and a 303 to to; on
// an error the user can correct (EINVALID, ECONFLICT, or one that one of
// correctable accepts) the page again through again, with the error's
// status and its Refused in the user's language; any other error is
// returned.
func FormDone(w http.ResponseWriter, r *http.Request, err error, msg, to string, again func(status int, p *Refused) error,
	correctable ...func(error) bool) error {
	if err == nil {
		return FlashRedirect(w, r, msg, to)
	}
	ok := errs.Code(err) == errs.EINVALID || errs.Code(err) == errs.ECONFLICT
	for _, c := range correctable {
		ok = ok || c(err)
	}
	if !ok {
		return err
	}
	sum, by := Explain(i18n.From(r.Context()), err)
	return again(errs.Status(err), &Refused{Summary: sum, Errors: by, Values: r.PostForm})
}

// RefusedSearch is ShowRefusal for a page that shows a Refused: a search
// its service refused (EINVALID) becomes the page's Refused, with the
// refusal's status, unless the page already shows a refused form (p),
// which it keeps. Any other error is returned.
func RefusedSearch(ctx context.Context, err error, p *Refused, status int) (*Refused, int, error) {
	if errs.Code(err) != errs.EINVALID {
		return p, status, err
	}
	if p != nil {
		return p, status, nil
	}
	sum, by := Explain(i18n.From(ctx), err)
	return &Refused{Summary: sum, Errors: by}, errs.Status(err), nil
}
