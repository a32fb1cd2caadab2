package desk

import (
	"context"
	"sync"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/auth"
	"github.com/casedesk/casedesk/internal/live"
	"github.com/casedesk/casedesk/internal/store"
)

// TokenPrefix marks casedesk secrets so that leaked ones are easy to spot.
const TokenPrefix = "cdk_"

// Login checks email and password and returns a new sign-in token. Failed
// attempts are rows in the database (so every instance sees them); while
// loginWait says an attempt must wait, Login refuses it with ERATELIMIT,
// whose RetryAfter is exactly the time left, before looking at the password.
func (d *Desk) Login(ctx context.Context, email, password, clientIP string) (string, *casedesk.User, error) {
	email = casedesk.NormalizeEmail(email)
	var errs casedesk.FieldErrors
	if email == "" {
		errs.Add(casedesk.Invalid("email", "email is required").Because("required"))
	}
	if password == "" {
		errs.Add(casedesk.Invalid("password", "password is required").Because("required"))
	}
	if err := errs.Err(); err != nil {
		return "", nil, err
	}
	now := d.now()
	k := loginKeysFor(email, clientIP)
	if err := d.loginWait(ctx, k, now); err != nil {
		return "", nil, err
	}
	u, hash, err := d.db.UserByEmail(ctx, email)
	if err != nil && casedesk.ErrorCode(err) != casedesk.ENOTFOUND {
		return "", nil, err
	}
	ok := false
	if u != nil && u.Active {
		ok = auth.VerifyPassword(hash, password) == nil
	} else {
		// Spend the same time on unknown accounts, so timing does not tell
		// which addresses have accounts.
		auth.VerifyPassword(dummyHash(d.policy.PasswordParams), password)
	}
	if !ok {
		if err := d.write(ctx, func(tx *store.Tx) error { return tx.RecordLoginFailure(ctx, now, k.account, k.address, k.pair) }); err != nil {
			return "", nil, err
		}
		return "", nil, casedesk.Errorf(casedesk.EUNAUTHORIZED, "the email or password is wrong")
	}
	secret, tokHash := auth.NewToken(TokenPrefix)
	exp := now.Add(d.policy.SessionTTL)
	err = d.write(ctx, func(tx *store.Tx) error {
		// Only this address's failures are forgiven: the account's count
		// keeps slowing whoever else is guessing at it.
		if err := tx.ClearLoginFailures(ctx, k.pair); err != nil {
			return err
		}
		if err := tx.RememberSignIn(ctx, k.pair, now); err != nil {
			return err
		}
		return tx.CreateToken(ctx, &store.Token{Hash: tokHash, UserID: u.ID, Kind: "session", Name: "sign-in",
			CSRF: auth.RandomString(24), CreatedAt: now, ExpiresAt: &exp})
	})
	if err != nil {
		return "", nil, err
	}
	return secret, u, nil
}

// loginKeys are the keys sign-in failures are counted under.
type loginKeys struct{ account, address, pair string }

func loginKeysFor(email, clientIP string) loginKeys {
	return loginKeys{account: "acct:" + email, address: "ip:" + clientIP, pair: "pair:" + email + "|" + clientIP}
}

// loginWait decides whether a sign-in attempt may be checked now, and
// refuses it with the exact time left when not. The policy, with the
// defaults of DefaultPolicy, failures counted over LoginWindow (15 min):
//
//   - (account, address): the first LoginFreePair (3) failures are free;
//     each further one doubles the wait before this address may try this
//     account again, from LoginDelay (1 s) up to LoginMaxDelay (5 min),
//     counted from the pair's latest failure.
//   - account: past LoginFreeAccount (10) failures from all addresses, each
//     further one doubles the wait the same way, but only for addresses
//     that have failed at this account themselves, again from their own
//     latest failure. An address with no recent failure for the account is
//     always checked, so that an attacker hammering an account cannot lock
//     its owner out, and others' failures cannot stretch the owner's wait.
//   - address: past LoginFreeAddress (20) failures over all accounts, the
//     address waits, from its latest failure, before trying any account
//     that has not signed in from it in the last LoginKnownFor (30 days),
//     so an address trying many accounts is slowed while the regulars
//     behind the same NAT still sign in.
//
// The wait is the longest that applies. Staff accounts are treated alike.
func (d *Desk) loginWait(ctx context.Context, k loginKeys, now time.Time) error {
	p := d.policy
	f, err := d.db.LoginFailures(ctx, now.Add(-p.LoginWindow), k.account, k.address, k.pair)
	if err != nil {
		return err
	}
	var until time.Time
	byAddress := false
	if pair := f[k.pair]; pair.N > 0 {
		wait := max(p.loginDelay(pair.N-p.LoginFreePair), p.loginDelay(f[k.account].N-p.LoginFreeAccount))
		until = pair.Last.Add(wait)
	}
	if addr := f[k.address]; addr.N > p.LoginFreeAddress {
		if t := addr.Last.Add(p.loginDelay(addr.N - p.LoginFreeAddress)); t.After(until) {
			known, err := d.db.KnownSignIn(ctx, k.pair, now.Add(-p.LoginKnownFor))
			if err != nil {
				return err
			}
			if !known {
				until, byAddress = t, true
			}
		}
	}
	if !now.Before(until) {
		return nil
	}
	wait := until.Sub(now)
	secs := int64((wait + time.Second - 1) / time.Second)
	if byAddress {
		return casedesk.RetryLater(casedesk.ERATELIMIT, wait, "too many failed sign-ins from your address; try again in %d seconds", secs)
	}
	return casedesk.RetryLater(casedesk.ERATELIMIT, wait, "too many failed sign-ins for this account; try again in %d seconds or reset your password", secs)
}

