// Package tracecodec is how both stores keep a handoff's routing trace in
// its row.
package tracecodec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/internal/jsonstr"
)

// A handoff's routing trace is stored as JSON in three forms, told apart by
// their first element. Version 1, in rows written before, is the API's
// form: an array of objects with their keys ({"step", "subject",
// "result", "reason"}). Version 2 is an array of arrays [step, subject,
// result, reason]: the same strings without the keys that every step
// repeated. Version 3, written now, is the number 3 followed by those
// arrays, each string written short when phrases (below) make it up:
//
//   - a phrase, whole, as its number: "skipped" is 1;
//   - a phrase, then other text, then a phrase, as an array of the parts,
//     either phrase left out when there is none: "round-robin in team sdr"
//     is [19,"sdr"];
//   - any other string as itself.
//
// The routing steps' names, results and sentences are a few dozen fixed
// strings, so a typical trace of nine steps takes about 210 bytes instead
// of 620. All versions read back as the same steps, so the API answers the
// same.

// phrases are the strings version 3 writes as numbers. Stored traces hold
// their numbers: append new phrases at the end, never change or remove one.
var phrases = [...]string{
	/* 0 */ "", "skipped", "picked", "backup", "matched", "info", "pool", "rules", "account_match", "handoff_type",
	/* 10 */ "existing_customer", "open_opportunity", "named_account", "account is not a customer", "no open opportunity",
	/* 15 */ "account has no named owner", "no rules apply to ", "triggered by ", "team ", "round-robin in team ",
	/* 20 */ "next in team ", "nobody is in working hours (", " eligible); picking regardless",
	/* 23 */ "no account with this domain or name: a new account",
	/* 24 */ "free-mail address and no matching company name: a new account",
	/* 25 */ "account_domain: account domain ", "email_domain: contact email domain ", "domain_alias: account domain ",
	/* 28 */ " (confidence 1.00)", "company_name: ", "condition is false", "fallback", "error",
	/* 33 */ "customer account has no CSM or owner", " eligible members outside working hours passed over",
	/* 35 */ "pool has no members", "no member is eligible", "weighted turn in team ", "fewest open handoffs in team ",
	/* 39 */ "owner's configured backup", "next eligible member of team ", "no eligible backup in team ",
	/* 42 */ "and ", " more rules whose condition is false", " more members not eligible (",
	/* 45 */ "nobody is eligible: the handoff waits unowned and ops is alerted", "is out of office until ",
	/* 47 */ "is at capacity (", "not a known user", " is not a known user", "condition could not be evaluated: ",
	/* 51 */ "hot_lead", "mql", "meeting_set", "technical_validation", "territory_change", "closed_won",
	/* 57 */ "poc_converted", "expansion", "product_signal", "churn_risk", "deal_desk", "renewal", "support_escalation",
	/* 64 */ "triggered by demo_request", "triggered by trial_signup", "triggered by pricing_inquiry",
	/* 67 */ "triggered by contact_sales", "triggered by lead_score_crossed", "triggered by content_download",
	/* 70 */ "triggered by webinar_attended", "triggered by meeting_booked", "triggered by technical_validation_requested",
	/* 73 */ "no rules apply to hot_lead", "no rules apply to mql", "no rules apply to meeting_set",
	/* 76 */ "cs_capacity", "outcome", "turn_back", "context", "manual", "signal field ",
}

// phraseIndex finds a whole string's phrase; byFirst and byLast list the
// phrases that may begin or end one, longest first, by their first or last
// byte.
var (
	phraseIndex     = map[string]int{}
	byFirst, byLast [256][]int
)

func init() {
	for i, p := range phrases {
		if _, dup := phraseIndex[p]; dup {
			panic("tracecodec: phrase " + strconv.Quote(p) + " twice")
		}
		phraseIndex[p] = i
		if len(p) >= 4 { // shorter ones save little and cost a look
			byFirst[p[0]] = append(byFirst[p[0]], i)
			byLast[p[len(p)-1]] = append(byLast[p[len(p)-1]], i)
		}
	}
	for _, l := range [][256][]int{byFirst, byLast} {
		for _, is := range l {
			// Longest first; among equal lengths, the lower number.
			for a := 1; a < len(is); a++ {
				for b := a; b > 0 && len(phrases[is[b]]) > len(phrases[is[b-1]]); b-- {
					is[b], is[b-1] = is[b-1], is[b]
				}
			}
		}
	}
}

// Encode returns the stored form (version 3) of a trace. Invalid UTF-8 is
// replaced, as json.Marshal did for versions 1 and 2.
func Encode(steps []baton.Step) string {
	b := make([]byte, 0, 16+24*len(steps))
	b = append(b, "[3"...)
	for _, s := range steps {
		b = append(b, ",["...)
		b = appendText(b, s.Step)
		b = append(b, ',')
		b = appendText(b, s.Subject)
		b = append(b, ',')
		b = appendText(b, s.Result)
		b = append(b, ',')
		b = appendText(b, s.Reason)
		b = append(b, ']')
	}
	return string(append(b, ']'))
}

