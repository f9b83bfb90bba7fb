package service

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/batonhq/baton"
)

// OneClickTTL is how long a one-click link works at most; it stops sooner
// when the handoff leaves the state the action needs.
const OneClickTTL = 24 * time.Hour

// The one-click link's signing key lives in the settings table, made on
// first use, so links survive restarts and work on every node; a used
// link's hash is recorded there too, so each works once.
const (
	actionKeySetting  = "oneclick_key"
	actionUsedSetting = "oneclick_used:"
)

// One-click statuses: what a link can do now.
const (
	OneClickReady   = "ready"   // GET shows the confirmation; POST acts
	OneClickDone    = "done"    // POST just acted
	OneClickUsed    = "used"    // the link was used already
	OneClickExpired = "expired" // past its expiry
	OneClickMoot    = "moot"    // the handoff moved on: nothing to do
)

// OneClick is a one-click link as its page shows it.
type OneClick struct {
	Status  string
	Action  baton.Command
	User    *baton.User
	Handoff *baton.Handoff
	// Lead names the buyer: "Leo Silva, Sunrise Hospitality".
	Lead string
	// Message explains a link that cannot act.
	Message string
	// URL opens the handoff.
	URL string
}

// actionClaims are what a one-click token is bound to.
type actionClaims struct {
	User       string        `json:"u"`
	Handoff    string        `json:"h"`
	Action     baton.Command `json:"a"`
	Generation int           `json:"g"`
	Expires    int64         `json:"e"` // unix seconds
}

// ActionURL returns userID's one-click Accept link for the handoff's
// assignment generation, valid for OneClickTTL from now. The token is
// signed with a key kept in the database; only its hash is stored, once
// used.
func (s *Service) ActionURL(ctx context.Context, userID, handoffID string, generation int, now time.Time) (string, error) {
	key, err := s.oneClickKey(ctx)
	if err != nil {
		return "", err
	}
	c := actionClaims{User: userID, Handoff: handoffID, Action: baton.CmdAccept, Generation: generation, Expires: now.Add(OneClickTTL).Unix()}
	b, _ := json.Marshal(c)
	body := base64.RawURLEncoding.EncodeToString(b)
	return s.PublicURL() + "/act/" + body + "." + sign(key, body), nil
}

func sign(key []byte, body string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(body))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// oneClickKey loads the signing key, making it on first use.
func (s *Service) oneClickKey(ctx context.Context) ([]byte, error) {
	if k := s.actionKey.Load(); k != nil {
		return *k, nil
	}
	var key []byte
	err := s.store.Update(ctx, func(tx baton.Tx) error {
		b, err := tx.Setting(ctx, actionKeySetting)
		switch {
		case err == nil:
			key = b
			return nil
		case baton.ErrorCode(err) != baton.ENOTFOUND:
			return err
		}
		key = []byte(baton.RandomSecret())
		return tx.PutSetting(ctx, actionKeySetting, key)
	})
	if err != nil {
		return nil, fmt.Errorf("service: one-click key: %w", err)
	}
	s.actionKey.Store(&key)
	return key, nil
}

// parseAction checks a token's signature; a token that is not Baton's is
// ENOTFOUND (the page says the link is not valid, and nothing more).
func (s *Service) parseAction(ctx context.Context, token string) (actionClaims, error) {
	var c actionClaims
	notFound := baton.Errorf(baton.ENOTFOUND, "this link is not valid")
	body, mac, ok := strings.Cut(token, ".")
	if !ok || len(token) > 1024 {
		return c, notFound
	}
	key, err := s.oneClickKey(ctx)
	if err != nil {
		return c, err
	}
	if !hmac.Equal([]byte(sign(key, body)), []byte(mac)) {
		return c, notFound
	}
	b, err := base64.RawURLEncoding.DecodeString(body)
	if err != nil || json.Unmarshal(b, &c) != nil || c.Action != baton.CmdAccept {
		return c, notFound
	}
	return c, nil
}

// OneClick returns what a one-click link would do, changing nothing: mail
// scanners follow links, so a GET never acts. ENOTFOUND for a token that
// is not valid.
func (s *Service) OneClick(ctx context.Context, token string) (*OneClick, error) {
	c, err := s.parseAction(ctx, token)
	if err != nil {
		return nil, err
	}
	var out *OneClick
	err = s.store.View(ctx, func(tx baton.Tx) error {
		out, err = s.oneClickState(ctx, tx, c, token)
		return err
	})
	return out, err
}

// oneClickState loads a link's user and handoff and says whether it can
// still act.
func (s *Service) oneClickState(ctx context.Context, tx baton.Tx, c actionClaims, token string) (*OneClick, error) {
	u, err := tx.User(ctx, c.User)
	if err != nil {
		return nil, err
	}
	h, err := tx.Handoff(ctx, c.Handoff)
	if err != nil {
		return nil, err
	}
	out := &OneClick{Status: OneClickReady, Action: c.Action, User: u, Handoff: h, URL: s.PublicURL() + "/handoffs/" + h.ID}
	var l baton.NoticeLead
	if err := s.noticeLead(ctx, tx, h, &l); err != nil {
		return nil, err
	}
	out.Lead = strings.TrimPrefix(strings.TrimSuffix(l.Name+", "+l.Company, ", "), ", ")
	_, err = tx.Setting(ctx, actionUsedSetting+baton.HashToken(token))
	switch {
	case err == nil:
		out.Status, out.Message = OneClickUsed, "This link was used already; nothing was changed."
	case baton.ErrorCode(err) != baton.ENOTFOUND:
		return nil, err
	case !s.clock.Now().Before(time.Unix(c.Expires, 0)):
		out.Status, out.Message = OneClickExpired, "This link has expired; nothing was changed. Open the handoff to act on it."
	case h.State != baton.StateAssigned || h.Generation != c.Generation || h.OwnerID != u.ID:
		out.Status, out.Message = OneClickMoot, fmt.Sprintf("This handoff is no longer waiting for you to accept it (it is %s); nothing was changed.", h.State)
	case !u.Active:
		out.Status, out.Message = OneClickMoot, "Your Baton account is deactivated; nothing was changed."
	}
	return out, nil
}

// UseOneClick acts on a one-click link as its user, once: the link is
// marked used, then the action runs through Act with that user's
// principal, so every permission and state rule applies. A used, expired
// or moot link changes nothing and says why. ENOTFOUND for a token that is
// not valid.
func (s *Service) UseOneClick(ctx context.Context, token string) (*OneClick, error) {
	c, err := s.parseAction(ctx, token)
	if err != nil {
		return nil, err
	}
	var out *OneClick
	err = s.store.Update(ctx, func(tx baton.Tx) error {
		if out, err = s.oneClickState(ctx, tx, c, token); err != nil || out.Status != OneClickReady {
			return err
		}
		return tx.PutSetting(ctx, actionUsedSetting+baton.HashToken(token), []byte(s.clock.Now().UTC().Format(time.RFC3339)))
	})
	if err != nil || out.Status != OneClickReady {
		return out, err
	}
	h, err := s.Act(ctx, principalOf(out.User), c.Handoff, c.Action, CommandInput{Note: "accepted from a one-click link"})
	if code := baton.ErrorCode(err); code == baton.ECONFLICT || code == baton.EFORBIDDEN {
		out.Status, out.Message = OneClickMoot, baton.ErrorMessage(err)+"; nothing was changed."
		return out, nil
	} else if err != nil {
		return nil, err
	}
	out.Status, out.Handoff = OneClickDone, h
	return out, nil
}
