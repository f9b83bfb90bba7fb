// Package salesforce is the Salesforce adapter of package crm: it writes
// through the REST API of one org (its instance URL) with an OAuth access
// token (Bearer) of a user allowed to edit leads and contacts and to create
// notes and tasks.
//
//   - owner: a SOQL query for the active User with the owner's email, then
//     PATCH /services/data/vXX.X/sobjects/{Lead|Contact}/{id} with OwnerId;
//   - link: the same PATCH with the link field (a URL custom field the team
//     creates, default Baton_Handoff_URL__c);
//   - note: POST /services/data/vXX.X/sobjects/Note with ParentId, Title
//     and Body;
//   - task: POST /services/data/vXX.X/sobjects/Task with WhoId, Subject,
//     Description, Status, Priority, ActivityDate and OwnerId.
//
// A record's object is its crm_object, else told from its id's key prefix
// (00Q a Lead, 003 a Contact). Salesforce answers 403 REQUEST_LIMIT_EXCEEDED
// when the org's daily API allowance is spent: that is retried after an
// hour, not taken for a broken connector. The access token is used as
// given: when it expires the connector is marked broken until a new one is
// configured and the connector marked fixed.
package salesforce

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/batonhq/baton/crm"
)

// DefaultAPIVersion is the REST API version used unless configured.
const DefaultAPIVersion = "v62.0"

// DefaultLinkField is the Lead and Contact field the handoff's link is
// written to, unless configured otherwise.
const DefaultLinkField = "Baton_Handoff_URL__c"

// Field limits: Note.Title 80 characters, Task.Subject 255, bodies 32 KB.
const (
	maxTitle   = 80
	maxSubject = 255
	maxBody    = 32000
)

// Client writes to one Salesforce org. Set InstanceURL and Token.
type Client struct {
	// InstanceURL is the org's URL, https://yourorg.my.salesforce.com.
	InstanceURL string
	// Token is an OAuth access token.
	Token string
	// APIVersion is the REST API version, "v62.0" (default
	// DefaultAPIVersion).
	APIVersion string
	// LinkField is the field the handoff's link goes in (default
	// DefaultLinkField).
	LinkField string
	// HTTPClient sends the requests (default http.DefaultClient).
	HTTPClient *http.Client
	// Timeout bounds one request (default crm.DefaultTimeout).
	Timeout time.Duration

	mu    sync.Mutex
	users map[string]string // email → User Id
}

var _ crm.CRM = (*Client)(nil)

// Name is crm.Salesforce.
func (c *Client) Name() string { return crm.Salesforce }

// SetOwner sets the record's OwnerId to the active user with o's email.
func (c *Client) SetOwner(ctx context.Context, r crm.Record, o crm.Owner) error {
	obj, err := object(r)
	if err != nil {
		return err
	}
	op := fmt.Sprintf("set the owner of %s %s", obj, r.ID)
	id, err := c.userID(ctx, o.Email, op)
	if err != nil {
		return err
	}
	return c.patch(ctx, obj, r.ID, map[string]string{"OwnerId": id}, op)
}

// SetLink writes url into the record's link field.
func (c *Client) SetLink(ctx context.Context, r crm.Record, url string) error {
	obj, err := object(r)
	if err != nil {
		return err
	}
	field := c.LinkField
	if field == "" {
		field = DefaultLinkField
	}
	return c.patch(ctx, obj, r.ID, map[string]string{field: url}, fmt.Sprintf("set %s on %s %s", field, obj, r.ID))
}

// AddNote creates a Note whose parent is the record.
func (c *Client) AddNote(ctx context.Context, r crm.Record, n crm.Note) (string, error) {
	obj, err := object(r)
	if err != nil {
		return "", err
	}
	title := n.Title
	if title == "" {
		title = "Baton"
	}
	body := map[string]any{"ParentId": r.ID, "Title": cut(title, maxTitle), "Body": cut(n.Body, maxBody)}
	return c.create(ctx, "Note", body, fmt.Sprintf("add a note to %s %s", obj, r.ID))
}

// AddTask creates a Task whose WhoId is the record.
func (c *Client) AddTask(ctx context.Context, r crm.Record, t crm.Task) (string, error) {
	obj, err := object(r)
	if err != nil {
		return "", err
	}
	op := fmt.Sprintf("add a task to %s %s", obj, r.ID)
	status := "Not Started"
	if t.Done {
		status = "Completed"
	}
	body := map[string]any{
		"WhoId":       r.ID,
		"Subject":     cut(t.Subject, maxSubject),
		"Description": cut(t.Body, maxBody),
		"Status":      status,
		"Priority":    "Normal",
		// ActivityDate is a date, midnight UTC by Salesforce's rule.
		"ActivityDate": t.Due.UTC().Format(time.DateOnly),
	}
	if t.Owner != nil {
		if id, err := c.userID(ctx, t.Owner.Email, op); err == nil {
			body["OwnerId"] = id
		} else if !notFound(err) {
			return "", err
		}
	}
	return c.create(ctx, "Task", body, op)
}

