package baton

import (
	"slices"
	"strings"
)

// Access roles: what a person may do in Baton, from most to least powerful.
// They are distinct from the team role (User.Role), which routing uses.
const (
	AccessAdmin   = "admin"   // RevOps: the team, the playbook, tokens, invitations
	AccessManager = "manager" // reassigns, cancels, imports, simulates
	AccessRep     = "rep"     // works their own handoffs
)

// AccessRoles lists the valid access roles, most powerful first.
var AccessRoles = []string{AccessAdmin, AccessManager, AccessRep}

// Token roles are the access roles; the names remain for the API's route
// table.
const (
	TokenAdmin   = AccessAdmin
	TokenManager = AccessManager
	TokenRep     = AccessRep
)

// ValidAccess reports whether a is an access role.
func ValidAccess(a string) bool { return slices.Contains(AccessRoles, a) }

// AccessAtLeast reports whether access a grants at least access want.
func AccessAtLeast(a, want string) bool {
	i, j := slices.Index(AccessRoles, a), slices.Index(AccessRoles, want)
	return i >= 0 && j >= 0 && i <= j
}

// AccessFor is the access a team role gets by default: admin and ops are
// admins (RevOps), managers are managers, everyone else is a rep.
func AccessFor(role string) string {
	switch role {
	case RoleAdmin, RoleOps:
		return AccessAdmin
	case RoleManager:
		return AccessManager
	}
	return AccessRep
}

func accessList() string { return strings.Join(AccessRoles, ", ") }
