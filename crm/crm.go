package crm

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/batonhq/baton"
)

// Connector names.
const (
	HubSpot    = "hubspot"
	Salesforce = "salesforce"
)

// Actions: what one message writes. Each is also a value of the
// --crm-writeback setting.
const (
	ActionOwner = "owner" // the record's owner
	ActionNote  = "note"  // the brief, as a note on the contact
	ActionTask  = "task"  // the outcome and next step, as a task
	ActionLink  = "link"  // the handoff's URL on the record
)

// Actions lists every action, in the order a handoff's messages are
// queued.
var Actions = []string{ActionOwner, ActionLink, ActionNote, ActionTask}

// KindPrefix starts the kind of every CRM message: "crm.owner", "crm.note".
const KindPrefix = "crm."

// Kind is the message kind of an action.
func Kind(action string) string { return KindPrefix + action }

// ChannelPrefix starts the channel of every CRM connector.
const ChannelPrefix = baton.CRMChannelPrefix

// Channel is the outbox channel of the connector name: "crm:hubspot".
func Channel(name string) string { return ChannelPrefix + name }

// ConnectorOf returns the connector of a CRM channel, and false for any
// other channel.
func ConnectorOf(channel string) (string, bool) {
	name, ok := strings.CutPrefix(channel, ChannelPrefix)
	return name, ok && name != ""
}

// CRM is one CRM's write-back API; another CRM is one more implementation.
// Each method makes one attempt and never retries by itself; its errors
// are *Error when the CRM answered (so the Deliverer can tell a rate limit
// from revoked credentials), anything else for a network failure.
type CRM interface {
	// Name is the connector's name: HubSpot, Salesforce.
	Name() string
	// SetOwner makes the CRM user with the owner's email the record's
	// owner.
	SetOwner(ctx context.Context, r Record, o Owner) error
	// SetLink writes url into the record's link property or field.
	SetLink(ctx context.Context, r Record, url string) error
	// AddNote attaches a note to the record and returns the note's id.
	AddNote(ctx context.Context, r Record, n Note) (string, error)
	// AddTask creates a task on the record and returns the task's id.
	AddTask(ctx context.Context, r Record, t Task) (string, error)
}

// Record is one record in a CRM.
type Record struct {
	// CRM is the connector's name.
	CRM string `json:"crm"`
	// Object is the record's type in the CRM ("contacts"; "Lead",
	// "Contact"); empty lets the adapter choose (see the package doc).
	Object string `json:"object,omitempty"`
	// ID is the record's id in the CRM.
	ID string `json:"id"`
}

// Owner is the Baton user who owns a handoff, found in the CRM by email.
type Owner struct {
	Email string `json:"email"`
	Name  string `json:"name,omitempty"`
}

// Note is a note on a record.
type Note struct {
	Title string `json:"title"`
	Body  string `json:"body"`
	// At is when it was written: where it sits on the record's timeline.
	At time.Time `json:"at"`
	// Owner, when set, is the CRM user shown as the note's author (HubSpot)
	// or owner (Salesforce), found by email; one not found is left out.
	Owner *Owner `json:"owner,omitempty"`
}

// Task is a task on a record.
type Task struct {
	Subject string `json:"subject"`
	Body    string `json:"body"`
	// Due is when it is due; a completed task is due when it was done.
	Due time.Time `json:"due"`
	// Done reports a task logged as completed (an outcome with no next
	// step) rather than one to do.
	Done bool `json:"done,omitempty"`
	// Owner, when set, is who the task is assigned to, found by email; one
	// not found is left to the CRM's default.
	Owner *Owner `json:"owner,omitempty"`
}

// Payload is a CRM message's payload: one action on one record.
type Payload struct {
	Action    string `json:"action"`
	Record    Record `json:"record"`
	HandoffID string `json:"handoff_id,omitempty"`
	Owner     *Owner `json:"owner,omitempty"` // ActionOwner
	Link      string `json:"link,omitempty"`  // ActionLink
	Note      *Note  `json:"note,omitempty"`  // ActionNote
	Task      *Task  `json:"task,omitempty"`  // ActionTask
}

