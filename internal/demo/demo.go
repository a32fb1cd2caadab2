// Package demo seeds a realistic demonstration into an empty casedesk
// database: the provider Contoso Cloud with its engineers, five customer
// organizations on different plans and in different countries, a partner,
// and a few hundred service requests with eight weeks of history.
//
// Everything goes through the desk verbs, acting as the people involved,
// with a clock that is moved along the history, so every request has the
// events, messages and notes the product would have recorded. The content
// comes from a seeded random source: the same seed gives the same demo,
// relative to the instant it is seeded.
package demo

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/auth"
	"github.com/casedesk/casedesk/internal/blob"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/store"
)

// Options tune Seed. The zero value seeds the standard demo ending now.
type Options struct {
	// Now is the end of the history; zero means the current time.
	Now time.Time
	// PasswordParams hash the demo accounts' passwords; nil means
	// desk.DefaultPolicy's. Tests pass cheaper ones.
	PasswordParams *auth.Params
	// Seed is the random source's seed; zero means 1.
	Seed uint64
	// Logger receives the desk's log lines; nil discards them.
	Logger *slog.Logger
}

// Result tells what Seed did.
type Result struct {
	// Seeded is false when the database already held the demo and nothing
	// was added.
	Seeded bool
	// Accounts are the demo's sign-ins, all with Password.
	Accounts []Account
	// Organizations, Requests, Messages count what was created (zero when
	// Seeded is false). Requests include the prospects' pre-sales requests.
	Organizations, Requests, Messages int
}