// appendText appends s as version 3 writes a string.
func appendText(b []byte, s string) []byte {
	if i, ok := phraseIndex[s]; ok {
		return strconv.AppendInt(b, int64(i), 10)
	}
	pre, suf := -1, -1
	if s != "" {
		for _, i := range byFirst[s[0]] {
			if len(phrases[i]) < len(s) && strings.HasPrefix(s, phrases[i]) {
				pre = i
				break
			}
		}
		rest := len(s)
		if pre >= 0 {
			rest -= len(phrases[pre])
		}
		for _, i := range byLast[s[len(s)-1]] {
			if len(phrases[i]) <= rest && strings.HasSuffix(s, phrases[i]) {
				suf = i
				break
			}
		}
	}
	if pre < 0 && suf < 0 {
		return jsonstr.Append(b, s)
	}
	b = append(b, '[')
	mid := s
	if pre >= 0 {
		b = strconv.AppendInt(b, int64(pre), 10)
		mid = mid[len(phrases[pre]):]
	}
	if suf >= 0 {
		mid = mid[:len(mid)-len(phrases[suf])]
	}
	if mid != "" {
		if pre >= 0 {
			b = append(b, ',')
		}
		b = jsonstr.Append(b, mid)
	}
	if suf >= 0 {
		if pre >= 0 || mid != "" {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, int64(suf), 10)
	}
	return append(b, ']')
}

// Decode reads a stored trace of any version.
func Decode(stored string) ([]baton.Step, error) {
	b := bytes.TrimLeft([]byte(stored), " \t\r\n")
	var second []byte
	if bytes.HasPrefix(b, []byte("[")) {
		second = bytes.TrimLeft(b[1:], " \t\r\n")
	}
	switch {
	case bytes.HasPrefix(second, []byte("3")):
		return decode3(b)
	case bytes.HasPrefix(second, []byte("[")):
		var rows [][4]string
		if err := json.Unmarshal(b, &rows); err != nil {
			return nil, fmt.Errorf("decode trace: %w", err)
		}
		steps := make([]baton.Step, len(rows))
		for i, r := range rows {
			steps[i] = baton.Step{Step: r[0], Subject: r[1], Result: r[2], Reason: r[3]}
		}
		return steps, nil
	}
	var steps []baton.Step // version 1, or empty
	if err := json.Unmarshal(b, &steps); err != nil {
		return nil, fmt.Errorf("decode trace: %w", err)
	}
	return steps, nil
}

// decode3 reads version 3. It parses the few JSON forms version 3 uses
// by hand: a trace is read whenever its handoff is, on the writer too, and
// json.Unmarshal into interfaces took twenty times longer.
func decode3(b []byte) ([]baton.Step, error) {
	p := parser{b: b}
	if !p.eat('[') || !p.eat('3') {
		return nil, fmt.Errorf("decode trace: not version 3")
	}
	var steps []baton.Step
	for !p.eat(']') {
		if !p.eat(',') || !p.eat('[') {
			return nil, p.fail("want ',' and a step")
		}
		var s [4]string
		for i := range s {
			if i > 0 && !p.eat(',') {
				return nil, p.fail("want 4 texts in a step")
			}
			t, err := p.text(true)
			if err != nil {
				return nil, err
			}
			s[i] = t
		}
		if !p.eat(']') {
			return nil, p.fail("want 4 texts in a step")
		}
		steps = append(steps, baton.Step{Step: s[0], Subject: s[1], Result: s[2], Reason: s[3]})
	}
	if p.space(); p.i != len(p.b) {
		return nil, p.fail("want the end")
	}
	if steps == nil {
		steps = []baton.Step{}
	}
	return steps, nil
}

// parser reads version 3's JSON.
type parser struct {
	b []byte
	i int
}

func (p *parser) fail(what string) error {
	return fmt.Errorf("decode trace: %s at byte %d", what, p.i)
}

func (p *parser) space() {
	for p.i < len(p.b) && (p.b[p.i] == ' ' || p.b[p.i] == '\t' || p.b[p.i] == '\n' || p.b[p.i] == '\r') {
		p.i++
	}
}

// eat skips space and c, reporting whether c was next.
func (p *parser) eat(c byte) bool {
	if p.space(); p.i < len(p.b) && p.b[p.i] == c {
		p.i++
		return true
	}
	return false
}

// text reads one of version 3's texts: a phrase's number, a string, or (if
// parts) an array of those.
func (p *parser) text(parts bool) (string, error) {
	p.space()
	if p.i == len(p.b) {
		return "", p.fail("want a text")
	}
	switch c := p.b[p.i]; {
	case c == '"':
		start, escaped := p.i, false
		for p.i++; p.i < len(p.b) && p.b[p.i] != '"'; p.i++ {
			if p.b[p.i] == '\\' {
				escaped = true
				p.i++
			}
		}
		if p.i >= len(p.b) {
			return "", p.fail("unterminated string")
		}
		p.i++
		if !escaped {
			return string(p.b[start+1 : p.i-1]), nil
		}
		var s string
		if err := json.Unmarshal(p.b[start:p.i], &s); err != nil {
			return "", fmt.Errorf("decode trace: %w", err)
		}
		return s, nil
	case c >= '0' && c <= '9':
		n := 0
		for ; p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9'; p.i++ {
			if n = n*10 + int(p.b[p.i]-'0'); n >= len(phrases) {
				return "", p.fail("no such phrase")
			}
		}
		return phrases[n], nil
	case c == '[' && parts:
		p.i++
		var sb strings.Builder
		for first := true; !p.eat(']'); first = false {
			if !first && !p.eat(',') {
				return "", p.fail("want ',' between parts")
			}
			t, err := p.text(false)
			if err != nil {
				return "", err
			}
			sb.WriteString(t)
		}
		return sb.String(), nil
	}
	return "", p.fail("want a text")
}
