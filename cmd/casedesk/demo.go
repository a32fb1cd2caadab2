package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/casedesk/casedesk/internal/blob"
	"github.com/casedesk/casedesk/internal/demo"
)

// seedDemo seeds the demo into the app's database, once, and prints where it
// serves and how to sign in.
func seedDemo(ctx context.Context, a *App, stdout io.Writer) error {
	blobs, err := blob.Open(filepath.Join(a.cfg.DataDir, "attachments"))
	if err != nil {
		return err
	}
	start := time.Now()
	res, err := demo.Seed(ctx, a.DB, blobs, demo.Options{Logger: a.log})
	if err != nil {
		return err
	}
	if res.Seeded {
		fmt.Fprintf(stdout, "Seeded the demo in %s: %d organizations, %d accounts, %d service requests, %d messages.\n",
			time.Since(start).Round(10*time.Millisecond), res.Organizations, len(res.Accounts), res.Requests, res.Messages)
	} else {
		fmt.Fprintln(stdout, "The demo is already seeded in this data directory; nothing was added.")
	}
	url := a.PublicURL()
	if url == "" {
		url = a.URL()
	}
	fmt.Fprintf(stdout, "\ncasedesk demo: %s\n\n", url)
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ROLE\tORGANIZATION\tEMAIL\tPASSWORD")
	for _, acc := range res.Accounts {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", acc.Role, acc.Org, acc.Email, demo.Password)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if res.Seeded && a.Desk.Mail() {
		if err := mailDemoAccounts(ctx, a, res.Accounts); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "\nMailed each account an invitation with a link to choose a password (from %s).\n", a.cfg.MailFrom)
	}
	fmt.Fprintf(stdout, "\nSign in, for example as a German customer's support admin:\n"+
		"  curl -s -X POST %s/api/v1/auth/login -H 'Content-Type: application/json' -d '{\"email\":\"%s\",\"password\":\"%s\"}'\n\n",
		url, "markus.weber@fabrikam.demo", demo.Password)
	return nil
}

// mailDemoAccounts mails every seeded account its invitation, as the demo's
// operator: with --smtp-url the demo shows mail as it would go out.
func mailDemoAccounts(ctx context.Context, a *App, accounts []demo.Account) error {
	tok, _, err := a.Desk.Login(ctx, demo.OperatorEmail, demo.Password, "127.0.0.1")
	if err != nil {
		return fmt.Errorf("demo: sign in as its operator: %w", err)
	}
	op, err := a.Desk.Authenticate(ctx, tok, "127.0.0.1")
	if err != nil {
		return err
	}
	emails := make([]string, len(accounts))
	for i, acc := range accounts {
		emails[i] = acc.Email
	}
	return a.Desk.MailInvitations(ctx, op, emails)
}
