package match

import (
	"strings"

	"golang.org/x/net/publicsuffix"
)

// NormalizeDomain reduces a domain, URL or email address to the registrable
// domain that identifies a company: "https://www.EU.Acme.co.uk:443/about",
// "eu.acme.co.uk" and "Jane.Doe@eu.acme.co.uk" all become "acme.co.uk".
//
// It lowercases and trims s, strips a scheme (also when mistyped, as in
// "https//acme.com" or "http:/acme.com", or protocol-relative "//acme.com"),
// user info, path, query, port and trailing dot, keeps the part after the
// last '@' of an email address, and reduces the host to its effective TLD plus one label
// using the public suffix list, which also removes "www." and regional
// subdomains. Private suffixes on the list are respected, so tenants such as
// acme.github.io stay distinct from github.io. When the whole of s is not a
// domain but one of its words is ("Website: acme.com", "acme.com, acme.de"),
// the first such word is used.
//
// It returns "" for anything that is not a host name under a known top-level
// domain: empty input, IP addresses, bare public suffixes ("co.uk"), Unicode
// hosts not in punycode (converting them would need golang.org/x/text), and
// hosts under unknown TLDs ("acme.local").
//
// NormalizeDomain is idempotent: NormalizeDomain(NormalizeDomain(s)) equals
// NormalizeDomain(s).
func NormalizeDomain(s string) string {
	if d := normalizeDomain(s); d != "" {
		return d
	}
	if !strings.ContainsAny(s, " \t,;|") {
		return ""
	}
	for _, word := range strings.FieldsFunc(s, func(r rune) bool {
		return r == ' ' || r == '\t' || r == ',' || r == ';' || r == '|'
	}) {
		if d := normalizeDomain(word); d != "" {
			return d
		}
	}
	return ""
}

// normalizeDomain is NormalizeDomain for one word.
func normalizeDomain(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = trimScheme(s)
	if i := strings.Index(s, "://"); i >= 0 {
		// A URL: the host ends at the path; user info ends at the last '@'.
		s = cutAny(s[i+3:], "/?#")
		s = afterLast(s, '@')
	} else {
		// An email address (possibly "mailto:") or a bare host, possibly with
		// a path. Take the domain first so a '/' in a local part is harmless.
		s = afterLast(s, '@')
		s = cutAny(s, "/?#")
	}
	s = strings.Trim(s, `<>"'()[] `)
	if i := strings.IndexByte(s, ':'); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimSuffix(s, ".")
	if !validHost(s) {
		return ""
	}
	d, err := publicsuffix.EffectiveTLDPlusOne(s)
	if err != nil {
		// s is itself a public suffix ("co.uk", "com"): not a company.
		return ""
	}
	if !knownTLD(d) {
		return ""
	}
	return d
}

// trimScheme rewrites a mistyped web scheme ("https//", "http:/", "http:\\")
// and a protocol-relative "//" as a plain "://" so that NormalizeDomain
// reads what follows as a URL.
func trimScheme(s string) string {
	if strings.HasPrefix(s, "//") {
		return "://" + strings.TrimLeft(s, "/")
	}
	for _, scheme := range []string{"https", "http"} {
		rest, ok := strings.CutPrefix(s, scheme)
		if !ok || rest == "" || !strings.ContainsRune(":/\\", rune(rest[0])) {
			continue
		}
		return scheme + "://" + strings.TrimLeft(rest, ":/\\")
	}
	return s
}

// cutAny returns s up to the first byte that is in chars.
func cutAny(s, chars string) string {
	if i := strings.IndexAny(s, chars); i >= 0 {
		return s[:i]
	}
	return s
}

// afterLast returns the part of s after the last c, or s when c is absent.
func afterLast(s string, c byte) string {
	if i := strings.LastIndexByte(s, c); i >= 0 {
		return s[i+1:]
	}
	return s
}

// validHost reports whether s is a lowercase ASCII host name with at least
// two labels of letters, digits and inner hyphens (RFC 1123 lengths).
func validHost(s string) bool {
	if len(s) == 0 || len(s) > 253 || !strings.Contains(s, ".") {
		return false
	}
	for label := range strings.SplitSeq(s, ".") {
		if len(label) == 0 || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
				return false
			}
		}
	}
	return true
}

// knownTLD reports whether the registrable domain d sits under a top-level
// domain that ICANN manages. The whole-domain check covers wildcard TLDs
// such as *.ck; the last-label check covers private suffixes such as
// github.io, whose own suffix is not ICANN-managed but whose TLD is.
func knownTLD(d string) bool {
	if _, icann := publicsuffix.PublicSuffix(d); icann {
		return true
	}
	_, icann := publicsuffix.PublicSuffix(d[strings.LastIndexByte(d, '.')+1:])
	return icann
}
