package objection

// The prior is what the model believes before it has seen a single recorded
// outcome. It is written as pseudo-counts: a rule's weight says how firmly
// the rule moves a prediction, and recorded outcomes are added on top of the
// whole prior (priorCalls for base rates, featureStrength for each feature),
// so real outcomes take over smoothly and a few cannot swamp it.
//
// The figures are expert judgement from B2B SaaS sales practice, not
// measurements. Each rule says why it exists; change a figure only with a
// reason of the same kind, and re-run TestIndependent. Never change one to
// fit a case of the independent sets (testdata/independent): they are the
// only honest measure the model has.

// priorCalls is the number of imaginary calls behind the base rates: how
// many recorded outcomes it takes for a team's own mix of objections to count
// as much as the prior's. A rate estimated from n calls is off by about
// sqrt(p(1-p)/n); for the rates here (0.1 to 0.4) fifty calls give about
// five points, which is as close as an experienced rep's guess of a rate
// gets. A base rate moves every prediction at once, so it is held a little
// more firmly than a single feature.
const priorCalls = 50

// featureStrength is the number of imaginary calls behind the prior's belief
// about each feature, rules and features without a rule alike (those believe
// the feature is neutral). Thirty calls estimate a rate to within about
// eight points, roughly how far a judgement such as "procurement raises
// contract terms on two calls in three" can be off. So three outcomes move a
// feature a tenth of the way towards what they show, and a team that has
// recorded a hundred calls with a feature is mostly trusted on it. It is set
// from that reasoning, not fitted to any evaluation set.
const featureStrength = 30

// baseRates returns the share of calls on which each category is raised,
// indexed like Categories. The rates do not sum to one: a call raises about
// two objections on average, and some raise none.
func baseRates() [numCategories]float64 {
	var r [numCategories]float64
	// Price is the objection every buyer has permission to raise, but on a
	// first call it is often held back until the value is clear, so it is
	// common rather than near-certain; set higher, it takes a top-three
	// slot on every call whatever else the enquiry says.
	r[PriceBudget.index()] = 0.32
	// "Not now" is as common a brush-off as price on a first call: most
	// inbound enquiries come before a project has a date.
	r[Timing.index()] = 0.28
	// Needing someone else's sign-off is common: most people who fill in a
	// form are not the person who signs.
	r[Authority.index()] = 0.22
	// "Do we really need this?" is the question behind most first calls.
	r[NeedFit.index()] = 0.22
	// Most inbound buyers have looked at one alternative, but only some say so.
	r[Competition.index()] = 0.16
	// "We manage fine today" is the silent competitor on many calls: every
	// buyer has some way of doing the job already.
	r[StatusQuo.index()] = 0.22
	// "You are small, who else uses you, what if it fails" is asked by
	// anyone who has not heard of the vendor before, and presses hardest
	// where a failure would hurt: big buyers and regulated ones.
	r[TrustRisk.index()] = 0.15
	// Security reviews are near-certain in regulated or large accounts and
	// rare elsewhere, so the base rate is low and features do the work.
	r[SecurityCompliance.index()] = 0.12
	// "Does it connect to ours?" comes up once a buyer is past "do we need
	// it", which is rarely the opening of a first call.
	r[TechnicalIntegration.index()] = 0.16
	// Contract terms come up late in a cycle and in larger deals.
	r[ContractTerms.index()] = 0.10
	return r
}

// priorRule ties one feature to categories. It imagines the feature was seen
// on weight calls, and that each listed category was raised on the given
// share of them; unlisted categories keep their base rate, so a rule is
// neutral about everything it does not mention.
type priorRule struct {
	feature string
	weight  float64
	rates   []rate
}

// rate is the share of calls with a feature on which a category was raised.
type rate struct {
	c Category
	p float64
}

// wordRules gives the same rule to several vocabulary stems.
func wordRules(weight float64, rates []rate, stems ...string) []priorRule {
	out := make([]priorRule, 0, len(stems))
	for _, s := range stems {
		out = append(out, priorRule{feature: "word=" + s, weight: weight, rates: rates})
	}
	return out
}

