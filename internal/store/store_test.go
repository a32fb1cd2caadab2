package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

var t0 = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

func mustOrg(tb testing.TB, db *store.DB, kind casedesk.OrgKind, name string) *casedesk.Organization {
	tb.Helper()
	o := &casedesk.Organization{Kind: kind, Name: name, Country: "DE", TimeZone: "Europe/Berlin", Language: "de", CreatedAt: t0}
	if err := db.Write(context.Background(), func(tx *store.Tx) error { return tx.CreateOrganization(context.Background(), o) }); err != nil {
		tb.Fatal(err)
	}
	return o
}

func mustRequest(tb testing.TB, db *store.DB, org int64, title string) *casedesk.Request {
	tb.Helper()
	r := &casedesk.Request{OrgID: org, Category: casedesk.CategoryTechnical, Title: title, Description: "d",
		Status: casedesk.StatusNew, Language: "en", ContactMethod: "email", Channel: casedesk.ChannelAPI, CreatedAt: t0, UpdatedAt: t0}
	if err := db.Write(context.Background(), func(tx *store.Tx) error { return tx.CreateRequest(context.Background(), store.AllOrgs, r) }); err != nil {
		tb.Fatal(err)
	}
	return r
}

func TestMigrateTwiceIsNoop(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		if err := db.Migrate(context.Background()); err != nil {
			t.Fatalf("second migrate: %v", err)
		}
	})
}

func TestRequestScope(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := mustOrg(t, db, casedesk.OrgCustomer, "A")
		b := mustOrg(t, db, casedesk.OrgCustomer, "B")
		ra := mustRequest(t, db, a.ID, "a's")
		rb := mustRequest(t, db, b.ID, "b's")
		if _, err := db.Request(ctx, store.OrgScope(a.ID), rb.ID); casedesk.ErrorCode(err) != casedesk.ENOTFOUND {
			t.Fatalf("a reading b's request: err = %v, want not found", err)
		}
		got, err := db.Request(ctx, store.OrgScope(a.ID), ra.ID)
		if err != nil || got.Title != "a's" || got.Number != ra.Number {
			t.Fatalf("a reading own: %+v, %v", got, err)
		}
		if _, err := db.Request(ctx, store.Scope{}, ra.ID); casedesk.ErrorCode(err) != casedesk.ENOTFOUND {
			t.Fatalf("empty scope must see nothing: %v", err)
		}
		all, err := db.Requests(ctx, store.AllOrgs, store.RequestFilter{})
		if err != nil || len(all) != 2 || all[0].ID != rb.ID {
			t.Fatalf("all, newest first: %d %v", len(all), err)
		}
		// An update outside the scope changes nothing.
		rb.Title = "changed"
		err = db.Write(ctx, func(tx *store.Tx) error { return tx.UpdateRequest(ctx, store.OrgScope(a.ID), rb) })
		if casedesk.ErrorCode(err) != casedesk.ENOTFOUND {
			t.Fatalf("cross-tenant update: %v", err)
		}
		got, _ = db.Request(ctx, store.AllOrgs, rb.ID)
		if got.Title != "b's" {
			t.Fatalf("title changed across tenants: %q", got.Title)
		}
	})
}

func TestRequestListPagingAndActive(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		o := mustOrg(t, db, casedesk.OrgCustomer, "A")
		var ids []int64
		for i := range 7 {
			r := mustRequest(t, db, o.ID, fmt.Sprint("r", i))
			if i%3 == 0 {
				r.Status = casedesk.StatusClosed
				if err := db.Write(ctx, func(tx *store.Tx) error { return tx.UpdateRequest(ctx, store.OrgScope(o.ID), r) }); err != nil {
					t.Fatal(err)
				}
			} else {
				ids = append([]int64{r.ID}, ids...)
			}
		}
		var seen []int64
		before := int64(0)
		for {
			page, err := db.Requests(ctx, store.OrgScope(o.ID), store.RequestFilter{Active: true, Limit: 2, Before: before})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range page {
				seen = append(seen, r.ID)
			}
			if len(page) < 2 {
				break
			}
			before = page[len(page)-1].ID
		}
		if fmt.Sprint(seen) != fmt.Sprint(ids) {
			t.Fatalf("active pages = %v, want %v", seen, ids)
		}
	})
}

func TestWriteRollsBackOnError(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		o := mustOrg(t, db, casedesk.OrgCustomer, "A")
		boom := errors.New("boom")
		err := db.Write(ctx, func(tx *store.Tx) error {
			r := &casedesk.Request{OrgID: o.ID, Category: "technical", Title: "x", Description: "d", Status: "new",
				Language: "en", ContactMethod: "email", Channel: "api", CreatedAt: t0, UpdatedAt: t0}
			if err := tx.CreateRequest(ctx, store.AllOrgs, r); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("err = %v", err)
		}
		all, _ := db.Requests(ctx, store.AllOrgs, store.RequestFilter{})
		if len(all) != 0 {
			t.Fatalf("a failed write left %d requests", len(all))
		}
	})
}

// Concurrent writes are batched on SQLite; one failing write must not take
// the others of its batch with it.
func TestConcurrentWritesIsolated(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		o := mustOrg(t, db, casedesk.OrgCustomer, "A")
		var wg sync.WaitGroup
		errs := make([]error, 64)
		for i := range 64 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = db.Write(ctx, func(tx *store.Tx) error {
					r := &casedesk.Request{OrgID: o.ID, Category: "technical", Title: fmt.Sprint(i), Description: "d", Status: "new",
						Language: "en", ContactMethod: "email", Channel: "api", CreatedAt: t0, UpdatedAt: t0}
					if err := tx.CreateRequest(ctx, store.AllOrgs, r); err != nil {
						return err
					}
					if i%4 == 0 {
						return errors.New("fail")
					}
					return nil
				})
			}()
		}
		wg.Wait()
		want := 0
		for i, err := range errs {
			if (err != nil) != (i%4 == 0) {
				t.Fatalf("write %d: %v", i, err)
			}
			if err == nil {
				want++
			}
		}
		all, _ := db.Requests(ctx, store.AllOrgs, store.RequestFilter{Limit: 200})
		if len(all) != want {
			t.Fatalf("%d requests, want %d", len(all), want)
		}
	})
}

func TestIdempotencyKeyUnique(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		o := mustOrg(t, db, casedesk.OrgCustomer, "A")
		r := mustRequest(t, db, o.ID, "x")
		save := func() error {
			return db.Write(ctx, func(tx *store.Tx) error { return tx.SaveIdempotencyKey(ctx, 7, store.IdemRequest, "k", "fp", r.ID, t0) })
		}
		if err := save(); err != nil {
			t.Fatal(err)
		}
		if err := save(); !errors.Is(err, store.ErrKeyTaken) {
			t.Fatalf("second save: %v", err)
		}
		id, fp, err := db.IdempotencyKey(ctx, 7, store.IdemRequest, "k")
		if err != nil || id != r.ID || fp != "fp" {
			t.Fatalf("lookup: %d %q %v", id, fp, err)
		}
	})
}
