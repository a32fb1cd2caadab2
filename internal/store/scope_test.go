package store

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Tenant scoping is written one way (STYLE.md habit 6): every exported
// method of Queries, DB and Tx takes a Scope right after ctx, unless it is
// named below with the reason it touches no organization's rows, or touches
// them as the system, by nature. A new method fails TestMethodsTakeScope
// until someone decides which it is.
var unscoped = map[string]string{
	// Tenants and sign-in: there is no actor, hence no scope, yet.
	"Queries.CreateOrganization":   "creates a tenant: no scope exists before it does (operators and bootstrap, checked in desk)",
	"Queries.ProviderOrganization": "the provider's own organization, shown to everyone as the party that gives support",
	"Queries.UserByEmail":          "sign-in looks up the account before there is an actor to scope",
	"Queries.TokenUser":            "authentication resolves a token to its user before there is an actor to scope",

	// Keyed by a user, who owns them; not an organization's data.
	"Queries.CreateToken":          "tokens belong to their user",
	"Queries.TouchToken":           "tokens belong to their user; by id from TokenUser",
	"Queries.Tokens":               "tokens belong to their user",
	"Queries.RevokeToken":          "tokens belong to their user",
	"Queries.RevokeTokenByHash":    "sign-out by the secret's hash",
	"Queries.RevokeUserTokens":     "tokens belong to their user (deactivation, password reset)",
	"Queries.IdempotencyKey":       "keys belong to their user; the resource named is then read within the caller's scope",
	"Queries.SaveIdempotencyKey":   "keys belong to their user",
	"Queries.CreatePasswordReset":  "reset links belong to their user and are used before sign-in",
	"Queries.RecentPasswordResets": "reset links belong to their user",
	"Queries.UsePasswordReset":     "a reset link is used before sign-in, by its secret's hash",
	"Queries.RecordLoginFailure":   "sign-in throttling by account or address, before there is an actor",
	"Queries.LoginFailures":        "sign-in throttling by account or address, before there is an actor",
	"Queries.RememberSignIn":       "sign-in throttling by account or address, before there is an actor",
	"Queries.KnownSignIn":          "sign-in throttling by account or address, before there is an actor",
	"Queries.ClearLoginFailures":   "sign-in throttling by account or address, before there is an actor",
	"Queries.SaveFilter":           "a staff member's own saved queue views",
	"Queries.SavedFilters":         "a staff member's own saved queue views",
	"Queries.DeleteFilter":         "a staff member's own saved queue views",

	// The provider's own tables, the same for every organization.
	"Queries.SupportPhones":     "the provider's support phone directory",
	"Queries.CreatePlan":        "the plan catalog",
	"Queries.Plans":             "the plan catalog",
	"Queries.PlanByCode":        "the plan catalog",
	"Queries.CreateProduct":     "the product catalog",
	"Queries.Products":          "the product catalog",
	"Queries.ProductExists":     "the product catalog",
	"Queries.CreateCalendar":    "the provider's region calendars",
	"Queries.UpdateCalendar":    "the provider's region calendars",
	"Queries.Calendar":          "the provider's region calendars",
	"Queries.CalendarForRegion": "the provider's region calendars",
	"Queries.Calendars":         "the provider's region calendars",
	"Queries.CurrentPolicy":     "the provider's entitlement policy",
	"Queries.Policy":            "the provider's entitlement policy",
	"Queries.CreatePolicy":      "the provider's entitlement policy",
	"Queries.CreateCanned":      "the provider's canned responses",
	"Queries.CannedResponses":   "the provider's canned responses",
	"Queries.UpdateCanned":      "the provider's canned responses",
	"Queries.DeleteCanned":      "the provider's canned responses",
	"Queries.Canned":            "the provider's canned responses",

	// The provider's webhook endpoints (its own integrations, hearing of
	// every organization's events) and their delivery log.
	"Queries.CreateWebhookEndpoint": "the provider's webhook endpoints",
	"Queries.UpdateWebhookEndpoint": "the provider's webhook endpoints",
	"Queries.WebhookEndpoints":      "the provider's webhook endpoints",
	"Queries.WebhookEndpoint":       "the provider's webhook endpoints",
	"Queries.DeleteWebhookEndpoint": "the provider's webhook endpoints",
	"Queries.RecordWebhookAttempt":  "the provider's webhook endpoints' delivery log",
	"Queries.WebhookAttempts":       "the provider's webhook endpoints' delivery log",

	// System work across every organization, by nature.
	"Queries.LastEventID":          "the event relay's high-water mark: an id, no row's content",
	"Queries.MoveBatchIDsAfter":    "the event relay of bulk recomputes between instances (moves.go, the recompute's)",
	"Queries.MoveBatch":            "the event relay of bulk recomputes between instances (moves.go, the recompute's)",
	"Queries.LastMoveBatchID":      "the event relay's high-water mark for recompute batches: an id, no row's content",
	"DB.RetargetClocks":            "the bulk recompute; its RetargetRun carries the Scope it recomputes (retarget.go)",
	"Queries.RecordClockMoves":     "the bulk recompute's packed moves of clocks the run already found within its Scope (moves.go)",
	"Queries.FinishRecomputeRun":   "the bulk recompute's bookkeeping, by run id",
	"Queries.UnfinishedRecomputes": "the bulk recompute's bookkeeping: resumes every unfinished run",
	"Queries.InsertRequests":       "bulk import and benchmark data, written as the system (bulk.go)",

	// Inbound mail (inbound.go): the provider's mailboxes and the watcher's
	// bookkeeping, before the sender (hence any organization) is known.
	"Queries.CreateMailbox":     "the provider's mailboxes: system configuration (operators, checked in desk)",
	"Queries.UpdateMailbox":     "the provider's mailboxes: system configuration (operators, checked in desk)",
	"Queries.DeleteMailbox":     "the provider's mailboxes: system configuration (operators, checked in desk)",
	"Queries.Mailbox":           "the provider's mailboxes: system configuration (operators, checked in desk)",
	"Queries.Mailboxes":         "the provider's mailboxes: system configuration (operators and the watcher)",
	"Queries.MailboxState":      "the watcher's place in a mailbox: UIDs, no organization's rows",
	"Queries.AdvanceMailbox":    "the watcher's place in a mailbox: UIDs, no organization's rows",
	"Queries.ClaimInboundMail":  "the watcher's claim of a received message, before its sender is known",
	"Queries.FinishInboundMail": "the watcher's record of a message it claimed, by id",
	"Queries.InboundHandled":    "duplicate check of a received message by Message-ID, before its sender is known",
	"Queries.InboundAnswers":    "the per-sender rate limit of inbound mail, keyed by address before any organization is known",

	// The database itself and its transactions.
	"DB.Engine":      "which engine; no query",
	"DB.SQL":         "the read pool, for metrics and health checks",
	"DB.Close":       "closes the pools",
	"DB.Ping":        "SELECT 1",
	"DB.Ready":       "SELECT 1, and a write probe that keeps nothing",
	"DB.Migrate":     "schema migrations",
	"DB.Write":       "runs a transaction; the queries inside take their scope",
	"DB.Listen":      "PostgreSQL LISTEN on a channel; carries no rows",
	"Tx.Events":      "the history lines this transaction wrote, already scoped when written",
	"Tx.Notify":      "PostgreSQL NOTIFY on commit; carries no rows",
	"Tx.AfterCommit": "registers a callback",
	"Tx.Engine":      "which engine the transaction runs on; reads nothing",
}

