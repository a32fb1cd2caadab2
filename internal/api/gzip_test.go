package api_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// TestGzip: a text answer is gzipped for a client that accepts it, with
// Vary and a weak ETag, and decompresses to the plain answer; a client that
// does not accept gzip, or a tiny answer, gets it plain; the event stream
// is never compressed and still delivers each event as it happens.
func TestGzip(t *testing.T) {
	f := newFixture(t, storetest.Open(t, store.SQLite))
	for i := range 3 {
		f.openRequest("admin", f.x.ID, "Mail is slow "+string(rune('a'+i)))
	}
	get := func(path, ae string) (*http.Response, []byte) {
		t.Helper()
		// Setting Accept-Encoding turns off the transport's own gzip.
		res := f.raw("admin", "GET", path, nil, map[string]string{"Accept-Encoding": ae})
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		return res, b
	}
	for _, path := range []string{"/api/v1/requests", "/api/v1/openapi.json"} {
		plainRes, plain := get(path, "identity")
		if plainRes.StatusCode != 200 || plainRes.Header.Get("Content-Encoding") != "" || !strings.Contains(plainRes.Header.Get("Vary"), "Accept-Encoding") {
			t.Fatalf("%s plain: %d %q, Vary %q", path, plainRes.StatusCode, plainRes.Header.Get("Content-Encoding"), plainRes.Header.Get("Vary"))
		}
		res, b := get(path, "br;q=1.0, gzip;q=0.8")
		if res.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") || len(b) >= len(plain) {
			t.Fatalf("%s: Content-Encoding %q, Vary %q, %d bytes of %d", path, res.Header.Get("Content-Encoding"), res.Header.Get("Vary"), len(b), len(plain))
		}
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		unzipped, err := io.ReadAll(zr)
		if err != nil || !bytes.Equal(unzipped, plain) {
			t.Fatalf("%s: gunzipped body differs (%v)", path, err)
		}
		if et := res.Header.Get("ETag"); et != "W/"+plainRes.Header.Get("ETag") {
			t.Errorf("%s: gzipped ETag %q, plain %q", path, et, plainRes.Header.Get("ETag"))
		}
		if res, _ := get(path, "gzip;q=0"); res.Header.Get("Content-Encoding") != "" {
			t.Errorf("%s: gzip;q=0 answered gzip", path)
		}
		// The weak tag of the gzipped answer revalidates it.
		if res, b := get(path, "gzip"); res.Header.Get("ETag") != "" {
			r2 := f.raw("admin", "GET", path, nil, map[string]string{"Accept-Encoding": "gzip", "If-None-Match": res.Header.Get("ETag")})
			r2.Body.Close()
			if r2.StatusCode != 304 {
				t.Errorf("%s: If-None-Match with the gzipped ETag: %d (%d bytes)", path, r2.StatusCode, len(b))
			}
		}
	}
	if res, _ := get("/healthz", "gzip"); res.Header.Get("Content-Encoding") != "" {
		t.Error("a tiny answer was gzipped")
	}

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", f.srv.URL+"/api/v1/events", nil)
	req.Header.Set("Authorization", "Bearer "+f.tokens["admin"])
	req.Header.Set("Accept-Encoding", "gzip")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/event-stream" || res.Header.Get("Content-Encoding") != "" {
		t.Fatalf("stream: %d %q %q", res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Content-Encoding"))
	}
	sc := bufio.NewScanner(res.Body)
	if !sc.Scan() || !strings.HasPrefix(sc.Text(), ":") && !strings.HasPrefix(sc.Text(), "retry:") {
		t.Fatalf("the stream's opening line: %q", sc.Text())
	}
	opened := f.openRequest("admin", f.x.ID, "Printer on fire")
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "data: ") {
			if !strings.Contains(sc.Text(), `"number":"`+opened.Number+`"`) {
				t.Errorf("event data %q", sc.Text())
			}
			return
		}
	}
	t.Fatal("the stream ended without the event")
}