// loginDelay is the wait after the n-th failure past the free ones: none
// for n ≤ 0, then LoginDelay doubled n-1 times, at most LoginMaxDelay.
func (p Policy) loginDelay(n int) time.Duration {
	if n <= 0 {
		return 0
	}
	d := p.LoginDelay
	for i := 1; i < n && d < p.LoginMaxDelay; i++ {
		d *= 2
	}
	return min(d, p.LoginMaxDelay)
}

var dummy struct {
	once sync.Once
	hash string
}

func dummyHash(p auth.Params) string {
	dummy.once.Do(func() { dummy.hash, _ = auth.HashPassword("not a password of anyone", p) })
	return dummy.hash
}

// Authenticate returns the actor behind a token secret. Lookups are cached
// for a few seconds so a busy API client costs one SHA-256 and a map read per
// call; a revocation reaches this instance's cache with its access change
// (live.AnnounceAccess, through the relay from other instances), and within
// that time at worst. The token's last use is recorded (store.TouchToken) at
// most once a minute per token, so a token's last_used_at is at most a minute
// behind; a failure to record it is logged and does not refuse the call.
func (d *Desk) Authenticate(ctx context.Context, secret, clientIP string) (*casedesk.Actor, error) {
	if secret == "" {
		return &casedesk.Actor{ClientIP: clientIP}, nil
	}
	hash := auth.HashToken(secret)
	now := d.now()
	e, ok := d.tokens.get(hash, now)
	if !ok {
		gen := d.tokens.generation()
		var err error
		if e, err = d.lookupToken(ctx, hash, now); err != nil {
			return nil, err
		}
		d.tokens.put(hash, e, gen)
	}
	if e.expires != nil && !now.Before(*e.expires) {
		d.tokens.drop(hash)
		return nil, casedesk.Errorf(casedesk.EUNAUTHORIZED, "the token has expired; sign in again")
	}
	if d.tokens.touch(e.tokenID, now) {
		err := d.db.Write(ctx, func(tx *store.Tx) error { return tx.TouchToken(ctx, e.tokenID, now, nil) })
		if err != nil {
			d.log.Warn("record token use", "token", e.tokenID, "err", err)
		}
	}
	return d.actor(ctx, e, clientIP, now)
}

// lookupToken reads the token with the hash and its user from the database.
func (d *Desk) lookupToken(ctx context.Context, hash string, now time.Time) (*tokenEntry, error) {
	tok, u, err := d.db.TokenUser(ctx, hash, now)
	if err != nil {
		return nil, err
	}
	// The signed-in user's own organization: its kind decides the actor's scope.
	org, err := d.db.Organization(ctx, store.OrgScope(u.OrgID), u.OrgID)
	if err != nil {
		return nil, err
	}
	if tok.LastUsedAt != nil {
		// Another instance, or this one before a restart, may have recorded a use.
		d.tokens.used(tok.ID, *tok.LastUsedAt)
	}
	return &tokenEntry{user: u, kind: org.Kind, tokenID: tok.ID, csrf: tok.CSRF, expires: tok.ExpiresAt, cachedAt: now}, nil
}

// actor builds the actor of a looked-up token: a partner's user gets the
// customers delegated to their organization at now.
func (d *Desk) actor(ctx context.Context, e *tokenEntry, clientIP string, now time.Time) (*casedesk.Actor, error) {
	u := *e.user
	a := &casedesk.Actor{User: &u, OrgKind: e.kind, ClientIP: clientIP, TokenID: e.tokenID}
	if e.kind == casedesk.OrgPartner {
		ids, err := d.db.DelegatedCustomers(ctx, store.OrgScope(u.OrgID), now)
		if err != nil {
			return nil, err
		}
		a.Delegated = ids
	}
	return a, nil
}

