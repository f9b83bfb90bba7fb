package csvin

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

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
	sr, err := NewSignalReader(io.LimitReader(r, 16<<20))
	if err != nil {
		return nil, err
	}
	var v baton.Validation
	var out []*baton.Signal
	for {
		sig, row, err := sr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if len(out) == max {
			v.Add(fmt.Sprintf("row %d", row), "more than %d signals", max)
			break
		}
		var e *baton.Error
		if errors.As(err, &e) && !errors.Is(err, ErrUnreadable) {
			v.Fields = append(v.Fields, e.Fields...)
		} else if err != nil {
			v.Add(fmt.Sprintf("row %d", row), "%s", strings.TrimPrefix(err.Error(), ErrUnreadable.Error()+"\n"))
			break
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

// SignalReader reads a signals CSV (the columns of ReadSignals) one row at
// a time, for files too large to hold whole, such as an import of past
// signals.
type SignalReader struct {
	cr     *csv.Reader
	header []string
	row    int
}

// NewSignalReader reads the header row of a signals CSV.
func NewSignalReader(r io.Reader) (*SignalReader, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = 0
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = errors.New("the file is empty")
		}
		return nil, &baton.Error{Code: baton.EINVALID, Message: "signals CSV: cannot read the header row: " + err.Error()}
	}
	header = slices.Clone(header)
	for i := range header {
		header[i] = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(header[i], "\ufeff")))
		if !utf8.ValidString(header[i]) {
			return nil, &baton.Error{Code: baton.EINVALID, Message: "signals CSV: the header row is not UTF-8 text"}
		}
	}
	return &SignalReader{cr: cr, header: header, row: 1}, nil
}

// Next returns the next non-blank row's signal and its row number (the
// header is row 1), or io.EOF after the last. The signal's ExternalID is
// empty when the row has none: the caller names it.
//
// A row whose cells do not parse returns the signal as far as it was read
// and an EINVALID *baton.Error whose fields name the row and column;
// reading may go on. A row the CSV reader cannot read (a stray quote, the
// wrong number of cells) returns an error joined with ErrUnreadable, and
// the file cannot be read further.
func (sr *SignalReader) Next() (*baton.Signal, int, error) {
	for {
		rec, err := sr.cr.Read()
		sr.row++
		if errors.Is(err, io.EOF) {
			return nil, sr.row, io.EOF
		} else if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			return nil, sr.row, errors.Join(ErrUnreadable, err)
		}
		if !slices.ContainsFunc(rec, func(c string) bool { return strings.TrimSpace(c) != "" }) {
			continue
		}
		sig := &baton.Signal{Fields: map[string]any{}}
		var v baton.Validation
		for i, col := range sr.header {
			val := strings.TrimSpace(rec[i])
			if !utf8.ValidString(val) {
				v.Add(fmt.Sprintf("row %d: %s", sr.row, col), "is not UTF-8 text")
				continue
			}
			if set, ok := signalColumns[col]; ok {
				if err := set(sig, val); err != nil {
					v.Add(fmt.Sprintf("row %d: %s", sr.row, col), "%q: %v", val, err)
				}
			} else if val != "" {
				if f, err := strconv.ParseFloat(val, 64); err == nil {
					sig.Fields[col] = f
				} else {
					sig.Fields[col] = val
				}
			}
		}
		return sig, sr.row, v.Err()
	}
}
