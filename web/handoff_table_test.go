package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/batonhq/baton"
	"github.com/google/go-cmp/cmp"
)

// wonSignal is a signed contract from Acme Robotics.
func wonSignal(id string) signal {
	sig := exampleSignal(id)
	sig["type"] = "contract_signed"
	return sig
}

// TestPatchContextTables: the API takes a table as its list of rows and
// gives it back; a bad cell is a 422 naming the field, row and column,
// and nothing is written.
func TestPatchContextTables(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	h := s.ingest(t, wonSignal("won-api"))
	path := "/api/v1/handoffs/" + h.ID + "/context"
	body := map[string]any{"fields": map[string]any{
		"stakeholders": []any{map[string]any{"name": "Lee Park", "role": "COO, executive sponsor", "stance": "champion", "influence": "high", "communication": "email"}},
		"commitments":  []any{map[string]any{"what": "SSO by March", "promised_by": "Dana Cole, AE", "due": "2027-03-01", "status": "open", "kind": "verbal"}},
		"risks":        []any{map[string]any{"risk": "IT team stretched", "likelihood": "high", "impact": "medium", "mitigation": "SE at kickoff", "owner": "Cora Lin"}},
	}}
	got := call[handoffReply](t, s, "PATCH", path, s.admin, body, http.StatusOK).Handoff
	want := []any{map[string]any{"what": "SSO by March", "promised_by": map[string]any{"name": "Dana Cole", "title": "AE"}, "due": "2027-03-01", "status": "open", "kind": "verbal"}}
	if diff := cmp.Diff(want, s.handoff(t, h.ID).Context["commitments"]); diff != "" {
		t.Errorf("commitments read back (-want +got):\n%s", diff)
	}
	for _, m := range got.Missing {
		if m == "stakeholders" || m == "commitments" || m == "risks" {
			t.Errorf("%s still missing after a complete row", m)
		}
	}
	bad := map[string]any{"fields": map[string]any{
		"customer_overview": "robots",
		"risks":             []any{map[string]any{"risk": "ok"}, map[string]any{"risk": strings.Repeat("x", 1001), "likelihood": "certain"}},
	}}
	r := s.do(t, "PATCH", path, s.admin, mustJSON(t, bad))
	e := wantError(t, r, http.StatusUnprocessableEntity, baton.EINVALID, "fields.risks[1].risk", "fields.risks[1].likelihood")
	if msg := e.Error.Fields[1].Message; msg != "risks row 2, column likelihood: must be one of high, medium, low" {
		t.Errorf("got message %q, want it to name the table, row and column", msg)
	}
	if c := s.handoff(t, h.ID).Context; c["customer_overview"] != nil || len(c["risks"].([]any)) != 1 {
		t.Errorf("a refused patch wrote: %v", c)
	}
}

var revRE = regexp.MustCompile(`name="rev" value="([0-9a-f]+)"`)