// priorRules returns every prior rule. A fresh slice is built on each call so
// the table can never be changed behind a model's back.
func priorRules() []priorRule {
	rules := []priorRule{
		// Signal types.

		// Someone who asks for pricing before talking to anyone is already
		// weighing cost; the call usually opens on it, and larger buyers ask
		// about billing terms in the same breath.
		// Asking for a price is also how people who cannot buy yet find
		// out whether it is worth taking to their boss, so the evidence is
		// strong but not decisive.
		{"type=pricing_inquiry", 10, []rate{{PriceBudget, 0.65}, {ContractTerms, 0.2}}},
		// A sales contact form is a buying question more often than not, so
		// price and terms come up more than on a demo.
		{"type=contact_sales", 6, []rate{{PriceBudget, 0.5}, {ContractTerms, 0.2}}},
		// A demo is asked for to see whether the product fits the process.
		{"type=demo_request", 6, []rate{{NeedFit, 0.3}}},
		// Trial users have already touched the product; what blocks them is
		// connecting it to their stack and whether it does their job.
		{"type=trial_signup", 6, []rate{{TechnicalIntegration, 0.35}, {NeedFit, 0.3}}},
		// A content download or a webinar is early-stage interest: "not now"
		// and "we are fine as we are" dominate.
		{"type=content_download", 8, []rate{{Timing, 0.4}, {NeedFit, 0.3}, {StatusQuo, 0.3}}},
		{"type=webinar_attended", 8, []rate{{Timing, 0.4}, {StatusQuo, 0.3}}},
		// A technical validation request is an integration and security
		// checkpoint by definition.
		{"type=technical_validation_requested", 10, []rate{{TechnicalIntegration, 0.6}, {SecurityCompliance, 0.3}}},
		// After signature the talk is about onboarding and paperwork, not price.
		{"type=contract_signed", 8, []rate{{ContractTerms, 0.35}, {TechnicalIntegration, 0.35}, {PriceBudget, 0.15}}},

		// Sources.

		// A referral arrives with borrowed trust and is less often shopping around.
		{"source=referral", 6, []rate{{TrustRisk, 0.05}, {Competition, 0.1}}},
		// An outbound prospect did not ask for the call: they defend what they
		// have, question the need and push the timing, and have never heard
		// of us.
		{"source=outbound", 8, []rate{{StatusQuo, 0.4}, {NeedFit, 0.35}, {Timing, 0.35}, {TrustRisk, 0.25}}},
		// Someone who clicked an ad or found us by searching arrives with no
		// one vouching for us, and often with the other ads open in tabs.
		{"source=paid_search", 6, []rate{{TrustRisk, 0.24}, {Competition, 0.24}}},
		// A search is research: the project often has no date yet.
		{"source=organic_search", 6, []rate{{Timing, 0.34}, {TrustRisk, 0.2}}},
		// Leads met at a stand or a webinar are early: interest, not a
		// project.
		{"source=event", 6, []rate{{Timing, 0.36}}},
		{"source=webinar", 6, []rate{{Timing, 0.36}}},
		// Partner-sourced deals come through an integration partner, and the
		// partner's endorsement lowers the trust bar.
		{"source=partner", 4, []rate{{TrustRisk, 0.06}, {TechnicalIntegration, 0.3}}},
		// A buyer who arrives from a review site has been reading comparisons
		// and complaints: alternatives and "will it work for us" come first.
		{"source=review_site", 8, []rate{{Competition, 0.45}, {TrustRisk, 0.3}}},
		// Ads, social posts, podcasts and communities catch people before
		// they have a project: the need and the timing are unproven.
		{"source=social", 6, []rate{{NeedFit, 0.32}, {Timing, 0.32}, {StatusQuo, 0.28}}},
		{"source=community", 6, []rate{{NeedFit, 0.32}, {Timing, 0.32}, {StatusQuo, 0.28}}},

		// Segment and size.

		// Enterprise deals have buying committees, security reviews and
		// legal redlines; price matters less than process.
		// Segment and head count say the same thing twice when both are
		// known, so the segment rules are lighter than the size rules.
		{"segment=enterprise", 8, []rate{{Authority, 0.32}, {SecurityCompliance, 0.3}, {ContractTerms, 0.25}, {PriceBudget, 0.25}, {TrustRisk, 0.24}}},
		// Mid-market buyers often need a director or the CFO to sign.
		{"segment=mid_market", 6, []rate{{Authority, 0.25}}},
		// Small businesses feel every dollar and the caller usually decides.
		{"segment=smb", 6, []rate{{PriceBudget, 0.5}, {Authority, 0.12}, {SecurityCompliance, 0.05}}},
		// Very small companies: price first, and "do we really need this yet"
		// when a handful of people can share leads by talking to each other.
		{"size=1-19", 8, []rate{{PriceBudget, 0.6}, {NeedFit, 0.4}}},
		{"size=20-99", 6, []rate{{PriceBudget, 0.5}}},
		// 1,000+ employees brings procurement, InfoSec and more sign-offs,
		// and a big buyer weighs whether a smaller vendor will last and
		// who else its size runs on it; from 500 the same starts.
		{"size=500-999", 6, []rate{{Authority, 0.28}, {TrustRisk, 0.22}}},
		{"size=1000+", 10, []rate{{SecurityCompliance, 0.3}, {ContractTerms, 0.25}, {Authority, 0.3}, {TrustRisk, 0.28}}},

		// Industries.

		// Patient data: HIPAA and a BAA are asked for before anything else,
		// and a system that fails patients is not forgiven.
		{"industry=healthcare", 10, []rate{{SecurityCompliance, 0.6}, {TrustRisk, 0.22}}},
		// Regulated finance: vendor risk reviews, contract scrutiny, and a
		// conservative view of young vendors.
		{"industry=finance", 10, []rate{{SecurityCompliance, 0.55}, {ContractTerms, 0.2}, {TrustRisk, 0.28}}},
		// Public sector: security, fixed procurement terms and fiscal-year
		// timing, and a preference for vendors with a public-sector track
		// record.
		{"industry=government", 8, []rate{{SecurityCompliance, 0.45}, {ContractTerms, 0.4}, {Timing, 0.35}, {TrustRisk, 0.25}}},
		// Schools buy on an academic budget cycle with thin budgets.
		{"industry=education", 6, []rate{{PriceBudget, 0.55}, {Timing, 0.35}}},
		// Nonprofits ask for a discount on almost every call.
		{"industry=nonprofit", 6, []rate{{PriceBudget, 0.65}}},
		// Retail and hospitality live by their peak seasons: "not before the
		// holidays are over".
		{"industry=retail", 6, []rate{{Timing, 0.4}}},
		{"industry=hospitality", 6, []rate{{Timing, 0.4}, {NeedFit, 0.3}}},
		// Trades that sell by phone, email and relationships (building,
		// freight, factories, property) question whether a routing tool fits
		// how they sell, and are used to the way they work now.
		{"industry=construction", 6, []rate{{NeedFit, 0.35}, {StatusQuo, 0.35}, {Timing, 0.3}}},
		{"industry=logistics", 6, []rate{{NeedFit, 0.3}, {StatusQuo, 0.35}}},
		{"industry=manufacturing", 6, []rate{{NeedFit, 0.3}, {StatusQuo, 0.35}}},
		{"industry=real_estate", 6, []rate{{NeedFit, 0.3}, {StatusQuo, 0.3}}},
		// An industry outside the usual list sells in ways the product was
		// not designed around.
		{"industry=other", 4, []rate{{NeedFit, 0.3}}},

		// Intake answers.

		// No budget answer is weak evidence: most forms never ask. Price
		// will be tested, and someone else may hold the purse, but only a
		// little more often than on any call.
		{"budget=unknown", 3, []rate{{PriceBudget, 0.35}, {Authority, 0.25}}},
		// An explicit "no budget" is a price and a timing objection at once.
		{"budget=none", 8, []rate{{PriceBudget, 0.7}, {Timing, 0.35}}},
		// A small budget collides with list price.
		{"budget=low", 8, []rate{{PriceBudget, 0.6}}},
		// A large or approved budget moves price down the list.
		{"budget=high", 6, []rate{{PriceBudget, 0.25}}},
		{"budget=approved", 6, []rate{{PriceBudget, 0.25}, {Authority, 0.12}}},
		// A timeline beyond this quarter is a timing objection waiting to be said.
		{"timeline=long", 8, []rate{{Timing, 0.55}}},
		// "Just exploring" is early interest: timing, status quo and fit.
		{"timeline=exploring", 8, []rate{{Timing, 0.45}, {StatusQuo, 0.35}, {NeedFit, 0.3}}},
		// An urgent buyer rarely objects on timing but asks how fast it connects.
		{"timeline=immediate", 6, []rate{{Timing, 0.08}, {TechnicalIntegration, 0.3}}},
		// A named competitor means a comparison is coming, and often that the
		// competitor is what they use today.
		{"competitor=named", 10, []rate{{Competition, 0.6}, {StatusQuo, 0.3}}},
		// Existing customers already trust us; they negotiate terms and price
		// of the expansion.
		{"customer=existing", 8, []rate{{ContractTerms, 0.3}, {PriceBudget, 0.45}, {TrustRisk, 0.04}, {Competition, 0.08}}},
	}

	// Who is on the call. The title says whether the contact can sign and
	// which lens they bring; these are the strongest signals on a form with
	// no message.
	rules = append(rules,
		// Whether the contact can sign decides whether "I need to check
		// with ..." comes up; see signer for who can.
		priorRule{"signer=no", 10, []rate{{Authority, 0.55}}},
		priorRule{"signer=maybe", 4, []rate{{Authority, 0.3}}},
		priorRule{"signer=yes", 8, []rate{{Authority, 0.06}}},
		// Interns, assistants, coordinators and SDRs gather information for
		// someone else even more often than other staff.
		priorRule{"seniority=junior", 8, []rate{{Authority, 0.5}}},
		// Directors, VPs and executives who can sign ask whether it fits
		// their process and whether now is the moment.
		priorRule{"seniority=director", 6, []rate{{NeedFit, 0.28}}},
		priorRule{"seniority=vp", 6, []rate{{NeedFit, 0.28}}},
		priorRule{"seniority=exec", 8, []rate{{NeedFit, 0.3}, {Timing, 0.3}}},

		// Procurement runs the paper and the comparison, and presses on price.
		priorRule{"function=procurement", 12, []rate{{ContractTerms, 0.65}, {PriceBudget, 0.55}, {Competition, 0.3}}},
		// Legal reads the contract before anything else.
		priorRule{"function=legal", 10, []rate{{ContractTerms, 0.7}, {SecurityCompliance, 0.35}}},
		// Security, compliance and risk people open with the questionnaire.
		priorRule{"function=security", 12, []rate{{SecurityCompliance, 0.8}}},
		// Finance asks what it costs and what it returns.
		priorRule{"function=finance", 10, []rate{{PriceBudget, 0.65}, {ContractTerms, 0.25}}},
		// Engineers and IT ask how it connects and how it is secured.
		priorRule{"function=it", 10, []rate{{TechnicalIntegration, 0.65}, {SecurityCompliance, 0.3}}},
		// RevOps owns the CRM and the routing rules it already has.
		priorRule{"function=revops", 8, []rate{{TechnicalIntegration, 0.5}, {StatusQuo, 0.32}, {NeedFit, 0.3}}},
		// General operations guards the current process.
		priorRule{"function=operations", 6, []rate{{StatusQuo, 0.35}, {NeedFit, 0.3}}},
		// Marketing usually needs sales to agree and sales leadership to pay.
		priorRule{"function=marketing", 6, []rate{{Authority, 0.35}, {NeedFit, 0.3}}},
		// The owner of a company spends their own money.
		priorRule{"function=general", 6, []rate{{PriceBudget, 0.5}, {Authority, 0.04}}},
		// Someone outside the revenue team is rarely the buyer and may not
		// have the problem the product solves.
		priorRule{"function=other_team", 8, []rate{{NeedFit, 0.45}, {Authority, 0.45}}},

		// What they use today.

		// Nothing in place: the question is whether they need anything.
		priorRule{"current=none", 8, []rate{{NeedFit, 0.45}, {StatusQuo, 0.12}}},
		// Spreadsheets and inboxes "work well enough".
		priorRule{"current=manual", 10, []rate{{StatusQuo, 0.6}}},
		// Whoever built the in-house tool defends it, and replacing it is a
		// migration.
		priorRule{"current=homegrown", 10, []rate{{StatusQuo, 0.55}, {TechnicalIntegration, 0.35}}},
		// A competitor in place means a comparison and a switching cost.
		priorRule{"current=competitor", 10, []rate{{Competition, 0.5}, {StatusQuo, 0.35}, {ContractTerms, 0.2}}},
		// The CRM's own assignment rules are free and already there.
		priorRule{"current=crm", 8, []rate{{StatusQuo, 0.45}, {TechnicalIntegration, 0.4}}},
		// Locked into a contract: nothing moves before it ends.
		priorRule{"current=contract", 10, []rate{{Timing, 0.45}, {ContractTerms, 0.4}, {StatusQuo, 0.3}}},
		// Any other tool in place is a status quo to displace.
		priorRule{"current=tool", 6, []rate{{StatusQuo, 0.4}}},

		// Who else decides.

		priorRule{"deciders=self", 8, []rate{{Authority, 0.04}, {PriceBudget, 0.45}}},
		priorRule{"deciders=leadership", 10, []rate{{Authority, 0.6}}},
		priorRule{"deciders=committee", 10, []rate{{Authority, 0.55}, {Timing, 0.3}}},
		priorRule{"deciders=procurement", 10, []rate{{ContractTerms, 0.5}, {Authority, 0.4}}},
		priorRule{"deciders=technical", 10, []rate{{SecurityCompliance, 0.4}, {TechnicalIntegration, 0.4}}},
		// Not knowing who decides is an authority objection in waiting.
		priorRule{"deciders=unsure", 8, []rate{{Authority, 0.55}}},
	)

	// What the account objected to on earlier calls: the same people tend
	// to raise the same concern again, and a concern a buyer has voiced to
	// us is stronger evidence than any inferred from the form, so it
	// weighs like the words they wrote themselves.
	for _, c := range Categories() {
		rules = append(rules, priorRule{"prior=" + string(c), 10, []rate{{c, 0.75}}})
	}

	// Words. Each group is a vocabulary stem the prospect wrote themselves,
	// which is stronger evidence than anything inferred, so the rates are high.

	// Money words: the prospect brought up price before we did.
	rules = append(rules, wordRules(8, []rate{{PriceBudget, 0.75}},
		"price", "cost", "budget", "expensive", "afford", "discount", "quote")...)
	// ROI asks for a business case: price and whether the need is real.
	rules = append(rules, wordRules(6, []rate{{PriceBudget, 0.5}, {NeedFit, 0.3}}, "roi")...)
	// Seats and licences: per-user pricing and the term they are bought on.
	rules = append(rules, wordRules(6, []rate{{PriceBudget, 0.5}, {ContractTerms, 0.3}}, "seat")...)
	// A renewal elsewhere dictates timing and sets up a comparison.
	rules = append(rules, wordRules(6, []rate{{Timing, 0.45}, {Competition, 0.3}, {ContractTerms, 0.3}}, "renewal")...)
	// A freeze stops both money and timing.
	rules = append(rules, wordRules(6, []rate{{Timing, 0.55}, {PriceBudget, 0.4}}, "freeze")...)
	// Priorities, busy teams, "later" and seasonal peaks are timing.
	rules = append(rules, wordRules(6, []rate{{Timing, 0.55}}, "priority", "busy", "later", "season")...)
	// Naming approvers, boards, executives or procurement announces an
	// authority objection.
	rules = append(rules, wordRules(6, []rate{{Authority, 0.6}},
		"approval", "board", "leadership", "committee", "decision")...)
	rules = append(rules, wordRules(6, []rate{{Authority, 0.5}, {ContractTerms, 0.4}}, "procurement")...)
	// Features, requirements and unusual workflows are fit questions.
	rules = append(rules, wordRules(6, []rate{{NeedFit, 0.5}},
		"feature", "requirement", "workflow", "custom", "usecase")...)
	// Exploring: fit and timing, and the current way of working.
	rules = append(rules, wordRules(6, []rate{{NeedFit, 0.4}, {Timing, 0.4}, {StatusQuo, 0.3}}, "explore")...)
	// Comparing, alternatives, evaluations and competitor names are
	// competition; an RFP also brings process and paper.
	rules = append(rules, wordRules(8, []rate{{Competition, 0.6}},
		"compare", "alternative", "evaluate", "competitor")...)
	rules = append(rules, wordRules(6, []rate{{Competition, 0.5}, {Authority, 0.3}, {ContractTerms, 0.35}}, "rfp")...)
	// Talking about what they use today, switching or replacing: status quo,
	// and the incumbent is a competitor.
	rules = append(rules, wordRules(6, []rate{{StatusQuo, 0.5}, {Competition, 0.3}},
		"currently", "using", "switch", "replace", "already")...)
	// Spreadsheets, manual work and in-house tools are the status quo itself.
	rules = append(rules, wordRules(6, []rate{{StatusQuo, 0.55}},
		"spreadsheet", "manual", "homegrown")...)
	// References, reviews, reliability and risk words ask whether we can
	// be trusted; so does a tool that failed them before, or asking who
	// else like them uses it.
	rules = append(rules, wordRules(6, []rate{{TrustRisk, 0.5}},
		"reference", "review", "reliable", "risk", "proven")...)
	rules = append(rules, wordRules(6, []rate{{TrustRisk, 0.5}, {StatusQuo, 0.3}}, "failed")...)
	// "Not sure we need it" is the need question itself.
	rules = append(rules, wordRules(6, []rate{{NeedFit, 0.55}}, "unsure")...)
	// "What we have works" is the status quo in their own words.
	rules = append(rules, wordRules(6, []rate{{StatusQuo, 0.6}}, "fine")...)
	// A reorganisation, a launch or a hiring wave pushes new tools back; so
	// does the fiscal calendar, which also decides when money exists.
	rules = append(rules, wordRules(6, []rate{{Timing, 0.55}}, "reorg")...)
	rules = append(rules, wordRules(6, []rate{{Timing, 0.5}, {PriceBudget, 0.35}}, "fiscal")...)
	// Asking on someone else's behalf is an authority objection announced.
	rules = append(rules, wordRules(6, []rate{{Authority, 0.65}}, "behalf")...)
	// Security and compliance vocabulary is almost always followed by a
	// questionnaire.
	rules = append(rules, wordRules(8, []rate{{SecurityCompliance, 0.7}},
		"security", "soc2", "gdpr", "hipaa", "iso27001", "compliance", "privacy",
		"residency", "audit", "encryption", "pentest", "dpa")...)
	// SSO is both a security requirement and an integration task.
	rules = append(rules, wordRules(6, []rate{{SecurityCompliance, 0.5}, {TechnicalIntegration, 0.4}}, "sso")...)
	// APIs, integrations and named systems: "will it connect to ours?".
	rules = append(rules, wordRules(8, []rate{{TechnicalIntegration, 0.65}},
		"api", "integration", "salesforce", "hubspot", "crm", "webhook", "sync",
		"migration", "zapier", "slack", "sandbox", "erp", "calendar")...)
	// Contract vocabulary: terms, commitments, legal review and billing.
	rules = append(rules, wordRules(6, []rate{{ContractTerms, 0.6}},
		"contract", "terms", "annual", "monthly", "commitment", "cancel", "sla",
		"legal", "msa", "invoice")...)
	// A pilot is a way to defer commitment and test fit.
	rules = append(rules, wordRules(6, []rate{{ContractTerms, 0.35}, {NeedFit, 0.3}}, "pilot")...)
	return rules
}
