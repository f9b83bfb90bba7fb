// Package match links an inbound lead or contact to an existing account.
//
// It is pure: no I/O, no clock, no globals that change. Callers load their
// accounts, build an [Index] once with [NewIndex] and call [Index.Match] for
// each lead; an Index is safe for concurrent use.
//
// Evidence is tried strongest first and the first step that finds an account
// wins:
//
//  1. the lead's company domain (Query.Domain) equals an account's domain;
//  2. the registrable domain of the lead's email equals an account's domain;
//  3. either of those equals one of an account's alias domains;
//  4. the lead's company name is similar enough to an account's name.
//
// Free-mail domains (gmail.com, outlook.com, …; see [IsFreeMail]) never match
// by domain, on either side: a contact at gmail.com can only match by
// company name, and an account whose only domain is gmail.com can only be
// matched by name.
//
// Limits, stated plainly:
//
//   - Domains are compared at the registrable level (eTLD+1), so uk.acme.com
//     and acme.com are the same company. Two accounts that share a
//     registrable domain (a parent and a regional subsidiary kept apart in
//     the CRM) tie, and the lowest ID wins; Match.Detail says so.
//   - Internationalised domains are accepted only in their ASCII (punycode)
//     form; a Unicode host normalises to "".
//   - Hosts under an unknown top-level domain (acme.local, acme.internal)
//     and IP addresses are treated as junk.
//   - Company names are folded for case, punctuation, Latin accents and
//     legal suffixes only. There is no transliteration (Cyrillic, CJK and
//     other scripts are compared as written), no abbreviation expansion
//     ("IBM" is not "International Business Machines") and no knowledge of
//     corporate families.
//   - Name similarity is Jaro-Winkler, which rewards a shared prefix: a
//     short name plus a few letters ("Strip" and "Stripe") can pass the
//     default threshold, while a reordered name ("Robotics Acme") does not.
//     A fuzzy match also needs the first words to reach the threshold, which
//     rejects neighbours that share a trailing word ("Bayview Dental Studio"
//     against "Bayside Dental Studio") but also a typo in a short first word
//     ("Acne Robotics"). Names of under five letters match only exactly.
//   - Different companies with near-identical names ("Harborside Medical
//     Billing" and "Harborview Medical Billing") still match; the more
//     accounts, the more such neighbours. On 100,000 synthetic accounts about
//     one in ten unknown synthetic names matched something, against one in
//     two without the first-word rule. Treat company_name matches as
//     suggestions to review, or raise the threshold.
//   - The fuzzy name step looks only at accounts that share enough
//     character trigrams with the query (see [Index]). That blocking is a
//     heuristic: a name that shares under a quarter of its trigrams with the
//     account name, or only very common ones, is not found even when
//     Jaro-Winkler would have scored it above the threshold (1 in 500
//     two-typo queries in the tests).
//   - A company made of free-mail providers' own staff (Zoho, Yahoo) cannot
//     be matched by domain, because their domains are on the free-mail list.
package match
