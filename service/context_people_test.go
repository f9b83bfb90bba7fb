package service_test

import (
	"testing"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/service"
)

func TestOwnerAndBackupAreNamed(t *testing.T) {
	t.Parallel()
	e := setup(t)
	h := e.ingest(t, demoRequest("named-1"))
	fact := func() string {
		t.Helper()
		auto, _ := e.view(t, h.ID).Context["_auto"].(map[string]any)
		s, _ := auto["owner_backup"].(string)
		return s
	}
	owner, backup := e.name(t, h.OwnerID), e.name(t, h.BackupID)
	if got, want := fact(), owner+" / "+backup; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	// After a reassignment it names the new owner; the stored fact is not
	// what the reader sees.
	var to *baton.User
	for _, u := range e.users {
		if u.ID != h.OwnerID && u.ID != h.BackupID && u.Role == h.ToTeam {
			to = u
		}
	}
	if to == nil {
		t.Skip("no third member in the owner's team")
	}
	e.act(t, h.ID, baton.CmdReassign, service.CommandInput{To: to.Email, Reason: "coverage"})
	if got := fact(); got == owner+" / "+backup || got[:len(to.Name)] != to.Name {
		t.Errorf("after reassigning to %s: got %q", to.Name, got)
	}
}
