package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/batonhq/baton"
)

// tokensView is the API tokens page: everyone's at /admin/tokens, the
// viewer's own at /account/tokens (Admin false), from one template.
type tokensView struct {
	adminView
	Admin  bool
	Base   string // /admin/tokens or /account/tokens
	Tokens []tokenRow
	Users  []*baton.User // owners to pick from (admin only)
	// Secret is the token just created, shown this once.
	Secret  string
	Created *baton.Token
	// Form values.
	Owner, Name, Days string
}

// tokenRow is one token in the list.
type tokenRow struct {
	*baton.Token
	Owner   string
	Expired bool
}

func (s *Server) tokensView(r *http.Request, p baton.Principal, admin bool) (*tokensView, error) {
	ref := p.UserID
	v := &tokensView{Admin: admin, Base: "/account/tokens", Owner: p.UserID, Days: "90"}
	title := "My API tokens"
	if admin {
		ref, v.Base, title = "", "/admin/tokens", "API tokens"
	}
	now := s.svc.Clock().Now()
	v.adminView = adminView{Page: newPage(p, now, title, "tokens")}
	list, err := s.svc.Tokens(r.Context(), ref)
	if err != nil {
		return nil, err
	}
	users, err := s.svc.Users(r.Context())
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(users))
	for _, u := range users {
		names[u.ID] = u.Name + " <" + u.Email + ">"
	}
	for _, t := range slices.Backward(list) { // newest first
		v.Tokens = append(v.Tokens, tokenRow{Token: t, Owner: names[t.UserID], Expired: t.Expired(now)})
	}
	if admin {
		v.Users = slices.DeleteFunc(slices.Clone(users), func(u *baton.User) bool { return !u.Active })
		slices.SortFunc(v.Users, func(a, b *baton.User) int { return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
	}
	return v, nil
}

// tokensPage lists tokens with the form to create one.
func (s *Server) tokensPage(admin bool) adminHandler {
	return func(w http.ResponseWriter, r *http.Request, p baton.Principal) error {
		v, err := s.tokensView(r, p, admin)
		if err != nil {
			return err
		}
		s.render(w, r, http.StatusOK, "admin_tokens.html", v)
		return nil
	}
}

// createToken makes a token (for any active user on /admin/tokens, for the
// viewer on /account/tokens) and shows its secret this once.
func (s *Server) createToken(admin bool) adminHandler {
	return func(w http.ResponseWriter, r *http.Request, p baton.Principal) error {
		if err := s.parseForm(w, r); err != nil {
			return err
		}
		owner := p.UserID
		if admin {
			owner = r.PostFormValue("owner")
		}
		name, days := r.PostFormValue("name"), strings.TrimSpace(r.PostFormValue("days"))
		var ttl time.Duration
		var err error
		if days != "" {
			n, perr := strconv.Atoi(days)
			if perr != nil || n < 0 || n > 3650 {
				err = &baton.Error{Code: baton.EINVALID, Message: "invalid expiry",
					Fields: []baton.FieldError{{Field: "days", Message: "must be a number of days from 0 (never) to 3650"}}}
			}
			ttl = time.Duration(n) * 24 * time.Hour
		}
		var tok *baton.Token
		var secret string
		if err == nil {
			tok, secret, err = s.svc.CreateToken(r.Context(), owner, name, ttl)
		}
		v, verr := s.tokensView(r, p, admin)
		if verr != nil {
			return verr
		}
		if errs := fieldErrors(err); errs != nil {
			v.Errs, v.Owner, v.Name, v.Days = errs, owner, name, days
			v.Message = "No token was made: see the marked fields."
			s.render(w, r, http.StatusUnprocessableEntity, "admin_tokens.html", v)
			return nil
		} else if err != nil {
			return err
		}
		v.Secret, v.Created = secret, tok
		v.Notice = fmt.Sprintf("Token %q is made. Copy its secret now: it is shown only this once.", tok.Name)
		s.render(w, r, http.StatusOK, "admin_tokens.html", v)
		return nil
	}
}

// revokeToken revokes a token: any on /admin/tokens, only the viewer's own
// on /account/tokens (another's is not found).
func (s *Server) revokeToken(admin bool) adminHandler {
	return func(w http.ResponseWriter, r *http.Request, p baton.Principal) error {
		id := r.PathValue("id")
		if !admin {
			own, err := s.svc.Tokens(r.Context(), p.UserID)
			if err != nil {
				return err
			}
			if !slices.ContainsFunc(own, func(t *baton.Token) bool { return t.ID == id }) {
				return baton.Errorf(baton.ENOTFOUND, "You have no token %s.", id)
			}
		}
		_, err := s.svc.RevokeToken(r.Context(), id)
		s.tokens.forget()
		if err != nil {
			return err
		}
		base := "/account/tokens"
		if admin {
			base = "/admin/tokens"
		}
		http.Redirect(w, r, base, http.StatusSeeOther)
		return nil
	}
}
