// Package match links an inbound lead or contact to an existing account.
//
// It is pure: no I/O, no clock, no globals that change. Callers load their
// accounts, build an [Index] once with [NewIndex], keep it current with
// [Index.Add] and call [Index.Match] for each lead; Match is safe for
// concurrent use, Add only under the caller's write lock.
//
// Evidence is tried strongest first and the first step that finds an account
// wins:
//
//  1. the lead's company domain (Query.Domain) equals an account's domain;
//  2. the registrable domain of the lead's email equals an account's domain;
//  3. either of those equals one of an account's alias domains;
//  4. the lead's company name is the same as an account's name after
//     normalisation (see below);
//  5. the lead's company name is the name in an account's domain or alias
//     domain ("Fjellsoft" for an account that owns fjellsoft.no: former
//     names live on in alias domains);
//  6. the part of the company name before a separator is the same as an
//     account's name ("Gulmohar Fintech, Bangalore");
//  7. the lead's company name is similar enough to exactly one account's
//     name.
//
// Free-mail domains (gmail.com, outlook.com, …; see [IsFreeMail]) never match
// by domain, on either side: a contact at gmail.com can only match by
// company name, and an account whose only domain is gmail.com can only be
// matched by name. A lead website on a social or site-building host
// (linkedin.com, wixsite.com, …) is ignored the same way.
//
// A lead whose email or website is at a company domain that no account
// owns is taken to work for a company the CRM does not know: it matches by
// step 4 only. A similar name is not enough, because a lead at
// northwindtravel.com calling itself "Northwind Travel" is not Northwind
// Logistics, and routing it to Northwind Logistics' owner is worse than
// creating an account.
//
// "The same name" means equal after folding case, accents and
// transliteration ("Müller", "Mueller" and "Muller" agree; so do "ß" and
// "ss", "ø" and "oe", "å" and "aa"), punctuation and spacing ("Blue Field"
// is "Bluefield"), connectives ("&", "and", "und"), legal forms, a leading
// "the", parenthesised or separated departments and offices ("- afdeling
// inkoop", "(Bangalore office)", ", Procurement") and common abbreviations
// ("Intl", "Mfg", "Svcs", "Vers.", "Tech"). A "similar" name must reach the
// Jaro-Winkler threshold as a whole and in its first word, and its words
// must agree one by one with the account's: each the same, a slip of typing,
// an inflection ("Publishers" for "Publishing") or, for the last, a
// truncation; the account may have trailing words the lead left out, and the
// lead may add a region or a legal form. When two accounts' names fit
// almost equally well, nothing matches.
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
//   - Transliteration covers Latin scripts only (Cyrillic, CJK and other
//     scripts are compared as written). The transliteration fold also folds
//     the same letter pairs in English words ("Blue" is "blu"), so two
//     accounts whose names differ only by such a pair are one name to the
//     matcher. There is no acronym expansion ("IBM" is not "International
//     Business Machines") and no knowledge of corporate families.
//   - A lead at an unowned corporate domain whose company name has a typo,
//     or a regional ISP's address missing from the free-mail list, matches
//     only an identical name: a miss rather than a guess.
//   - The word rule refuses a name with a word the account does not have,
//     typos that glue or split words ("EnergyPLC"), a city without a
//     separator ("Gulmohar Fintech Bangalore Office"), and a lone
//     distinctive first word ("Yamabuki" for "Yamabuki Foods"). A slip in a
//     short first word ("Acne Robotics") fails the first-word threshold.
//   - Different companies whose names differ by one slip ("Acme Labs" and
//     "Acme Lads") still match each other when only one of them is an
//     account.
//   - The fuzzy name step looks only at accounts that share enough
//     character trigrams with the query's first word (see [Index]). That
//     blocking is a heuristic: a first word of four letters with two
//     letters swapped, or made only of very common trigrams, is missed even
//     when the rule would have accepted it (under 1 in 100 two-typo queries
//     in the tests).
//   - A company made of free-mail providers' own staff (Zoho, Yahoo) cannot
//     be matched by domain, because their domains are on the free-mail list.
package match
