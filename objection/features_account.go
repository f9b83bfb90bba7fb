package objection

import "strings"

// segment maps the segment to smb, mid_market or enterprise, deriving it from
// the head count when the field is empty or unrecognised.
func segment(s string, employees int) string {
	switch key(s) {
	case "smb", "small", "small_business", "smb_sales", "startup":
		return "smb"
	case "mid_market", "midmarket", "mid", "mm", "mid_size", "midsize", "commercial":
		return "mid_market"
	case "enterprise", "ent", "large", "large_enterprise", "strategic":
		return "enterprise"
	}
	switch {
	case employees <= 0:
		return "unknown"
	case employees < 100:
		return "smb"
	case employees < 1000:
		return "mid_market"
	}
	return "enterprise"
}

// sizeBucket buckets the head count. The edges follow how buying changes: under
// 20 the founder signs, under 100 one manager does, 1,000+ brings procurement.
func sizeBucket(employees int) string {
	switch {
	case employees <= 0:
		return "unknown"
	case employees < 20:
		return "1-19"
	case employees < 100:
		return "20-99"
	case employees < 500:
		return "100-499"
	case employees < 1000:
		return "500-999"
	}
	return "1000+"
}

// industry maps free text to a known industry. It tries the whole value, then
// each pair of words, then each word, so "Regional hospital network" is
// healthcare and "B2B SaaS" is software.
func industry(s string) string {
	ts := tokens(s)
	if len(ts) == 0 {
		return "unknown"
	}
	if v := industryAlias(strings.Join(ts, " ")); v != "" {
		return v
	}
	for i := 0; i+1 < len(ts); i++ {
		if v := industryAlias(ts[i] + " " + ts[i+1]); v != "" {
			return v
		}
	}
	for _, t := range ts {
		if v := industryAlias(t); v != "" {
			return v
		}
	}
	return "other"
}

// industryAlias returns the industry a lowercase word or phrase names, or "".
func industryAlias(w string) string {
	switch w {
	case "software", "saas", "tech", "technology", "it", "devtools", "cybersecurity",
		"internet", "b2b software":
		return "software"
	case "healthcare", "health", "health care", "medical", "hospital", "hospitals",
		"clinic", "clinics", "pharma", "pharmaceutical", "pharmaceuticals", "biotech",
		"dental", "life sciences", "medtech", "healthtech", "telehealth":
		return "healthcare"
	case "finance", "financial", "financial services", "fintech", "banking", "bank",
		"insurance", "insurtech", "lending", "payments", "wealth", "investment",
		"credit union", "asset management":
		return "finance"
	case "education", "edtech", "university", "school", "schools", "college",
		"higher education", "higher ed", "k12", "k 12", "e learning", "elearning",
		"public university":
		return "education"
	case "government", "gov", "public sector", "municipal", "federal", "city", "county",
		"defense", "council", "workforce":
		return "government"
	case "manufacturing", "industrial", "manufacturer", "factory", "automotive",
		"aerospace", "chemicals", "machinery":
		return "manufacturing"
	case "retail", "ecommerce", "e commerce", "consumer", "cpg", "fashion", "dtc",
		"consumer goods":
		return "retail"
	case "professional services", "agency", "consulting", "consultancy", "legal",
		"law", "accounting", "marketing", "recruiting", "staffing":
		return "professional_services"
	case "real estate", "property", "proptech", "realty":
		return "real_estate"
	case "construction", "building", "contractor":
		return "construction"
	case "logistics", "transport", "transportation", "shipping", "freight",
		"supply chain", "trucking", "3pl":
		return "logistics"
	case "media", "publishing", "entertainment", "gaming", "news":
		return "media"
	case "nonprofit", "non profit", "charity", "ngo", "foundation":
		return "nonprofit"
	case "hospitality", "travel", "hotel", "hotels", "restaurant", "restaurants",
		"tourism":
		return "hospitality"
	case "telecom", "telecommunications", "telco":
		return "telecom"
	case "energy", "utilities", "utility", "oil", "solar":
		return "energy"
	}
	return ""
}
