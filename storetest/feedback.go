package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton"
)

func testSurveys(t *testing.T, open Opener) {
	ctx := context.Background()
	db := open(t)
	sv := &baton.Survey{ID: "sv1", HandoffID: "h1", MeetingID: "m1", ContactID: "c1", CreatedAt: t0, SendAt: t0.Add(time.Hour), ExpiresAt: t0.Add(8 * 24 * time.Hour)}
	err := db.Update(ctx, func(tx baton.Tx) error { return tx.InsertSurvey(ctx, sv) })
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(ctx, func(tx baton.Tx) error {
		return tx.InsertSurvey(ctx, &baton.Survey{ID: "sv2", HandoffID: "h1", CreatedAt: t0, SendAt: t0, ExpiresAt: t0})
	})
	if baton.ErrorCode(err) != baton.ECONFLICT {
		t.Errorf("a second survey of the handoff: got %v, want ECONFLICT", err)
	}
	answered := t0.Add(2 * time.Hour)
	if err := db.Update(ctx, func(tx baton.Tx) error { return tx.AnswerSurvey(ctx, "sv1", 4, "good", answered) }); err != nil {
		t.Fatal(err)
	}
	err = db.Update(ctx, func(tx baton.Tx) error { return tx.AnswerSurvey(ctx, "sv1", 1, "again", answered) })
	if baton.ErrorCode(err) != baton.ECONFLICT {
		t.Errorf("a second answer: got %v, want ECONFLICT", err)
	}
	err = db.Update(ctx, func(tx baton.Tx) error { return tx.AnswerSurvey(ctx, "nope", 1, "", answered) })
	if baton.ErrorCode(err) != baton.ENOTFOUND {
		t.Errorf("an unknown survey: got %v, want ENOTFOUND", err)
	}
	var byID, byHandoff *baton.Survey
	err = db.View(ctx, func(tx baton.Tx) error {
		var err error
		if byID, err = tx.Survey(ctx, "sv1"); err != nil {
			return err
		}
		byHandoff, err = tx.SurveyForHandoff(ctx, "h1")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	want := &baton.Survey{ID: "sv1", HandoffID: "h1", MeetingID: "m1", ContactID: "c1", CreatedAt: msec(t0), SendAt: msec(t0.Add(time.Hour)),
		ExpiresAt: msec(t0.Add(8 * 24 * time.Hour)), AnsweredAt: msec(answered), Score: 4, Comment: "good"}
	if diff := cmp.Diff(want, byID); diff != "" {
		t.Errorf("survey (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, byHandoff); diff != "" {
		t.Errorf("survey of the handoff (-want +got):\n%s", diff)
	}
}

func testRejections(t *testing.T, open Opener) {
	ctx := context.Background()
	db := open(t)
	score := 40
	err := db.Update(ctx, func(tx baton.Tx) error {
		for _, h := range []struct{ id, sender string }{{"h1", "u1"}, {"h2", "u1"}, {"h3", "u2"}} {
			if err := tx.InsertHandoff(ctx, &baton.Handoff{ID: h.id, Type: "t", State: baton.StateReturned, Tier: "x", SignalID: "s-" + h.id,
				SenderID: h.sender, Generation: 1, CreatedAt: t0, UpdatedAt: t0}); err != nil {
				return err
			}
		}
		for _, e := range []struct {
			h    string
			at   time.Duration
			data baton.RejectedData
		}{
			{"h1", 0, baton.RejectedData{Gaps: []string{"old"}}},
			{"h1", 2 * time.Hour, baton.RejectedData{Gaps: []string{"budget"}}},
			{"h2", 3 * time.Hour, baton.RejectedData{Gaps: []string{"gate"}, Completeness: &score}},
			{"h2", 4 * time.Hour, baton.RejectedData{Gaps: []string{"timeline", "owner"}}},
			{"h3", 5 * time.Hour, baton.RejectedData{Gaps: []string{"someone else's"}}},
		} {
			ev := &baton.Event{HandoffID: e.h, Kind: baton.EventRejected, At: t0.Add(e.at), Actor: "user:r"}
			if err := ev.SetData(e.data); err != nil {
				return err
			}
			if err := tx.AppendEvent(ctx, ev); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []baton.Rejection
	err = db.View(ctx, func(tx baton.Tx) error {
		var err error
		got, err = tx.Rejections(ctx, "u1", t0.Add(time.Hour), 10)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []baton.Rejection{
		{HandoffID: "h1", At: msec(t0.Add(2 * time.Hour)), Actor: "user:r", Gaps: []string{"budget"}},
		{HandoffID: "h2", At: msec(t0.Add(4 * time.Hour)), Actor: "user:r", Gaps: []string{"timeline", "owner"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rejections of u1 since the window's start, people's only (-want +got):\n%s", diff)
	}
}
