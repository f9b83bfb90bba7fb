// Package hubspot is the HubSpot adapter of package crm: it writes through
// HubSpot's CRM v3 objects API with a private app's access token (Bearer),
// which needs the scopes crm.objects.contacts.write (owner, link, notes and
// tasks on contacts) and crm.objects.owners.read (owners by email).
//
//   - owner: GET /crm/v3/owners/?email=… for the owner id, then PATCH
//     /crm/v3/objects/contacts/{id} with hubspot_owner_id;
//   - link: PATCH /crm/v3/objects/contacts/{id} with the link property
//     (a single-line text or URL property the team creates, default
//     baton_handoff_url);
//   - note: POST /crm/v3/objects/notes with hs_timestamp, hs_note_body and
//     an association to the record (type 202, note to contact);
//   - task: POST /crm/v3/objects/tasks with hs_timestamp (due),
//     hs_task_subject, hs_task_body, hs_task_status, hs_task_priority and
//     an association (type 204, task to contact).
//
// Companies and deals (crm_object "companies", "deals") take the same
// calls with their own association types. Owner ids found by email are
// kept for the life of the process.
package hubspot

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/batonhq/baton/crm"
)

// DefaultBaseURL is HubSpot's API.
const DefaultBaseURL = "https://api.hubapi.com"

// DefaultLinkProperty is the contact property the handoff's link is
// written to, unless configured otherwise.
const DefaultLinkProperty = "baton_handoff_url"

// maxNoteBody is HubSpot's limit on hs_note_body, in characters.
const maxNoteBody = 65536

// associations are the HUBSPOT_DEFINED association type ids from a note and
// from a task to each object type.
var associations = map[string]struct{ note, task int }{
	"contacts":  {note: 202, task: 204},
	"companies": {note: 190, task: 192},
	"deals":     {note: 214, task: 216},
}

// Client writes to one HubSpot account. Set Token; the rest has defaults.
type Client struct {
	// Token is the private app's access token.
	Token string
	// BaseURL is the API's root (default DefaultBaseURL).
	BaseURL string
	// LinkProperty is the property the handoff's link goes in (default
	// DefaultLinkProperty).
	LinkProperty string
	// HTTPClient sends the requests (default http.DefaultClient).
	HTTPClient *http.Client
	// Timeout bounds one request (default crm.DefaultTimeout).
	Timeout time.Duration

	mu     sync.Mutex
	owners map[string]string // email → owner id
}

var _ crm.CRM = (*Client)(nil)

// Name is crm.HubSpot.
func (c *Client) Name() string { return crm.HubSpot }

// SetOwner sets hubspot_owner_id on the record to the owner with o's email.
func (c *Client) SetOwner(ctx context.Context, r crm.Record, o crm.Owner) error {
	obj, err := object(r)
	if err != nil {
		return err
	}
	op := fmt.Sprintf("set the owner of %s %s", obj, r.ID)
	id, err := c.ownerID(ctx, o.Email, op)
	if err != nil {
		return err
	}
	return c.patch(ctx, obj, r.ID, map[string]string{"hubspot_owner_id": id}, op)
}

// SetLink writes url into the record's link property.
func (c *Client) SetLink(ctx context.Context, r crm.Record, url string) error {
	obj, err := object(r)
	if err != nil {
		return err
	}
	prop := c.LinkProperty
	if prop == "" {
		prop = DefaultLinkProperty
	}
	return c.patch(ctx, obj, r.ID, map[string]string{prop: url}, fmt.Sprintf("set %s on %s %s", prop, obj, r.ID))
}

