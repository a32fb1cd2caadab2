package auth

import (
	"strings"
	"testing"
)

var cheap = Params{Memory: 1024, Time: 1, Threads: 1}

func TestPasswordRoundTrip(t *testing.T) {
	h, err := HashPassword("correct horse battery", cheap)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Fatalf("encoding = %q", h)
	}
	if err := VerifyPassword(h, "correct horse battery"); err != nil {
		t.Fatalf("right password: %v", err)
	}
	if err := VerifyPassword(h, "correct horse batterz"); err != ErrMismatch {
		t.Fatalf("wrong password: %v", err)
	}
	h2, _ := HashPassword("correct horse battery", cheap)
	if h == h2 {
		t.Fatal("two hashes of one password are equal: salt not random")
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=1,t=1,p=1$AA$AA", "$argon2id$v=19$m=x$AA$AA", "$argon2id$v=19$m=1,t=1,p=1$!!$AA"} {
		if VerifyPassword(bad, "x") == nil {
			t.Errorf("malformed hash %q verified", bad)
		}
	}
}

func TestToken(t *testing.T) {
	s, h := NewToken("cdk_")
	if !strings.HasPrefix(s, "cdk_") || len(s) < 40 {
		t.Fatalf("secret = %q", s)
	}
	if HashToken(s) != h || strings.Contains(h, s) {
		t.Fatal("hash does not match or leaks the secret")
	}
	s2, _ := NewToken("cdk_")
	if s == s2 {
		t.Fatal("tokens repeat")
	}
}
