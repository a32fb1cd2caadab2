package client

import (
	"context"
	"net/http"
	"strconv"
	"time"
)

// Clock is a service-level clock of a request as shown.
type Clock struct {
	ID              int64      `json:"id"`
	Metric          string     `json:"metric"` // initial_response, next_reply or resolution
	Cycle           int        `json:"cycle"`
	OpenedAt        time.Time  `json:"opened_at"`
	PolicyVersion   int64      `json:"policy_version"`
	Family          string     `json:"family"`
	Severity        string     `json:"severity"`
	Coverage        string     `json:"coverage"`
	TargetKind      string     `json:"target_kind"`
	TargetMinutes   int        `json:"target_minutes"`
	CalendarID      *int64     `json:"calendar_id"`
	CalendarVersion *int64     `json:"calendar_version"`
	DueAt           *time.Time `json:"due_at"`
	WarnAt          *time.Time `json:"warn_at"`
	StoppedAt       *time.Time `json:"stopped_at"`
	Met             *bool      `json:"met"`
	Breached        bool       `json:"breached"`
	BusinessMinutes *int       `json:"business_minutes"`
	WarnFiredAt     *time.Time `json:"warn_fired_at"`
	BreachFiredAt   *time.Time `json:"breach_fired_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
	State           string     `json:"state"` // running, paused, warning, met, breached, stopped
	Remaining       string     `json:"remaining,omitempty"`
	Explanation     string     `json:"explanation,omitempty"` // staff only
}

// RequestClocks returns a request's service-level clocks; staff also get
// the explanation of each due time.
func (c *Client) RequestClocks(ctx context.Context, number string) ([]Clock, error) {
	return list[Clock](ctx, c, requestPath(number)+"/sla", nil)
}

// Entitlement is what one family and severity are entitled to; Minutes
// goes with Target "minutes" only.
type Entitlement struct {
	Coverage string `json:"coverage"` // 24x7 or business_hours
	Target   string `json:"target"`   // minutes, next_business_day or none
	Minutes  int    `json:"minutes,omitempty"`
}

// EntitlementTable holds entitlements by plan family, then severity.
type EntitlementTable map[string]map[string]Entitlement

// MetricTargets is an optional metric: whether its clocks run, and its
// targets.
type MetricTargets struct {
	Enabled bool             `json:"enabled"`
	Targets EntitlementTable `json:"targets,omitempty"`
}

// Policy is the entitlement policy in its export form (docs/sla.md).
// Optional members left nil or zero are not sent, and take the server's
// defaults.
type Policy struct {
	Version           int64            `json:"version"`
	WarnShare         float64          `json:"warn_share,omitempty"`
	PauseWhileWaiting *bool            `json:"pause_while_waiting,omitempty"`
	ReopenDays        *int             `json:"reopen_days,omitempty"`
	InitialResponse   EntitlementTable `json:"initial_response"`
	NextReply         *MetricTargets   `json:"next_reply,omitempty"`
	Resolution        *MetricTargets   `json:"resolution,omitempty"`
}

// PolicyVersion is one stored version of the policy.
type PolicyVersion struct {
	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	CreatedBy int64     `json:"created_by,omitempty"`
	Policy    Policy    `json:"policy"`
}

// PolicyImport is the answer to importing a policy.
type PolicyImport struct {
	Version     int64 `json:"version"`      // the version it is stored as
	ClocksMoved int   `json:"clocks_moved"` // running clocks whose due time moved
}

// GetSLAPolicy returns the entitlement policy in force (version 0: the
// built-in default).
func (c *Client) GetSLAPolicy(ctx context.Context) (*Policy, error) {
	return call[Policy](ctx, c, http.MethodGet, APIPrefix+"/sla/policy", nil)
}

// PutSLAPolicy imports p as the next policy version (operators); its
// Version must be at least 1 and is replaced by the stored one. Running
// clocks are recomputed.
func (c *Client) PutSLAPolicy(ctx context.Context, p Policy) (*PolicyImport, error) {
	return call[PolicyImport](ctx, c, http.MethodPut, APIPrefix+"/sla/policy", p)
}

// GetSLAPolicyVersion returns one stored policy version (staff).
func (c *Client) GetSLAPolicyVersion(ctx context.Context, version int64) (*PolicyVersion, error) {
	return call[PolicyVersion](ctx, c, http.MethodGet, APIPrefix+"/sla/policy/versions/"+strconv.FormatInt(version, 10), nil)
}

// PreviewInput asks when a target would be due.
type PreviewInput struct {
	ID            string         `json:"id,omitempty"` // echoed back
	Calendar      CalendarSpec   `json:"calendar"`
	OpenedAt      time.Time      `json:"opened_at"`
	TargetMinutes int            `json:"target_minutes"`
	Pauses        [][2]time.Time `json:"pauses,omitempty"`
}

// PreviewResult is the due time of a preview.
type PreviewResult struct {
	ID    string    `json:"id,omitempty"`
	DueAt time.Time `json:"due_at"`
}

// PreviewSLA computes a due time from a calendar, an opening instant, a
// target in counting minutes and pauses.
func (c *Client) PreviewSLA(ctx context.Context, in PreviewInput) (*PreviewResult, error) {
	return call[PreviewResult](ctx, c, http.MethodPost, APIPrefix+"/sla/preview", in)
}