// object is the record's sObject: its crm_object, else by key prefix.
func object(r crm.Record) (string, error) {
	switch strings.ToLower(strings.TrimSpace(r.Object)) {
	case "lead":
		return "Lead", nil
	case "contact":
		return "Contact", nil
	case "":
		switch {
		case strings.HasPrefix(r.ID, "00Q"):
			return "Lead", nil
		case strings.HasPrefix(r.ID, "003"):
			return "Contact", nil
		}
		return "", &crm.Error{CRM: crm.Salesforce, Op: "write to " + r.ID, Code: "UNKNOWN_OBJECT",
			Message: "the id is neither a Lead (00Q…) nor a Contact (003…): set crm_object"}
	}
	return "", &crm.Error{CRM: crm.Salesforce, Op: "write to " + r.ID, Code: "UNKNOWN_OBJECT",
		Message: fmt.Sprintf("object %q is not Lead or Contact", r.Object)}
}

// cut shortens s to n runes.
func cut(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}

func (c *Client) base() string {
	v := c.APIVersion
	if v == "" {
		v = DefaultAPIVersion
	}
	return strings.TrimSuffix(c.InstanceURL, "/") + "/services/data/" + v
}

// patch updates a record; Salesforce answers 204 No Content.
func (c *Client) patch(ctx context.Context, obj, id string, fields map[string]string, op string) error {
	resp, err := crm.Do(ctx, c.HTTPClient, c.Timeout, http.MethodPatch, c.base()+"/sobjects/"+obj+"/"+url.PathEscape(id), c.Token, fields)
	if err != nil {
		return fmt.Errorf("salesforce: %s: %w", op, err)
	}
	if !resp.OK() {
		return refusal(op, resp)
	}
	return nil
}

// create makes a record; Salesforce answers 201 with
// {"id":…,"success":true,"errors":[]}.
func (c *Client) create(ctx context.Context, obj string, body map[string]any, op string) (string, error) {
	resp, err := crm.Do(ctx, c.HTTPClient, c.Timeout, http.MethodPost, c.base()+"/sobjects/"+obj, c.Token, body)
	if err != nil {
		return "", fmt.Errorf("salesforce: %s: %w", op, err)
	}
	if !resp.OK() {
		return "", refusal(op, resp)
	}
	var out struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(resp.Body, &out); err != nil {
		return "", nil // created, by the status
	}
	return out.ID, nil
}

// errUserNotFound is the code of an owner email no active user has.
const errUserNotFound = "USER_NOT_FOUND"

func notFound(err error) bool {
	e, ok := err.(*crm.Error)
	return ok && e.Code == errUserNotFound
}

// soqlString quotes s as a SOQL string literal.
func soqlString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// userID finds the Id of the active User with email.
func (c *Client) userID(ctx context.Context, email, op string) (string, error) {
	key := strings.ToLower(strings.TrimSpace(email))
	c.mu.Lock()
	id, ok := c.users[key]
	c.mu.Unlock()
	if ok {
		return id, nil
	}
	q := "SELECT Id FROM User WHERE Email = " + soqlString(email) + " AND IsActive = true LIMIT 1"
	resp, err := crm.Do(ctx, c.HTTPClient, c.Timeout, http.MethodGet, c.base()+"/query?"+url.Values{"q": {q}}.Encode(), c.Token, nil)
	if err != nil {
		return "", fmt.Errorf("salesforce: %s: find user: %w", op, err)
	}
	if !resp.OK() {
		return "", refusal(op+": find user", resp)
	}
	var out struct {
		Records []struct {
			ID string `json:"Id"`
		} `json:"records"`
	}
	if err := json.Unmarshal(resp.Body, &out); err != nil {
		return "", &crm.Error{CRM: crm.Salesforce, Op: op + ": find user", Status: resp.Status, Message: "answer is not JSON", Retryable: true}
	}
	if len(out.Records) == 0 || out.Records[0].ID == "" {
		return "", &crm.Error{CRM: crm.Salesforce, Op: op, Code: errUserNotFound, Message: "no active Salesforce user has the email " + email}
	}
	c.mu.Lock()
	if c.users == nil {
		c.users = map[string]string{}
	}
	c.users[key] = out.Records[0].ID
	c.mu.Unlock()
	return out.Records[0].ID, nil
}

// refusal classifies a non-2xx answer. Salesforce's error body is a list:
// [{"message":…,"errorCode":…,"fields":[…]}].
func refusal(op string, resp *crm.Response) error {
	e := crm.StatusError(crm.Salesforce, op, resp)
	var body []struct {
		Message   string `json:"message"`
		ErrorCode string `json:"errorCode"`
	}
	if json.Unmarshal(resp.Body, &body) == nil && len(body) > 0 {
		e.Code, e.Message = body[0].ErrorCode, body[0].Message
	} else {
		e.Message = crm.Snippet(resp.Body)
	}
	if len(e.Message) > 300 {
		e.Message = e.Message[:300] + "…"
	}
	if e.Code == "REQUEST_LIMIT_EXCEEDED" {
		// The org's API allowance (a rolling 24 hours): wait, do not break.
		e.Unauthorized, e.Retryable = false, true
		if e.RetryAfter == "" {
			e.Wait = time.Hour
		}
	}
	return e
}
