package casedesk

// Actor is the authenticated party behind a call: a user of some
// organization, or an anonymous prospect. internal/desk decides what an Actor
// may do; transports only build one.
type Actor struct {
	User    *User   // nil for anonymous callers
	OrgKind OrgKind // kind of the user's organization
	// Delegated lists the customer organizations that delegated admin to the
	// user's partner organization, resolved when the actor is built.
	Delegated []int64
	ClientIP  string
	// TokenID is the id of the sign-in or API token the actor came with;
	// 0 for anonymous callers and the system.
	TokenID int64
}

// Anonymous reports whether nobody is signed in.
func (a *Actor) Anonymous() bool { return a == nil || a.User == nil }

// IsStaff reports whether the actor is one of the provider's people.
func (a *Actor) IsStaff() bool {
	return !a.Anonymous() && a.OrgKind == OrgProvider && a.User.Role.IsStaff()
}

// IsOperator reports whether the actor administers the system.
func (a *Actor) IsOperator() bool { return a.IsStaff() && a.User.Role == RoleOperator }

// IsSupervisor reports whether the actor leads agents (operators are not supervisors).
func (a *Actor) IsSupervisor() bool { return a.IsStaff() && a.User.Role == RoleSupervisor }

// UserID returns the user's id, 0 when anonymous.
func (a *Actor) UserID() int64 {
	if a.Anonymous() {
		return 0
	}
	return a.User.ID
}
