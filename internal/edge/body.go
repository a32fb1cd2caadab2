package edge

import (
	"errors"
	"io"
	"net/http"
	"os"
	"time"
)

// Pace bounds the time a request body may take to arrive: after Grace, it
// must have come at MinRate bytes per second on average since the request
// began, so a body of n bytes has Grace + n/MinRate. A client that dribbles
// a body, or stops sending one, is cut off then: the handler's read fails
// with an error for which BodyTimeout is true, and the connection is not
// reused. Honest clients are untouched: a 25 MiB upload at the default rate
// has more than 13 minutes, a 1 KiB form 10 seconds.
type Pace struct {
	Grace   time.Duration
	MinRate int64 // bytes per second
	// Now tells the time; nil means time.Now. The deadline itself is the
	// connection's, which follows the runtime's clock (or a synctest
	// bubble's).
	Now func() time.Time
}

// Handler returns h with the pace imposed on every request body. It sets the
// connection's read deadline through http.ResponseController as the body is
// read, and clears it once the body has ended, so that a handler working
// on after reading its body is not interrupted.
func (p Pace) Handler(h http.Handler) http.Handler {
	if p.Grace <= 0 || p.MinRate <= 0 {
		return h
	}
	now := p.Now
	if now == nil {
		now = time.Now
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
			h.ServeHTTP(w, r)
			return
		}
		b := &pacedBody{rc: r.Body, ctl: http.NewResponseController(w), start: now(), pace: p}
		r.Body = b
		h.ServeHTTP(w, r)
		if !b.done {
			// The server discards what the handler left unread before it
			// reuses the connection; that too is paced.
			_ = b.ctl.SetReadDeadline(b.deadline())
		}
	})
}

type pacedBody struct {
	rc    io.ReadCloser
	ctl   *http.ResponseController
	start time.Time
	pace  Pace
	n     int64
	done  bool
}

func (b *pacedBody) Read(p []byte) (int, error) {
	if b.done {
		return b.rc.Read(p)
	}
	// A writer that cannot set deadlines (a test recorder) reads unpaced.
	_ = b.ctl.SetReadDeadline(b.deadline())
	n, err := b.rc.Read(p)
	b.n += int64(n)
	switch {
	case err == io.EOF:
		b.done = true
		_ = b.ctl.SetReadDeadline(time.Time{})
	case errors.Is(err, os.ErrDeadlineExceeded):
		// The deadline stays: the server's discarding of the rest of the
		// body must fail too, closing the connection.
		b.done = true
		err = errBodyTimeout
	}
	return n, err
}

// deadline is when more of the body must have arrived: Grace after the
// start, plus the time the bytes read so far may take at MinRate.
func (b *pacedBody) deadline() time.Time {
	return b.start.Add(b.pace.Grace + time.Duration(float64(b.n)/float64(b.pace.MinRate)*float64(time.Second)))
}

func (b *pacedBody) Close() error { return b.rc.Close() }

var errBodyTimeout = &timeoutError{}

type timeoutError struct{}

func (*timeoutError) Error() string   { return "the request body arrived too slowly" }
func (*timeoutError) Timeout() bool   { return true }
func (*timeoutError) Temporary() bool { return false }
func (*timeoutError) Unwrap() error   { return os.ErrDeadlineExceeded }

// BodyTimeout reports whether err comes from a request body that did not
// arrive in time.
func BodyTimeout(err error) bool { return errors.Is(err, os.ErrDeadlineExceeded) }
