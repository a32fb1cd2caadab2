package blob

import (
	"io"
	"strings"
	"testing"
)

func TestPutOpen(t *testing.T) {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Put(strings.NewReader("%PDF-1.7 hello"), 100)
	if err != nil {
		t.Fatal(err)
	}
	if info.Size != 14 || info.ContentType != "application/pdf" || len(info.SHA256) != 64 {
		t.Fatalf("info = %+v", info)
	}
	f, err := s.Open(info.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(f)
	f.Close()
	if string(b) != "%PDF-1.7 hello" {
		t.Fatalf("content = %q", b)
	}
	if _, err := s.Put(strings.NewReader(strings.Repeat("x", 101)), 100); err != ErrTooLarge {
		t.Fatalf("over limit: %v", err)
	}
	if _, err := s.Open("../../etc/passwd"); err == nil {
		t.Fatal("path traversal accepted")
	}
	html, _ := s.Put(strings.NewReader("<html><script>alert(1)</script>"), 100)
	if html.ContentType != "text/html; charset=utf-8" {
		t.Fatalf("sniffed %q", html.ContentType)
	}
}
