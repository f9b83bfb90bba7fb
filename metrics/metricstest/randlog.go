// Package metricstest makes random event logs for testing that the
// rollups, however they are kept, equal the fold of the log.
package metricstest

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/metrics"
)

// T0 is the first instant of RandomLog's handoffs: Monday 2 March 2026,
// 00:00 UTC. They are created over the 200 days after it.
var T0 = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)

// RandomLog returns the interleaved events of n random handoffs (ids h0,
// h1, ...; a few lack their created event, as handoffs older than the log
// do), each handoff's events in order and in time, and the facts of each.
// Owners are u1 to u4 (or none); senders s1, s2, u1, u3 (or none), so some
// handoffs are owned and sent by the same person.
func RandomLog(rng *rand.Rand, n int) ([]*baton.Event, map[string]metrics.RollupFacts) {
	pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
	facts := map[string]metrics.RollupFacts{}
	var logs [][]*baton.Event
	for i := range n {
		id := fmt.Sprintf("h%d", i)
		at := T0.Add(time.Duration(rng.IntN(200*24*60)) * time.Minute)
		owner := pick("u1", "u2", "u3", "")
		var log []*baton.Event
		add := func(kind string, to baton.State, data baton.EventData) {
			at = at.Add(time.Duration(rng.IntN(3*60)) * time.Minute)
			e := &baton.Event{Seq: int64(len(log)), HandoffID: id, Kind: kind, At: at, OwnerID: owner, ToState: to}
			if data != nil {
				if err := e.SetData(data); err != nil {
					panic(err)
				}
			}
			log = append(log, e)
		}
		if rng.IntN(10) > 0 {
			var c *int
			if rng.IntN(3) > 0 {
				v := rng.IntN(101)
				c = &v
			}
			add(baton.EventCreated, baton.StateAssigned, baton.CreatedData{HandoffType: pick("hot_lead", "mql", "meeting_set"),
				Tier: pick("hot", "warm", ""), Team: pick("sdr", "ae"), Source: pick("website", "hubspot", ""),
				Segment: pick("smb", "enterprise", ""), OccurredAt: at.Add(-time.Duration(rng.IntN(120)) * time.Second), Completeness: c})
		}
		add(baton.EventAssigned, baton.StateAssigned, nil)
		for range rng.IntN(10) {
			switch rng.IntN(16) {
			case 0:
				add(baton.EventAccepted, baton.StateAccepted, nil)
			case 1:
				add(baton.EventTouched, baton.StateActioned, nil)
			case 2:
				add(baton.EventBreached, "", baton.BreachedData{Step: "accept"})
			case 3:
				owner = pick("u1", "u2", "u3", "u4")
				add(baton.EventReassigned, baton.StateAssigned, baton.ReassignedData{})
			case 4:
				add(baton.EventRejected, baton.StateReturned, baton.RejectedData{})
			case 5:
				add(baton.EventResubmitted, baton.StateAssigned, baton.ResubmittedData{})
			case 6:
				add(baton.EventPaused, "", nil)
			case 7:
				add(baton.EventResumed, "", baton.ResumedData{})
			case 8:
				add(baton.EventOutcome, baton.StateCompleted, baton.OutcomeData{Outcome: pick(baton.Outcomes...)})
			case 9:
				add(baton.EventCancelled, baton.StateCancelled, nil)
			case 10:
				add(baton.EventMeetingChanged, "", baton.MeetingChangedData{MeetingID: pick("m1", "m2"), Status: pick(baton.MeetingBooked, baton.MeetingCancelled), Sequence: rng.IntN(4)})
			case 11:
				add(baton.EventRated, "", baton.RatedData{Rating: rng.IntN(7), Missing: []string{"budget"}[:rng.IntN(2)]})
			case 12:
				add(baton.EventSurveyAnswered, "", baton.SurveyAnsweredData{Score: rng.IntN(7)})
			case 13:
				add(baton.EventRecycled, "", baton.RecycledData{Outcome: baton.OutcomeNotInterested})
			case 14:
				add(baton.EventSignalJoined, "", baton.SignalJoinedData{SignalType: pick("meeting_booked", "demo_request")})
			case 15:
				add(baton.EventCompleted, baton.StateCompleted, nil)
			}
		}
		logs = append(logs, log)
		facts[id] = metrics.RollupFacts{Sender: pick("s1", "s2", "u1", "u3", ""), Meeting: rng.IntN(2) == 0, Value: int64(rng.IntN(4)) * 10_000}
	}
	var out []*baton.Event
	for {
		var live []int
		for i, l := range logs {
			if len(l) > 0 {
				live = append(live, i)
			}
		}
		if len(live) == 0 {
			return out, facts
		}
		i := live[rng.IntN(len(live))]
		out = append(out, logs[i][0])
		logs[i] = logs[i][1:]
	}
}
