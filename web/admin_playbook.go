package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/service"
)

// maxSimulatedShown bounds the changed decisions the page lists.
const maxSimulatedShown = 50

// playbookView is the Playbook page: the playbook in force (or a version
// chosen to view), the editor, its problems or simulation, and the
// versions.
type playbookView struct {
	adminView
	// Current is the newest published version, nil when none was (the
	// embedded default or the --playbook file is in force).
	Current       *baton.PlaybookVersion
	CurrentAuthor string
	// Shown is the YAML shown with numbered lines: the playbook in force,
	// or Viewing's.
	Shown   []numLine
	Viewing *baton.PlaybookVersion
	Name    string // the playbook's own name
	// The editor.
	Draft string
	Note  string
	Days  int
	// Problems of the draft, each with a link to its line in DraftLines.
	Problems   []problemRow
	DraftLines []numLine
	// Sim is the draft's simulation over the last Days days.
	Sim     *service.SimResult
	Changed []service.SimDecision
	Shares  []shareRow
	// Versions, newest first.
	Versions []versionRow
}

// shareRow is how many of the simulated signals one owner gets now and
// with the draft.
type shareRow struct {
	Owner      string
	Now, Draft int
}

// problemRow is one playbook problem.
type problemRow struct {
	Line, Column int
	Message      string
}

// versionRow is one published version.
type versionRow struct {
	*baton.PlaybookVersion
	Author  string
	InForce bool
}

func (s *Server) playbookView(r *http.Request, p baton.Principal) (*playbookView, error) {
	ctx := r.Context()
	versions, err := s.svc.PlaybookVersions(ctx)
	if err != nil {
		return nil, err
	}
	users, err := s.svc.Users(ctx)
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(users))
	for _, u := range users {
		names[u.ID] = u.Name
	}
	author := func(id string) string {
		if id == "" {
			return "--playbook at start-up"
		}
		return nameOr(names[id], id)
	}
	pb := s.svc.Playbook()
	v := &playbookView{
		adminView: adminView{Page: newPage(p, s.svc.Clock().Now(), "Playbook", "playbook")},
		Name:      pb.Name, Draft: string(pb.Source), Days: 7, Shown: numberedLines(string(pb.Source)),
	}
	for i, pv := range versions {
		v.Versions = append(v.Versions, versionRow{PlaybookVersion: pv, Author: author(pv.AuthorID), InForce: i == 0})
	}
	if len(versions) > 0 {
		v.Current, v.CurrentAuthor = versions[0], author(versions[0].AuthorID)
	}
	return v, nil
}

func nameOr(name, id string) string {
	if name == "" {
		return "user " + id
	}
	return name
}

// numLine is one line of a numbered view of YAML.
type numLine struct {
	N    int
	Text string
}

// numberedLines splits YAML into numbered lines.
func numberedLines(src string) []numLine {
	split := strings.Split(strings.TrimSuffix(src, "\n"), "\n")
	out := make([]numLine, len(split))
	for i, l := range split {
		out[i] = numLine{N: i + 1, Text: l}
	}
	return out
}

// playbookPage shows the playbook in force (or ?version=N) and the editor.
func (s *Server) playbookPage(w http.ResponseWriter, r *http.Request, p baton.Principal) error {
	v, err := s.playbookView(r, p)
	if err != nil {
		return err
	}
	if raw := r.URL.Query().Get("version"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil {
			return baton.Errorf(baton.ENOTFOUND, "No playbook version %q.", raw)
		}
		pv, err := s.svc.PlaybookVersion(r.Context(), n)
		if err != nil {
			return err
		}
		v.Viewing, v.Shown, v.Draft = pv, numberedLines(pv.YAML), pv.YAML
	}
	if n := r.URL.Query().Get("published"); n != "" {
		v.Notice = "Version " + n + " is published and in force: the next signal routes by it."
	}
	s.render(w, r, http.StatusOK, "admin_playbook.html", v)
	return nil
}

