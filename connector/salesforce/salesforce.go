// Package salesforce turns Salesforce Outbound Messages (the SOAP
// notifications() call a workflow rule or flow sends) about leads and
// opportunities into Baton signals, and writes the acknowledgement
// Salesforce waits for.
//
// Outbound Messages carry no signature. Verify checks the message's
// OrganizationId against the org id Baton is configured with; Salesforce
// documents two further protections, which sit in front of Baton: allow
// only Salesforce's published IP ranges, and have Salesforce present its
// client certificate (mutual TLS) to a proxy that checks it.
//
// A message holds up to 100 notifications; each has its own id, which
// Salesforce keeps when it retries, so it is the signal's external id.
package salesforce

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/connector"
	"github.com/batonhq/baton/playbook"
)

// Namespaces of an Outbound Message.
const (
	NSEnvelope = "http://schemas.xmlsoap.org/soap/envelope/"
	NSOutbound = "http://soap.sforce.com/2005/09/outbound"
	nsXSI      = "http://www.w3.org/2001/XMLSchema-instance"
)

// Source is the signals' source.
const Source = "salesforce"

// Limits of a message.
const (
	MaxNotifications = 100
	MaxFields        = 500
)

// Message is an Outbound Message's notifications element.
type Message struct {
	OrganizationID string
	ActionID       string
	Notifications  []Notification
}

// Notification is one record: its notification id and the sObject with
// the fields the outbound message was set up to send.
type Notification struct {
	ID string
	// Type is the sObject's type without its prefix: Lead, Opportunity.
	Type   string
	Fields map[string]string
}

type envelope struct {
	XMLName xml.Name `xml:"http://schemas.xmlsoap.org/soap/envelope/ Envelope"`
	Body    struct {
		Notifications *struct {
			OrganizationID string `xml:"OrganizationId"`
			ActionID       string `xml:"ActionId"`
			Notification   []struct {
				ID      string  `xml:"Id"`
				SObject sObject `xml:"sObject"`
			} `xml:"Notification"`
		} `xml:"http://soap.sforce.com/2005/09/outbound notifications"`
	} `xml:"http://schemas.xmlsoap.org/soap/envelope/ Body"`
}

type sObject struct {
	Type   string
	Fields map[string]string
	seen   bool
}

// UnmarshalXML reads an sObject: its xsi:type and each child element's
// text by local name.
func (s *sObject) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	s.seen = true
	for _, a := range start.Attr {
		if a.Name.Space == nsXSI && a.Name.Local == "type" {
			_, s.Type, _ = strings.Cut(a.Value, ":")
			if s.Type == "" {
				s.Type = a.Value
			}
		}
	}
	s.Fields = map[string]string{}
	for {
		tok, err := d.Token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			var v struct {
				Text string `xml:",chardata"`
			}
			if err := d.DecodeElement(&v, &t); err != nil {
				return err
			}
			if len(s.Fields) >= MaxFields {
				return fmt.Errorf("more than %d fields", MaxFields)
			}
			s.Fields[t.Name.Local] = strings.TrimSpace(v.Text)
		case xml.EndElement:
			return nil
		}
	}
}

