package web_test

import (
	"bytes"
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/batonhq/baton"
)

func TestHandoffPageTimelineNamesOwners(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	h := s.ingest(t, exampleSignal("tl"))
	s.advance(t, 10*time.Minute) // not accepted: the ladder moves it to the backup
	v := s.handoff(t, h.ID)
	if v.Owner == nil || v.OwnerID != h.BackupID {
		t.Fatalf("got owner %s, want the backup %s", v.OwnerID, h.BackupID)
	}
	secret, _, err := s.svc.SignInVerified(context.Background(), "sdr1@t.example", baton.SignInOIDC)
	if err != nil {
		t.Fatal(err)
	}
	page := s.do(t, "GET", "/handoffs/"+h.ID, "", "", "Cookie", "baton_session="+secret)
	if page.status != http.StatusOK {
		t.Fatalf("got %s, want 200", page)
	}
	_, tl, ok := bytes.Cut(page.body, []byte(">Timeline</h2>"))
	if !ok {
		t.Fatal("handoff page has no timeline")
	}
	for _, want := range []string{
		"reassigned from " + h.Owner.Name + " to " + v.Owner.Name,
		"assigned to " + h.Owner.Name,
		"assigned to " + v.Owner.Name,
		"ladder step reassign_backup",
	} {
		if !bytes.Contains(tl, []byte(want)) {
			t.Errorf("timeline lacks %q:\n%s", want, tl)
		}
	}
	for _, id := range []string{h.OwnerID, h.BackupID} {
		if bytes.Contains(tl, []byte(id)) {
			t.Errorf("timeline shows the user id %s:\n%s", id, tl)
		}
	}
}
