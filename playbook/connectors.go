package playbook

import (
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/batonhq/baton"
)

// Connectors says how the webhooks of a team's CRM and scheduler become
// signals: which event is which signal type, which field is the company,
// the score and the meeting type. Every entry has a default (see the
// Default* constants), so a playbook without a connectors section maps the
// vendors' usual fields. Secrets never live here: they come from Baton's
// configuration.
type Connectors struct {
	// ScoreField is the signal's free field a CRM's lead score goes to
	// (default lead_score, which the default playbook's MQL rule reads).
	ScoreField string            `yaml:"score_field"`
	HubSpot    HubSpotMapping    `yaml:"hubspot"`
	Salesforce SalesforceMapping `yaml:"salesforce"`
	CalCom     SchedulerMapping  `yaml:"calcom"`
	Calendly   SchedulerMapping  `yaml:"calendly"`
}

// HubSpotMapping maps HubSpot webhook events (contact creation, contact
// property changes) to signals. A batch's property changes of one contact
// are its facts: email, name, company, score.
type HubSpotMapping struct {
	// ContactCreated is the signal type of contact.creation; "none" makes
	// it no signal. Default lead_score_crossed.
	ContactCreated string `yaml:"contact_created"`
	// ScoreProperty is the contact property holding the lead score
	// (default hubspotscore); a change to it raises ScoreSignal.
	ScoreProperty string `yaml:"score_property"`
	// ScoreSignal is the signal type of a score change (default
	// lead_score_crossed; "none" for no signal).
	ScoreSignal string `yaml:"score_signal"`
	// FormProperty is the contact property a form submission sets to the
	// form's name (default recent_conversion_event_name).
	FormProperty string `yaml:"form_property"`
	// FormSignal is the signal type of a form submission whose form is not
	// in Forms (default contact_sales).
	FormSignal string `yaml:"form_signal"`
	// Forms maps a form's name to its signal type (e.g. "Request a demo":
	// demo_request).
	Forms map[string]string `yaml:"forms"`
	// MeetingProperty is the contact property the meetings tool sets to the
	// booked meeting's start, in epoch milliseconds (default
	// engagements_last_meeting_booked); a change to it raises meeting_booked.
	MeetingProperty string `yaml:"meeting_property"`
	// MeetingTypeProperty is the contact property naming the booked
	// meeting's type (default engagements_last_meeting_booked_campaign).
	MeetingTypeProperty string `yaml:"meeting_type_property"`
	// CompanyProperty is the contact property naming the company (default
	// company).
	CompanyProperty string `yaml:"company_property"`
	// TimeZone is the meeting's zone when the contact's hs_timezone is
	// unknown (default: the first calendar's zone).
	TimeZone string `yaml:"timezone"`
}

// SalesforceMapping maps Salesforce Outbound Messages of leads and
// opportunities to signals.
type SalesforceMapping struct {
	// LeadSignal is the signal type of a lead whose LeadSource is not in
	// LeadSources (default contact_sales; "none" for no signal).
	LeadSignal string `yaml:"lead_signal"`
	// LeadSources maps a lead's LeadSource to its signal type.
	LeadSources map[string]string `yaml:"lead_sources"`
	// ScoreField is the lead field holding its score (e.g. Lead_Score__c);
	// empty reads none.
	ScoreField string `yaml:"score_field"`
	// Stages maps an opportunity's StageName to its signal type; a stage
	// not named raises none. Default {Closed Won: contract_signed}.
	Stages map[string]string `yaml:"stages"`
	// Opportunities carry no contact of their own in an Outbound Message:
	// these fields (formula fields on Opportunity) name them. Defaults
	// Contact_Email__c, Account_Name__c and Account_Website__c.
	EmailField   string `yaml:"email_field"`
	CompanyField string `yaml:"company_field"`
	DomainField  string `yaml:"domain_field"`
}

