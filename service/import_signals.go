package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/csvin"
)

// Signal import bounds.
const (
	// MaxSignalImportBytes caps a signals import file: 256 MiB, about a
	// million rows of a typical export.
	MaxSignalImportBytes = 256 << 20
	// signalImportBatch is how many rows an import ingests in one
	// transaction.
	signalImportBatch = 200
)

// SignalImportOptions tune ImportSignals.
type SignalImportOptions struct {
	// DryRun checks every row and writes nothing.
	DryRun bool
	// Progress, when set, is called as rows are ingested (about every 1 %
	// of the file and at the end).
	Progress func(SignalImportProgress)
}

// SignalImportProgress is how far an import has got.
type SignalImportProgress struct {
	// Done of Total rows are ingested.
	Done, Total int
}

// SignalImportResult counts what an import of signals did.
type SignalImportResult struct {
	// Rows is the number of data rows read (blank rows not counted).
	Rows int `json:"rows"`
	// Created counts signals that opened a handoff; Joined those that
	// joined an open one; NoHandoff those no handoff type applied to (they
	// are stored, with the reason); Duplicates those whose external id was
	// seen before (a re-import, or the same id twice in the file), which
	// wrote nothing.
	Created    int `json:"created"`
	Joined     int `json:"joined"`
	NoHandoff  int `json:"no_handoff"`
	Duplicates int `json:"duplicates"`
	// DryRun reports that nothing was written.
	DryRun bool `json:"dry_run,omitempty"`
}

// ImportSignals imports past signals or leads from a CSV file (the columns
// of csvin.ReadSignals) through the same path as POST /api/v1/signals: each
// row is matched, routed and given its clocks exactly as if it had been
// sent then.
//
// The file is read twice. The first pass checks every row (cells, the
// signal's own rules, a signal type the playbook knows) and, when any row
// fails, returns one EINVALID error naming up to MaxImportErrors rows and
// columns, having written nothing. The second pass ingests the rows in
// order, a batch of rows per transaction (so round-robin turns fall as if
// the rows had been sent one after another). A
// row without an external_id is given one from its content ("import:" and
// a hash), so importing the same file again writes nothing new. A failure
// of the store in the second pass stops the import with the rows before it
// ingested: running it again picks up where it stopped.
func (s *Service) ImportSignals(ctx context.Context, r io.ReadSeeker, opt SignalImportOptions) (SignalImportResult, error) {
	total, err := s.checkSignalFile(r)
	if err != nil {
		return SignalImportResult{}, err
	}
	res := SignalImportResult{Rows: total, DryRun: opt.DryRun}
	if opt.DryRun {
		return res, nil
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return SignalImportResult{}, fmt.Errorf("service: import signals: rewind: %w", err)
	}
	sr, err := csvin.NewSignalReader(r)
	if err != nil {
		return SignalImportResult{}, err
	}

	var (
		done  int
		step  = max(total/100, 1)
		batch = make([]*baton.Signal, 0, signalImportBatch)
	)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		results, err := s.ingestBatch(ctx, batch)
		if err != nil {
			return fmt.Errorf("service: import signals: %d rows imported, then: %w", done, err)
		}
		for _, ir := range results {
			switch {
			case ir.Duplicate:
				res.Duplicates++
			case ir.Handoff == nil:
				res.NoHandoff++
			case ir.Joined:
				res.Joined++
			default:
				res.Created++
			}
			done++
			if opt.Progress != nil && (done%step == 0 || done == total) {
				opt.Progress(SignalImportProgress{Done: done, Total: total})
			}
		}
		batch = batch[:0]
		return nil
	}
	for {
		sig, row, err := sr.Next()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			// The first pass read the same bytes without error.
			return res, fmt.Errorf("service: import signals: row %d changed since it was checked: %w", row, err)
		}
		if sig.ExternalID == "" {
			sig.ExternalID = importExternalID(sig)
		}
		if batch = append(batch, sig); len(batch) == signalImportBatch {
			if err := flush(); err != nil {
				return res, err
			}
		}
	}
	if err := flush(); err != nil {
		return res, err
	}
	return res, nil
}

