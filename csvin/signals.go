package csvin

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/batonhq/baton"
)

// signalColumns maps CSV header names to signal fields; any other column
// becomes a free field (a number when it parses as one).
var signalColumns = map[string]func(*baton.Signal, string) error{
	"external_id": func(s *baton.Signal, v string) error { s.ExternalID = v; return nil },
	"type":        func(s *baton.Signal, v string) error { s.Type = v; return nil },
	"occurred_at": func(s *baton.Signal, v string) (err error) {
		if v != "" {
			s.OccurredAt, err = time.Parse(time.RFC3339, v)
		}
		return err
	},
	"source":   func(s *baton.Signal, v string) error { s.Source = v; return nil },
	"campaign": func(s *baton.Signal, v string) error { s.Campaign = v; return nil },
	"message":  func(s *baton.Signal, v string) error { s.Message = v; return nil },
	"email":    func(s *baton.Signal, v string) error { s.Contact.Email = v; return nil },
	"name":     func(s *baton.Signal, v string) error { s.Contact.Name = v; return nil },
	"title":    func(s *baton.Signal, v string) error { s.Contact.Title = v; return nil },
	"timezone": func(s *baton.Signal, v string) error { s.Contact.TimeZone = v; return nil },
	"company":  func(s *baton.Signal, v string) error { s.Account.Name = v; return nil },
	"domain":   func(s *baton.Signal, v string) error { s.Account.Domain = v; return nil },
	"employees": func(s *baton.Signal, v string) (err error) {
		if v != "" {
			s.Account.Employees, err = strconv.Atoi(v)
		}
		return err
	},
	"industry": func(s *baton.Signal, v string) error { s.Account.Industry = v; return nil },
	"country":  func(s *baton.Signal, v string) error { s.Account.Country = v; return nil },
	"region":   func(s *baton.Signal, v string) error { s.Account.Region = v; return nil },
}

// ReadSignals reads at most max signals from CSV with a header row
// (external_id, type, email, company, domain, employees, industry, country,
// region, source, campaign, message, occurred_at, name, title, timezone;
// other columns are free fields). Errors name the row (the header is row 1)
// and column; a signal without an external_id is named for its row.
func ReadSignals(r io.Reader, max int) ([]*baton.Signal, error) {
	cr := csv.NewReader(io.LimitReader(r, 16<<20))
	cr.FieldsPerRecord = 0
	header, err := cr.Read()
	if err != nil {
		return nil, &baton.Error{Code: baton.EINVALID, Message: "signals CSV: cannot read the header row: " + err.Error()}
	}
	var v baton.Validation
	for i := range header {
		header[i] = strings.ToLower(strings.TrimSpace(header[i]))
	}
	var out []*baton.Signal
	for row := 2; ; row++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			v.Add(fmt.Sprintf("row %d", row), "%v", err)
			break
		}
		if len(out) == max {
			v.Add(fmt.Sprintf("row %d", row), "more than %d signals", max)
			break
		}
		sig := &baton.Signal{Fields: map[string]any{}}
		for i, col := range header {
			val := strings.TrimSpace(rec[i])
			if set, ok := signalColumns[col]; ok {
				if err := set(sig, val); err != nil {
					v.Add(fmt.Sprintf("row %d: %s", row, col), "%q: %v", val, err)
				}
			} else if val != "" {
				if f, err := strconv.ParseFloat(val, 64); err == nil {
					sig.Fields[col] = f
				} else {
					sig.Fields[col] = val
				}
			}
		}
		if sig.ExternalID == "" {
			sig.ExternalID = fmt.Sprintf("row-%d", row)
		}
		out = append(out, sig)
		if len(v.Fields) >= 100 {
			break
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return out, nil
}
