package desk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/sla"
	"github.com/casedesk/casedesk/internal/store"
)

// This file holds the SLA policy: its stored versions and a new one, which
// recomputes every running clock (recompute.go).

// currentPolicy returns the policy in force, parsed once per version.
func (d *Desk) currentPolicy(ctx context.Context, q *store.Queries) (sla.Policy, error) {
	row, err := q.CurrentPolicy(ctx)
	if casedesk.ErrorCode(err) == casedesk.ENOTFOUND {
		p := sla.DefaultPolicy()
		p.Version = 0
		return p, nil
	}
	if err != nil {
		return sla.Policy{}, err
	}
	d.sla.mu.Lock()
	defer d.sla.mu.Unlock()
	if d.sla.policy != nil && int64(d.sla.policy.Version) == row.Version {
		return *d.sla.policy, nil
	}
	p, err := sla.ParsePolicy([]byte(row.Body))
	if err != nil {
		return sla.Policy{}, fmt.Errorf("desk: stored policy %d: %w", row.Version, err)
	}
	p.Version = int(row.Version)
	d.sla.policy = &p
	return p, nil
}

// slaInvalid turns a decoding error of internal/sla into a field error.
func slaInvalid(prefix string, err error) error {
	var fe *sla.FieldError
	if errors.As(err, &fe) {
		field := fe.Field
		if prefix != "" && field != "" {
			field = prefix + "." + field
		}
		return casedesk.Invalid(field, "%s", fe.Msg)
	}
	return casedesk.Invalid(prefix, "%v", err)
}

// PolicyView is a stored policy version.
type PolicyView struct {
	Version   int64           `json:"version"`
	CreatedAt time.Time       `json:"created_at"`
	CreatedBy int64           `json:"created_by,omitempty"`
	Policy    json.RawMessage `json:"policy"`
}

// SLAPolicy returns the policy in force (anyone signed in: customers see
// what their plan entitles them to).
func (d *Desk) SLAPolicy(ctx context.Context, a *casedesk.Actor) (sla.Policy, error) {
	if a.Anonymous() {
		return sla.Policy{}, errUnauthenticated()
	}
	return d.currentPolicy(ctx, &d.db.Queries)
}

// SLAPolicyVersion returns one stored version, as exported JSON (staff).
func (d *Desk) SLAPolicyVersion(ctx context.Context, a *casedesk.Actor, version int64) (*PolicyView, error) {
	if err := needStaff(a); err != nil {
		return nil, err
	}
	var row *store.PolicyRow
	var err error
	if version == 0 {
		row, err = d.db.CurrentPolicy(ctx)
	} else {
		row, err = d.db.Policy(ctx, version)
	}
	if err != nil {
		return nil, err
	}
	return &PolicyView{Version: row.Version, CreatedAt: row.CreatedAt, CreatedBy: row.CreatedBy, Policy: json.RawMessage(row.Body)}, nil
}

// SetSLAPolicy stores body (the policy's JSON export form) as a new version
// and recomputes every running clock under it from its opening instant
// (operators). It returns the new version and how many clocks moved.
func (d *Desk) SetSLAPolicy(ctx context.Context, a *casedesk.Actor, body []byte) (int64, int, error) {
	if err := needOperator(a); err != nil {
		return 0, 0, err
	}
	p, err := sla.ParsePolicy(body)
	if err != nil {
		return 0, 0, slaInvalid("", err)
	}
	var version int64
	var rc *recompute
	err = d.write(ctx, func(tx *store.Tx) error {
		cur, err := tx.CurrentPolicy(ctx)
		switch {
		case casedesk.ErrorCode(err) == casedesk.ENOTFOUND:
			version = 1
		case err != nil:
			return err
		default:
			version = cur.Version + 1
		}
		p.Version = int(version)
		b, err := json.Marshal(p)
		if err != nil {
			return err
		}
		if err := tx.CreatePolicy(ctx, &store.PolicyRow{Version: version, Body: string(b), CreatedAt: d.now(), CreatedBy: a.User.ID}); err != nil {
			return err
		}
		rc, err = d.startRecompute(ctx, tx, store.AllOrgs, "policy v"+fmt.Sprint(version), &a.User.ID)
		return err
	})
	if err != nil {
		return 0, 0, err
	}
	moved, err := d.runRecompute(ctx, rc)
	return version, moved, err
}
