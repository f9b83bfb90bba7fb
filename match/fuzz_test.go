package match

import (
	"strings"
	"testing"
)

func FuzzNormalizeDomain(f *testing.F) {
	for _, s := range []string{
		"acme.com", "https://www.EU.Acme.co.uk:443/about", "Jane.Doe@acme.com", "mailto:a@b.co",
		"co.uk", "www.com", "acme.github.io", "x.y.ck", "1.2.3.4", "[::1]:80", "bücher.de",
		"a@b@c.com", "http://a@b/@c", "acme.com.", "..", "@", "://", "xn--bcher-kva.de",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d := NormalizeDomain(s)
		if again := NormalizeDomain(d); again != d {
			t.Fatalf("NormalizeDomain(%q) = %q, but NormalizeDomain(%q) = %q", s, d, d, again)
		}
		if d != "" && (d != strings.ToLower(d) || !strings.Contains(d, ".") || !validHost(d)) {
			t.Fatalf("NormalizeDomain(%q) = %q, not a lowercase host name", s, d)
		}
		IsFreeMail(s) // must not panic
	})
}

func FuzzNormalizeCompany(f *testing.F) {
	for _, s := range []string{
		"The ACME Robotics, Inc.", "Müller GmbH & Co. KG", "Booking.com B.V.", "S.A.", "The Co",
		"ООО «Северный Ветер»", "株式会社さくら", "Cafe\u0301", "a & b & co", "  ", "\xff\xfe",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := NormalizeCompany(s)
		if again := NormalizeCompany(n); again != n {
			t.Fatalf("NormalizeCompany(%q) = %q, but NormalizeCompany(%q) = %q", s, n, n, again)
		}
		if strings.TrimSpace(n) != n || strings.Contains(n, "  ") {
			t.Fatalf("NormalizeCompany(%q) = %q, spaces not collapsed", s, n)
		}
	})
}

func FuzzSimilarity(f *testing.F) {
	f.Add("Acme Robotics", "Acme Robotcs")
	f.Add("", "x")
	f.Add("martha", "marhta")
	f.Add("ab", "ba")
	f.Fuzz(func(t *testing.T, a, b string) {
		s := Similarity(a, b)
		if s < 0 || s > 1 {
			t.Fatalf("Similarity(%q, %q) = %v, outside [0, 1]", a, b, s)
		}
		if r := Similarity(b, a); r != s {
			t.Fatalf("Similarity(%q, %q) = %v, reversed %v", a, b, s, r)
		}
		if NormalizeCompany(a) != "" && Similarity(a, a) != 1 {
			t.Fatalf("Similarity(%q, itself) = %v, want 1", a, Similarity(a, a))
		}
		na, nb := newNameForm(NormalizeCompany(a)).runes, newNameForm(NormalizeCompany(b)).runes
		if len(na) <= maxFuzzyRunes && len(nb) <= maxFuzzyRunes {
			sa, sb := newNameSig(na), newNameSig(nb)
			if bound := sa.bound(&sb); s > bound+1e-12 && s != 1 {
				t.Fatalf("Similarity(%q, %q) = %v above its bound %v", a, b, s, bound)
			}
		}
	})
}

func FuzzMatch(f *testing.F) {
	fx := loadFixture(f)
	for _, p := range fx.pairs[:60] {
		f.Add(p.query.Email, p.query.Domain, p.query.Company)
	}
	f.Add("x@gmail.com", "", "Acme Robotcs")
	f.Add("", "", "")
	f.Fuzz(func(t *testing.T, email, domain, company string) {
		q := Query{Email: email, Domain: domain, Company: company}
		m, ok := fx.index.Match(q)
		if !ok {
			if m != (Match{}) {
				t.Fatalf("Match(%+v) = %+v with ok=false", q, m)
			}
			return
		}
		if m.AccountID == "" || m.Detail == "" {
			t.Fatalf("Match(%+v) = %+v: empty ID or Detail", q, m)
		}
		switch m.Method {
		case MethodAccountDomain, MethodEmailDomain, MethodDomainAlias:
			if m.Confidence != 1 {
				t.Fatalf("Match(%+v) = %+v: domain match with confidence below 1", q, m)
			}
		case MethodCompanyName:
			if m.Confidence < DefaultNameThreshold || m.Confidence > 1 {
				t.Fatalf("Match(%+v) = %+v: confidence outside [threshold, 1]", q, m)
			}
		default:
			t.Fatalf("Match(%+v) = %+v: unknown method", q, m)
		}
		if again, _ := fx.index.Match(q); again != m {
			t.Fatalf("Match(%+v) = %+v, then %+v", q, m, again)
		}
	})
}
