package edge

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"log/slog"
	"net/http"
	"time"
)

// RequestIDHeader carries a request's id: in from a trusted proxy, out on
// every answer.
const RequestIDHeader = "X-Request-Id"

type requestIDKey struct{}

// RequestID returns the id of the request ctx belongs to, "" outside one.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// WithRequestID returns ctx carrying the request id.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// newRequestID returns 16 random bytes, URL-safe base64 (22 characters).
func newRequestID() string {
	var b [16]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// wellFormedID reports whether id may be taken as a request id: 1 to 128
// characters, letters, digits and -_.: only, so that it is safe in a
// header, a log line and a URL.
func wellFormedID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for _, c := range []byte(id) {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '_', c == '.', c == ':':
		default:
			return false
		}
	}
	return true
}

// requestID returns the id of r: a well-formed X-Request-Id sent by a
// trusted proxy, else a new random one. Anyone else's header is ignored, as
// it could be used to forge or confuse log lines.
func (p Proxies) requestID(r *http.Request) string {
	if id := r.Header.Get(RequestIDHeader); wellFormedID(id) {
		if peer, ok := parseAddr(r.RemoteAddr); ok && p.trusted(peer) {
			return id
		}
	}
	return newRequestID()
}

// Access is the access log of one HTTP surface.
type Access struct {
	// Log receives one Info line per request, "request", when it is
	// answered.
	Log *slog.Logger
	// Proxies are trusted to name the client and to pass on a request id.
	Proxies Proxies
}

// Handler gives every request an id (in its context, see RequestID, and in
// the X-Request-Id header of the answer) and logs one line for it once
// answered: method, route pattern, path (never the query string, which may
// hold secrets; nor any header), status, bytes sent, duration, client
// address and request id.
func (a Access) Handler(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := a.Proxies.requestID(r)
		w.Header().Set(RequestIDHeader, id)
		// The line names the id itself, so it is logged under the
		// context without it (see LogHandler).
		ctx := r.Context()
		r = r.WithContext(WithRequestID(ctx, id))
		cw := &countingWriter{ResponseWriter: w}
		h.ServeHTTP(cw, r)
		if cw.status == 0 {
			cw.status = http.StatusOK
		}
		// The surface's ServeMux sets the pattern on r, the request it was
		// handed.
		a.Log.LogAttrs(ctx, slog.LevelInfo, "request",
			slog.String("method", r.Method), slog.String("route", r.Pattern), slog.String("path", r.URL.Path),
			slog.Int("status", cw.status), slog.Int64("bytes", cw.bytes), slog.Duration("duration", time.Since(start)),
			slog.String("client", a.Proxies.ClientIP(r)), slog.String("request_id", id))
	})
}

// countingWriter remembers the status and counts the bytes of an answer.
type countingWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *countingWriter) WriteHeader(code int) {
	if w.status == 0 && code >= 200 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *countingWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection.
func (w *countingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// LogHandler returns h adding the request id of a record's context, when it
// has one, to the record: error lines written while serving a request name
// it, as its access line does.
func LogHandler(h slog.Handler) slog.Handler { return ctxHandler{h} }

type ctxHandler struct{ slog.Handler }

func (h ctxHandler) Handle(ctx context.Context, rec slog.Record) error {
	if id := RequestID(ctx); id != "" {
		rec = rec.Clone()
		rec.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, rec)
}

func (h ctxHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return ctxHandler{h.Handler.WithAttrs(as)}
}

func (h ctxHandler) WithGroup(name string) slog.Handler {
	return ctxHandler{h.Handler.WithGroup(name)}
}