// TestHandoffPageTableRows: without JavaScript, a person adds, edits and
// removes rows of the stakeholder map, commitment log and risk register
// on the handoff page; a bad cell is shown at the cell with what was typed.
func TestHandoffPageTableRows(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	h := s.ingest(t, wonSignal("won-page"))
	ops := s.signIn(t, "ops@t.example")
	page := "/handoffs/" + h.ID
	rows := page + "/context/commitments/rows"

	r := ops.get(page)
	wantIn(t, r, `<div class="panel table-field" id="t-stakeholders">`, `<h3 id="t-commitments-h">Commitment log <span class="missing-mark">(missing)</span></h3>`,
		`<form method="post" action="`+rows+`" class="row-form" novalidate>`, `<input type="hidden" name="op" value="add">`,
		`<label for="t-commitments-new-kind">`, `<option value="gray_area">Gray area</option>`, `id="t-risks"`, "No rows yet.")
	if strings.Contains(string(r.body), `name="ctx.commitments"`) {
		t.Error("the context form has an input for a table")
	}

	t.Run("BadCellShownAtTheCell", func(t *testing.T) {
		r := ops.post(rows, url.Values{"op": {"add"}, "c.what": {"SSO by March"}, "c.due": {"soon"}, "c.kind": {"verbal"}})
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("got %d, want 422", r.status)
		}
		wantIn(t, r, `<p class="error" id="t-commitments-new-due-err">commitments row 1, column due: must be a date like 2026-12-31</p>`,
			`id="t-commitments-new-due" name="c.due" type="date" value="soon"`, `aria-invalid="true"`, `value="SSO by March"`,
			`<option value="verbal" selected>`)
		if c := s.handoff(t, h.ID).Context["commitments"]; c != nil {
			t.Errorf("got %v saved, want nothing", c)
		}
	})
	t.Run("AddEditRemove", func(t *testing.T) {
		r := ops.post(rows, url.Values{"op": {"add"}, "c.what": {"SSO by March"}, "c.promised_by": {"Dana Cole, AE"}, "c.due": {"2027-03-01"},
			"c.status": {"open"}, "c.kind": {"verbal"}})
		wantIn(t, r, "Row added.", `<p class="row-sum">SSO by March · Dana Cole, AE · 2027-03-01 · open · verbal</p>`)
		r = ops.post(rows, url.Values{"op": {"add"}, "c.what": {"Weekly check-ins"}})
		wantIn(t, r, "Row added.", `Weekly check-ins <span class="missing-mark">(missing: Promised by, Status`)
		if v := s.handoff(t, h.ID); strings.Contains(strings.Join(v.Missing, ","), "commitments") {
			t.Errorf("missing %v: want the commitment log filled by its complete row", v.Missing)
		}
		revs := revRE.FindAllStringSubmatch(string(r.body), -1)
		if len(revs) < 2 {
			t.Fatalf("got %d row revisions on the page, want 2", len(revs))
		}
		second := revs[len(revs)-1][1] // the commitment log's second row
		r = ops.post(rows, url.Values{"op": {"save"}, "row": {"1"}, "rev": {second}, "c.what": {"Weekly check-ins in month one"},
			"c.promised_by": {"Dana Cole"}, "c.status": {"done"}, "c.kind": {"written"}})
		wantIn(t, r, "Row saved.", "Weekly check-ins in month one · Dana Cole · done · written")
		stale := ops.post(rows, url.Values{"op": {"remove"}, "row": {"1"}, "rev": {second}})
		if stale.status != http.StatusConflict {
			t.Errorf("remove with a stale revision: got %d, want 409", stale.status)
		}
		wantIn(t, stale, "changed since you opened it")
		r = ops.post(rows, url.Values{"op": {"remove"}, "row": {"0"}})
		wantIn(t, r, "Row removed.")
		c := s.handoff(t, h.ID).Context["commitments"].([]any)
		if len(c) != 1 || c[0].(map[string]any)["what"] != "Weekly check-ins in month one" {
			t.Errorf("got %v, want the check-ins row only", c)
		}
	})
	t.Run("NoRowThatIsNotThere", func(t *testing.T) {
		r := ops.post(rows, url.Values{"op": {"remove"}, "row": {"9"}})
		if r.status != http.StatusNotFound {
			t.Errorf("got %d, want 404", r.status)
		}
		r = ops.post(page+"/context/customer_overview/rows", url.Values{"op": {"add"}, "c.x": {"y"}})
		if r.status != http.StatusUnprocessableEntity {
			t.Errorf("not a table: got %d, want 422", r.status)
		}
	})
	t.Run("ReadOnlyForOthers", func(t *testing.T) {
		rep := s.signIn(t, "sdr2@t.example")
		r := rep.post(rows, url.Values{"op": {"add"}, "c.what": {"x"}})
		if r.status != http.StatusForbidden && r.status != http.StatusNotFound {
			t.Errorf("a rep who is not on it: got %d, want 403 or 404", r.status)
		}
	})
}