// scopedReceivers are the types whose exported methods run queries.
var scopedReceivers = []string{"Queries", "DB", "Tx"}

// scopeViolations returns, for the files, each exported method of the
// scoped receivers that neither takes a Scope right after a context.Context
// nor is named in exempt, and each exempt name that is not such a method
// any more (the list must stay exact).
func scopeViolations(files []*ast.File, exempt map[string]string) []string {
	var bad []string
	seen := map[string]bool{}
	for _, f := range files {
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || len(fn.Recv.List) != 1 || !fn.Name.IsExported() {
				continue
			}
			recv := receiverName(fn.Recv.List[0].Type)
			if !slices.Contains(scopedReceivers, recv) {
				continue
			}
			name := recv + "." + fn.Name.Name
			if _, ok := exempt[name]; ok {
				seen[name] = true
				if takesScope(fn.Type) {
					bad = append(bad, name+" takes a Scope: take it off the unscoped list")
				}
				continue
			}
			if !takesScope(fn.Type) {
				bad = append(bad, name+" must take scope Scope right after ctx, or be on the unscoped list with a reason")
			}
		}
	}
	for name := range exempt {
		if !seen[name] {
			bad = append(bad, name+" is on the unscoped list but is no exported method")
		}
	}
	slices.Sort(bad)
	return bad
}

