// Package casedesk is the vocabulary of the product: organizations, users,
// plans, service requests and their conversation. It holds types and the
// rules that need nothing but the standard library; storage lives in
// internal/store, the verbs and permissions in internal/desk, transports in
// internal/api and internal/web.
package casedesk

import "time"

// Clock tells the time. Code asks a Clock for now so that tests can inject
// instants instead of sleeping.
type Clock interface {
	Now() time.Time
}

// SystemClock is the wall clock.
type SystemClock struct{}

// Now returns the current time truncated to microseconds, the precision the
// stores keep.
func (SystemClock) Now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// FixedClock is a settable clock for tests.
type FixedClock struct{ T time.Time }

// Now returns the fixed instant.
func (c *FixedClock) Now() time.Time { return c.T }

// Add moves the fixed clock forward.
func (c *FixedClock) Add(d time.Duration) { c.T = c.T.Add(d) }
