package service_test

import (
	"strings"
	"testing"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/service"
	"github.com/google/go-cmp/cmp"
)

// closedWon opens a closed-won handoff carrying fields.
func closedWon(t *testing.T, e *env, id string, fields map[string]any) *baton.Handoff {
	t.Helper()
	sig := demoRequest(id)
	sig.Type, sig.Sender = baton.SignalContractSigned, e.users["ae1"].Email
	sig.Fields = fields
	return e.ingest(t, sig)
}

// TestContextTables: the deal summary's tables are set whole through
// UpdateContext or a row at a time through EditRow, validated cell by
// cell with nothing written when one is wrong.
func TestContextTables(t *testing.T) {
	t.Parallel()
	e := setup(t)
	t.Run("SetWholeAndReadBack", func(t *testing.T) {
		t.Parallel()
		h := closedWon(t, e, "tables-whole", nil)
		before := e.view(t, h.ID)
		_, err := e.svc.UpdateContext(e.ctx, e.admin, h.ID, map[string]any{
			"stakeholders": []any{map[string]any{"name": "Lee Park", "role": "COO, executive sponsor", "stance": "Champion", "influence": "high"}},
			"commitments":  []any{map[string]any{"what": "SSO by March", "promised_by": "Dana Cole, AE", "due": "2027-03-01", "status": "open", "kind": "verbal"}},
		})
		if err != nil {
			t.Fatal(err)
		}
		v := e.view(t, h.ID)
		want := []any{map[string]any{"what": "SSO by March", "promised_by": map[string]any{"name": "Dana Cole", "title": "AE"}, "due": "2027-03-01", "status": "open", "kind": "verbal"}}
		if diff := cmp.Diff(want, v.Context["commitments"]); diff != "" {
			t.Errorf("commitments (-want +got):\n%s", diff)
		}
		if got := v.Context["stakeholders"].([]any)[0].(map[string]any)["stance"]; got != "champion" {
			t.Errorf("got stance %v, want champion as the playbook spells it", got)
		}
		if v.Completeness <= before.Completeness || strings.Contains(strings.Join(v.Missing, ","), "commitments") {
			t.Errorf("completeness %d → %d, missing %v: want up, commitments filled", before.Completeness, v.Completeness, v.Missing)
		}
	})
	t.Run("BadCellNamesFieldRowColumnAndWritesNothing", func(t *testing.T) {
		t.Parallel()
		h := closedWon(t, e, "tables-bad", nil)
		_, err := e.svc.UpdateContext(e.ctx, e.admin, h.ID, map[string]any{
			"customer_overview": "Acme makes robots",
			"risks": []any{map[string]any{"risk": "IT stretched", "likelihood": "high", "impact": "high"},
				map[string]any{"risk": "budget", "likelihood": "certain", "colour": "red"}},
		})
		var be *baton.Error
		if !asError(err, &be) || be.Code != baton.EINVALID {
			t.Fatalf("got %v, want EINVALID", err)
		}
		got := map[string]string{}
		for _, f := range be.Fields {
			got[f.Field] = f.Message
		}
		for field, msg := range map[string]string{
			"fields.risks[1].likelihood": "risks row 2, column likelihood: must be one of high, medium, low",
			"fields.risks[1].colour":     "risks row 2, column colour: is not a column of risks",
		} {
			if !strings.HasPrefix(got[field], msg) {
				t.Errorf("%s: got %q, want %q", field, got[field], msg)
			}
		}
		if v := e.view(t, h.ID); v.Context["customer_overview"] != nil || v.Context["risks"] != nil {
			t.Errorf("got context %v, want nothing written", v.Context)
		}
	})
	t.Run("EditRowAddSaveRemove", func(t *testing.T) {
		t.Parallel()
		h := closedWon(t, e, "tables-rows", nil)
		add := func(what string) {
			t.Helper()
			if _, err := e.svc.EditRow(e.ctx, e.admin, h.ID, service.RowEdit{Field: "commitments", Op: service.RowAdd,
				Cells: map[string]any{"what": what, "status": "open", "kind": "written", "promised_by": "Dana Cole"}}); err != nil {
				t.Fatal(err)
			}
		}
		add("SSO")
		add("Training")
		rows := func() []any { return e.view(t, h.ID).Context["commitments"].([]any) }
		second := rows()[1].(map[string]any)
		if _, err := e.svc.EditRow(e.ctx, e.admin, h.ID, service.RowEdit{Field: "commitments", Op: service.RowSave, Row: 1, Rev: service.RowRev(second),
			Cells: map[string]any{"what": "Training for 40 users", "status": "done", "kind": "gray_area"}}); err != nil {
			t.Fatal(err)
		}
		if got := rows()[1].(map[string]any); got["what"] != "Training for 40 users" || got["promised_by"] != nil {
			t.Errorf("saved row: got %v, want the new cells only", got)
		}
		_, err := e.svc.EditRow(e.ctx, e.admin, h.ID, service.RowEdit{Field: "commitments", Op: service.RowRemove, Row: 1, Rev: service.RowRev(second)})
		if baton.ErrorCode(err) != baton.ECONFLICT {
			t.Errorf("remove with a stale revision: got %v, want ECONFLICT", err)
		}
		_, err = e.svc.EditRow(e.ctx, e.admin, h.ID, service.RowEdit{Field: "commitments", Op: service.RowSave, Row: 0, Cells: map[string]any{"due": "soon"}})
		var be *baton.Error
		if !asError(err, &be) || len(be.Fields) != 1 || be.Fields[0].Field != "fields.commitments[0].due" {
			t.Errorf("bad cell: got %v, want EINVALID at fields.commitments[0].due", err)
		}
		if _, err := e.svc.EditRow(e.ctx, e.admin, h.ID, service.RowEdit{Field: "commitments", Op: service.RowRemove, Row: 0}); err != nil {
			t.Fatal(err)
		}
		if got := rows(); len(got) != 1 || got[0].(map[string]any)["what"] != "Training for 40 users" {
			t.Errorf("after remove: got %v, want the training row only", got)
		}
		for name, edit := range map[string]service.RowEdit{
			"NotATable": {Field: "customer_overview", Op: service.RowAdd, Cells: map[string]any{"x": "y"}},
			"NoSuchRow": {Field: "commitments", Op: service.RowRemove, Row: 5},
			"EmptyRow":  {Field: "commitments", Op: service.RowAdd, Cells: map[string]any{"what": " "}},
			"UnknownOp": {Field: "commitments", Op: "move"},
		} {
			if _, err := e.svc.EditRow(e.ctx, e.admin, h.ID, edit); err == nil {
				t.Errorf("%s: got nil error", name)
			}
		}
	})
	t.Run("ListsFromBeforeTablesReadAndCount", func(t *testing.T) {
		t.Parallel()
		// A contract carrying the deal summary as it was before tables:
		// commitments as text, the risk register under its former name.
		h := closedWon(t, e, "tables-legacy", map[string]any{"commitments": "Salesforce sync before Q1; weekly check-ins", "risk_factors": "IT team stretched"})
		v := e.view(t, h.ID)
		if diff := cmp.Diff([]any{"Salesforce sync before Q1", "weekly check-ins"}, v.Context["commitments"]); diff != "" {
			t.Errorf("commitments (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]any{"IT team stretched"}, v.Context["risks"]); diff != "" {
			t.Errorf("risks from risk_factors (-want +got):\n%s", diff)
		}
		for _, m := range v.Missing {
			if m == "commitments" || m == "risks" {
				t.Errorf("%s is missing, want a list from before tables to count", m)
			}
		}
		// Editing a row turns the list into rows.
		if _, err := e.svc.EditRow(e.ctx, e.admin, h.ID, service.RowEdit{Field: "commitments", Op: service.RowSave, Row: 1,
			Cells: map[string]any{"what": "weekly check-ins", "kind": "verbal"}}); err != nil {
			t.Fatal(err)
		}
		want := []any{map[string]any{"what": "Salesforce sync before Q1"}, map[string]any{"what": "weekly check-ins", "kind": "verbal"}}
		if diff := cmp.Diff(want, e.view(t, h.ID).Context["commitments"]); diff != "" {
			t.Errorf("after a row edit (-want +got):\n%s", diff)
		}
	})
	t.Run("FormerNameMovesOnSave", func(t *testing.T) {
		t.Parallel()
		h := closedWon(t, e, "tables-former", nil)
		// A handoff stored before the register was renamed.
		if err := e.db.Update(e.ctx, func(tx baton.Tx) error {
			got, err := tx.Handoff(e.ctx, h.ID)
			if err != nil {
				return err
			}
			got.Context["risk_factors"] = []string{"IT team stretched"}
			return tx.UpdateHandoff(e.ctx, got)
		}); err != nil {
			t.Fatal(err)
		}
		if v := e.view(t, h.ID); strings.Contains(strings.Join(v.Missing, ","), "risks") {
			t.Errorf("missing %v: want risk_factors to count for risks", v.Missing)
		}
		if _, err := e.svc.EditRow(e.ctx, e.admin, h.ID, service.RowEdit{Field: "risks", Op: service.RowAdd,
			Cells: map[string]any{"risk": "budget cut", "likelihood": "low", "impact": "high"}}); err != nil {
			t.Fatal(err)
		}
		v := e.view(t, h.ID)
		want := []any{map[string]any{"risk": "IT team stretched"}, map[string]any{"risk": "budget cut", "likelihood": "low", "impact": "high"}}
		if diff := cmp.Diff(want, v.Context["risks"]); diff != "" || v.Context["risk_factors"] != nil {
			t.Errorf("risk_factors %v, risks (-want +got):\n%s", v.Context["risk_factors"], diff)
		}
	})
}