// postPlaybook checks, simulates or publishes the edited playbook
// (action = check, simulate or publish). Nothing is published while the
// check finds problems; they are listed as line:column with links into a
// numbered copy of the draft.
func (s *Server) postPlaybook(w http.ResponseWriter, r *http.Request, p baton.Principal) error {
	if err := s.parseForm(w, r); err != nil {
		return err
	}
	v, err := s.playbookView(r, p)
	if err != nil {
		return err
	}
	v.Draft, v.Note = strings.ReplaceAll(r.PostFormValue("yaml"), "\r\n", "\n"), r.PostFormValue("note")
	if d := strings.TrimSpace(r.PostFormValue("days")); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil || n < 1 || n > service.MaxSimulatedDays {
			v.Errs = map[string]string{"days": fmt.Sprintf("must be 1 to %d", service.MaxSimulatedDays)}
			v.Message = "Nothing was simulated: see the marked field."
			s.render(w, r, http.StatusUnprocessableEntity, "admin_playbook.html", v)
			return nil
		}
		v.Days = n
	}
	action := r.PostFormValue("action")
	var pb *playbook.Playbook
	switch action {
	case "publish":
		pv, perr := s.svc.PublishPlaybook(r.Context(), p, v.Draft, v.Note)
		err = perr
		if err == nil {
			http.Redirect(w, r, "/admin/playbook?published="+strconv.Itoa(pv.Version), http.StatusSeeOther)
			return nil
		}
	case "check", "simulate":
		pb, err = service.CheckPlaybook(v.Draft)
	default:
		return errBadRequest{&baton.Error{Code: baton.EINVALID, Message: "Choose check, simulate or publish."}}
	}
	var pe *playbook.Error
	switch {
	case errors.As(err, &pe):
		for _, pr := range pe.Problems {
			v.Problems = append(v.Problems, problemRow{Line: pr.Line, Column: pr.Column, Message: pr.Message})
		}
		v.DraftLines = numberedLines(v.Draft)
		v.Message = fmt.Sprintf("The playbook has %d problem(s); nothing was published.", len(pe.Problems))
		s.render(w, r, http.StatusUnprocessableEntity, "admin_playbook.html", v)
		return nil
	case fieldErrors(err) != nil:
		v.Errs, v.Message = fieldErrors(err), "Nothing was published: see the marked fields."
		s.render(w, r, http.StatusUnprocessableEntity, "admin_playbook.html", v)
		return nil
	case err != nil:
		return err
	}
	if action == "simulate" {
		ctx, cancel := context.WithTimeout(r.Context(), service.SimulateTimeout)
		defer cancel()
		signals, err := s.svc.RecentSignals(ctx, v.Days, service.MaxSimulatedSignals)
		if err != nil {
			return err
		}
		if v.Sim, err = s.svc.Simulate(ctx, pb, signals); err != nil {
			return err
		}
		for owner, n := range v.Sim.CurrentShares {
			v.Shares = append(v.Shares, shareRow{Owner: owner, Now: n, Draft: v.Sim.Shares[owner]})
		}
		for owner, n := range v.Sim.Shares {
			if _, ok := v.Sim.CurrentShares[owner]; !ok {
				v.Shares = append(v.Shares, shareRow{Owner: owner, Draft: n})
			}
		}
		slices.SortFunc(v.Shares, func(a, b shareRow) int { return strings.Compare(a.Owner, b.Owner) })
		for _, d := range v.Sim.Decisions {
			if d.Changed && len(v.Changed) < maxSimulatedShown {
				v.Changed = append(v.Changed, d)
			}
		}
		v.Notice = fmt.Sprintf("No problems. Simulated over the last %d days: %d of %d signals would change owner. Nothing is published yet.", v.Days, v.Sim.Changed, v.Sim.Signals)
	} else {
		v.Notice = "No problems: the playbook is ready to simulate or publish."
	}
	s.render(w, r, http.StatusOK, "admin_playbook.html", v)
	return nil
}

// rollbackPlaybook publishes an old version again, as a new version.
func (s *Server) rollbackPlaybook(w http.ResponseWriter, r *http.Request, p baton.Principal) error {
	if err := s.parseForm(w, r); err != nil {
		return err
	}
	n, err := strconv.Atoi(r.PostFormValue("version"))
	if err != nil {
		return errBadRequest{&baton.Error{Code: baton.EINVALID, Message: "Choose a version to roll back to."}}
	}
	pv, err := s.svc.RollbackPlaybook(r.Context(), p, n)
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/playbook?published="+strconv.Itoa(pv.Version), http.StatusSeeOther)
	return nil
}