// SchedulerMapping maps a scheduler's bookings (Cal.com, Calendly) to
// meeting_booked signals and their meetings.
type SchedulerMapping struct {
	// Signal is the signal type of a booking (default meeting_booked).
	Signal string `yaml:"signal"`
	// MeetingTypes maps the scheduler's event type (Cal.com's slug or
	// title, Calendly's event name) to Baton's meeting type; an event type
	// not named keeps its own name.
	MeetingTypes map[string]string `yaml:"meeting_types"`
	// CompanyQuestion is the booking question whose answer is the company
	// (default company, matched without case).
	CompanyQuestion string `yaml:"company_question"`
	// SenderQuestion optionally names the booking question whose answer is
	// the email of the team member who booked the meeting (the setter).
	SenderQuestion string `yaml:"sender_question"`
}

// Connector mapping defaults.
const (
	DefaultScoreField            = "lead_score"
	DefaultHubSpotContactCreated = baton.SignalLeadScoreCrossed
	DefaultHubSpotScoreProperty  = "hubspotscore"
	DefaultHubSpotFormProperty   = "recent_conversion_event_name"
	DefaultHubSpotFormSignal     = baton.SignalContactSales
	DefaultHubSpotMeetingProp    = "engagements_last_meeting_booked"
	DefaultHubSpotMeetingType    = "engagements_last_meeting_booked_campaign"
	DefaultHubSpotCompany        = "company"
	DefaultSalesforceLeadSignal  = baton.SignalContactSales
	DefaultSalesforceEmailField  = "Contact_Email__c"
	DefaultSalesforceCompany     = "Account_Name__c"
	DefaultSalesforceDomain      = "Account_Website__c"
	DefaultSalesforceWonStage    = "Closed Won"
	DefaultCompanyQuestion       = "company"
	// NoSignal as a mapping's signal type makes the event raise none.
	NoSignal = "none"
)

