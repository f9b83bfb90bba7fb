package match

import (
	"fmt"
	"strconv"
)

// Methods name the evidence a Match rests on, strongest first.
const (
	// MethodAccountDomain: the lead's company domain equals the account's
	// domain.
	MethodAccountDomain = "account_domain"
	// MethodEmailDomain: the registrable domain of the contact's email equals
	// the account's domain.
	MethodEmailDomain = "email_domain"
	// MethodDomainAlias: the lead's company domain or email domain equals one
	// of the account's alias domains.
	MethodDomainAlias = "domain_alias"
	// MethodCompanyName: the lead's company name is identical to the
	// account's name after NormalizeCompany, or similar enough.
	MethodCompanyName = "company_name"
)

// Query is what a lead or contact tells us about their company. Any field may
// be empty; all are free text as typed or imported.
type Query struct {
	// Email is the contact's email address.
	Email string
	// Domain is the lead's company website or domain, if the form or import
	// had one.
	Domain string
	// Company is the company name as the lead typed it.
	Company string
}

// Match is the account a Query resolved to and why.
type Match struct {
	// AccountID is the matched Account.ID.
	AccountID string
	// Method is one of the Method constants.
	Method string
	// Confidence is 1 for exact evidence (a domain, an alias or an identical
	// normalised name) and the name Similarity, at least the index's
	// threshold, for a fuzzy name match. It does not rank methods against
	// each other: callers who trust a domain more than a name read Method.
	Confidence float64
	// Detail says in a sentence why the account matched, for an audit trail
	// or a reviewer, e.g. "contact email domain acme.com equals account
	// domain".
	Detail string
}

// Match finds the account q belongs to. It tries, in order and stopping at
// the first hit, q.Domain against account domains, the email's domain
// against account domains, either against alias domains, and finally
// q.Company against account names (see the package documentation). When
// several accounts fit the same step equally well, the one with the lowest
// ID wins and Detail says how many shared it. The second result is false
// when nothing matched, and the Match is then zero.
//
// A lead whose email or website is at a company domain that no account
// owns works for a company the CRM does not know, unless its company name
// is the same as an account's (see nameForm): such a lead never matches a
// merely similar name, because handing it to the owner of a neighbour
// ("Northwind Logistics" for a lead at northwindtravel.com) is worse than
// creating an account.
func (ix *Index) Match(q Query) (Match, bool) {
	lead, why := NormalizeDomain(q.Domain), ""
	switch {
	case isFreeMailNormalized(lead):
		why = "; lead company domain " + lead + " is free mail"
		lead = ""
	case lead != "" && !isCompanyWebsite(lead):
		why = "; lead company domain " + lead + " is not a company's own site"
		lead = ""
	}
	email := NormalizeDomain(q.Email)
	if isFreeMailNormalized(email) {
		why += "; contact email domain " + email + " is free mail"
		email = ""
	}

	if ns := ix.domains[lead]; lead != "" && len(ns) > 0 {
		return ix.domainMatch(ns, MethodAccountDomain, "lead company domain "+lead+" equals account domain"), true
	}
	if ns := ix.domains[email]; email != "" && len(ns) > 0 {
		return ix.domainMatch(ns, MethodEmailDomain, "contact email domain "+email+" equals account domain"), true
	}
	if ns := ix.aliases[lead]; lead != "" && len(ns) > 0 {
		return ix.domainMatch(ns, MethodDomainAlias, "lead company domain "+lead+" is an alias domain of the account"), true
	}
	if ns := ix.aliases[email]; email != "" && len(ns) > 0 {
		return ix.domainMatch(ns, MethodDomainAlias, "contact email domain "+email+" is an alias domain of the account"), true
	}
	// Neither domain belongs to an account.
	unowned := lead
	if unowned == "" {
		unowned = email
	}
	if ix.threshold > 1 {
		return Match{}, false
	}

	f := newNameForm(NormalizeCompany(q.Company))
	if f.key == "" || isPlaceholderName(f.norm) {
		return Match{}, false
	}
	if n, ok := ix.exactName(&f); ok {
		e := ix.names[n]
		detail := fmt.Sprintf("company name %q is the same as account name %q after normalisation (%q)",
			q.Company, ix.accounts[e.accounts[0]].name, f.key)
		if unowned != "" {
			detail += "; domain " + unowned + " belongs to no account, so only the same name matches"
		}
		return ix.nameMatch(e.accounts, 1, detail, why), true
	}
	if unowned != "" {
		return Match{}, false
	}
	if ns := ix.labels[f.key]; len(ns) > 0 {
		detail := fmt.Sprintf("company name %q is the name in the account's domain or alias domain (%q)", q.Company, f.key)
		return ix.nameMatch(ns, 1, detail, why), true
	}
	for _, head := range headVariants(q.Company) {
		h := newNameForm(NormalizeCompany(head))
		if h.key == "" || isPlaceholderName(h.norm) {
			continue
		}
		if n, ok := ix.exactName(&h); ok {
			e := ix.names[n]
			detail := fmt.Sprintf("company name %q, up to its separator, is the same as account name %q after normalisation (%q)",
				q.Company, ix.accounts[e.accounts[0]].name, h.key)
			return ix.nameMatch(e.accounts, 1, detail, why), true
		}
	}
	n, score, ok := ix.bestName(&f)
	if !ok {
		return Match{}, false
	}
	e := ix.names[n]
	detail := fmt.Sprintf("company name %q is %.2f similar to account name %q (Jaro-Winkler of %q and %q, threshold %.2f, words agree)",
		q.Company, score, ix.accounts[e.accounts[0]].name, string(f.runes), string(e.form.runes), ix.threshold)
	return ix.nameMatch(e.accounts, score, detail, why), true
}

// nameMatch is the Match for the accounts ns (ascending ID) found by a name
// step, with why appended to detail.
func (ix *Index) nameMatch(ns []int32, confidence float64, detail, why string) Match {
	return Match{
		AccountID:  ix.accounts[ns[0]].id,
		Method:     MethodCompanyName,
		Confidence: confidence,
		Detail:     detail + shared(len(ns), "name") + why,
	}
}

// domainMatch is the Match for the accounts ns (ascending ID) found by a
// domain step.
func (ix *Index) domainMatch(ns []int32, method, detail string) Match {
	return Match{
		AccountID:  ix.accounts[ns[0]].id,
		Method:     method,
		Confidence: 1,
		Detail:     detail + shared(len(ns), "domain"),
	}
}

// shared is the Detail suffix for a tie between n accounts over what.
func shared(n int, what string) string {
	if n < 2 {
		return ""
	}
	return "; " + strconv.Itoa(n) + " accounts share this " + what + ", chose the lowest ID"
}