// ingestBatch ingests sigs, in order, in one transaction: all of them or,
// on an error, none.
func (s *Service) ingestBatch(ctx context.Context, sigs []*baton.Signal) ([]*IngestResult, error) {
	now := s.clock.Now()
	pb := s.Playbook()
	for _, sig := range sigs {
		if err := sig.Validate(now); err != nil {
			return nil, fmt.Errorf("external id %s: %w", sig.ExternalID, err)
		}
		if !pb.KnownSignalType(sig.Type) {
			return nil, &baton.Error{Code: baton.EINVALID, Message: "unknown signal type", Fields: []baton.FieldError{unknownType(sig.Type)}}
		}
		sig.ID, sig.ReceivedAt = newID(), now
	}
	var out []*IngestResult
	err := s.store.Update(ctx, func(tx baton.Tx) error {
		out = out[:0]
		for _, sig := range sigs {
			r, err := s.ingest(ctx, tx, pb, sig, now)
			if err != nil {
				return fmt.Errorf("external id %s: %w", sig.ExternalID, err)
			}
			out = append(out, r)
		}
		return nil
	})
	return out, err
}

// checkSignalFile is the first pass of ImportSignals: it reads the whole
// file and returns its number of rows, or the errors of its rows.
func (s *Service) checkSignalFile(r io.Reader) (int, error) {
	pb := s.Playbook()
	now := s.clock.Now()
	sr, err := csvin.NewSignalReader(&cappedReader{r: r, left: MaxSignalImportBytes})
	if err != nil {
		return 0, errors.Join(ErrUnreadableFile, err)
	}
	var (
		v    baton.Validation
		nerr int
		rows int
	)
	add := func(fields ...baton.FieldError) {
		for _, f := range fields {
			nerr++
			if len(v.Fields) < MaxImportErrors {
				v.Fields = append(v.Fields, f)
			}
		}
	}
	for {
		sig, row, err := sr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if errors.Is(err, csvin.ErrUnreadable) {
			msg := strings.TrimPrefix(err.Error(), csvin.ErrUnreadable.Error()+"\n")
			return 0, errors.Join(ErrUnreadableFile, &baton.Error{Code: baton.EINVALID,
				Message: "the file is not a readable CSV table", Fields: []baton.FieldError{{Field: fmt.Sprintf("row %d", row), Message: msg}}})
		}
		rows++
		var e *baton.Error
		if errors.As(err, &e) {
			add(e.Fields...)
			continue
		} else if err != nil {
			return 0, err
		}
		if sig.ExternalID == "" {
			sig.ExternalID = importExternalID(sig)
		}
		if err := sig.Validate(now); errors.As(err, &e) {
			for _, f := range e.Fields {
				add(baton.FieldError{Field: fmt.Sprintf("row %d: %s", row, f.Field), Message: f.Message})
			}
			continue
		} else if err != nil {
			return 0, err
		}
		if !pb.KnownSignalType(sig.Type) {
			f := unknownType(sig.Type)
			add(baton.FieldError{Field: fmt.Sprintf("row %d: %s", row, f.Field), Message: f.Message})
		}
	}
	if rows == 0 {
		return 0, errors.Join(ErrUnreadableFile, baton.Errorf(baton.EINVALID, "the file has no rows"))
	}
	if nerr > 0 {
		msg := fmt.Sprintf("%d errors in the file; nothing was imported", nerr)
		if nerr == 1 {
			msg = "1 error in the file; nothing was imported"
		}
		return 0, &baton.Error{Code: baton.EINVALID, Message: msg, Fields: v.Fields}
	}
	return rows, nil
}

// importExternalID names a row that has no external id by its content, so
// that the same row imported twice is one signal and different rows are
// different signals.
func importExternalID(sig *baton.Signal) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%s\x00%s\x00%s", sig.Type, sig.Contact.Email, sig.Account.Domain,
		sig.Account.Name, sig.OccurredAt.UTC().Format("2006-01-02T15:04:05.999999999Z"), sig.Source, sig.Message)
	return "import:" + hex.EncodeToString(h.Sum(nil)[:12])
}

// cappedReader reads r and fails once more than left bytes were read.
type cappedReader struct {
	r    io.Reader
	left int64
}

func (c *cappedReader) Read(p []byte) (int, error) {
	if c.left < 0 {
		return 0, fmt.Errorf("the file is larger than %d MiB", MaxSignalImportBytes>>20)
	}
	if int64(len(p)) > c.left+1 {
		p = p[:c.left+1]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	if c.left < 0 {
		return 0, fmt.Errorf("the file is larger than %d MiB", MaxSignalImportBytes>>20)
	}
	return n, err
}
