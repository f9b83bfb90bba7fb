package baton_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton"
)

// legal is the whole state machine: each command, the states it may start
// from, and where it leads.
var legal = []struct {
	cmd  baton.Command
	from []baton.State
	to   []baton.State // the usual target first
}{
	{baton.CmdAccept, []baton.State{baton.StateAssigned}, []baton.State{baton.StateAccepted}},
	{baton.CmdTouch, []baton.State{baton.StateAccepted}, []baton.State{baton.StateActioned}},
	{baton.CmdReject, []baton.State{baton.StateAssigned, baton.StateAccepted}, []baton.State{baton.StateReturned}},
	{baton.CmdResubmit, []baton.State{baton.StateReturned}, []baton.State{baton.StateAssigned}},
	{baton.CmdReassign, []baton.State{baton.StateAssigned, baton.StateAccepted, baton.StateActioned}, []baton.State{baton.StateAssigned}},
	// An outcome completes the handoff, or keeps it actioned when it
	// leaves work for the same owner (the playbook's closes: false).
	{baton.CmdOutcome, []baton.State{baton.StateActioned}, []baton.State{baton.StateCompleted, baton.StateActioned}},
	{baton.CmdComplete, []baton.State{baton.StateActioned}, []baton.State{baton.StateCompleted}},
	{baton.CmdCancel, []baton.State{baton.StateAssigned, baton.StateAccepted, baton.StateActioned, baton.StateReturned}, []baton.State{baton.StateCancelled}},
}

func TestTransition(t *testing.T) {
	t.Parallel()

	t.Run("EveryLegalTransition", func(t *testing.T) {
		t.Parallel()
		for _, l := range legal {
			for _, from := range l.from {
				got, err := baton.Transition(from, l.cmd)
				if err != nil || got != l.to[0] {
					t.Errorf("%s from %s: got %s, %v; want %s", l.cmd, from, got, err, l.to[0])
				}
				for _, to := range l.to {
					got, err := baton.TransitionTo(from, l.cmd, to)
					if err != nil || got != to {
						t.Errorf("%s from %s to %s: got %s, %v; want %s", l.cmd, from, to, got, err, to)
					}
				}
			}
			if diff := cmp.Diff(l.to, baton.Targets(l.cmd)); diff != "" {
				t.Errorf("targets of %s (-want +got):\n%s", l.cmd, diff)
			}
		}
	})

	t.Run("OutcomeKeepsTheHandoffActionedOrCompletesIt", func(t *testing.T) {
		t.Parallel()
		for _, to := range []baton.State{baton.StateActioned, baton.StateCompleted} {
			if got, err := baton.TransitionTo(baton.StateActioned, baton.CmdOutcome, to); err != nil || got != to {
				t.Errorf("outcome to %s: got %s, %v; want %s", to, got, err, to)
			}
		}
		if got, err := baton.TransitionTo(baton.StateActioned, baton.CmdOutcome, baton.StateAssigned); baton.ErrorCode(err) != baton.EINVALID || got != baton.StateActioned {
			t.Errorf("outcome to assigned: got %s, %v; want the state kept and %s", got, err, baton.EINVALID)
		}
		if got, err := baton.TransitionTo(baton.StateAccepted, baton.CmdOutcome, baton.StateActioned); baton.ErrorCode(err) != baton.ECONFLICT || got != baton.StateAccepted {
			t.Errorf("outcome from accepted: got %s, %v; want the state kept and %s", got, err, baton.ECONFLICT)
		}
		if got, err := baton.TransitionTo(baton.StateCompleted, baton.CmdOutcome, baton.StateCompleted); baton.ErrorCode(err) != baton.ECONFLICT || got != baton.StateCompleted {
			t.Errorf("outcome from completed: got %s, %v; want a conflict", got, err)
		}
	})

	t.Run("PauseAndResumeKeepAnOpenState", func(t *testing.T) {
		t.Parallel()
		for _, cmd := range []baton.Command{baton.CmdPause, baton.CmdResume} {
			for _, s := range baton.States {
				got, err := baton.Transition(s, cmd)
				if s.Open() {
					if err != nil || got != s {
						t.Errorf("%s from %s: got %s, %v; want %s", cmd, s, got, err, s)
					}
				} else if code := baton.ErrorCode(err); code != baton.ECONFLICT || got != s {
					t.Errorf("%s from final %s: got %s, code %q; want the state kept and %q", cmd, s, got, code, baton.ECONFLICT)
				}
			}
		}
	})

	// Every (state, command) pair the table does not allow is a conflict
	// that names the state and what it allows instead.
	t.Run("EveryIllegalTransitionIsAConflictSayingWhatIsAllowed", func(t *testing.T) {
		t.Parallel()
		n := 0
		for _, l := range legal {
			for _, s := range baton.States {
				if slices.Contains(l.from, s) {
					continue
				}
				n++
				got, err := baton.Transition(s, l.cmd)
				if code := baton.ErrorCode(err); code != baton.ECONFLICT || got != s {
					t.Errorf("%s from %s: got %s, code %q; want the state kept and %q", l.cmd, s, got, code, baton.ECONFLICT)
					continue
				}
				msg := baton.ErrorMessage(err)
				if !strings.Contains(msg, string(s)) || !strings.Contains(msg, string(l.cmd)) {
					t.Errorf("%s from %s: got message %q, want it to name the command and the state", l.cmd, s, msg)
				}
				if s.Open() {
					for _, c := range baton.AllowedCommands(s) {
						if !strings.Contains(msg, string(c)) {
							t.Errorf("%s from %s: got message %q, want it to list allowed %s", l.cmd, s, msg, c)
						}
					}
				} else if !strings.Contains(msg, "final") {
					t.Errorf("%s from final %s: got message %q, want it to say the state is final", l.cmd, s, msg)
				}
			}
		}
		if want := len(legal)*len(baton.States) - 14; n != want { // 14 legal pairs
			t.Errorf("checked %d illegal pairs, want %d", n, want)
		}
	})

	t.Run("UnknownCommandIsInvalid", func(t *testing.T) {
		t.Parallel()
		if _, err := baton.Transition(baton.StateAssigned, "teleport"); baton.ErrorCode(err) != baton.EINVALID {
			t.Errorf("got %v, want code %q", err, baton.EINVALID)
		}
	})

	t.Run("AllowedCommandsMatchTheTable", func(t *testing.T) {
		t.Parallel()
		for _, s := range baton.States {
			var want []baton.Command
			for _, l := range legal {
				if slices.Contains(l.from, s) {
					want = append(want, l.cmd)
				}
			}
			if diff := cmp.Diff(want, baton.AllowedCommands(s)); diff != "" {
				t.Errorf("allowed from %s (-want +got):\n%s", s, diff)
			}
		}
	})
}