// Validate reports a payload that cannot be delivered, as EINVALID.
func (p *Payload) Validate() error {
	var v baton.Validation
	if p.Record.CRM == "" {
		v.Add("record.crm", "is required")
	}
	if p.Record.ID == "" {
		v.Add("record.id", "is required")
	}
	switch p.Action {
	case ActionOwner:
		if p.Owner == nil || p.Owner.Email == "" {
			v.Add("owner.email", "is required")
		}
	case ActionLink:
		if p.Link == "" {
			v.Add("link", "is required")
		}
	case ActionNote:
		if p.Note == nil || p.Note.Body == "" {
			v.Add("note.body", "is required")
		}
	case ActionTask:
		if p.Task == nil || p.Task.Subject == "" {
			v.Add("task.subject", "is required")
		}
	default:
		v.Add("action", "must be one of %s", strings.Join(Actions, ", "))
	}
	return v.Err()
}

// Decode reads a CRM message's payload and validates it.
func Decode(raw []byte) (*Payload, error) {
	var p Payload
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, baton.Errorf(baton.EINVALID, "crm: payload: %v", err)
	}
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("crm: payload: %w", err)
	}
	return &p, nil
}

// Signal fields that name a CRM record (see the package doc).
const (
	FieldID     = "crm_id"
	FieldCRM    = "crm"
	FieldObject = "crm_object"
)

// RecordOf returns the CRM record a signal names, among the configured
// connectors, from its source and fields (see the package doc); false when
// it names none, or names one that is not configured.
func RecordOf(source string, fields map[string]any, connectors []string) (Record, bool) {
	id := fieldString(fields[FieldID])
	name := strings.ToLower(fieldString(fields[FieldCRM]))
	if id == "" && name == "" {
		// The fields Baton's own HubSpot and Salesforce webhook endpoints set.
		for _, f := range []struct{ field, crm string }{{"hubspot_contact_id", HubSpot}, {"salesforce_id", Salesforce}} {
			if v := fieldString(fields[f.field]); v != "" {
				id, name = v, f.crm
				break
			}
		}
	}
	if id == "" || len(connectors) == 0 {
		return Record{}, false
	}
	if name == "" {
		src := strings.ToLower(strings.TrimSpace(source))
		for _, c := range connectors {
			if src == c || strings.HasPrefix(src, c+"_") || strings.HasPrefix(src, c+"-") || strings.HasPrefix(src, c+".") {
				name = c
				break
			}
		}
	}
	if name == "" && len(connectors) == 1 {
		name = connectors[0]
	}
	if !slices.Contains(connectors, name) {
		return Record{}, false
	}
	return Record{CRM: name, Object: fieldString(fields[FieldObject]), ID: id}, true
}

// fieldString is a field's value as text: a string trimmed, a number
// without exponent (JSON numbers decode as float64), else "".
func fieldString(v any) string {
	switch x := v.(type) {
	case string:
		return strings.TrimSpace(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case json.Number:
		return x.String()
	}
	return ""
}

// ParseActions reads a comma-separated list of actions ("owner,note");
// "all" is every action and "none" (or "") none.
func ParseActions(s string) ([]string, error) {
	s = strings.TrimSpace(strings.ToLower(s))
	switch s {
	case "all":
		return slices.Clone(Actions), nil
	case "", "none":
		return nil, nil
	}
	var out []string
	for a := range strings.SplitSeq(s, ",") {
		a = strings.TrimSpace(a)
		if !slices.Contains(Actions, a) {
			return nil, fmt.Errorf("crm: unknown write-back action %q: use %s, all or none", a, strings.Join(Actions, ", "))
		}
		if !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	return out, nil
}
