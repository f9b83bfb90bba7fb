package match

import (
	"strings"
	"testing"
)

func TestNormalizeDomain(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"KeepsRegistrableDomain", "acme.com", "acme.com"},
		{"Lowercases", "ACME.Com", "acme.com"},
		{"TrimsSpace", "  acme.com\t", "acme.com"},
		{"StripsWWW", "www.acme.com", "acme.com"},
		{"StripsScheme", "https://acme.com", "acme.com"},
		{"StripsSchemePathAndQuery", "http://www.acme.com/about?x=1#team", "acme.com"},
		{"StripsPort", "acme.com:8443", "acme.com"},
		{"StripsUserInfo", "https://bob:secret@www.acme.com:443/", "acme.com"},
		{"StripsPathWithoutScheme", "acme.com/pricing", "acme.com"},
		{"StripsTrailingDot", "acme.com.", "acme.com"},
		{"TakesEmailDomain", "Jane.Doe@Acme.com", "acme.com"},
		{"TakesLastAt", `"odd@local"@acme.com`, "acme.com"},
		{"AcceptsDisplayNameEmail", "Jane Doe <jane@acme.com>", "acme.com"},
		{"AcceptsMailto", "mailto:jane@acme.com?subject=hi", "acme.com"},
		{"ReducesSubdomain", "eu.sales.acme.com", "acme.com"},
		{"ReducesUnderSecondLevelSuffix", "eu.acme.co.uk", "acme.co.uk"},
		{"ReducesEmailSubdomain", "jo@mail.eu.acme.co.uk", "acme.co.uk"},
		{"KeepsThreeLabelSuffix", "shop.acme.com.au", "acme.com.au"},
		{"KeepsPrivateSuffixTenant", "docs.acme.github.io", "acme.github.io"},
		{"KeepsWWWWhenItIsTheName", "www.com", "www.com"},
		{"AcceptsNewGTLD", "quillon.law", "quillon.law"},
		{"AcceptsPunycode", "xn--bcher-kva.de", "xn--bcher-kva.de"},
		{"AcceptsHyphen", "contoso-pharma.ch", "contoso-pharma.ch"},
		{"RejectsEmpty", "", ""},
		{"RejectsSpaceOnly", "   ", ""},
		{"RejectsSingleLabel", "localhost", ""},
		{"RejectsEmailWithoutTLD", "bob@acme", ""},
		{"RejectsBarePublicSuffix", "co.uk", ""},
		{"RejectsTLD", "com", ""},
		{"RejectsUnknownTLD", "acme.local", ""},
		{"RejectsIPv4", "192.168.0.1", ""},
		{"RejectsIPv6", "[::1]", ""},
		{"RejectsUnicodeHost", "bücher.de", ""},
		{"RejectsInnerSpace", "acme .com", ""},
		{"RejectsEmptyLabel", "acme..com", ""},
		{"RejectsLeadingHyphen", "-acme.com", ""},
		{"RejectsUnderscore", "ac_me.com", ""},
		{"RejectsLongLabel", strings.Repeat("a", 64) + ".com", ""},
		{"RejectsEmailWithoutDomain", "bob@", ""},
		{"RejectsWords", "not a domain", ""},
		{"StripsSchemeMissingColon", "https//www.acme.com/about", "acme.com"},
		{"StripsSchemeWithOneSlash", "http:/acme.com", "acme.com"},
		{"StripsProtocolRelative", "//www.acme.com/x", "acme.com"},
		{"StripsUppercaseScheme", "HTTPS://WWW.ACME.COM", "acme.com"},
		{"KeepsHostStartingWithHTTP", "httpacme.com", "httpacme.com"},
		{"StripsParentheses", "(www.acme.com)", "acme.com"},
		{"TakesDomainWordFromLabel", "Website: www.acme.com", "acme.com"},
		{"TakesFirstOfSeveral", "acme.com, acme.de", "acme.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := NormalizeDomain(tt.in)
			if got != tt.want {
				t.Errorf("NormalizeDomain(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if again := NormalizeDomain(got); again != got {
				t.Errorf("NormalizeDomain(%q) = %q, not idempotent", got, again)
			}
		})
	}
}

func TestIsFreeMail(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want bool
	}{
		{"gmail.com", true},
		{"GoogleMail.com", true},
		{"jane@gmail.com", true},
		{"https://www.outlook.com/", true},
		{"hotmail.co.uk", true},
		{"hotmail.com.tr", true}, // hotmail.* brand rule
		{"yahoo.com.ar", true},   // yahoo.* brand rule
		{"gmx.fr", true},         // gmx.* brand rule
		{"yandex.com.tr", true},  // yandex.* brand rule
		{"live.com", true},
		{"icloud.com", true},
		{"me.com", true},
		{"aol.com", true},
		{"proton.me", true},
		{"protonmail.com", true},
		{"web.de", true},
		{"mail.ru", true},
		{"qq.com", true},
		{"vip.qq.com", true}, // reduced to qq.com
		{"163.com", true},
		{"zoho.com", true},
		{"fastmail.com", true},
		{"hey.com", true},
		{"acme.com", false},
		{"google.com", false},
		{"mail.google.com", false},
		{"yahooligans.com", false},
		{"live.io", false},
		{"", false},
		{"not a domain", false},
	}
	for _, tt := range tests {
		if got := IsFreeMail(tt.in); got != tt.want {
			t.Errorf("IsFreeMail(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestFreeMailList(t *testing.T) {
	t.Parallel()

	t.Run("EntriesAreNormalised", func(t *testing.T) {
		t.Parallel()
		seen := map[string]bool{}
		for line := range strings.Lines(freeMailList) {
			line, _, _ = strings.Cut(line, "#")
			e := strings.TrimSpace(line)
			if e == "" {
				continue
			}
			if seen[e] {
				t.Errorf("freemail.txt lists %q twice", e)
			}
			seen[e] = true
			if brand, ok := strings.CutSuffix(e, ".*"); ok {
				if d := NormalizeDomain(brand + ".com"); d != brand+".com" {
					t.Errorf("freemail.txt brand %q: %q normalises to %q", e, brand+".com", d)
				}
				continue
			}
			if d := NormalizeDomain(e); d != e {
				t.Errorf("freemail.txt entry %q normalises to %q; it could never match", e, d)
			}
		}
	})

	t.Run("CoversEnoughProviders", func(t *testing.T) {
		t.Parallel()
		fm := freeMailSet()
		if n := len(fm.domains) + len(fm.brands); n < 150 {
			t.Errorf("freemail.txt has %d entries, want at least 150", n)
		}
	})
}