// AddNote creates a note associated with the record.
func (c *Client) AddNote(ctx context.Context, r crm.Record, n crm.Note) (string, error) {
	obj, err := object(r)
	if err != nil {
		return "", err
	}
	op := fmt.Sprintf("add a note to %s %s", obj, r.ID)
	body := noteHTML(n.Title, n.Body)
	props := map[string]string{"hs_timestamp": timestamp(n.At), "hs_note_body": body}
	if n.Owner != nil {
		if id, err := c.ownerID(ctx, n.Owner.Email, op); err == nil {
			props["hubspot_owner_id"] = id
		} else if !notFound(err) {
			return "", err
		}
	}
	return c.create(ctx, "notes", props, r.ID, associations[obj].note, op)
}

// AddTask creates a task associated with the record.
func (c *Client) AddTask(ctx context.Context, r crm.Record, t crm.Task) (string, error) {
	obj, err := object(r)
	if err != nil {
		return "", err
	}
	op := fmt.Sprintf("add a task to %s %s", obj, r.ID)
	status := "NOT_STARTED"
	if t.Done {
		status = "COMPLETED"
	}
	props := map[string]string{
		"hs_timestamp":     timestamp(t.Due),
		"hs_task_subject":  t.Subject,
		"hs_task_body":     t.Body,
		"hs_task_status":   status,
		"hs_task_priority": "MEDIUM",
		"hs_task_type":     "TODO",
	}
	if t.Owner != nil {
		if id, err := c.ownerID(ctx, t.Owner.Email, op); err == nil {
			props["hubspot_owner_id"] = id
		} else if !notFound(err) {
			return "", err
		}
	}
	return c.create(ctx, "tasks", props, r.ID, associations[obj].task, op)
}

// object is the record's object type in the API's plural form.
func object(r crm.Record) (string, error) {
	o := strings.ToLower(strings.TrimSpace(r.Object))
	switch o {
	case "", "contact", "contacts":
		return "contacts", nil
	case "company", "companies":
		return "companies", nil
	case "deal", "deals":
		return "deals", nil
	}
	return "", &crm.Error{CRM: crm.HubSpot, Op: "write to " + r.ID, Code: "UNKNOWN_OBJECT",
		Message: fmt.Sprintf("object %q is not contacts, companies or deals", r.Object)}
}

// timestamp is HubSpot's UTC format, with milliseconds.
func timestamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// noteHTML renders a plain-text note as the HTML hs_note_body holds: the
// title in bold, line breaks kept, within HubSpot's limit.
func noteHTML(title, body string) string {
	var b strings.Builder
	if title != "" {
		b.WriteString("<p><strong>" + html.EscapeString(title) + "</strong></p>")
	}
	b.WriteString("<p>" + strings.ReplaceAll(html.EscapeString(body), "\n", "<br>") + "</p>")
	s := b.String()
	if r := []rune(s); len(r) > maxNoteBody {
		s = string(r[:maxNoteBody])
	}
	return s
}

func (c *Client) base() string {
	if c.BaseURL == "" {
		return DefaultBaseURL
	}
	return strings.TrimSuffix(c.BaseURL, "/")
}

// patch updates a record's properties; HubSpot answers 200 with the record.
func (c *Client) patch(ctx context.Context, obj, id string, props map[string]string, op string) error {
	resp, err := crm.Do(ctx, c.HTTPClient, c.Timeout, http.MethodPatch,
		c.base()+"/crm/v3/objects/"+obj+"/"+url.PathEscape(id), c.Token, map[string]any{"properties": props})
	if err != nil {
		return fmt.Errorf("hubspot: %s: %w", op, err)
	}
	if !resp.OK() {
		return refusal(op, resp)
	}
	return nil
}

// association links a created note or task to a record.
type association struct {
	To    assocTo     `json:"to"`
	Types []assocType `json:"types"`
}

type assocTo struct {
	ID string `json:"id"`
}

type assocType struct {
	Category string `json:"associationCategory"`
	TypeID   int    `json:"associationTypeId"`
}