// validateConnectors fills the connector mappings' defaults and checks
// that every signal type is known and every name is plain text.
func (pb *Playbook) validateConnectors(v *validator) {
	h := &pb.Connectors.HubSpot
	def := func(dst *string, d string) {
		if *dst == "" {
			*dst = d
		}
	}
	def(&pb.Connectors.ScoreField, DefaultScoreField)
	if !baton.ValidName(pb.Connectors.ScoreField) {
		v.add("connectors.score_field", "field name %q: expected lowercase letters, digits and underscores", pb.Connectors.ScoreField)
	} else if t := pb.declared[pb.Connectors.ScoreField]; t != "" && t != "number" {
		v.add("connectors.score_field", "field %q is declared as %s: a score needs a number field", pb.Connectors.ScoreField, t)
	}
	def(&h.ContactCreated, DefaultHubSpotContactCreated)
	def(&h.ScoreProperty, DefaultHubSpotScoreProperty)
	def(&h.ScoreSignal, baton.SignalLeadScoreCrossed)
	def(&h.FormProperty, DefaultHubSpotFormProperty)
	def(&h.FormSignal, DefaultHubSpotFormSignal)
	def(&h.MeetingProperty, DefaultHubSpotMeetingProp)
	def(&h.MeetingTypeProperty, DefaultHubSpotMeetingType)
	def(&h.CompanyProperty, DefaultHubSpotCompany)
	if h.TimeZone == "" && len(pb.Calendars) > 0 {
		h.TimeZone = pb.Calendars[0].TimeZone
	}
	def(&h.TimeZone, "UTC")
	const hp = "connectors.hubspot."
	pb.connectorSignal(v, hp+"contact_created", h.ContactCreated)
	pb.connectorSignal(v, hp+"score_signal", h.ScoreSignal)
	pb.connectorSignal(v, hp+"form_signal", h.FormSignal)
	pb.connectorSignals(v, hp+"forms", h.Forms)
	for _, p := range []struct{ path, val string }{
		{"score_property", h.ScoreProperty}, {"form_property", h.FormProperty}, {"meeting_property", h.MeetingProperty},
		{"meeting_type_property", h.MeetingTypeProperty}, {"company_property", h.CompanyProperty},
	} {
		connectorName(v, hp+p.path, p.val)
	}
	if !baton.ValidTimeZone(h.TimeZone) {
		v.add(hp+"timezone", "time zone %q: expected an IANA zone such as America/New_York", h.TimeZone)
	}

	s := &pb.Connectors.Salesforce
	def(&s.LeadSignal, DefaultSalesforceLeadSignal)
	def(&s.EmailField, DefaultSalesforceEmailField)
	def(&s.CompanyField, DefaultSalesforceCompany)
	def(&s.DomainField, DefaultSalesforceDomain)
	if s.Stages == nil {
		s.Stages = map[string]string{DefaultSalesforceWonStage: baton.SignalContractSigned}
	}
	const sp = "connectors.salesforce."
	pb.connectorSignal(v, sp+"lead_signal", s.LeadSignal)
	pb.connectorSignals(v, sp+"lead_sources", s.LeadSources)
	pb.connectorSignals(v, sp+"stages", s.Stages)
	if s.ScoreField != "" {
		connectorName(v, sp+"score_field", s.ScoreField)
	}
	for _, p := range []struct{ path, val string }{{"email_field", s.EmailField}, {"company_field", s.CompanyField}, {"domain_field", s.DomainField}} {
		connectorName(v, sp+p.path, p.val)
	}

	for _, sc := range []struct {
		path string
		m    *SchedulerMapping
	}{{"connectors.calcom.", &pb.Connectors.CalCom}, {"connectors.calendly.", &pb.Connectors.Calendly}} {
		def(&sc.m.Signal, baton.SignalMeetingBooked)
		def(&sc.m.CompanyQuestion, DefaultCompanyQuestion)
		pb.connectorSignal(v, sc.path+"signal", sc.m.Signal)
		connectorName(v, sc.path+"company_question", sc.m.CompanyQuestion)
		if sc.m.SenderQuestion != "" {
			connectorName(v, sc.path+"sender_question", sc.m.SenderQuestion)
		}
		for _, k := range sortedKeys(sc.m.MeetingTypes) {
			connectorName(v, sc.path+"meeting_types."+k, k)
			if t := sc.m.MeetingTypes[k]; t == "" || len(t) > 60 || !utf8.ValidString(t) {
				v.add(sc.path+"meeting_types."+k, "meeting type for %q: expected text of 1 to 60 bytes", k)
			}
		}
	}
}

// connectorSignal checks a mapping's signal type: known to the playbook, or
// NoSignal.
func (pb *Playbook) connectorSignal(v *validator, path, t string) {
	if t == NoSignal {
		return
	}
	if !pb.KnownSignalType(t) {
		v.add(path, "signal type %q is not built in nor declared in signal_types (or %q for no signal)", t, NoSignal)
	}
}

func (pb *Playbook) connectorSignals(v *validator, path string, m map[string]string) {
	for _, k := range sortedKeys(m) {
		connectorName(v, path+"."+k, k)
		pb.connectorSignal(v, path+"."+k, m[k])
	}
}

// connectorName checks a vendor's field or property name: printable text
// of at most 200 bytes.
func connectorName(v *validator, path, s string) {
	if s == "" || len(s) > baton.MaxShortText || !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		v.add(path, "name %q: expected printable text of 1 to %d bytes", s, baton.MaxShortText)
	}
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// MeetingType returns the meeting type for a scheduler's event type: the
// mapped one, else the event type itself (cut to 60 bytes).
func (m SchedulerMapping) MeetingType(eventType string) string {
	if t, ok := m.MeetingTypes[eventType]; ok {
		return t
	}
	return truncate(eventType, 60)
}

// SignalFor returns the signal type a mapping names, and false for
// NoSignal or none at all.
func SignalFor(t string) (string, bool) {
	return t, t != "" && t != NoSignal
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
