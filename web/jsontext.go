package web

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// badText finds the first string in a JSON body (a value or a key) that is
// not valid UTF-8: raw bytes that are not UTF-8, or an escaped lone
// surrogate (\ud800), both of which encoding/json turns into U+FFFD. It
// returns the path of the field holding it (contact.email,
// meeting.attendees[0].name; the enclosing object for a bad key; "body" for
// a bare string). body must be valid JSON.
func badText(body []byte) (string, bool) {
	if utf8.Valid(body) && !bytes.Contains(body, []byte(`\u`)) {
		return "", false
	}
	sc := &jsonScan{b: body}
	path, bad := sc.value("")
	if bad && path == "" {
		path = "body"
	}
	return path, bad
}

// jsonScan walks valid JSON, checking its strings' text.
type jsonScan struct {
	b []byte
	i int
}

func (s *jsonScan) space() {
	for s.i < len(s.b) && (s.b[s.i] == ' ' || s.b[s.i] == '\t' || s.b[s.i] == '\n' || s.b[s.i] == '\r') {
		s.i++
	}
}

func (s *jsonScan) value(path string) (string, bool) {
	s.space()
	if s.i >= len(s.b) {
		return "", false
	}
	switch s.b[s.i] {
	case '{':
		s.i++
		for {
			s.space()
			if s.i >= len(s.b) {
				return "", false
			}
			switch s.b[s.i] {
			case '}':
				s.i++
				return "", false
			case ',':
				s.i++
				continue
			case '"':
			default:
				s.i++ // not valid JSON: keep moving
				continue
			}
			key, ok := s.str()
			if !ok {
				return path, true
			}
			s.space()
			if s.i < len(s.b) && s.b[s.i] == ':' {
				s.i++
			}
			sub := key
			if path != "" {
				sub = path + "." + key
			}
			if p, bad := s.value(sub); bad {
				return p, true
			}
		}
	case '[':
		s.i++
		for n := 0; ; {
			s.space()
			if s.i >= len(s.b) {
				return "", false
			}
			switch s.b[s.i] {
			case ']':
				s.i++
				return "", false
			case ',':
				s.i++
				n++
				continue
			}
			start := s.i
			if p, bad := s.value(path + "[" + strconv.Itoa(n) + "]"); bad {
				return p, true
			}
			if s.i == start {
				s.i++
			}
		}
	case '"':
		if _, ok := s.str(); !ok {
			return path, true
		}
		return "", false
	}
	for s.i < len(s.b) && !strings.ContainsRune(",]} \t\n\r", rune(s.b[s.i])) {
		s.i++ // a number, true, false or null
	}
	return "", false
}

// str reads a string at s.i (its opening quote) and returns its text as a
// key for paths, and whether it is valid UTF-8 without lone surrogates.
func (s *jsonScan) str() (string, bool) {
	s.i++
	start, ok, escaped := s.i, true, false
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			raw := s.b[start:s.i]
			s.i++
			key := string(raw)
			if escaped {
				json.Unmarshal(s.b[start-1:s.i], &key)
			}
			return key, ok
		case c == '\\':
			escaped = true
			if s.i+1 < len(s.b) && s.b[s.i+1] == 'u' {
				r := hex4(s.b, s.i+2)
				s.i += 6
				if utf16.IsSurrogate(r) {
					if r < 0xdc00 && s.i+1 < len(s.b) && s.b[s.i] == '\\' && s.b[s.i+1] == 'u' {
						if r2 := hex4(s.b, s.i+2); r2 >= 0xdc00 && r2 <= 0xdfff {
							s.i += 6
							continue
						}
					}
					ok = false
				}
				continue
			}
			s.i += 2
		case c < utf8.RuneSelf:
			s.i++
		default:
			r, n := utf8.DecodeRune(s.b[s.i:])
			if r == utf8.RuneError && n == 1 {
				ok = false
			}
			s.i += n
		}
	}
	return "", ok
}

// hex4 reads four hex digits at b[i:], or returns -1.
func hex4(b []byte, i int) rune {
	if i+4 > len(b) {
		return -1
	}
	n, err := strconv.ParseUint(string(b[i:i+4]), 16, 16)
	if err != nil {
		return -1
	}
	return rune(n)
}

// serverSet names time fields Baton sets itself and ignores on input, so a
// client that echoes a whole object (a Go client marshalling baton.Signal)
// is not refused for their zero values.
var serverSet = map[string]bool{"received_at": true, "created_at": true, "updated_at": true}

var timeType = reflect.TypeFor[time.Time]()

// zeroTime returns the path of the first time field that body set
// explicitly (not null) and that decoded into v as the zero time, or "".
func zeroTime(body []byte, v reflect.Value, prefix string) string {
	// A time that decodes as the zero instant is written with the year 0000
	// or 0001 (time.Time reads its JSON unescaped): most bodies have neither.
	if !bytes.Contains(body, []byte(`"000`)) {
		return ""
	}
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return ""
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.Struct:
		var raw map[string]json.RawMessage
		if json.Unmarshal(body, &raw) != nil {
			return ""
		}
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "" || name == "-" || !f.IsExported() {
				continue
			}
			val, ok := raw[name]
			if !ok || string(bytes.TrimSpace(val)) == "null" {
				continue
			}
			fv := v.Field(i)
			if f.Type == timeType {
				if fv.Interface().(time.Time).IsZero() && !serverSet[name] {
					return prefix + name
				}
				continue
			}
			if p := zeroTime(val, fv, prefix+name+"."); p != "" {
				return p
			}
		}
	case reflect.Slice:
		if v.Type().Elem().Kind() != reflect.Struct && v.Type().Elem().Kind() != reflect.Pointer {
			return ""
		}
		var raw []json.RawMessage
		if json.Unmarshal(body, &raw) != nil {
			return ""
		}
		prefix = strings.TrimSuffix(prefix, ".")
		for i := 0; i < len(raw) && i < v.Len(); i++ {
			if p := zeroTime(raw[i], v.Index(i), prefix+"["+strconv.Itoa(i)+"]."); p != "" {
				return p
			}
		}
	}
	return ""
}
