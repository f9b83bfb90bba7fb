package demo

import (
	"context"
	"hash/fnv"
	"math/rand/v2"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/service"
)

// Knowledge-transfer meeting qualities: how a closed-won deal's meeting
// went, so the quality scores' meeting items spread.
const (
	ktFull          = "full"           // everyone required came, the whole agenda, questions answered
	ktMissingPeople = "missing_people" // a required person never accepted and did not come
	ktPartialAgenda = "partial_agenda" // everyone came; half the agenda, questions left open
	ktNotHeld       = "not_held"       // confirmed, then never recorded
)

// ktRand is a deal's own random source for its meeting, seeded by its
// signal, so the meetings leave the week's replay as it was.
func ktRand(sig *baton.Signal) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(sig.ExternalID))
	return rand.New(rand.NewPCG(h.Sum64(), 11))
}

// wonDeal fills what the CRM sends with a signed contract: the AE who won
// it (the sender) and the payment state, picked from the signal's own
// random source.
func wonDeal(sig *baton.Signal) {
	rnd := ktRand(sig)
	aes := []string{"daniel.okafor@baton.example", "sofia.rossi@baton.example", "ethan.brooks@baton.example", "mia.tanaka@baton.example"}
	sig.Sender = aes[rnd.IntN(len(aes))]
	sig.Fields["payment"] = []string{baton.PaymentScheduled, baton.PaymentReceived, baton.PaymentScheduled, baton.PaymentExtendedTerms}[rnd.IntN(4)]
}

// runKTMeeting plays a closed-won deal's protocol: the AE sends the
// handoff when its gates pass, confirms the knowledge-transfer meeting a
// day or so out, the participants answer the invitation, and the meeting
// is recorded as it went (full, missing people, half the agenda), or not
// at all.
func (r *replay) runKTMeeting(sig *baton.Signal, h *baton.Handoff, now time.Time) {
	if h.Type != "closed_won" {
		return
	}
	rnd := ktRand(sig)
	rnd.IntN(4) // the draws of wonDeal
	rnd.IntN(4)
	q := ktFull
	switch n := rnd.IntN(100); {
	case n < 20:
		q = ktMissingPeople
	case n < 40:
		q = ktPartialAgenda
	case n < 52:
		q = ktNotHeld
	}
	demo := baton.Principal{Name: "demo", Access: baton.AccessManager}
	ae, ok := r.people[h.SenderID]
	if !ok {
		ae = demo
	}
	id := h.ID
	r.at(now.Add(30*time.Minute), func(ctx context.Context) error {
		_, err := r.svc.SendToCS(ctx, ae, id) // thin summaries fail their gate and wait
		return tolerate(err)
	})
	confirm := now.Add(time.Duration(60+rnd.IntN(120)) * time.Minute)
	start := now.Add(time.Duration(26+rnd.IntN(12)) * time.Hour).Truncate(time.Hour)
	absentee := -1
	r.at(confirm, func(ctx context.Context) error {
		cs, err := r.svc.ScheduleKT(ctx, ae, id, service.KTScheduleInput{StartsAt: start})
		if err != nil {
			return tolerate(err)
		}
		if q == ktMissingPeople && len(cs.KT.Participants) > 1 {
			absentee = 1 + rnd.IntN(len(cs.KT.Participants)-1) // not the AE, who scheduled it
		}
		for i, p := range cs.KT.Participants {
			if i == absentee || p.Response == baton.KTAccepted {
				continue
			}
			who, ok := r.people[p.UserID]
			if !ok {
				continue
			}
			r.at(confirm.Add(time.Duration(10+rnd.IntN(240))*time.Minute), func(ctx context.Context) error {
				_, err := r.svc.RespondKT(ctx, who, id, true)
				return tolerate(err)
			})
		}
		if q == ktNotHeld {
			return nil
		}
		r.at(start.Add(cs.KT.Duration), func(ctx context.Context) error {
			return r.recordKT(ctx, ae, id, q, absentee, rnd)
		})
		return nil
	})
}

// recordKT records the meeting as it went.
func (r *replay) recordKT(ctx context.Context, ae baton.Principal, id, q string, absentee int, rnd *rand.Rand) error {
	cs, err := r.svc.CSHandoffFor(ctx, baton.Principal{Name: "demo", Access: baton.AccessAdmin}, id)
	if err != nil {
		return err
	}
	in := service.KTRecordInput{NotesURL: "https://notes.baton.example/kt/" + id, CSQuestionsAnswered: true, IntroductionAgreed: true}
	for i, p := range cs.KT.Participants {
		if i != absentee && (p.Required || rnd.IntN(2) == 0) {
			in.Attended = append(in.Attended, p.UserID)
		}
	}
	covered := len(cs.KT.Agenda)
	switch q {
	case ktMissingPeople:
		covered -= rnd.IntN(3)
		in.CSQuestionsAnswered = rnd.IntN(2) == 0
	case ktPartialAgenda:
		covered = 3 + rnd.IntN(2)
		in.CSQuestionsAnswered, in.IntroductionAgreed = false, rnd.IntN(2) == 0
	}
	for _, a := range cs.KT.Agenda[:covered] {
		in.Covered = append(in.Covered, a.Name)
	}
	held := cs.KT.StartsAt
	if ae.UserID != "" {
		in.ActionItems = append(in.ActionItems, service.KTActionInput{What: "Send the customer introduction email", Owner: ae.UserID, Due: held.Add(48 * time.Hour).Format(time.RFC3339)})
	}
	for _, p := range cs.KT.Participants {
		if p.Role == baton.KTRoleCSM {
			in.ActionItems = append(in.ActionItems, service.KTActionInput{What: "Prepare the success plan and schedule the kickoff", Owner: p.UserID, Due: held.Add(5 * 24 * time.Hour).Format(time.RFC3339)})
		}
	}
	_, err = r.svc.RecordKT(ctx, ae, id, in)
	return tolerate(err)
}

// tolerate ignores what people run into in a busy week: a gate not met yet,
// a handoff that moved on.
func tolerate(err error) error {
	switch baton.ErrorCode(err) {
	case baton.EINVALID, baton.ECONFLICT:
		return nil
	}
	return err
}
