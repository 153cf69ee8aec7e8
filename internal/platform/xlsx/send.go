package xlsx

import (
	"mime"
	"net/http"
	"strconv"
)

// Send answers with a finished workbook as a download named name (any
// characters: the header carries it RFC 2231-encoded where needed).
func Send(w http.ResponseWriter, name string, b []byte) {
	w.Header().Set("Content-Type", ContentType)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	_, _ = w.Write(b)
}
