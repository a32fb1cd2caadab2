package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
)

// etagWriter gives a GET's 200 JSON answer a strong ETag, a hash of its
// body, and answers 304 instead when the request's If-None-Match names it,
// so that a client polling a resource or a list pays for no unchanged body.
// It buffers such an answer whole (API answers are pages, not streams); any
// other answer (an error, an event stream, a file, one whose handler set
// its own ETag) passes through untouched as it is written.
type etagWriter struct {
	http.ResponseWriter
	r       *http.Request
	decided bool
	buf     *bytes.Buffer // the body held back, nil when passing through
}

func (w *etagWriter) WriteHeader(code int) {
	if w.decided || code < 200 {
		w.ResponseWriter.WriteHeader(code)
		return
	}
	w.decided = true
	h := w.Header()
	if code == http.StatusOK && h.Get("ETag") == "" && strings.HasPrefix(h.Get("Content-Type"), "application/json") {
		w.buf = new(bytes.Buffer)
		return
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *etagWriter) Write(b []byte) (int, error) {
	if !w.decided {
		w.WriteHeader(http.StatusOK)
	}
	if w.buf != nil {
		return w.buf.Write(b)
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (w *etagWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// finish answers what was held back: 304 when If-None-Match names its
// ETag, else the body.
func (w *etagWriter) finish() {
	if w.buf == nil {
		return
	}
	sum := sha256.Sum256(w.buf.Bytes())
	etag := `"` + hex.EncodeToString(sum[:16]) + `"`
	h := w.Header()
	h.Set("ETag", etag)
	if etagMatch(w.r.Header.Get("If-None-Match"), etag) {
		h.Del("Content-Type")
		h.Del("Content-Length")
		w.ResponseWriter.WriteHeader(http.StatusNotModified)
		return
	}
	w.ResponseWriter.WriteHeader(http.StatusOK)
	w.ResponseWriter.Write(w.buf.Bytes())
}
