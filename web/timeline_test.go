package web_test

import (
	"bytes"
	"net/http"
	"net/url"
	"testing"
	"time"
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
	login := s.do(t, "GET", "/login?token="+url.QueryEscape(s.rep), "", "")
	cookie := findCookie(login, "baton_token")
	if cookie == nil {
		t.Fatalf("got %s, want a cookie", login)
	}
	page := s.do(t, "GET", "/handoffs/"+h.ID, "", "", "Cookie", cookie.String())
	if page.status != http.StatusOK {
		t.Fatalf("got %s, want 200", page)
	}
	_, tl, ok := bytes.Cut(page.body, []byte("<h2>Timeline</h2>"))
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
