package objection

import "fmt"

// Category is the stable identifier of an objection category. The ids are
// stored in databases and sent to clients, so they are never renamed.
type Category string

// The objection categories, in the order Categories returns them.
const (
	// PriceBudget is "too expensive", "no budget", "can you discount".
	PriceBudget Category = "price_budget"
	// Timing is "not now", "next quarter", "we are too busy".
	Timing Category = "timing"
	// Authority is "I need to check with my boss / the board / procurement".
	Authority Category = "authority"
	// NeedFit is "not sure we need this" or "it does not do X".
	NeedFit Category = "need_fit"
	// Competition is "we are also looking at Y" or "Y is cheaper".
	Competition Category = "competition"
	// StatusQuo is "what we have works" (a spreadsheet, an in-house tool, nothing).
	StatusQuo Category = "status_quo"
	// TrustRisk is "you are small / new", "show me references", "what if it fails".
	TrustRisk Category = "trust_risk"
	// SecurityCompliance is SOC 2, GDPR, HIPAA, data residency, security reviews.
	SecurityCompliance Category = "security_compliance"
	// TechnicalIntegration is "does it work with our CRM / API / SSO", migration effort.
	TechnicalIntegration Category = "technical_integration"
	// ContractTerms is annual versus monthly, term length, legal review, SLAs.
	ContractTerms Category = "contract_terms"
)

// numCategories is the number of categories; arrays indexed by category use it.
const numCategories = 10

// Categories returns every category in a fixed order. The slice is new on
// each call, so callers may modify it.
func Categories() []Category {
	return []Category{
		PriceBudget, Timing, Authority, NeedFit, Competition,
		StatusQuo, TrustRisk, SecurityCompliance, TechnicalIntegration, ContractTerms,
	}
}

// index returns the position of c in Categories, or -1 if c is not a category.
func (c Category) index() int {
	switch c {
	case PriceBudget:
		return 0
	case Timing:
		return 1
	case Authority:
		return 2
	case NeedFit:
		return 3
	case Competition:
		return 4
	case StatusQuo:
		return 5
	case TrustRisk:
		return 6
	case SecurityCompliance:
		return 7
	case TechnicalIntegration:
		return 8
	case ContractTerms:
		return 9
	}
	return -1
}

// Valid reports whether c is one of the known categories.
func (c Category) Valid() bool { return c.index() >= 0 }

// Label returns the human label shown to reps, such as "Price / budget".
// It returns the raw id for an unknown category.
func (c Category) Label() string {
	switch c {
	case PriceBudget:
		return "Price / budget"
	case Timing:
		return "Timing"
	case Authority:
		return "Authority / decision process"
	case NeedFit:
		return "Need / fit"
	case Competition:
		return "Competition"
	case StatusQuo:
		return "Status quo"
	case TrustRisk:
		return "Trust / risk"
	case SecurityCompliance:
		return "Security / compliance"
	case TechnicalIntegration:
		return "Technical / integration"
	case ContractTerms:
		return "Contract terms"
	}
	return string(c)
}

// String returns the category id.
func (c Category) String() string { return string(c) }

// ParseCategory returns the category with id s, or an error naming s if there
// is none. Ids are matched exactly: they are machine values, not labels.
func ParseCategory(s string) (Category, error) {
	c := Category(s)
	if !c.Valid() {
		return "", fmt.Errorf("objection: unknown category %q", s)
	}
	return c, nil
}
