package casedesk

import "time"

// Family groups plans that share support entitlements (SPEC's table columns).
type Family string

const (
	FamilyBusiness   Family = "business"
	FamilyEnterprise Family = "enterprise" // standalone plans are handled like Enterprise
	FamilyFrontline  Family = "frontline"
	FamilyElevated   Family = "elevated" // the elevated-support add-on
)

// Families lists the plan families in order: business, enterprise, frontline, elevated.
func Families() []Family {
	return []Family{FamilyBusiness, FamilyEnterprise, FamilyFrontline, FamilyElevated}
}

// Valid reports whether f is a known family.
func (f Family) Valid() bool {
	return f == FamilyBusiness || f == FamilyEnterprise || f == FamilyFrontline || f == FamilyElevated
}

// Plan is an entry of the provider's plan catalog.
type Plan struct {
	ID         int64  `json:"id"`
	Code       string `json:"code"` // stable key, e.g. "e3"
	Name       string `json:"name"`
	Family     Family `json:"family"`
	Standalone bool   `json:"standalone"`
	AddOn      bool   `json:"add_on"` // elevated support is an add-on, not a base plan
	Active     bool   `json:"active"`
}

// Validate checks a catalog entry.
func (p *Plan) Validate() error {
	if err := checkCode("code", p.Code); err != nil {
		return err
	}
	if err := checkText("name", p.Name, 1, 100); err != nil {
		return err
	}
	if !p.Family.Valid() {
		return Invalid("family", "family must be one of business, enterprise, frontline or elevated")
	}
	return nil
}

func checkCode(field, s string) error {
	if len(s) == 0 || len(s) > 40 {
		return Invalid(field, "%s must be 1 to 40 characters of a-z, 0-9, - and _", field)
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return Invalid(field, "%s must be 1 to 40 characters of a-z, 0-9, - and _", field)
		}
	}
	return nil
}

// SubStatus is the state of a subscription.
type SubStatus string

const (
	SubActive    SubStatus = "active"
	SubSuspended SubStatus = "suspended"
	SubCancelled SubStatus = "cancelled"
	SubExpired   SubStatus = "expired"
)

// Subscription is an organization's holding of a plan.
type Subscription struct {
	ID        int64      `json:"id"`
	OrgID     int64      `json:"organization_id"`
	PlanID    int64      `json:"plan_id"`
	PlanCode  string     `json:"plan_code"`
	Family    Family     `json:"family"`
	Trial     bool       `json:"trial"`
	Seats     int        `json:"seats"`
	StartsAt  time.Time  `json:"starts_at"`
	RenewsAt  *time.Time `json:"renews_at"`
	Status    SubStatus  `json:"status"`
	CreatedAt time.Time  `json:"created_at"`
}

// Validate checks the fields a caller supplies.
func (s *Subscription) Validate() error {
	if s.PlanID <= 0 && s.PlanCode == "" {
		return Invalid("plan_code", "plan_code is required")
	}
	if s.Seats < 0 || s.Seats > 1_000_000 {
		return Invalid("seats", "seats must be between 0 and 1000000")
	}
	switch s.Status {
	case "":
		s.Status = SubActive
	case SubActive, SubSuspended, SubCancelled, SubExpired:
	default:
		return Invalid("status", "status must be one of active, suspended, cancelled or expired")
	}
	if s.RenewsAt != nil && !s.StartsAt.IsZero() && s.RenewsAt.Before(s.StartsAt) {
		return Invalid("renews_at", "renews_at must not be before starts_at")
	}
	return nil
}

// SupportFamily picks the family whose entitlements apply to an organization
// with these subscriptions: elevated support wins, then the best base family;
// inactive subscriptions do not count. ok is false when nothing is active.
func SupportFamily(subs []Subscription) (f Family, ok bool) {
	rank := map[Family]int{FamilyBusiness: 1, FamilyFrontline: 2, FamilyEnterprise: 3, FamilyElevated: 4}
	for _, s := range subs {
		if s.Status != SubActive {
			continue
		}
		if rank[s.Family] > rank[f] {
			f, ok = s.Family, true
		}
	}
	return f, ok
}

// PartnerGrant is a customer's delegation of admin functions to a partner.
type PartnerGrant struct {
	ID           int64      `json:"id"`
	CustomerID   int64      `json:"customer_id"`
	PartnerID    int64      `json:"partner_id"`
	GrantedBy    int64      `json:"granted_by"`
	CreatedAt    time.Time  `json:"created_at"`
	ExpiresAt    *time.Time `json:"expires_at"`
	RevokedAt    *time.Time `json:"revoked_at"`
	RevokedBy    *int64     `json:"revoked_by,omitempty"`
	PartnerName  string     `json:"partner_name,omitempty"`
	CustomerName string     `json:"customer_name,omitempty"`
}

// ActiveAt reports whether the grant is in force at t.
func (g *PartnerGrant) ActiveAt(t time.Time) bool {
	return g.RevokedAt == nil && (g.ExpiresAt == nil || t.Before(*g.ExpiresAt))
}

// Product is an entry of the provider's catalog of products and services
// that requests are about.
type Product struct {
	ID     int64  `json:"id"`
	Code   string `json:"code"`
	Name   string `json:"name"`
	Active bool   `json:"active"`
}

// Validate checks a catalog entry.
func (p *Product) Validate() error {
	if err := checkCode("code", p.Code); err != nil {
		return err
	}
	return checkText("name", p.Name, 1, 100)
}
