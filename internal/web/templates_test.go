package web

import "testing"

func TestHumanBytes(t *testing.T) {
	for n, want := range map[int64]string{
		0: "0 B", 56: "56 B", 1023: "1023 B", 1024: "1 KB", 12 * 1024: "12 KB", 1535: "1 KB", 1536: "2 KB",
		1024*1024 - 1: "1024 KB", 1024 * 1024: "1.0 MB", 3565158: "3.4 MB", 25 << 20: "25.0 MB",
	} {
		if got := humanBytes(n); got != want {
			t.Errorf("humanBytes(%d) = %q, want %q", n, got, want)
		}
	}
}
