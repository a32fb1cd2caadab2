package store_test

import (
	"context"
	"os"
	"strconv"
	"testing"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// Migration 0013 keeps the request keys recorded before it: replayed here on
// the table as 0001 made it.
func TestMigration0013KeepsRequestKeys(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		org := mustOrg(t, db, casedesk.OrgCustomer, "A")
		r := mustRequest(t, db, org.ID, "one")
		body, err := os.ReadFile("migrations/" + string(db.Engine()) + "/0013_idempotency_kinds.sql")
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Write(ctx, func(tx *store.Tx) error {
			for _, q := range []string{
				"DROP TABLE idempotency_keys",
				`CREATE TABLE idempotency_keys (user_id BIGINT NOT NULL, key TEXT NOT NULL, fingerprint TEXT NOT NULL,
					request_id BIGINT NOT NULL REFERENCES requests (id), created_at BIGINT NOT NULL, PRIMARY KEY (user_id, key))`,
				"INSERT INTO idempotency_keys (user_id, key, fingerprint, request_id, created_at) VALUES (7, 'k', 'fp', " +
					strconv.FormatInt(r.ID, 10) + ", 0)",
				string(body),
			} {
				if err := tx.Exec(ctx, q); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if id, fp, err := db.IdempotencyKey(ctx, 7, store.IdemRequest, "k"); err != nil || id != r.ID || fp != "fp" {
			t.Fatalf("after 0013: %d %q %v", id, fp, err)
		}
		if id, _, err := db.IdempotencyKey(ctx, 7, store.IdemMessage, "k"); err != nil || id != 0 {
			t.Fatalf("a message key: %d %v", id, err)
		}
	})
}