func receiverName(e ast.Expr) string {
	if s, ok := e.(*ast.StarExpr); ok {
		e = s.X
	}
	if id, ok := e.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

// takesScope reports whether the first two parameters are a
// context.Context and a Scope.
func takesScope(ft *ast.FuncType) bool {
	var types []ast.Expr
	for _, p := range ft.Params.List {
		for range max(1, len(p.Names)) {
			types = append(types, p.Type)
		}
	}
	if len(types) < 2 {
		return false
	}
	ctx, ok := types[0].(*ast.SelectorExpr)
	if !ok || ctx.Sel.Name != "Context" {
		return false
	}
	if pkg, ok := ctx.X.(*ast.Ident); !ok || pkg.Name != "context" {
		return false
	}
	scope, ok := types[1].(*ast.Ident)
	return ok && scope.Name == "Scope"
}

func TestMethodsTakeScope(t *testing.T) {
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	if len(files) < 10 {
		t.Fatalf("parsed only %d files of the store package", len(files))
	}
	for _, v := range scopeViolations(files, unscoped) {
		t.Error(v)
	}
}

// The check itself must catch what it is for.
func TestScopeViolations(t *testing.T) {
	exempt := map[string]string{"Queries.Plans": "the plan catalog"}
	for _, tc := range []struct {
		name, src string
		want      []string
	}{
		{"scoped", `func (q *Queries) Survey(ctx context.Context, scope Scope, id int64) error { return nil }`, nil},
		{"grouped params", `func (q *Queries) Pair(ctx context.Context, scope, other Scope) error { return nil }`, nil},
		{"value receiver", `func (q Queries) Survey(ctx context.Context, scope Scope) error { return nil }`, nil},
		{"org id instead of scope", `func (q *Queries) Survey(ctx context.Context, org, id int64) error { return nil }`,
			[]string{"Queries.Survey must take scope Scope right after ctx, or be on the unscoped list with a reason"}},
		{"no scope at all", `func (q *Queries) Messages(ctx context.Context, requestID int64) error { return nil }`,
			[]string{"Queries.Messages must take scope Scope right after ctx, or be on the unscoped list with a reason"}},
		{"scope not right after ctx", `func (q *Queries) Clocks(ctx context.Context, id int64, scope Scope) error { return nil }`,
			[]string{"Queries.Clocks must take scope Scope right after ctx, or be on the unscoped list with a reason"}},
		{"pointer to scope", `func (q *Queries) Clocks(ctx context.Context, scope *Scope) error { return nil }`,
			[]string{"Queries.Clocks must take scope Scope right after ctx, or be on the unscoped list with a reason"}},
		{"no ctx", `func (q *Queries) Clocks(scope Scope) error { return nil }`,
			[]string{"Queries.Clocks must take scope Scope right after ctx, or be on the unscoped list with a reason"}},
		{"on DB", `func (db *DB) Sweep(ctx context.Context) error { return nil }`,
			[]string{"DB.Sweep must take scope Scope right after ctx, or be on the unscoped list with a reason"}},
		{"on Tx", `func (tx *Tx) Sweep(ctx context.Context) error { return nil }`,
			[]string{"Tx.Sweep must take scope Scope right after ctx, or be on the unscoped list with a reason"}},
		{"exempt", `func (q *Queries) Plans(ctx context.Context) error { return nil }`, nil},
		{"exempt but scoped", `func (q *Queries) Plans(ctx context.Context, scope Scope) error { return nil }`,
			[]string{"Queries.Plans takes a Scope: take it off the unscoped list"}},
		{"unexported", `func (q *Queries) clocks(ctx context.Context, query string) error { return nil }`, nil},
		{"other receiver", `func (s Scope) Has(org int64) bool { return true }`, nil},
		{"plain function", `func OrgScope(org int64) Scope { return Scope{} }`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := "package store\n" + tc.src + "\n"
			if !strings.Contains(tc.src, "Plans(") {
				// Keep the exempt method present so that only the case's
				// own finding shows.
				src += "func (q *Queries) Plans(ctx context.Context) error { return nil }\n"
			}
			f, err := parser.ParseFile(token.NewFileSet(), "x.go", src, 0)
			if err != nil {
				t.Fatal(err)
			}
			got := scopeViolations([]*ast.File{f}, exempt)
			if !slices.Equal(got, tc.want) {
				t.Errorf("violations = %q, want %q", got, tc.want)
			}
		})
	}
	// A stale entry fails too.
	f, err := parser.ParseFile(token.NewFileSet(), "x.go", "package store\n", 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Queries.Plans is on the unscoped list but is no exported method"}
	if got := scopeViolations([]*ast.File{f}, exempt); !slices.Equal(got, want) {
		t.Errorf("stale entry: violations = %q, want %q", got, want)
	}
}
