package playbook

import (
	"time"

	"github.com/batonhq/baton"
)

// Renewal is the renewal trigger: how long before an account's renewal
// date Baton raises its renewal_due signal, which the handoff types
// triggered by renewal_due turn into a handoff (customer success → account
// management in the default playbook).
type Renewal struct {
	// Notice is how long before the renewal date the signal is raised:
	// default DefaultRenewalNotice (120d), at least 1d, at most
	// MaxRenewalNotice. A renewal date nearer than that raises it at once.
	Notice baton.Duration `yaml:"notice"`
}

// Renewal notice bounds.
const (
	DefaultRenewalNotice = baton.Duration(120 * 24 * time.Hour)
	MaxRenewalNotice     = baton.Duration(730 * 24 * time.Hour)
)

// validateRenewal checks the renewal notice and fills in its default.
func (pb *Playbook) validateRenewal(v *validator) {
	switch n := pb.Renewal.Notice; {
	case n == 0:
		pb.Renewal.Notice = DefaultRenewalNotice
	case n < baton.Duration(24*time.Hour) || n > MaxRenewalNotice:
		v.add("renewal.notice", "renewal notice %s: expected between 1d and %s (default %s)", n, MaxRenewalNotice, DefaultRenewalNotice)
	}
}
