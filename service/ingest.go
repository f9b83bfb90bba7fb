package service

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/routing"
)

// IngestResult is what ingesting a signal did.
type IngestResult struct {
	Signal *baton.Signal
	// Handoff is the handoff the signal created or joined; nil when the
	// signal starts none (Reason says why).
	Handoff *baton.Handoff
	// View is Handoff with its people, account, contact and meeting, built
	// in the same transaction.
	View *HandoffView
	// Duplicate reports that the external id was seen before: nothing new
	// was written and the first result is returned.
	Duplicate bool
	// Joined reports that the signal coalesced into an open handoff.
	Joined bool
	Reason string
}

// Ingest validates a signal and, in one transaction, stores it, matches its
// account and contact, decides its handoff type, routes it, and writes the
// handoff with its events, timers and messages. Sending the same external id
// again writes nothing and returns the first result with Duplicate set.
// The observer, if any, is told the result and how long it took.
func (s *Service) Ingest(ctx context.Context, sig *baton.Signal) (*IngestResult, error) {
	start, typ := time.Now(), sig.Type
	res, err := s.ingestSignal(ctx, sig)
	s.observeIngest(typ, res, err, start)
	return res, err
}

func (s *Service) ingestSignal(ctx context.Context, sig *baton.Signal) (*IngestResult, error) {
	now := s.clock.Now()
	pb := s.Playbook()
	if err := sig.Validate(now); err != nil {
		if e, ok := err.(*baton.Error); ok && sig.Type != "" && baton.ValidName(sig.Type) && !pb.KnownSignalType(sig.Type) {
			e.Fields = append(e.Fields, unknownType(sig.Type))
		}
		return nil, err
	}
	if !pb.KnownSignalType(sig.Type) {
		return nil, &baton.Error{Code: baton.EINVALID, Message: "unknown signal type", Fields: []baton.FieldError{unknownType(sig.Type)}}
	}
	sig.ID, sig.ReceivedAt = newID(), now

	var res *IngestResult
	err := s.store.Update(ctx, func(tx baton.Tx) error {
		res = nil
		r, err := s.ingest(ctx, tx, pb, sig, now)
		res = r
		return err
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

func (s *Service) ingest(ctx context.Context, tx baton.Tx, pb *playbook.Playbook, sig *baton.Signal, now time.Time) (*IngestResult, error) {
	if prev, err := tx.SignalByExternalID(ctx, sig.ExternalID); err == nil {
		res := &IngestResult{Signal: prev, Duplicate: true}
		if prev.HandoffID != "" {
			if res.Handoff, err = tx.Handoff(ctx, prev.HandoffID); err != nil {
				return nil, err
			}
			if res.View, err = s.view(ctx, tx, res.Handoff, false); err != nil {
				return nil, err
			}
		}
		return res, nil
	} else if baton.ErrorCode(err) != baton.ENOTFOUND {
		return nil, fmt.Errorf("service: ingest: duplicate check %s: %w", sig.ExternalID, err)
	}

	account, matched, err := s.upsertAccount(ctx, tx, sig, now)
	if err != nil {
		return nil, err
	}
	contact, newContact, err := s.upsertContact(ctx, tx, sig, account, now)
	if err != nil {
		return nil, err
	}
	if account != nil {
		sig.AccountID = account.ID
	}
	if contact != nil {
		sig.ContactID = contact.ID
	}

	env := newEnv(sig, account, contact)
	defer pb.Tally(env) // conditions that failed at run time
	ht, matchTrace := pb.Match(env)
	matchTrace = append([]baton.Step{matched}, matchTrace...)
	res := &IngestResult{Signal: sig}
	if ht == nil {
		res.Reason = matchTrace[len(matchTrace)-1].Reason
		return res, tx.InsertSignal(ctx, sig)
	}

	// Coalesce: a signal from a contact with an open handoff of this type
	// joins it (one owner, one clock) instead of opening another.
	if window := pb.CoalesceWindow(ht); window > 0 {
		var h *baton.Handoff
		var err error = baton.Errorf(baton.ENOTFOUND, "no open handoff")
		switch {
		case pb.Routing.CoalesceBy == "account" && account != nil:
			h, err = tx.OpenHandoffForAccount(ctx, account.ID, ht.Name, now.Add(-window))
		case pb.Routing.CoalesceBy != "account" && contact != nil && !newContact:
			h, err = tx.OpenHandoffFor(ctx, contact.ID, ht.Name, now.Add(-window))
		}
		if err == nil {
			return s.join(ctx, tx, h, sig, now, leadOf(h, contact, account))
		} else if baton.ErrorCode(err) != baton.ENOTFOUND {
			return nil, err
		}
	}

	tier, tierTrace := pb.TierFor(ht, env)
	matchTrace = append(matchTrace, tierTrace...)
	h := &baton.Handoff{
		ID: newID(), Type: ht.Name, State: baton.StateAssigned, Tier: tier.Name, FromTeam: ht.From, ToTeam: ht.To,
		SignalID: sig.ID, Generation: 1, Signals: 1, CreatedAt: now, UpdatedAt: now, AssignedAt: now,
	}
	if account != nil {
		h.AccountID = account.ID
	}
	if contact != nil {
		h.ContactID = contact.ID
	}
	if sig.Sender != "" {
		if u, err := tx.UserByEmail(ctx, sig.Sender); err == nil {
			h.SenderID = u.ID
		} else if baton.ErrorCode(err) != baton.ENOTFOUND {
			return nil, fmt.Errorf("service: ingest: sender %s: %w", sig.Sender, err)
		}
	}
	var meeting *baton.Meeting
	if m := sig.Meeting; m != nil {
		meeting = &baton.Meeting{
			ID: newID(), HandoffID: h.ID, StartsAt: m.StartsAt, Duration: m.Duration, TimeZone: m.TimeZone, Agenda: m.Agenda,
			Type: m.Type, Attendees: m.Attendees, Status: baton.MeetingBooked, CreatedAt: now, UpdatedAt: now,
		}
		if err := tx.InsertMeeting(ctx, meeting); err != nil {
			return nil, err
		}
		h.MeetingID = meeting.ID
	}

	d, err := s.routeCS(ctx, tx, pb, ht, env, account, now)
	if err != nil {
		return nil, err
	}
	h.OwnerID, h.BackupID = d.OwnerID, d.BackupID
	h.Trace = append(matchTrace, d.Trace...)
	plan, err := s.plan(ctx, tx, pb, h, now)
	if err != nil {
		return nil, err
	}
	h.AcceptBy, h.FirstTouchBy = plan.AcceptBy, plan.FirstTouchBy
	h.Trace = append(h.Trace, prefill(pb, ht, h, sig, autoFacts(h, sig, account, contact, meeting))...)
	if err := tx.InsertHandoff(ctx, h); err != nil {
		return nil, err
	}
	sig.HandoffID = h.ID
	if err := tx.InsertSignal(ctx, sig); err != nil {
		return nil, err
	}
	created := baton.CreatedData{SignalID: sig.ID, SignalType: sig.Type, HandoffType: ht.Name, Tier: h.Tier, Team: h.ToTeam,
		OccurredAt: sig.OccurredAt, Source: sig.Source}
	if account != nil {
		created.Segment = account.Segment
	}
	score := scoreOf(pb, h).Score
	created.Completeness = &score
	createdEv := &baton.Event{HandoffID: h.ID, Kind: baton.EventCreated, At: now, Actor: actorForSignal(sig),
		ToState: baton.StateAssigned, Reason: fmt.Sprintf("%s signal matched handoff type %s", sig.Type, ht.Name)}
	if err := createdEv.SetData(created); err != nil {
		return nil, fmt.Errorf("service: %s: %w", h.ID, err)
	}
	// The created event goes in with the assigned one, and the notices
	// take the buyer from the contact and account written above.
	known := assignment{before: []*baton.Event{createdEv}, lead: leadOf(h, contact, account)}
	if err := s.assigned(ctx, tx, pb, h, d, plan, now, baton.ActorSystem, known); err != nil {
		return nil, err
	}
	if err := s.startActivities(ctx, tx, pb, h, "created", now); err != nil {
		return nil, err
	}
	if err := s.csStarted(ctx, tx, pb, ht, h, sig, env, now); err != nil {
		return nil, err
	}
	if meeting != nil {
		if err := s.schedulePreCall(ctx, tx, pb, h, meeting, now); err != nil {
			return nil, err
		}
	}
	link, err := s.createIntake(ctx, tx, pb, h, meeting, contact, now)
	if err != nil {
		return nil, err
	}
	if err := s.prospectBooked(ctx, tx, pb, h, meeting, contact, link, now); err != nil {
		return nil, err
	}
	if sc := scoreOf(pb, h); ht.Gate > 0 && sc.Score < ht.Gate {
		if err := s.returnForContext(ctx, tx, pb, h, ht.Gate, sc.Missing, sc.Score, now); err != nil {
			return nil, err
		}
	}
	res.Handoff = h
	r, err := s.users(ctx, tx)
	if err != nil {
		return nil, err
	}
	res.View = &HandoffView{Handoff: h, Owner: ref(r.User(h.OwnerID)), Backup: ref(r.User(h.BackupID)), Sender: ref(r.User(h.SenderID)),
		Account: account, Contact: contact, Meeting: meeting, Allowed: baton.AllowedCommands(h.State)}
	sc := scoreOf(pb, h)
	res.View.Completeness, res.View.Missing = sc.Score, sc.Missing
	return res, nil
}

func actorForSignal(sig *baton.Signal) string {
	if sig.Source != "" {
		return "signal:" + sig.Source
	}
	return "signal"
}

// route runs the routing engine with the roster, fairness state and loads
// read in tx, and records the pick in tx.
func (s *Service) route(ctx context.Context, tx baton.Tx, pb *playbook.Playbook, ht *playbook.HandoffType, env *playbook.Env, account *baton.Account, now time.Time, exclude []string) (routing.Decision, error) {
	r, err := s.users(ctx, tx)
	if err != nil {
		return routing.Decision{}, err
	}
	req := &routing.Request{
		Now: now, Type: ht.Name, Steps: pb.PrecedenceFor(ht), Rules: pb.RulesFor(ht.Name), Env: env,
		Team: ht.To, Method: pb.Routing.Method, FallbackTeam: pb.Routing.FallbackTeam, Hours: pb.PoolHours(nil),
		Account: account, Roster: r.Roster, Exclude: exclude,
		State: func(pool string) (baton.PoolState, error) { return tx.PoolState(ctx, pool) },
		Loads: func(ids []string) (map[string]baton.Load, error) { return tx.Loads(ctx, ids, now) },
	}
	d, err := routing.Route(req)
	if err != nil {
		return d, err
	}
	if d.Pool != "" {
		if err := tx.RecordPick(ctx, d.Pool, d.OwnerID, d.VTime, d.Pass, now); err != nil {
			return d, err
		}
	}
	return d, nil
}

// leadOf is the buyer of h's notices from the contact and account an
// ingest holds (written or read in its transaction), or nil, to have them
// read, when those are not h's (a handoff joined by account has a contact
// of its own).
func leadOf(h *baton.Handoff, c *baton.Contact, a *baton.Account) *baton.NoticeLead {
	var l baton.NoticeLead
	contactID, accountID := "", ""
	if c != nil {
		contactID = c.ID
		l.Name, l.Title, l.Email = c.Name, c.Title, c.Email
	}
	if a != nil {
		accountID = a.ID
		l.Company = a.Name
	}
	if h.ContactID != contactID || h.AccountID != accountID {
		return nil
	}
	return &l
}

// join coalesces a signal into an open handoff; lead, when not nil, is the
// buyer for the owner's notice.
func (s *Service) join(ctx context.Context, tx baton.Tx, h *baton.Handoff, sig *baton.Signal, now time.Time, lead *baton.NoticeLead) (*IngestResult, error) {
	h.Signals++
	h.UpdatedAt = now
	sig.HandoffID = h.ID
	if err := tx.InsertSignal(ctx, sig); err != nil {
		return nil, err
	}
	if err := tx.UpdateHandoff(ctx, h); err != nil {
		return nil, err
	}
	if err := appendEvent(ctx, tx, &baton.Event{HandoffID: h.ID, Kind: baton.EventSignalJoined, At: now, Actor: actorForSignal(sig),
		OwnerID: h.OwnerID, Reason: fmt.Sprintf("another %s from the same contact joined the open handoff", sig.Type)},
		baton.SignalJoinedData{SignalID: sig.ID, SignalType: sig.Type, OccurredAt: sig.OccurredAt, Source: sig.Source}); err != nil {
		return nil, err
	}
	rebooked, err := s.rebookFromSignal(ctx, tx, h, sig, now)
	if err != nil {
		return nil, err
	}
	if h.OwnerID != "" {
		text := fmt.Sprintf("The buyer sent another signal (%s) on a handoff you own.", sig.Type)
		if rebooked {
			text = "The buyer booked the missed meeting again: the brief and the reminders follow the new time."
		}
		if err := s.raise(ctx, tx, h, note{kind: baton.MsgJoined, recipient: h.OwnerID, text: text, lead: lead}, now); err != nil {
			return nil, err
		}
	}
	v, err := s.view(ctx, tx, h, false)
	if err != nil {
		return nil, err
	}
	return &IngestResult{Signal: sig, Handoff: h, View: v, Joined: true}, nil
}

// upsertAccount matches the signal to an account, filling what the account
// did not know, or creates one. It returns the matching step for the trace.
func (s *Service) upsertAccount(ctx context.Context, tx baton.Tx, sig *baton.Signal, now time.Time) (*baton.Account, baton.Step, error) {
	a, how, domain, err := s.matchAccount(ctx, tx, sig)
	if err != nil {
		return nil, how, err
	}
	if a == nil {
		if domain == "" && sig.Account.Name == "" {
			return nil, how, nil
		}
		a = newAccount(sig, domain, now)
		if err := tx.PutAccount(ctx, a); err != nil {
			return nil, how, err
		}
		s.accountAdded(a)
		return a, how, nil
	}
	// Fill what we did not know; never overwrite what the team set.
	changed := false
	fill := func(dst *string, v string) {
		if *dst == "" && v != "" {
			*dst, changed = v, true
		}
	}
	fill(&a.Industry, sig.Account.Industry)
	fill(&a.Country, sig.Account.Country)
	fill(&a.Region, sig.Account.Region)
	if a.Employees == 0 && sig.Account.Employees > 0 {
		a.Employees, changed = sig.Account.Employees, true
		fill(&a.Segment, baton.SegmentFor(a.Employees))
	}
	if !changed {
		return a, how, nil
	}
	a.UpdatedAt = now
	return a, how, tx.PutAccount(ctx, a)
}

func newAccount(sig *baton.Signal, domain string, now time.Time) *baton.Account {
	name := strings.TrimSpace(sig.Account.Name)
	if name == "" {
		name = domain
	}
	return &baton.Account{
		ID: newID(), Name: name, Domain: domain, Segment: baton.SegmentFor(sig.Account.Employees), Employees: sig.Account.Employees,
		Industry: sig.Account.Industry, Country: sig.Account.Country, Region: sig.Account.Region, Status: baton.AccountProspect,
		CreatedAt: now, UpdatedAt: now,
	}
}

// upsertContact finds or creates the signal's contact; created reports a
// new one (which cannot have open handoffs yet).
func (s *Service) upsertContact(ctx context.Context, tx baton.Tx, sig *baton.Signal, a *baton.Account, now time.Time) (c *baton.Contact, created bool, err error) {
	if sig.Contact.Email == "" {
		return nil, false, nil
	}
	c, err = tx.ContactByEmail(ctx, sig.Contact.Email)
	switch {
	case baton.ErrorCode(err) == baton.ENOTFOUND:
		c, created = &baton.Contact{ID: newID(), Email: sig.Contact.Email, CreatedAt: now}, true
	case err != nil:
		return nil, false, err
	}
	in := sig.Contact
	before := *c
	for _, f := range []struct {
		dst *string
		v   string
	}{{&c.Name, in.Name}, {&c.Title, in.Title}, {&c.Phone, in.Phone}, {&c.TimeZone, in.TimeZone}} {
		if f.v != "" {
			*f.dst = f.v
		}
	}
	if a != nil && c.AccountID == "" {
		c.AccountID = a.ID
	}
	if before == *c && !created {
		return c, false, nil
	}
	c.UpdatedAt = now
	return c, created, tx.PutContact(ctx, c)
}

func newEnv(sig *baton.Signal, a *baton.Account, c *baton.Contact) *playbook.Env {
	env := &playbook.Env{
		Signal: playbook.SignalEnv{Type: sig.Type, Source: sig.Source, Campaign: sig.Campaign, Message: sig.Message, HasMeeting: sig.Meeting != nil},
		Fields: sig.Fields,
	}
	if a != nil {
		env.Account = playbook.AccountEnv{Name: a.Name, Domain: a.Domain, Segment: a.Segment, Employees: a.Employees, Industry: a.Industry,
			Country: a.Country, Region: a.Region, Status: a.Status, Customer: a.Status == baton.AccountCustomer, Named: a.OwnerID != ""}
	}
	if c != nil {
		env.Contact = playbook.ContactEnv{Email: c.Email, Title: c.Title, TimeZone: c.TimeZone}
	}
	return env
}

func unknownType(t string) baton.FieldError {
	return baton.FieldError{Field: "type", Message: fmt.Sprintf("%q is not a signal type of the playbook", t)}
}
