package objection

// lexicon maps a lowercase word or two-word phrase from an enquiry to its
// vocabulary stem. The vocabulary is small on purpose: each stem is a word
// that sales teams have seen foreshadow an objection, and each has a prior in
// prior.go. Words outside it are ignored, which keeps the learned state small
// and the reasons readable.
func lexicon(form string) (stem string, ok bool) {
	switch form {
	// Money.
	case "price", "prices", "pricing", "priced", "pricey":
		return "price", true
	case "cost", "costs", "costly":
		return "cost", true
	case "budget", "budgets", "budgeting", "budgeted":
		return "budget", true
	case "expensive", "overpriced":
		return "expensive", true
	case "afford", "affordable", "affordability":
		return "afford", true
	case "discount", "discounts", "discounted", "discounting":
		return "discount", true
	case "quote", "quotes", "quotation":
		return "quote", true
	case "roi", "payback":
		return "roi", true
	case "seat", "seats", "license", "licenses", "licence", "licences", "licensing", "per user":
		return "seat", true

	// Timing.
	case "renewal", "renew", "renews", "expires", "expiry", "expiring":
		return "renewal", true
	case "freeze", "frozen":
		return "freeze", true
	case "priority", "priorities", "prioritize", "prioritise", "roadmap":
		return "priority", true
	case "busy", "bandwidth", "swamped", "stretched":
		return "busy", true
	case "later", "eventually", "next year", "next quarter":
		return "later", true
	case "season", "seasonal", "peak":
		return "season", true
	case "reorg", "reorganisation", "reorganization", "restructuring", "merger", "acquisition",
		"hiring", "rollout", "launch", "launching", "transition", "onboarding":
		return "reorg", true
	case "fiscal", "fy", "quarter", "q1", "q2", "q3", "q4", "year end", "end of":
		return "fiscal", true

	// Who decides.
	case "approval", "approve", "approves", "approved", "sign off", "signoff":
		return "approval", true
	case "board":
		return "board", true
	case "leadership", "boss", "management", "executive", "executives", "exec", "execs",
		"ceo", "cfo", "coo", "vp", "founder", "founders":
		return "leadership", true
	case "procurement", "purchasing":
		return "procurement", true
	case "committee", "stakeholder", "stakeholders", "consensus", "buying group":
		return "committee", true
	case "decision", "decisions", "decide", "decider", "decision maker":
		return "decision", true
	case "behalf", "on behalf", "asked me", "my manager", "my boss", "pass along", "pass on",
		"report back", "recommend", "recommendation":
		return "behalf", true

	// Fit.
	case "feature", "features", "functionality", "capability", "capabilities":
		return "feature", true
	case "requirement", "requirements", "must have", "must haves":
		return "requirement", true
	case "workflow", "workflows", "process", "processes":
		return "workflow", true
	case "custom", "customize", "customise", "customization", "customisation",
		"bespoke", "tailored", "configurable":
		return "custom", true
	case "use case", "use cases", "usecase":
		return "usecase", true
	case "explore", "exploring", "research", "researching", "curious", "learn", "learning":
		return "explore", true
	case "unsure", "not sure", "overkill", "worth it", "too complex", "too complicated",
		"small team", "only few", "low volume", "whether":
		return "unsure", true

	// Competition.
	case "compare", "comparing", "comparison", "versus", "vs", "side by":
		return "compare", true
	case "alternative", "alternatives":
		return "alternative", true
	case "evaluate", "evaluating", "evaluation", "shortlist", "shortlisted", "vendors",
		"options":
		return "evaluate", true
	case "rfp", "rfi", "tender":
		return "rfp", true
	case "competitor", "competitors", "gong", "salesloft", "chili piper", "chilipiper",
		"calendly", "leandata", "clari", "apollo":
		return "competitor", true

	// Status quo.
	case "currently", "current", "at present", "right now":
		return "currently", true
	case "using", "uses", "used":
		return "using", true
	case "switch", "switching", "switched", "move off", "moving off":
		return "switch", true
	case "replace", "replacing", "replacement":
		return "replace", true
	case "spreadsheet", "spreadsheets", "excel", "sheets":
		return "spreadsheet", true
	case "manual", "manually", "by hand":
		return "manual", true
	case "homegrown", "home grown", "in house", "inhouse", "built our":
		return "homegrown", true
	case "already":
		return "already", true
	case "fine", "works fine", "good enough", "happy with", "get by",
		"works ok", "works okay", "status quo":
		return "fine", true

	// Trust.
	case "reference", "references", "case study", "case studies", "testimonials":
		return "reference", true
	case "review", "reviews", "g2", "capterra":
		return "review", true
	case "reliable", "reliability", "uptime", "outage", "outages", "downtime", "stability":
		return "reliable", true
	case "risk", "risky", "risks", "worried", "nervous", "burned", "burnt", "skeptical",
		"sceptical", "hesitant", "cautious", "wary":
		return "risk", true
	case "failed", "fail", "failure", "went wrong", "bad experience", "disappointed",
		"abandoned", "churned", "previous vendor", "last vendor":
		return "failed", true
	case "proven", "track record", "who else", "customers like", "similar companies", "peers",
		"guarantee", "guaranteed", "credibility", "longevity":
		return "proven", true

	// Security and compliance.
	case "security", "secure", "infosec":
		return "security", true
	case "soc2", "soc 2", "soc", "soc ii":
		return "soc2", true
	case "gdpr":
		return "gdpr", true
	case "hipaa", "phi", "baa":
		return "hipaa", true
	case "iso27001", "iso 27001", "27001":
		return "iso27001", true
	case "compliance", "compliant", "regulated", "regulatory", "regulation", "regulations":
		return "compliance", true
	case "privacy", "pii", "personal data":
		return "privacy", true
	case "residency", "sovereignty":
		return "residency", true
	case "sso", "saml", "okta", "single sign", "scim":
		return "sso", true
	case "audit", "audits", "auditing", "auditor", "auditors":
		return "audit", true
	case "encryption", "encrypt", "encrypted":
		return "encryption", true
	case "pentest", "pen test", "penetration test", "penetration testing":
		return "pentest", true
	case "dpa":
		return "dpa", true

	// Technical and integration.
	case "api", "apis", "endpoint", "endpoints", "graphql":
		return "api", true
	case "integration", "integrations", "integrate", "integrates", "integrated",
		"connector", "connectors", "plug in", "plugin":
		return "integration", true
	case "salesforce", "sfdc":
		return "salesforce", true
	case "hubspot":
		return "hubspot", true
	case "crm", "crms", "dynamics", "pipedrive", "zoho":
		return "crm", true
	case "webhook", "webhooks":
		return "webhook", true
	case "sync", "syncing", "synchronise", "synchronize", "two way":
		return "sync", true
	case "migration", "migrate", "migrating", "import", "importing":
		return "migration", true
	case "zapier":
		return "zapier", true
	case "slack":
		return "slack", true
	case "sandbox", "staging":
		return "sandbox", true
	case "erp", "sap", "netsuite", "oracle":
		return "erp", true
	case "calendar", "calendars", "outlook":
		return "calendar", true

	// Contract terms.
	case "contract", "contracts", "contractual":
		return "contract", true
	case "terms", "term", "conditions":
		return "terms", true
	case "annual", "annually", "yearly", "multi year", "multiyear":
		return "annual", true
	case "monthly", "month to":
		return "monthly", true
	case "commitment", "commit", "lock in", "locked in", "lockin":
		return "commitment", true
	case "cancel", "cancellation", "cancelling", "canceling", "opt out", "termination",
		"terminate":
		return "cancel", true
	case "sla", "slas":
		return "sla", true
	case "legal", "lawyer", "lawyers", "counsel", "redline", "redlines":
		return "legal", true
	case "msa":
		return "msa", true
	case "invoice", "invoices", "invoicing", "billing", "purchase order", "net 30",
		"net 60", "net 90":
		return "invoice", true
	case "pilot", "poc", "proof of":
		return "pilot", true
	}
	return "", false
}

