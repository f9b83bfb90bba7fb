package service_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/playbook"
)

// ruleYAML is the default playbook with one routing rule sending Acme
// Robotics to sdr3.
func ruleYAML(t testing.TB) string {
	t.Helper()
	src := string(playbook.DefaultYAML())
	const empty = "  rules: []\n"
	if !strings.Contains(src, empty) {
		t.Fatal("the default playbook has no empty rules list to replace")
	}
	return strings.Replace(src, empty, `  rules:
    - name: acme_to_sid
      when: account.domain == "acme-robotics.com"
      to: {users: [sdr3@t.example]}
`, 1)
}

func TestPublishPlaybook(t *testing.T) {
	t.Parallel()
	e := setup(t)
	admin := baton.Principal{UserID: e.users["ops"].ID, Name: "Ops", Access: baton.AccessAdmin}

	t.Run("RefusesNonAdmins", func(t *testing.T) {
		_, err := e.svc.PublishPlaybook(e.ctx, e.rep, ruleYAML(t), "")
		if got := baton.ErrorCode(err); got != baton.EFORBIDDEN {
			t.Errorf("got %v, want forbidden", err)
		}
	})
	t.Run("ProblemsPublishNothing", func(t *testing.T) {
		bad := strings.Replace(ruleYAML(t), `account.domain == "acme-robotics.com"`, `account.domian == "x"`, 1)
		_, err := e.svc.PublishPlaybook(e.ctx, admin, bad, "")
		var pe *playbook.Error
		if baton.ErrorCode(err) != baton.EINVALID || !errors.As(err, &pe) || pe.Problems[0].Line == 0 {
			t.Fatalf("got %v, want EINVALID with positioned problems", err)
		}
		if list, err := e.svc.PlaybookVersions(e.ctx); err != nil || len(list) != 0 {
			t.Errorf("got %d versions (%v), want none", len(list), err)
		}
		if len(e.svc.Playbook().RulesFor("hot_lead")) != 0 {
			t.Error("got the broken playbook in force, want the old one")
		}
	})

	v1, err := e.svc.PublishPlaybook(e.ctx, admin, ruleYAML(t), "route Acme to Sid")
	if err != nil {
		t.Fatal(err)
	}
	t.Run("InForceAtOnce", func(t *testing.T) {
		h := e.ingest(t, demoRequest("pb1"))
		if h.OwnerID != e.users["sdr3"].ID {
			t.Errorf("got owner %s, want sdr3 by the new rule", e.name(t, h.OwnerID))
		}
	})
	e.clock.Add(time.Minute)
	v2, err := e.svc.PublishPlaybook(e.ctx, admin, string(playbook.DefaultYAML()), "back to default")
	if err != nil {
		t.Fatal(err)
	}
	t.Run("VersionsNewestFirstWithAuthor", func(t *testing.T) {
		list, err := e.svc.PlaybookVersions(e.ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].Version != 2 || list[1].Version != 1 || v1.Version != 1 || v2.Version != 2 {
			t.Fatalf("got %d versions, want 2 then 1", len(list))
		}
		if list[1].AuthorID != admin.UserID || list[1].Note != "route Acme to Sid" || !list[1].CreatedAt.Equal(t0) {
			t.Errorf("got version 1 by %q at %v noted %q, want ops at t0", list[1].AuthorID, list[1].CreatedAt, list[1].Note)
		}
	})
	t.Run("RollbackPublishesTheOldYAMLAgain", func(t *testing.T) {
		v3, err := e.svc.RollbackPlaybook(e.ctx, admin, 1)
		if err != nil {
			t.Fatal(err)
		}
		if v3.Version != 3 || v3.YAML != ruleYAML(t) || v3.Note != "rollback to version 1" {
			t.Errorf("got version %d noted %q, want 3, the YAML of 1, noted rollback", v3.Version, v3.Note)
		}
		if string(e.svc.Playbook().Source) != ruleYAML(t) {
			t.Error("got another playbook in force, want version 1's")
		}
		pb, v, err := e.svc.PublishedPlaybook(e.ctx)
		if err != nil || v.Version != 3 || string(pb.Source) != v3.YAML {
			t.Errorf("got published %v (%v), want version 3", v, err)
		}
	})
	t.Run("RollbackToAnUnknownVersion", func(t *testing.T) {
		if _, err := e.svc.RollbackPlaybook(e.ctx, admin, 99); baton.ErrorCode(err) != baton.ENOTFOUND {
			t.Errorf("got %v, want not found", err)
		}
	})
	t.Run("StartupFileIsRecordedOnce", func(t *testing.T) {
		e.svc.SetPlaybook(playbook.Default())
		a, err := e.svc.RecordStartupPlaybook(e.ctx, "--playbook p.yaml")
		if err != nil {
			t.Fatal(err)
		}
		b, err := e.svc.RecordStartupPlaybook(e.ctx, "--playbook p.yaml")
		if err != nil {
			t.Fatal(err)
		}
		if a.Version != 4 || b.Version != 4 || a.AuthorID != "" {
			t.Errorf("got versions %d and %d by %q, want 4 twice with no author", a.Version, b.Version, a.AuthorID)
		}
	})
}

