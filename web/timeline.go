package web

import (
	"context"
	"strings"
	"time"

	"github.com/batonhq/baton"
)

// timelineRow is one event of a handoff's log as the handoff page shows it.
type timelineRow struct {
	At   time.Time
	What string // the kind, the new state and, for a change of owner, who to whom
	Who  string // the actor: a person's name, the clock, the system
	Why  string
}

// timeline renders a handoff's log for people: a change of owner reads as
// names, not user ids. Rows written before events carried names get them
// from the roster, which users reads only when such a row is met.
func timeline(ctx context.Context, events []*baton.Event, users func(context.Context) ([]*baton.User, error)) ([]timelineRow, error) {
	var byID map[string]string
	name := func(id string, stored string) (string, error) {
		switch {
		case stored != "":
			return stored, nil
		case id == "":
			return "", nil
		}
		if byID == nil {
			list, err := users(ctx)
			if err != nil {
				return "", err
			}
			byID = make(map[string]string, len(list))
			for _, u := range list {
				byID[u.ID] = u.Name
			}
		}
		if n := byID[id]; n != "" {
			return n, nil
		}
		return id, nil // not on the roster: the id is all there is
	}
	rows := make([]timelineRow, len(events))
	for i, e := range events {
		what := e.Kind
		if e.ToState != "" && e.Kind != string(e.ToState) {
			what += " → " + string(e.ToState)
		}
		switch e.Kind {
		case baton.EventAssigned:
			d, err := baton.DecodeEventData[baton.AssignedData](e)
			if err != nil {
				return nil, err
			}
			to, err := name(e.OwnerID, d.OwnerName)
			if err != nil {
				return nil, err
			}
			what += " to " + orNobody(to)
		case baton.EventReassigned, baton.EventResubmitted:
			var c baton.OwnerChange
			if e.Kind == baton.EventReassigned {
				d, err := baton.DecodeEventData[baton.ReassignedData](e)
				if err != nil {
					return nil, err
				}
				c = d.OwnerChange
			} else {
				d, err := baton.DecodeEventData[baton.ResubmittedData](e)
				if err != nil {
					return nil, err
				}
				c = d.OwnerChange
			}
			from, err := name(c.From, c.FromName)
			if err != nil {
				return nil, err
			}
			to, err := name(c.To, c.ToName)
			if err != nil {
				return nil, err
			}
			if e.Kind == baton.EventReassigned {
				what = "reassigned from " + orNobody(from) + " to " + orNobody(to)
			} else {
				what += " to " + orNobody(to)
			}
		}
		who := e.Actor
		if id, ok := strings.CutPrefix(who, baton.ActorUserPrefix); ok {
			n, err := name(id, "")
			if err != nil {
				return nil, err
			}
			who = n
		}
		rows[i] = timelineRow{At: e.At, What: what, Who: who, Why: e.Reason}
	}
	return rows, nil
}

func orNobody(name string) string {
	if name == "" {
		return "nobody"
	}
	return name
}
