package baton

import "time"

// Account statuses.
const (
	AccountProspect = "prospect"
	AccountCustomer = "customer"
)

// Segments, derived from company size unless set explicitly.
const (
	SegmentSMB        = "smb"
	SegmentMidMarket  = "mid_market"
	SegmentEnterprise = "enterprise"
)

// Account is a buying company.
type Account struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	Domain    string   `json:"domain,omitempty"`
	Aliases   []string `json:"aliases,omitempty"`
	Segment   string   `json:"segment,omitempty"`
	Employees int      `json:"employees,omitempty"`
	Industry  string   `json:"industry,omitempty"`
	Country   string   `json:"country,omitempty"`
	Region    string   `json:"region,omitempty"`
	Status    string   `json:"status"`
	// OwnerID is the named account owner (sales), if any.
	OwnerID string `json:"owner_id,omitempty"`
	// CSMID is the customer success manager of a customer, if any.
	CSMID string `json:"csm_id,omitempty"`
	// OpportunityOwnerID owns the account's open opportunity, if any.
	OpportunityOwnerID string `json:"opportunity_owner_id,omitempty"`
	// RenewalDate is when a customer's contract renews, YYYY-MM-DD ("" when
	// unknown). The playbook's renewal.notice before it, Baton raises a
	// renewal_due signal for the account, once per date.
	RenewalDate string    `json:"renewal_date,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// ValidDate reports whether s is a calendar date written YYYY-MM-DD.
func ValidDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

// SegmentFor returns the segment for a company of n employees.
func SegmentFor(n int) string {
	switch {
	case n <= 0:
		return ""
	case n < 200:
		return SegmentSMB
	case n < 1000:
		return SegmentMidMarket
	default:
		return SegmentEnterprise
	}
}

// Contact is a person at an account.
type Contact struct {
	ID        string    `json:"id"`
	AccountID string    `json:"account_id,omitempty"`
	Email     string    `json:"email"`
	Name      string    `json:"name,omitempty"`
	Title     string    `json:"title,omitempty"`
	Phone     string    `json:"phone,omitempty"`
	TimeZone  string    `json:"timezone,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// BouncedAt is when mail to Email bounced permanently (an SMTP 5xx to
	// RCPT TO); from then on nothing more is sent to the contact. Zero when
	// it never bounced.
	BouncedAt time.Time `json:"bounced_at,omitzero"`
}
