package baton

// Principal is who is acting: a signed-in person, through a browser session
// or one of their API tokens. TokenID or SessionID says which.
type Principal struct {
	UserID string
	Email  string
	Name   string
	Access string
	Team   string
	// TimeZone is the person's IANA zone: pages show times in it.
	TimeZone  string
	TokenID   string
	SessionID string
}

// Can reports whether the principal's access is at least access (admin ≥
// manager ≥ rep).
func (p Principal) Can(access string) bool { return AccessAtLeast(p.Access, access) }

// Actor is what the events the principal causes record: "user:<id>" for a
// person; a principal with no user (a process acting on Baton's behalf)
// records "system:<name>".
func (p Principal) Actor() string {
	if p.UserID != "" {
		return ActorUserPrefix + p.UserID
	}
	if p.Name != "" {
		return ActorSystem + ":" + p.Name
	}
	return ActorSystem
}

// ActorUserPrefix starts the Actor of an event a person caused.
const ActorUserPrefix = "user:"
