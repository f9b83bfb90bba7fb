package web

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/service"
)

// boardFlashCookie carries a one-line result from a board form to the page
// it redirects to; it lives a minute and is read once.
const boardFlashCookie = "baton_board_flash"

// boardPageSize is the number of handoffs on one page of the board.
const boardPageSize = 50

// boardGroup is the board's handoffs of one owner on this page.
type boardGroup struct {
	Owner    string
	Member   *service.BoardMember
	Handoffs []*service.HandoffView
}

// forbidden renders the 403 page for a signed-in person who may not see
// a page.
func (s *Server) forbidden(w http.ResponseWriter, r *http.Request, p baton.Principal, what string) {
	s.render(w, r, http.StatusForbidden, "forbidden", map[string]any{
		"Page": newPage(p, s.svc.Clock().Now(), "Not for your role", ""), "What": what})
}

// boardQuery reads the board's filters from the URL.
func boardQuery(v url.Values) service.BoardQuery {
	q := service.BoardQuery{View: v.Get("view"), Filter: baton.HandoffFilter{
		Type: v.Get("type"), Tier: v.Get("tier"), State: baton.State(v.Get("state")), OwnerID: v.Get("owner"),
		Source: strings.TrimSpace(v.Get("source")), Search: strings.TrimSpace(v.Get("q")), Cursor: v.Get("cursor"), Limit: boardPageSize,
	}}
	switch v.Get("breached") {
	case "yes":
		yes := true
		q.Filter.Breached = &yes
	case "no":
		no := false
		q.Filter.Breached = &no
	}
	return q
}

