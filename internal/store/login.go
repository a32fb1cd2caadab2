package store

import (
	"context"
	"fmt"
	"time"
)

// Failures is what sign-in throttling knows of one key's recent failures.
type Failures struct {
	N    int       // failures since the instant asked about
	Last time.Time // the latest of them; zero when N is 0
}

// LoginFailures returns, for each key, its failures since the instant (keys
// without any are absent from the map).
func (q *Queries) LoginFailures(ctx context.Context, since time.Time, keys ...string) (map[string]Failures, error) {
	a := args{ts(since)}
	in := ""
	for i, k := range keys {
		if i > 0 {
			in += ", "
		}
		in += a.add(k)
	}
	out := map[string]Failures{}
	if len(keys) == 0 {
		return out, nil
	}
	rows, err := q.query(ctx, "SELECT key, COUNT(*), MAX(at) FROM login_failures WHERE key IN ("+in+") AND at > $1 GROUP BY key", a...)
	if err != nil {
		return nil, fmt.Errorf("store: login failures: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var n int
		var last int64
		if err := rows.Scan(&k, &n, &last); err != nil {
			return nil, fmt.Errorf("store: login failures: %w", err)
		}
		out[k] = Failures{N: n, Last: fromTS(last)}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: login failures: %w", err)
	}
	return out, nil
}

// RememberSignIn notes a good sign-in under key (an account and address).
func (q *Queries) RememberSignIn(ctx context.Context, key string, at time.Time) error {
	_, err := q.exec(ctx, "INSERT INTO login_known (key, at) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET at = excluded.at", key, ts(at))
	if err != nil {
		return fmt.Errorf("store: remember sign-in: %w", err)
	}
	return nil
}

// KnownSignIn reports whether key had a good sign-in since the instant.
func (q *Queries) KnownSignIn(ctx context.Context, key string, since time.Time) (bool, error) {
	var n int
	err := q.queryRow(ctx, "SELECT COUNT(*) FROM login_known WHERE key = $1 AND at > $2", key, ts(since)).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: known sign-in: %w", err)
	}
	return n > 0, nil
}
