package edge

import (
	"compress/gzip"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// gzipMin is the smallest body worth compressing: below it gzip's framing
// costs more than it saves.
const gzipMin = 1024

// gzipTypes are the media types compressed: text, whose size gzip divides.
var gzipTypes = map[string]bool{
	"text/html": true, "application/json": true, "application/problem+json": true, "text/css": true,
	"application/javascript": true, "text/javascript": true, "image/svg+xml": true, "text/calendar": true, "text/plain": true,
}

var gzipWriters = sync.Pool{New: func() any {
	gz, _ := gzip.NewWriterLevel(io.Discard, gzip.DefaultCompression)
	return gz
}}

// Gzip compresses h's text answers (gzipTypes) for clients that accept
// gzip, once they reach gzipMin bytes, with Vary: Accept-Encoding. It leaves
// alone event streams (not a compressible type, and passed through as
// written, flushes included), partial content (206), attachments, answers
// already encoded and HEAD requests. A strong ETag becomes weak when the
// answer is compressed: the bytes differ from the ones it names.
func Gzip(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead {
			h.ServeHTTP(w, r)
			return
		}
		gw := &gzipWriter{ResponseWriter: w, accepts: acceptsGzip(r.Header.Values("Accept-Encoding"))}
		defer gw.close()
		h.ServeHTTP(gw, r)
	})
}

// acceptsGzip reports whether Accept-Encoding values accept gzip (by name
// or *) with a q-value above 0.
func acceptsGzip(values []string) bool {
	for _, v := range values {
		for part := range strings.SplitSeq(v, ",") {
			name, params, _ := strings.Cut(part, ";")
			name = strings.ToLower(strings.TrimSpace(name))
			if name != "gzip" && name != "*" {
				continue
			}
			k, q, ok := strings.Cut(strings.TrimSpace(params), "=")
			if ok && strings.TrimSpace(strings.ToLower(k)) == "q" {
				if f, err := strconv.ParseFloat(strings.TrimSpace(q), 64); err != nil || f <= 0 {
					continue
				}
			}
			return true
		}
	}
	return false
}

type gzipState int

const (
	undecided gzipState = iota
	passing             // written as is
	pending             // compressible: held back until gzipMin bytes
	compressing
)

type gzipWriter struct {
	http.ResponseWriter
	accepts bool
	state   gzipState
	status  int
	buf     []byte
	gz      *gzip.Writer
}

func (w *gzipWriter) WriteHeader(code int) {
	if w.state != undecided || code < 200 {
		w.ResponseWriter.WriteHeader(code)
		return
	}
	h := w.Header()
	mt, _, _ := mime.ParseMediaType(h.Get("Content-Type"))
	if !gzipTypes[mt] || h.Get("Content-Encoding") != "" || code == http.StatusPartialContent ||
		code == http.StatusNoContent || code == http.StatusNotModified ||
		strings.HasPrefix(strings.ToLower(h.Get("Content-Disposition")), "attachment") {
		w.state = passing
		w.ResponseWriter.WriteHeader(code)
		return
	}
	h.Add("Vary", "Accept-Encoding")
	if n, err := strconv.Atoi(h.Get("Content-Length")); !w.accepts || err == nil && n < gzipMin {
		w.state = passing
		w.ResponseWriter.WriteHeader(code)
		return
	}
	w.state, w.status = pending, code
}

func (w *gzipWriter) Write(b []byte) (int, error) {
	if w.state == undecided {
		w.WriteHeader(http.StatusOK)
	}
	switch w.state {
	case pending:
		w.buf = append(w.buf, b...)
		if len(w.buf) >= gzipMin {
			if err := w.compress(); err != nil {
				return 0, err
			}
		}
		return len(b), nil
	case compressing:
		return w.gz.Write(b)
	}
	return w.ResponseWriter.Write(b)
}

// compress sends the header of a compressed answer and what was held back.
func (w *gzipWriter) compress() error {
	h := w.Header()
	h.Set("Content-Encoding", "gzip")
	h.Del("Content-Length")
	if et := h.Get("ETag"); strings.HasPrefix(et, `"`) {
		h.Set("ETag", "W/"+et)
	}
	w.ResponseWriter.WriteHeader(w.status)
	w.state = compressing
	w.gz = gzipWriters.Get().(*gzip.Writer)
	w.gz.Reset(w.ResponseWriter)
	_, err := w.gz.Write(w.buf)
	w.buf = nil
	return err
}

// FlushError sends what was written so far, compressed or not, to the
// client (http.ResponseController).
func (w *gzipWriter) FlushError() error {
	switch w.state {
	case pending:
		if err := w.compress(); err != nil {
			return err
		}
		fallthrough
	case compressing:
		if err := w.gz.Flush(); err != nil {
			return err
		}
	}
	return http.NewResponseController(w.ResponseWriter).Flush()
}

// Flush is FlushError for http.Flusher.
func (w *gzipWriter) Flush() { w.FlushError() }

// Unwrap lets http.ResponseController reach the connection.
func (w *gzipWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// close ends the answer: a body held back as too small is sent as is.
func (w *gzipWriter) close() {
	switch w.state {
	case pending:
		w.Header().Set("Content-Length", strconv.Itoa(len(w.buf)))
		w.ResponseWriter.WriteHeader(w.status)
		w.ResponseWriter.Write(w.buf)
	case compressing:
		w.gz.Close()
		w.gz.Reset(io.Discard)
		gzipWriters.Put(w.gz)
		w.gz = nil
	}
}