// Logout revokes the token with the secret; the live streams opened with it
// end, on every instance.
func (d *Desk) Logout(ctx context.Context, secret string) error {
	hash := auth.HashToken(secret)
	d.tokens.drop(hash)
	now := d.now()
	return d.write(ctx, func(tx *store.Tx) error {
		tok, _, err := tx.TokenUser(ctx, hash, now)
		if casedesk.ErrorCode(err) == casedesk.EUNAUTHORIZED {
			return nil // already revoked or expired: nothing to sign out
		}
		if err != nil {
			return err
		}
		if err := tx.RevokeTokenByHash(ctx, hash, now); err != nil {
			return err
		}
		return d.accessChanged(ctx, tx, live.Change{User: tok.UserID})
	})
}

type tokenEntry struct {
	user     *casedesk.User
	kind     casedesk.OrgKind
	tokenID  int64
	csrf     string
	expires  *time.Time
	cachedAt time.Time
}

// tokenCache remembers recent token lookups for tokenTTL, and when each
// token's use was last recorded. An access change forgets the lookups it
// concerns (forget); a lookup that was under way meanwhile is not kept.
type tokenCache struct {
	mu      sync.Mutex
	m       map[string]*tokenEntry
	gen     uint64              // counts forgets, so that put keeps no lookup older than one
	touched map[int64]time.Time // token id → last use recorded in the database
}

const (
	tokenTTL = 10 * time.Second
	// touchEvery bounds how often a token's last use is written.
	touchEvery = time.Minute
)

func newTokenCache() *tokenCache {
	return &tokenCache{m: map[string]*tokenEntry{}, touched: map[int64]time.Time{}}
}

// touch reports whether a use of the token at now is to be recorded: when
// none was in the last touchEvery. It counts the use as recorded, so that
// concurrent calls record it once.
func (c *tokenCache) touch(id int64, now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if last, ok := c.touched[id]; ok && now.Sub(last) < touchEvery && !now.Before(last) {
		return false
	}
	if len(c.touched) > 100_000 {
		clear(c.touched)
	}
	c.touched[id] = now
	return true
}

// used notes a use of the token recorded at, if later than the one known.
func (c *tokenCache) used(id int64, at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if last, ok := c.touched[id]; !ok || at.After(last) {
		c.touched[id] = at
	}
}

func (c *tokenCache) get(hash string, now time.Time) (*tokenEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[hash]
	if !ok || now.Sub(e.cachedAt) > tokenTTL || now.Before(e.cachedAt) {
		return nil, false
	}
	return e, true
}

// generation is to be read before a lookup and passed to put.
func (c *tokenCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// put keeps a lookup begun at generation gen, unless something was forgotten
// since: the lookup may have read what the forget was about.
func (c *tokenCache) put(hash string, e *tokenEntry, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if len(c.m) > 100_000 {
		clear(c.m)
	}
	c.m[hash] = e
}

func (c *tokenCache) drop(hash string) {
	c.mu.Lock()
	delete(c.m, hash)
	c.mu.Unlock()
}

// forget drops the lookups whose access ch may have changed.
func (c *tokenCache) forget(ch live.Change) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	for h, e := range c.m {
		// Delegations are not cached (Desk.actor reads them), so an
		// organization's change concerns only its own users here.
		if ch.Concerns(e.user.ID, e.user.OrgID, nil) {
			delete(c.m, h)
		}
	}
}

// limiter is a per-key fixed-window counter for anonymous endpoints, kept in
// memory: it protects this instance from floods, and needs no write per hit.
type limiter struct {
	mu sync.Mutex
	m  map[string]*window
}

type window struct {
	start time.Time
	n     int
}

func newLimiter() *limiter { return &limiter{m: map[string]*window{}} }

// allow counts a hit on key and reports whether it is within n per period;
// when it is not, retry is how long until the window ends and hits count
// afresh.
func (l *limiter) allow(key string, n int, period time.Duration, now time.Time) (ok bool, retry time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.m[key]
	if w == nil || now.Sub(w.start) >= period || now.Before(w.start) {
		if len(l.m) > 100_000 {
			clear(l.m)
		}
		w = &window{start: now}
		l.m[key] = w
	}
	w.n++
	if w.n <= n {
		return true, 0
	}
	return false, w.start.Add(period).Sub(now)
}