// Parse reads an Outbound Message. Errors name the element.
func Parse(body []byte) (*Message, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, connector.Invalid("Envelope", "body is empty: expected a SOAP envelope")
	}
	if !utf8.Valid(body) {
		return nil, connector.Invalid("Envelope", "is not valid UTF-8")
	}
	var env envelope
	d := xml.NewDecoder(bytes.NewReader(body))
	if err := d.Decode(&env); err != nil {
		var se *xml.SyntaxError
		var ue xml.UnmarshalError
		switch {
		case errors.As(err, &se):
			return nil, connector.Invalid("Envelope", "is not well-formed XML (line %d): %s", se.Line, se.Msg)
		case errors.As(err, &ue), strings.Contains(err.Error(), "expected element type"):
			return nil, connector.Invalid("Envelope", "expected a SOAP Envelope (%s)", NSEnvelope)
		case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
			return nil, connector.Invalid("Envelope", "ends early")
		default:
			return nil, connector.Invalid("Envelope", "cannot be read: %s", connector.Clip(err.Error(), 200))
		}
	}
	n := env.Body.Notifications
	if n == nil {
		return nil, connector.Invalid("Body.notifications", "is required (namespace %s)", NSOutbound)
	}
	m := &Message{OrganizationID: strings.TrimSpace(n.OrganizationID), ActionID: strings.TrimSpace(n.ActionID)}
	switch {
	case m.OrganizationID == "":
		return nil, connector.Invalid("notifications.OrganizationId", "is required")
	case len(n.Notification) == 0:
		return nil, connector.Invalid("notifications.Notification", "is required")
	case len(n.Notification) > MaxNotifications:
		return nil, connector.Invalid("notifications.Notification", "has %d entries: at most %d", len(n.Notification), MaxNotifications)
	}
	for i, x := range n.Notification {
		p := fmt.Sprintf("notifications.Notification[%d]", i)
		id := strings.TrimSpace(x.ID)
		switch {
		case id == "":
			return nil, connector.Invalid(p+".Id", "is required")
		case len(id) > 40:
			return nil, connector.Invalid(p+".Id", "must be a Salesforce id (at most 40 characters)")
		case !x.SObject.seen:
			return nil, connector.Invalid(p+".sObject", "is required")
		case x.SObject.Type == "":
			return nil, connector.Invalid(p+".sObject", "needs its xsi:type (sf:Lead, sf:Opportunity …)")
		}
		m.Notifications = append(m.Notifications, Notification{ID: id, Type: x.SObject.Type, Fields: x.SObject.Fields})
	}
	return m, nil
}

// Verify checks that the message comes from the configured organization.
// Salesforce shows org ids with 15 characters and sends 18 (the last three
// encode the case of the first 15): either form matches.
func Verify(orgID string, m *Message) error {
	if orgID == "" {
		return connector.Unauthorized("the Salesforce connector has no organization id")
	}
	got := m.OrganizationID
	if got == orgID || (len(orgID) == 15 && len(got) == 18 && got[:15] == orgID) || (len(orgID) == 18 && len(got) == 15 && orgID[:15] == got) {
		return nil
	}
	return connector.Unauthorized("the message's OrganizationId is not the configured organization")
}

// Map turns a message's notifications into Actions: a lead raises its
// lead source's signal type (or the lead signal), an opportunity the
// signal type of its stage, if the playbook names one (Closed Won raises
// contract_signed by default). Other objects and stages are skipped.
func Map(m *Message, pm playbook.SalesforceMapping, scoreField string) []connector.Action {
	out := make([]connector.Action, 0, len(m.Notifications))
	for i, n := range m.Notifications {
		a := connector.Action{Kind: connector.Skip, Event: n.Type, Path: fmt.Sprintf("notifications.Notification[%d]", i)}
		var sig *baton.Signal
		switch n.Type {
		case "Lead":
			sig, a.Reason = lead(n, pm, scoreField)
		case "Opportunity":
			sig, a.Reason = opportunity(n, pm)
		default:
			a.Reason = fmt.Sprintf("%s is neither a Lead nor an Opportunity", n.Type)
		}
		if sig != nil {
			a.Kind, a.Signal = connector.Ingest, sig
		}
		out = append(out, a)
	}
	return out
}

