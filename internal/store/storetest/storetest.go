// Package storetest opens fresh databases for tests, on every engine: an
// embedded SQLite file in a temporary directory and a new PostgreSQL
// database on the local server, dropped when the test ends.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"github.com/casedesk/casedesk/internal/store"
)

// PostgresURL is the server tests create their databases on:
// CASEDESK_TEST_POSTGRES, default the local trust-auth server. The value
// "off" leaves PostgreSQL out (never in CI: .ci/run does not set it).
func PostgresURL() string {
	if u := os.Getenv("CASEDESK_TEST_POSTGRES"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// Engines runs f once per engine as a subtest named after it.
func Engines(t *testing.T, f func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, e := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(e), func(t *testing.T) {
			f(t, Open(t, e))
		})
	}
}

// Open returns a migrated, empty database of the engine, closed (and on
// PostgreSQL dropped) when t ends.
func Open(tb testing.TB, e store.Engine) *store.DB {
	tb.Helper()
	cfg := Config(tb, e)
	db, err := store.Open(context.Background(), cfg)
	if err != nil {
		tb.Fatalf("open %s: %v", e, err)
	}
	tb.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		tb.Fatalf("migrate %s: %v", e, err)
	}
	return db
}

// Config returns a store.Config for a fresh, empty database of the engine.
func Config(tb testing.TB, e store.Engine) store.Config {
	tb.Helper()
	if e == store.SQLite {
		return store.Config{Dir: tb.TempDir()}
	}
	base := PostgresURL()
	if base == "off" {
		tb.Skip("PostgreSQL tests are off (CASEDESK_TEST_POSTGRES=off)")
	}
	return store.Config{URL: FreshPostgres(tb, base)}
}

// FreshPostgres creates a new database on the server at base and returns its
// URL; the database is dropped when tb ends.
func FreshPostgres(tb testing.TB, base string) string {
	tb.Helper()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatalf("postgres: %v", err)
	}
	defer admin.Close()
	var b [6]byte
	rand.Read(b[:])
	name := "casedesk_test_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		tb.Fatalf("postgres at %s: create database: %v (set CASEDESK_TEST_POSTGRES to a server URL)", base, err)
	}
	tb.Cleanup(func() {
		a, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer a.Close()
		a.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("postgres URL: %v", err)
	}
	u.Path = "/" + name
	return u.String()
}