func TestRetryMessage(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.ingest(t, demoRequest("rm1"))
	claimed, err := e.svc.ClaimMessages(e.ctx, time.Minute, 10)
	if err != nil || len(claimed) == 0 {
		t.Fatalf("got %d messages (%v), want some", len(claimed), err)
	}
	m := claimed[0]
	m.Status, m.Attempts, m.LastError = baton.MessageFailed, 5, "connection refused"
	if err := e.svc.SettleMessage(e.ctx, m); err != nil {
		t.Fatal(err)
	}
	t.Run("RefusesNonAdmins", func(t *testing.T) {
		if err := e.svc.RetryMessage(e.ctx, e.rep, m.ID); baton.ErrorCode(err) != baton.EFORBIDDEN {
			t.Errorf("got %v, want forbidden", err)
		}
	})
	e.clock.Add(time.Hour)
	if err := e.svc.RetryMessage(e.ctx, e.admin, m.ID); err != nil {
		t.Fatal(err)
	}
	page, err := e.svc.Outbox(e.ctx, baton.MessagePending, 0, 200)
	if err != nil {
		t.Fatal(err)
	}
	var got *baton.Message
	for _, p := range page.Messages {
		if p.ID == m.ID {
			got = p
		}
	}
	if got == nil || got.Attempts != 0 || !got.NextAt.Equal(t0.Add(time.Hour)) || got.LastError != "connection refused" {
		t.Fatalf("got %+v, want pending now with attempts reset and the last error kept", got)
	}
	if page.Counts[baton.MessageFailed] != 0 {
		t.Errorf("got %d failed, want 0", page.Counts[baton.MessageFailed])
	}
	t.Run("OnlyFailedMessages", func(t *testing.T) {
		if err := e.svc.RetryMessage(e.ctx, e.admin, m.ID); baton.ErrorCode(err) != baton.ECONFLICT {
			t.Errorf("got %v, want conflict for a pending message", err)
		}
		if err := e.svc.RetryMessage(e.ctx, e.admin, "nope"); baton.ErrorCode(err) != baton.ENOTFOUND {
			t.Errorf("got %v, want not found", err)
		}
	})
	t.Run("Pages", func(t *testing.T) {
		e.ingest(t, demoRequest("rm2"))
		first, err := e.svc.Outbox(e.ctx, "", 0, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(first.Messages) != 1 || !first.More {
			t.Fatalf("got %d messages, more %v; want 1 and more", len(first.Messages), first.More)
		}
		second, err := e.svc.Outbox(e.ctx, "", 1, 1)
		if err != nil || len(second.Messages) != 1 || second.Messages[0].ID == first.Messages[0].ID {
			t.Errorf("got %v (%v), want the next message", second, err)
		}
	})
}

func TestImportUsersDryRun(t *testing.T) {
	t.Parallel()
	e := setup(t)
	before, err := e.svc.Users(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("CountsAndWritesNothing", func(t *testing.T) {
		res, err := e.svc.ImportUsersDryRun(e.ctx, strings.NewReader("email,name,role,team,timezone\nnew@t.example,New One,sdr,sdr,UTC\nsdr1@t.example,Sdr One,sdr,sdr,UTC\n"))
		if err != nil {
			t.Fatal(err)
		}
		if res.Created != 1 || res.Updated != 1 {
			t.Errorf("got created %d updated %d, want 1 and 1", res.Created, res.Updated)
		}
	})
	t.Run("ListsRowErrors", func(t *testing.T) {
		_, err := e.svc.ImportUsersDryRun(e.ctx, strings.NewReader("email,name,role,team,timezone\nbad@t.example,Bad,sdr,sdr,Mars/Olympus\n"))
		var be *baton.Error
		if !errors.As(err, &be) || be.Code != baton.EINVALID || len(be.Fields) != 1 || be.Fields[0].Field != "row 2: timezone" {
			t.Errorf("got %v, want one row 2 timezone error", err)
		}
	})
	after, err := e.svc.Users(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(before) {
		t.Errorf("got %d users after dry runs, want %d", len(after), len(before))
	}
	if _, err := e.svc.User(e.ctx, "new@t.example"); baton.ErrorCode(err) != baton.ENOTFOUND {
		t.Errorf("got %v for the dry run's new user, want not found", err)
	}
}