func (s *Server) boardPage(w http.ResponseWriter, r *http.Request, p baton.Principal) {
	if !p.Can(baton.AccessManager) {
		s.forbidden(w, r, p, "The board")
		return
	}
	now := s.svc.Clock().Now()
	v := r.URL.Query()
	q := boardQuery(v)
	status := http.StatusOK
	var problem string
	if q.Filter.State != "" && !slices.Contains(baton.States, q.Filter.State) {
		status, problem = http.StatusBadRequest, "There is no state "+strconv.Quote(string(q.Filter.State))+"."
		q.Filter.State = ""
	}
	board, err := s.svc.Board(r.Context(), p, q)
	if baton.ErrorCode(err) == baton.EINVALID {
		status, problem = http.StatusBadRequest, fieldMessages(err)
		board, err = s.svc.Board(r.Context(), p, service.BoardQuery{Filter: baton.HandoffFilter{Limit: boardPageSize}})
	}
	if err != nil {
		s.log.Error("board", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	flash, flashErr := s.takeFlash(w, r)
	pb := s.svc.Playbook()
	var types, tiers []option
	for _, t := range pb.HandoffTypes {
		types = append(types, option{t.Name, cmp.Or(t.Label, t.Name)})
	}
	for _, t := range pb.Tiers {
		tiers = append(tiers, option{t.Name, cmp.Or(t.Label, t.Name)})
	}
	var states []option
	for _, st := range baton.States {
		if st.Open() {
			states = append(states, option{string(st), string(st)})
		}
	}
	next := ""
	if board.Next != "" {
		nv := cloneValues(v)
		nv.Set("cursor", board.Next)
		page, _ := strconv.Atoi(v.Get("page"))
		nv.Set("page", strconv.Itoa(max(page, 1)+1))
		next = "/board?" + nv.Encode()
	}
	first := ""
	if v.Get("cursor") != "" {
		fv := cloneValues(v)
		fv.Del("cursor")
		fv.Del("page")
		first = "/board?" + fv.Encode()
	}
	views := []option{{"", "All open"}, {service.StalledUnaccepted, "Not accepted"}, {service.StalledUntouched, "Not touched"}, {service.StalledBreached, "Breached"}}
	viewLinks := make([]map[string]any, len(views))
	for i, o := range views {
		lv := cloneValues(v)
		lv.Del("cursor")
		lv.Del("page")
		lv.Del("view")
		if o.Value != "" {
			lv.Set("view", o.Value)
		}
		href := "/board"
		if e := lv.Encode(); e != "" {
			href += "?" + e
		}
		viewLinks[i] = map[string]any{"Label": o.Label, "Href": href, "Current": o.Value == q.View}
	}
	s.render(w, r, status, "board.html", map[string]any{
		"Page": newPage(p, now, "Board", "board"), "Now": now, "Board": board, "Groups": groupByOwner(board),
		"Q": v, "Types": types, "Tiers": tiers, "States": states, "Views": viewLinks,
		"Next": next, "First": first, "PageNo": max(atoi(v.Get("page")), 1),
		"Back": r.URL.RequestURI(), "Flash": flash, "FlashError": flashErr, "Problem": problem,
	})
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		if len(vs) > 0 && vs[0] != "" {
			out.Set(k, vs[0])
		}
	}
	return out
}

// groupByOwner groups a page's handoffs by owner: unowned first, then by
// owner name; each group keeps the page's order.
func groupByOwner(b *service.Board) []boardGroup {
	members := map[string]*service.BoardMember{}
	for i := range b.Members {
		members[b.Members[i].ID] = &b.Members[i]
	}
	var out []boardGroup
	at := map[string]int{}
	for _, h := range b.Handoffs {
		key, name := "", "Unowned"
		if h.Owner != nil {
			key, name = h.Owner.ID, h.Owner.Name
		}
		i, ok := at[key]
		if !ok {
			i = len(out)
			at[key] = i
			out = append(out, boardGroup{Owner: name, Member: members[key]})
		}
		out[i].Handoffs = append(out[i].Handoffs, h)
	}
	slices.SortStableFunc(out, func(a, b boardGroup) int {
		if (a.Owner == "Unowned") != (b.Owner == "Unowned") {
			if a.Owner == "Unowned" {
				return -1
			}
			return 1
		}
		return cmp.Compare(strings.ToLower(a.Owner), strings.ToLower(b.Owner))
	})
	return out
}

// boardAction runs a board form (reassign or cancel) and redirects back to
// the board with what happened.
func (s *Server) boardAction(w http.ResponseWriter, r *http.Request, p baton.Principal) {
	if !p.Can(baton.AccessManager) {
		s.forbidden(w, r, p, "Reassigning and cancelling handoffs")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 32<<10)
	if err := r.ParseForm(); err != nil {
		s.setFlash(w, true, "Could not read the form.")
		http.Redirect(w, r, "/board", http.StatusSeeOther)
		return
	}
	back := localPath(r.PostForm.Get("back"))
	if back != "/board" && !strings.HasPrefix(back, "/board?") {
		back = "/board"
	}
	id, reason := r.PathValue("id"), r.PostForm.Get("reason")
	var err error
	var done string
	switch r.PathValue("action") {
	case "reassign":
		to := r.PostForm.Get("to")
		if _, err = s.svc.Reassign(r.Context(), p, id, to, reason); err == nil {
			done = "Reassigned the handoff to " + s.userName(r, to) + "."
		}
	case "cancel":
		if _, err = s.svc.Cancel(r.Context(), p, id, reason); err == nil {
			done = "Cancelled the handoff."
		}
	default:
		http.NotFound(w, r)
		return
	}
	switch code := baton.ErrorCode(err); {
	case err == nil:
		s.setFlash(w, false, done)
	case code == baton.EINVALID || code == baton.ECONFLICT || code == baton.ENOTFOUND:
		s.setFlash(w, true, fieldMessages(err))
	case code == baton.EFORBIDDEN:
		s.forbidden(w, r, p, "This handoff")
		return
	default:
		s.log.Error("board action", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// userName names a user by id for a message, or returns the id.
func (s *Server) userName(r *http.Request, id string) string {
	users, err := s.svc.Users(r.Context())
	if err == nil {
		for _, u := range users {
			if u.ID == id || strings.EqualFold(u.Email, strings.TrimSpace(id)) {
				return u.Name
			}
		}
	}
	return id
}

func (s *Server) setFlash(w http.ResponseWriter, isErr bool, msg string) {
	kind := "ok:"
	if isErr {
		kind = "error:"
	}
	http.SetCookie(w, &http.Cookie{Name: boardFlashCookie, Value: url.QueryEscape(kind + msg), Path: "/board", HttpOnly: true,
		Secure: s.secureCookies(), SameSite: http.SameSiteLaxMode, MaxAge: int(time.Minute / time.Second)})
}

// takeFlash reads the flash message, if any, and clears it.
func (s *Server) takeFlash(w http.ResponseWriter, r *http.Request) (msg string, isErr bool) {
	c, err := r.Cookie(boardFlashCookie)
	if err != nil {
		return "", false
	}
	http.SetCookie(w, &http.Cookie{Name: boardFlashCookie, Value: "", Path: "/board", HttpOnly: true, Secure: s.secureCookies(),
		SameSite: http.SameSiteLaxMode, MaxAge: -1})
	v, err := url.QueryUnescape(c.Value)
	if err != nil {
		return "", false
	}
	if m, ok := strings.CutPrefix(v, "error:"); ok {
		return m, true
	}
	m, _ := strings.CutPrefix(v, "ok:")
	return m, false
}
