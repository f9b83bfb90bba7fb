package match

import (
	_ "embed"
	"strings"
	"sync"
)

// freeMailList is one provider domain per line; see the header of the file.
//
//go:embed freemail.txt
var freeMailList string

// freeMailSet is parsed from freeMailList on first use and never written
// after that, so it is safe to share between goroutines.
var freeMailSet = sync.OnceValue(func() freeMail { return parseFreeMail(freeMailList) })

// freeMail holds the parsed list: exact registrable domains, and brand labels
// from "brand.*" lines that match under any public suffix.
type freeMail struct {
	domains map[string]bool
	brands  map[string]bool
}

func parseFreeMail(list string) freeMail {
	fm := freeMail{domains: map[string]bool{}, brands: map[string]bool{}}
	for line := range strings.Lines(list) {
		line, _, _ = strings.Cut(line, "#")
		line = strings.TrimSpace(line)
		switch {
		case line == "":
		case strings.HasSuffix(line, ".*"):
			fm.brands[strings.TrimSuffix(line, ".*")] = true
		default:
			fm.domains[line] = true
		}
	}
	return fm
}

// IsFreeMail reports whether domain belongs to a free or consumer mailbox
// provider (gmail.com, outlook.com, yahoo.co.jp, gmx.de, qq.com, …) whose
// users' addresses say nothing about their employer. domain may be anything
// [NormalizeDomain] accepts, including an email address or a URL; junk is
// not free mail.
//
// The list is embedded from freemail.txt and covers about 200 providers
// worldwide, plus "brand.*" entries (hotmail, outlook, yahoo, gmx, yandex)
// that cover every country-code variant. It is not exhaustive: regional ISPs
// and new providers are missing, and such contacts can match an account that
// happens to use the same domain.
func IsFreeMail(domain string) bool {
	return isFreeMailNormalized(NormalizeDomain(domain))
}

// isFreeMailNormalized is IsFreeMail for a domain NormalizeDomain returned.
func isFreeMailNormalized(d string) bool {
	if d == "" {
		return false
	}
	fm := freeMailSet()
	if fm.domains[d] {
		return true
	}
	// d is a registrable domain, so everything after its first label is a
	// public suffix: "yahoo.com.ar" is brand "yahoo" under "com.ar".
	brand, _, _ := strings.Cut(d, ".")
	return fm.brands[brand]
}