// create makes a note or task associated with record id; HubSpot answers
// 201 with the new object.
func (c *Client) create(ctx context.Context, kind string, props map[string]string, id string, typeID int, op string) (string, error) {
	body := map[string]any{
		"properties":   props,
		"associations": []association{{To: assocTo{ID: id}, Types: []assocType{{Category: "HUBSPOT_DEFINED", TypeID: typeID}}}},
	}
	resp, err := crm.Do(ctx, c.HTTPClient, c.Timeout, http.MethodPost, c.base()+"/crm/v3/objects/"+kind, c.Token, body)
	if err != nil {
		return "", fmt.Errorf("hubspot: %s: %w", op, err)
	}
	if !resp.OK() {
		return "", refusal(op, resp)
	}
	var out struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(resp.Body, &out); err != nil || out.ID == "" {
		// Created, by the status: the id is only for the record of it.
		return "", nil
	}
	return out.ID, nil
}

// errOwnerNotFound is the code of an owner email HubSpot does not know.
const errOwnerNotFound = "OWNER_NOT_FOUND"

func notFound(err error) bool {
	e, ok := err.(*crm.Error)
	return ok && e.Code == errOwnerNotFound
}

// ownerID finds the owner id of an email (GET /crm/v3/owners/?email=).
func (c *Client) ownerID(ctx context.Context, email, op string) (string, error) {
	key := strings.ToLower(strings.TrimSpace(email))
	c.mu.Lock()
	id, ok := c.owners[key]
	c.mu.Unlock()
	if ok {
		return id, nil
	}
	q := url.Values{"email": {email}, "limit": {"1"}}
	resp, err := crm.Do(ctx, c.HTTPClient, c.Timeout, http.MethodGet, c.base()+"/crm/v3/owners/?"+q.Encode(), c.Token, nil)
	if err != nil {
		return "", fmt.Errorf("hubspot: %s: find owner: %w", op, err)
	}
	if !resp.OK() {
		return "", refusal(op+": find owner", resp)
	}
	var out struct {
		Results []struct {
			ID    string `json:"id"`
			Email string `json:"email"`
		} `json:"results"`
	}
	if err := json.Unmarshal(resp.Body, &out); err != nil {
		return "", &crm.Error{CRM: crm.HubSpot, Op: op + ": find owner", Status: resp.Status, Message: "answer is not JSON", Retryable: true}
	}
	for _, r := range out.Results {
		if strings.EqualFold(r.Email, email) && r.ID != "" {
			c.mu.Lock()
			if c.owners == nil {
				c.owners = map[string]string{}
			}
			c.owners[key] = r.ID
			c.mu.Unlock()
			return r.ID, nil
		}
	}
	return "", &crm.Error{CRM: crm.HubSpot, Op: op, Code: errOwnerNotFound, Message: "no HubSpot owner has the email " + email}
}

// refusal classifies a non-2xx answer. HubSpot's error body is
// {"status":"error","message":…,"category":…} (429s name errorType
// RATE_LIMIT and a policyName instead of a category).
func refusal(op string, resp *crm.Response) error {
	e := crm.StatusError(crm.HubSpot, op, resp)
	var body struct {
		Message   string `json:"message"`
		Category  string `json:"category"`
		ErrorType string `json:"errorType"`
		Policy    string `json:"policyName"`
	}
	if json.Unmarshal(resp.Body, &body) == nil {
		e.Code = body.Category
		if e.Code == "" {
			e.Code = body.ErrorType
		}
		if body.Policy != "" {
			e.Code += " " + body.Policy
		}
		// HubSpot's 429s name the limit rather than send a Retry-After: a
		// rolling ten-second window, or the account's daily allowance.
		if resp.Status == http.StatusTooManyRequests && e.RetryAfter == "" {
			e.Wait = 10 * time.Second
			if strings.Contains(strings.ToUpper(body.Policy), "DAILY") {
				e.Wait = time.Hour
			}
		}
		e.Message = body.Message
	} else {
		e.Message = crm.Snippet(resp.Body)
	}
	if len(e.Message) > 300 {
		e.Message = e.Message[:300] + "…"
	}
	return e
}