// wordPhrase returns how a stem is named in a reason: "mentioned SOC 2".
func wordPhrase(stem string) string {
	switch stem {
	case "price":
		return "pricing"
	case "expensive":
		return "it being expensive"
	case "afford":
		return "affordability"
	case "discount":
		return "a discount"
	case "quote":
		return "a quote"
	case "renewal":
		return "a renewal"
	case "freeze":
		return "a freeze"
	case "priority":
		return "priorities"
	case "busy":
		return "being busy"
	case "season":
		return "a busy season"
	case "committee":
		return "a buying committee"
	case "decision":
		return "the decision process"
	case "feature":
		return "features"
	case "requirement":
		return "requirements"
	case "workflow":
		return "their workflow"
	case "custom":
		return "customisation"
	case "already":
		return "what they already have"
	case "audit":
		return "audits"
	case "sync":
		return "syncing"
	case "sandbox":
		return "a sandbox"
	case "calendar":
		return "calendars"
	case "contract":
		return "the contract"
	case "legal":
		return "legal review"
	case "roi":
		return "ROI"
	case "seat":
		return "seat licences"
	case "later":
		return "doing it later"
	case "approval":
		return "needing approval"
	case "board":
		return "the board"
	case "usecase":
		return "use cases"
	case "explore":
		return "just exploring"
	case "compare":
		return "comparing vendors"
	case "alternative":
		return "alternatives"
	case "evaluate":
		return "evaluating options"
	case "rfp":
		return "an RFP"
	case "competitor":
		return "a competitor"
	case "currently":
		return "a current setup"
	case "using":
		return "what they use today"
	case "switch":
		return "switching"
	case "replace":
		return "replacing a tool"
	case "spreadsheet":
		return "spreadsheets"
	case "manual":
		return "manual work"
	case "homegrown":
		return "an in-house tool"
	case "reference":
		return "references"
	case "review":
		return "reviews"
	case "reliable":
		return "reliability"
	case "soc2":
		return "SOC 2"
	case "gdpr":
		return "GDPR"
	case "hipaa":
		return "HIPAA"
	case "iso27001":
		return "ISO 27001"
	case "residency":
		return "data residency"
	case "sso":
		return "SSO"
	case "pentest":
		return "pen tests"
	case "dpa":
		return "a DPA"
	case "api":
		return "the API"
	case "salesforce":
		return "Salesforce"
	case "hubspot":
		return "HubSpot"
	case "crm":
		return "their CRM"
	case "webhook":
		return "webhooks"
	case "migration":
		return "migrating data"
	case "zapier":
		return "Zapier"
	case "slack":
		return "Slack"
	case "erp":
		return "their ERP"
	case "terms":
		return "terms"
	case "annual":
		return "annual terms"
	case "monthly":
		return "monthly billing"
	case "cancel":
		return "cancelling"
	case "sla":
		return "an SLA"
	case "msa":
		return "an MSA"
	case "invoice":
		return "invoicing"
	case "pilot":
		return "a pilot"
	case "failed":
		return "a tool that failed them"
	case "proven":
		return "a track record"
	case "unsure":
		return "not being sure they need it"
	case "fine":
		return "managing fine today"
	case "reorg":
		return "changes under way"
	case "fiscal":
		return "the fiscal calendar"
	case "behalf":
		return "asking for someone else"
	}
	return stem
}

// isStopword reports whether t is a function word. Stopwords are dropped
// before stemming so that short words never collide with a stem once a
// suffix is stripped.
func isStopword(t string) bool {
	switch t {
	case "a", "an", "the", "and", "or", "but", "if", "so", "as", "at", "by", "for",
		"from", "in", "into", "of", "on", "to", "with", "about", "is", "are", "was",
		"were", "be", "been", "being", "it", "its", "this", "that", "these", "those",
		"we", "our", "us", "i", "me", "my", "you", "your", "they", "them", "their",
		"he", "she", "his", "her", "do", "does", "did", "have", "has", "had", "will",
		"would", "can", "could", "should", "not", "no", "any", "some", "what", "how",
		"when", "who", "which", "there", "here", "just", "also", "very", "more",
		"up", "out", "all", "than", "then", "too", "please", "hi", "hello", "thanks":
		return true
	}
	return false
}
