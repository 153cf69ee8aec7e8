package xlsx

import (
	"bytes"
	"io"
	"mime"
	"net/http"
	"strconv"
	"time"

	"shequ/internal/platform/calendar"
	"shequ/internal/platform/i18n"
)

// Send answers with a finished workbook as a download named name (any
// characters: the header carries it RFC 2231-encoded where needed).
func Send(w http.ResponseWriter, name string, b []byte) {
	w.Header().Set("Content-Type", ContentType)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	_, _ = w.Write(b)
}

// Download writes a workbook with write and sends it as name. An error of
// write is returned before anything is sent, so that the caller can still
// answer with an error page.
func Download(w http.ResponseWriter, name string, write func(io.Writer) error) error {
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		return err
	}
	Send(w, name, buf.Bytes())
	return nil
}

// ExportName is the file name of an export made at now: the name the
// message key gives in lang, a hyphen, now's date in China as 20060102
// (whatever the server's zone) and ".xlsx".
func ExportName(lang, key string, now time.Time) string {
	return i18n.T(lang, key) + "-" + now.In(calendar.China).Format("20060102") + ".xlsx"
}
