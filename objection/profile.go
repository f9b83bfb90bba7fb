package objection

// Profile is what is known about an enquiry before the call: the signal that
// started the handoff, the account, the intake answers and the message. Every
// field is optional; missing values become "unknown" features.
type Profile struct {
	// SignalType is the kind of signal, such as "demo_request",
	// "pricing_inquiry", "contact_sales", "trial_signup", "content_download",
	// "webinar_attended", "meeting_booked", "technical_validation_requested"
	// or "contract_signed". Unknown types become the feature type=other.
	SignalType string `json:"signal_type,omitempty"`
	// Source is where the lead came from, such as "website", "webinar",
	// "referral", "partner", "outbound" or "event".
	Source string `json:"source,omitempty"`
	// Segment is "smb", "mid_market" or "enterprise". When empty it is
	// derived from Employees (under 100 smb, under 1,000 mid_market).
	Segment string `json:"segment,omitempty"`
	// Employees is the company head count; zero or negative means unknown.
	Employees int `json:"employees,omitempty"`
	// Industry is free text such as "Healthcare" or "B2B SaaS"; common
	// spellings are mapped to a fixed list of industries.
	Industry string `json:"industry,omitempty"`
	// BudgetAnswer is the intake answer about budget, free text or a range
	// such as "under $10k", "$50k-$100k" or "not decided".
	BudgetAnswer string `json:"budget_answer,omitempty"`
	// TimelineAnswer is the intake answer about timing, such as "ASAP",
	// "this quarter" or "next year".
	TimelineAnswer string `json:"timeline_answer,omitempty"`
	// Message is the enquiry text the prospect wrote.
	Message string `json:"message,omitempty"`
	// Competitor is a competitor the prospect named, if any. "none", "n/a"
	// and similar count as not named.
	Competitor string `json:"competitor,omitempty"`
	// ExistingCustomer is true when the account already buys from us.
	ExistingCustomer bool `json:"existing_customer,omitempty"`
	// Title is the contact's job title as written, such as "SDR Team Lead"
	// or "Directora Comercial"; it is read for seniority and function.
	Title string `json:"title,omitempty"`
	// CurrentSolution is the intake answer about what they use today, such
	// as "spreadsheets", "Salesforce round robin" or "nothing".
	CurrentSolution string `json:"current_solution,omitempty"`
	// DecisionMakers is the intake answer about who else decides, such as
	// "me" or "CFO and the board".
	DecisionMakers string `json:"decision_makers,omitempty"`
	// PriorObjections are the objections recorded on earlier calls with the
	// same account, most recent first; what an account objected to before
	// it tends to object to again.
	PriorObjections []Category `json:"prior_objections,omitempty"`
}
