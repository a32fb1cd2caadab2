package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/config"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/store"
)

// benchSeed fills a database with a large synthetic data set for the
// benchmarks in docs/benchmarks.md: --orgs customer organizations, each with
// a global admin admin-N@bench.test (password from CASEDESK_PASSWORD or
// stdin), and --requests requests spread over them, a fifth of them active.
func benchSeed(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	cfg := config.Default()
	fs := flag.NewFlagSet("bench-seed", flag.ContinueOnError)
	fs.SetOutput(stderr)
	if err := cfg.Register(fs); err != nil {
		return err
	}
	orgs := fs.Int("orgs", 1000, "customer organizations")
	n := fs.Int("requests", 1_000_000, "requests")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	pw, err := readPassword(stdin)
	if err != nil {
		return err
	}
	a, err := Open(ctx, cfg, newLogger(cfg, stderr), nil)
	if err != nil {
		return err
	}
	defer a.Close()
	start := time.Now()
	op, err := a.Desk.Bootstrap(ctx, "Bench Provider", "op@bench.test", "Operator", pw)
	if err != nil {
		return describe(err)
	}
	opActor := &casedesk.Actor{User: op, OrgKind: casedesk.OrgProvider}
	ids := make([]int64, *orgs)
	for i := range ids {
		o := &casedesk.Organization{Kind: casedesk.OrgCustomer, Name: fmt.Sprintf("Bench Customer %d", i+1), TimeZone: "Europe/Berlin"}
		if err := a.Desk.CreateOrganization(ctx, opActor, o); err != nil {
			return err
		}
		ids[i] = o.ID
		if i < 10 {
			if _, _, err := a.Desk.CreateUser(ctx, opActor, o.ID, desk.NewUser{Email: fmt.Sprintf("admin-%d@bench.test", i+1),
				Name: "Admin", Role: casedesk.RoleGlobalAdmin, Password: pw}); err != nil {
				return err
			}
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	statuses := []casedesk.Status{casedesk.StatusNew, casedesk.StatusOpen, casedesk.StatusWaiting, casedesk.StatusResolved, casedesk.StatusClosed}
	sevs := []casedesk.Severity{casedesk.SeverityA, casedesk.SeverityB, casedesk.SeverityC}
	t0 := time.Now().Add(-365 * 24 * time.Hour)
	const batch = 10_000
	for done := 0; done < *n; done += batch {
		rs := make([]*casedesk.Request, 0, batch)
		for i := done; i < min(done+batch, *n); i++ {
			at := t0.Add(time.Duration(i) * (365 * 24 * time.Hour / time.Duration(*n)))
			st := statuses[3+rng.IntN(2)]
			if rng.IntN(5) == 0 {
				st = statuses[rng.IntN(3)]
			}
			rs = append(rs, &casedesk.Request{OrgID: ids[rng.IntN(len(ids))], Category: casedesk.CategoryTechnical, Product: "mail",
				Title: fmt.Sprintf("Synthetic request %d", i), Description: "Mail flow is delayed for several users.",
				Severity: sevs[rng.IntN(3)], Status: st, Language: "en", ContactMethod: "email", Channel: casedesk.ChannelAPI,
				CreatedAt: at, UpdatedAt: at})
		}
		if err := a.DB.Write(ctx, func(tx *store.Tx) error { return tx.InsertRequests(ctx, rs) }); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "seeded %d organizations and %d requests in %s; sign in as admin-1@bench.test\n", *orgs, *n, time.Since(start).Round(time.Millisecond))
	return nil
}