// Seed fills db with the demo, once: when the database already has a
// provider organization that is the demo's, it adds nothing and returns the
// accounts again; a provider organization without the demo's operator is an
// error, as the data directory then holds something else. blobs, when not
// nil, receives the few files customers attach.
func Seed(ctx context.Context, db *store.DB, blobs *blob.Store, o Options) (*Result, error) {
	res := &Result{Accounts: Accounts()}
	if _, err := db.ProviderOrganization(ctx); err == nil {
		if _, _, err := db.UserByEmail(ctx, OperatorEmail); err != nil {
			if casedesk.ErrorCode(err) == casedesk.ENOTFOUND {
				return nil, fmt.Errorf("demo: the database already has a provider organization, but not the demo's (no %s); seed the demo into an empty data directory", OperatorEmail)
			}
			return nil, err
		}
		// An interrupted seeding leaves fewer requests than the demo has.
		rs, err := db.Requests(ctx, store.AllOrgs, store.RequestFilter{Limit: 1})
		if err != nil {
			return nil, err
		}
		if want := plannedRequests(); len(rs) == 0 || rs[0].ID < int64(want) {
			return nil, fmt.Errorf("demo: an earlier seeding of this database was interrupted (fewer than %d requests); remove the data directory (or database) and run the demo again", want)
		}
		return res, nil
	} else if casedesk.ErrorCode(err) != casedesk.ENOTFOUND {
		return nil, err
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	pol := desk.DefaultPolicy()
	if o.PasswordParams != nil {
		pol.PasswordParams = *o.PasswordParams
	}
	now := o.Now.UTC().Truncate(time.Second)
	clk := &clock{t: now.Add(-70 * day)}
	s := &seeder{
		d:     desk.New(db, blobs, desk.Options{Clock: clk, Policy: &pol, Logger: o.Logger}),
		clk:   clk,
		rng:   newRand(o.Seed),
		now:   now,
		blobs: blobs != nil,
		users: map[string]*casedesk.User{}, actors: map[string]*casedesk.Actor{},
		orgs: map[string]*casedesk.Organization{}, people: map[string]person{},
	}
	s.plan()
	if err := s.run(ctx); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	res.Seeded = true
	res.Organizations = len(s.orgs) + 1
	res.Requests = s.requests
	res.Messages = s.messages
	return res, nil
}

// plannedRequests is how many requests a complete demo holds.
func plannedRequests() int {
	n := len(prospects)
	for _, o := range customers {
		n += o.requests
	}
	return n
}

// clock is the settable clock the seeding desk reads.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// action is one thing somebody does at an instant of the history.
type action struct {
	at  time.Time
	seq int
	do  func(ctx context.Context) error
}

// seeder holds the state of one Seed.
type seeder struct {
	d       *desk.Desk
	clk     *clock
	rng     *rng
	now     time.Time
	blobs   bool
	actions []action

	people   map[string]person // every account by email
	users    map[string]*casedesk.User
	actors   map[string]*casedesk.Actor
	orgs     map[string]*casedesk.Organization // by orgDef key
	provider int64

	requests, messages int
}

// at schedules f at t.
func (s *seeder) at(t time.Time, f func(ctx context.Context) error) {
	s.actions = append(s.actions, action{at: t, seq: len(s.actions), do: f})
}

// run performs the actions in the order of their instants, with the clock
// set to each.
func (s *seeder) run(ctx context.Context) error {
	slices.SortStableFunc(s.actions, func(a, b action) int {
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		return cmp.Compare(a.seq, b.seq)
	})
	for _, a := range s.actions {
		if err := ctx.Err(); err != nil {
			return err
		}
		s.clk.set(a.at)
		if err := a.do(ctx); err != nil {
			return fmt.Errorf("at %s: %w", a.at.Format(time.RFC3339), err)
		}
	}
	return nil
}

// actor returns the signed-in party behind an account.
func (s *seeder) actor(email string) *casedesk.Actor { return s.actors[email] }

func (s *seeder) user(email string) *casedesk.User { return s.users[email] }

// plan schedules the whole demo: organizations and people first, then the
// requests and their conversations, then the prospects.
func (s *seeder) plan() {
	for _, p := range staff {
		s.people[p.email] = p
	}
	for _, o := range append(append([]*orgDef{}, customers...), partner) {
		for _, p := range o.people {
			p.lang, p.tz = o.lang, o.tz
			s.people[p.email] = p
		}
	}
	start := s.now.Add(-70 * day)
	s.at(start, s.bootstrap)
	s.at(start.Add(2*time.Hour), s.createStaff)
	s.at(s.now.Add(-time.Duration(partner.days)*day), func(ctx context.Context) error { return s.createOrg(ctx, partner) })
	for _, o := range customers {
		joined := s.now.Add(-time.Duration(o.days) * day)
		s.at(joined, func(ctx context.Context) error { return s.createOrg(ctx, o) })
		if o.partner > 0 {
			s.at(joined.Add(20*time.Hour), func(ctx context.Context) error { return s.grant(ctx, o) })
		}
	}
	var all []*request
	for _, o := range customers {
		all = append(all, s.planRequests(o)...)
	}
	s.link(all)
	for i, p := range prospects {
		s.planProspect(i, p)
	}
}

func (s *seeder) bootstrap(ctx context.Context) error {
	u, err := s.d.Bootstrap(ctx, ProviderName, OperatorEmail, operatorName, Password)
	if err != nil {
		return err
	}
	s.users[u.Email] = u
	s.actors[u.Email] = &casedesk.Actor{User: u, OrgKind: casedesk.OrgProvider}
	s.provider = u.OrgID
	return nil
}

func (s *seeder) createStaff(ctx context.Context) error {
	return s.createUsers(ctx, s.provider, casedesk.OrgProvider, staff)
}

// createUsers adds people to an organization as the operator, with the demo
// password.
func (s *seeder) createUsers(ctx context.Context, org int64, kind casedesk.OrgKind, people []person) error {
	op := s.actor(OperatorEmail)
	for _, p := range people {
		p = s.people[p.email]
		u, _, err := s.d.CreateUser(ctx, op, org, desk.NewUser{Email: p.email, Name: p.name, Role: p.role,
			Language: p.lang, TimeZone: p.tz, Phone: p.phone, Password: Password,
			Languages: p.langs, Regions: p.regions, Skills: p.skills})
		if err != nil {
			return fmt.Errorf("user %s: %w", p.email, err)
		}
		s.users[u.Email] = u
		s.actors[u.Email] = &casedesk.Actor{User: u, OrgKind: kind}
	}
	return nil
}

func (s *seeder) createOrg(ctx context.Context, o *orgDef) error {
	op := s.actor(OperatorEmail)
	org := &casedesk.Organization{Kind: o.kind, Name: o.name, Country: o.country, TimeZone: o.tz, Language: o.lang}
	if err := s.d.CreateOrganization(ctx, op, org); err != nil {
		return fmt.Errorf("organization %s: %w", o.name, err)
	}
	s.orgs[o.key] = org
	for _, sub := range o.subs {
		starts := s.now.Add(-time.Duration(sub.days) * day).Truncate(day)
		renews := starts.Add(time.Duration(sub.term) * day)
		ss := &casedesk.Subscription{PlanCode: sub.plan, Seats: sub.seats, Trial: sub.trial, StartsAt: starts, RenewsAt: &renews}
		if err := s.d.AddSubscription(ctx, op, org.ID, ss); err != nil {
			return fmt.Errorf("subscription %s of %s: %w", sub.plan, o.name, err)
		}
	}
	return s.createUsers(ctx, org.ID, o.kind, o.people)
}

// grant delegates a customer's admin to the partner, as its global admin.
func (s *seeder) grant(ctx context.Context, o *orgDef) error {
	c, p := s.orgs[o.key], s.orgs[partner.key]
	if _, err := s.d.GrantPartner(ctx, s.actor(o.people[0].email), c.ID, desk.NewGrant{PartnerID: p.ID}); err != nil {
		return fmt.Errorf("grant %s to %s: %w", o.name, partner.name, err)
	}
	pa := s.actor(partner.people[0].email)
	pa.Delegated = append(pa.Delegated, c.ID)
	return nil
}

// errNoNumber guards against an action that runs before its request exists.
var errNoNumber = errors.New("request not opened yet")
