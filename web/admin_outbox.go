package web

import (
	"net/http"
	"strconv"

	"github.com/batonhq/baton"
)

// outboxPageSize is how many messages one outbox page lists.
const outboxPageSize = 50

// outboxView is the Outbox page: one tab (failed first) of messages.
type outboxView struct {
	adminView
	Status   string
	Tabs     []outboxTab
	Messages []outboxRow
	Offset   int
	Prev     int // offset of the newer page; -1 when none
	Next     int // offset of the older page; -1 when none
}

// outboxTab is one status tab with its count.
type outboxTab struct {
	Status string
	Count  int
	Active bool
}

// outboxRow is one message with its recipient's name.
type outboxRow struct {
	*baton.Message
	Recipient string
}

// outboxPage lists one status of the outbox, failed by default, newest
// first, outboxPageSize at a time.
func (s *Server) outboxPage(w http.ResponseWriter, r *http.Request, p baton.Principal) error {
	q := r.URL.Query()
	status := q.Get("status")
	if status == "" {
		status = baton.MessageFailed
	}
	offset, _ := strconv.Atoi(q.Get("offset"))
	offset = max(offset, 0)
	page, err := s.svc.Outbox(r.Context(), status, offset, outboxPageSize)
	if err != nil {
		return err
	}
	users, err := s.svc.Users(r.Context())
	if err != nil {
		return err
	}
	names := make(map[string]string, len(users))
	for _, u := range users {
		names[u.ID] = u.Name
	}
	v := &outboxView{
		adminView: adminView{Page: newPage(p, s.svc.Clock().Now(), "Outbox", "outbox")},
		Status:    status, Offset: offset, Prev: -1, Next: -1,
	}
	for _, st := range []string{baton.MessageFailed, baton.MessagePending, baton.MessageSent} {
		v.Tabs = append(v.Tabs, outboxTab{Status: st, Count: page.Counts[st], Active: st == status})
	}
	for _, m := range page.Messages {
		v.Messages = append(v.Messages, outboxRow{Message: m, Recipient: names[m.RecipientID]})
	}
	if offset > 0 {
		v.Prev = max(offset-outboxPageSize, 0)
	}
	if page.More {
		v.Next = offset + outboxPageSize
	}
	if q.Get("retried") != "" {
		v.Notice = "The message is pending again: the outbox worker sends it on its next pass."
	}
	s.render(w, r, http.StatusOK, "admin_outbox.html", v)
	return nil
}

// retryMessage makes a failed message pending again.
func (s *Server) retryMessage(w http.ResponseWriter, r *http.Request, p baton.Principal) error {
	if err := s.svc.RetryMessage(r.Context(), p, r.PathValue("id")); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/outbox?status="+baton.MessageFailed+"&retried=1", http.StatusSeeOther)
	return nil
}
