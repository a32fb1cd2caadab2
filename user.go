package casedesk

import (
	"net/mail"
	"slices"
	"strings"
	"time"
)

// Role is what a user may do within their organization.
type Role string

// Customer roles.
const (
	RoleGlobalAdmin  Role = "global_admin"
	RoleBillingAdmin Role = "billing_admin"
	RoleSupportAdmin Role = "service_support_admin"
	RoleUser         Role = "user"
	RolePartnerAdmin Role = "partner_admin" // a partner's user who works delegated customers
	RoleAgent        Role = "agent"
	RoleSupervisor   Role = "supervisor"
	RoleOperator     Role = "operator"
)

// CustomerRoles are the roles a customer organization's users may hold.
var CustomerRoles = []Role{RoleGlobalAdmin, RoleBillingAdmin, RoleSupportAdmin, RoleUser}

// ProviderRoles are the roles the provider's staff may hold.
var ProviderRoles = []Role{RoleAgent, RoleSupervisor, RoleOperator}

// PartnerRoles are the roles a partner organization's users may hold.
var PartnerRoles = []Role{RolePartnerAdmin, RoleUser}

// RolesFor returns the roles an organization of kind k may give its users.
func RolesFor(k OrgKind) []Role {
	switch k {
	case OrgProvider:
		return ProviderRoles
	case OrgPartner:
		return PartnerRoles
	default:
		return CustomerRoles
	}
}

// IsCustomerAdmin reports whether r lets a customer's user open and see
// service requests: SPEC's admin roles.
func (r Role) IsCustomerAdmin() bool {
	return r == RoleGlobalAdmin || r == RoleBillingAdmin || r == RoleSupportAdmin
}

// IsStaff reports whether r is a provider role.
func (r Role) IsStaff() bool { return r == RoleAgent || r == RoleSupervisor || r == RoleOperator }

// User is a person in exactly one organization.
type User struct {
	ID             int64  `json:"id"`
	OrgID          int64  `json:"organization_id"`
	Email          string `json:"email"`
	Name           string `json:"name"`
	Role           Role   `json:"role"`
	Language       string `json:"language"`
	TimeZone       string `json:"time_zone"`
	Phone          string `json:"phone,omitempty"`
	Active         bool   `json:"active"`
	MustChangePass bool   `json:"must_change_password"`
	// Agent profile: what a provider engineer can take.
	Languages []string  `json:"languages,omitempty"`
	Regions   []string  `json:"regions,omitempty"`
	Skills    []string  `json:"skills,omitempty"` // categories (groups), product codes, SkillTier2
	CreatedAt time.Time `json:"created_at"`
}

// SkillTier2 among an engineer's skills makes them a second-tier engineer:
// escalated requests are routed to them, and first-tier requests are not.
const SkillTier2 = "tier2"

// Tier returns the support tier an engineer works in: 2 with SkillTier2,
// else 1.
func (u *User) Tier() int {
	if slices.Contains(u.Skills, SkillTier2) {
		return 2
	}
	return 1
}

// NormalizeEmail lower-cases and trims an address.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// ValidateEmail checks that s is a bare address.
func ValidateEmail(field, s string) error {
	if s == "" {
		return Invalid(field, "%s is required", field).Because("required")
	}
	if err := checkText(field, s, 3, 254); err != nil {
		return err
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return Invalid(field, "%s must be an email address such as ann@example.com", field).Because("email")
	}
	return nil
}

// Validate checks a user for an organization of kind k and reports every
// invalid field (FieldErrors).
func (u *User) Validate(k OrgKind) error {
	var errs FieldErrors
	u.Email = NormalizeEmail(u.Email)
	errs.Add(ValidateEmail("email", u.Email))
	errs.Add(checkText("name", u.Name, 1, 200))
	if !slices.Contains(RolesFor(k), u.Role) {
		errs.Add(Invalid("role", "role %q is not valid for a %s organization", u.Role, k))
	}
	if u.Language == "" {
		u.Language = "en"
	}
	if !IsLanguage(u.Language) {
		errs.Add(Invalid("language", "language must be a BCP 47 tag such as en or zh-CN"))
	}
	if u.TimeZone == "" {
		u.TimeZone = "UTC"
	}
	if _, err := time.LoadLocation(u.TimeZone); err != nil || u.TimeZone == "Local" {
		errs.Add(Invalid("time_zone", "time_zone %q is not an IANA time zone name", u.TimeZone))
	}
	errs.Add(checkText("phone", u.Phone, 0, 40))
	for i, l := range u.Languages {
		if !IsLanguage(l) {
			errs.Add(Invalid("languages", "languages[%d] must be a BCP 47 tag", i))
			break
		}
	}
	for _, s := range append(append([]string{}, u.Regions...), u.Skills...) {
		if err := checkText("skills", s, 1, 64); err != nil {
			errs.Add(err)
			break
		}
	}
	return errs.Err()
}

// ValidatePassword enforces the password policy.
func ValidatePassword(field, p string) error {
	if len(p) < 10 {
		return Invalid(field, "password must be at least 10 characters").Because("min", 10)
	}
	if len(p) > 256 {
		return Invalid(field, "password must be at most 256 characters").Because("max", 256, len(p))
	}
	return checkText(field, p, 10, 256)
}