func lead(n Notification, pm playbook.SalesforceMapping, scoreField string) (*baton.Signal, string) {
	t := pm.LeadSignal
	if st, ok := pm.LeadSources[n.Fields["LeadSource"]]; ok {
		t = st
	}
	typ, ok := playbook.SignalFor(t)
	if !ok {
		return nil, "this lead source raises no signal (mapped to none)"
	}
	f := n.Fields
	sig := base(n, typ)
	sig.Contact = baton.SignalContact{
		Email: connector.Clip(f["Email"], 254), Name: connector.Clip(strings.TrimSpace(f["FirstName"]+" "+f["LastName"]), baton.MaxShortText),
		Title: connector.Clip(f["Title"], baton.MaxShortText), Phone: connector.Clip(f["Phone"], 50),
	}
	sig.Account = baton.SignalAccount{
		Name: connector.Clip(f["Company"], baton.MaxShortText), Domain: connector.Domain(f["Website"]),
		Industry: connector.Clip(f["Industry"], baton.MaxShortText), Country: connector.Clip(f["Country"], 60),
	}
	if e, err := strconv.Atoi(strings.TrimSpace(f["NumberOfEmployees"])); err == nil && e > 0 && e <= 10_000_000 {
		sig.Account.Employees = e
	}
	sig.Campaign = connector.Clip(f["LeadSource"], baton.MaxShortText)
	sig.Message = connector.Clip(f["Description"], baton.MaxMessageLen)
	if pm.ScoreField != "" {
		if v, err := strconv.ParseFloat(strings.TrimSpace(f[pm.ScoreField]), 64); err == nil && v >= -1e9 && v <= 1e9 {
			sig.Fields[scoreField] = v
		}
	}
	if sig.Contact.Email == "" && connector.Domain(f["Website"]) == "" {
		return nil, "the lead has no Email nor Website: add them to the outbound message's fields"
	}
	return sig, ""
}

func opportunity(n Notification, pm playbook.SalesforceMapping) (*baton.Signal, string) {
	f := n.Fields
	stage := f["StageName"]
	typ, ok := playbook.SignalFor(pm.Stages[stage])
	if !ok {
		return nil, fmt.Sprintf("stage %q raises no signal (connectors.salesforce.stages)", connector.Clip(stage, 80))
	}
	sig := base(n, typ)
	sig.Contact.Email = connector.Clip(f[pm.EmailField], 254)
	sig.Account.Name = connector.Clip(f[pm.CompanyField], baton.MaxShortText)
	sig.Account.Domain = connector.Domain(f[pm.DomainField])
	if sig.Contact.Email == "" && sig.Account.Domain == "" {
		return nil, fmt.Sprintf("the opportunity has no %s nor %s: add these formula fields to the outbound message", pm.EmailField, pm.DomainField)
	}
	sig.Message = connector.Clip(fmt.Sprintf("Opportunity %s moved to %s", f["Name"], stage), baton.MaxMessageLen)
	if v, err := strconv.ParseFloat(strings.TrimSpace(f["Amount"]), 64); err == nil && v >= 0 && v <= 1e12 {
		sig.Fields["amount"] = v
	}
	if id := f["AccountId"]; id != "" {
		sig.Fields["salesforce_account_id"] = connector.Clip(id, 40)
	}
	return sig, ""
}

func base(n Notification, typ string) *baton.Signal {
	sig := &baton.Signal{ExternalID: "salesforce:" + n.ID, Type: typ, Source: Source, Fields: map[string]any{}}
	if id := n.Fields["Id"]; id != "" {
		sig.Fields["salesforce_id"] = connector.Clip(id, 40)
	}
	if t, err := time.Parse(time.RFC3339, n.Fields["LastModifiedDate"]); err == nil && t.Year() >= 2000 {
		sig.OccurredAt = t.UTC()
	}
	return sig
}

// Ack is the acknowledgement Salesforce waits for; without it, it sends
// the message again (for up to 24 hours).
const Ack = `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">
  <soapenv:Body>
    <notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound">
      <Ack>true</Ack>
    </notificationsResponse>
  </soapenv:Body>
</soapenv:Envelope>
`

// Fault returns a SOAP 1.1 fault carrying msg, for a message Baton refuses.
func Fault(client bool, msg string) []byte {
	code := "soapenv:Server"
	if client {
		code = "soapenv:Client"
	}
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><soapenv:Fault><faultcode>`)
	b.WriteString(code)
	b.WriteString(`</faultcode><faultstring>`)
	xml.EscapeText(&b, []byte(msg))
	b.WriteString("</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>\n")
	return b.Bytes()
}
