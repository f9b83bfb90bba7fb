package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/service"
)

// importUsers imports a users CSV file whole: 200 with the counts (and a
// "warnings" array of {row, column, message} for rows imported despite a
// likely mistake, such as a team nothing routes to), 422 with every row
// error (nothing written), 400 for a body that is not a CSV table.
func (s *Server) importUsers(w http.ResponseWriter, r *http.Request, _ baton.Principal) error {
	return s.importCSV(w, r, s.importUsersCSV)
}

// importAccounts imports an accounts CSV file whole, answering as
// importUsers.
func (s *Server) importAccounts(w http.ResponseWriter, r *http.Request, _ baton.Principal) error {
	return s.importCSV(w, r, s.svc.ImportAccounts)
}

func (s *Server) importCSV(w http.ResponseWriter, r *http.Request, run func(ctx context.Context, r io.Reader) (service.ImportResult, error)) error {
	body, err := readCSV(w, r, service.MaxImportBytes)
	if err != nil {
		return err
	}
	res, err := run(r.Context(), bytes.NewReader(body))
	var e *baton.Error
	if errors.Is(err, service.ErrUnreadableFile) && errors.As(err, &e) {
		return errBadRequest{e}
	} else if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// readCSV reads a text/csv (or application/octet-stream, or untyped) body
// of at most max bytes.
func readCSV(w http.ResponseWriter, r *http.Request, max int64) ([]byte, error) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || (mt != "text/csv" && mt != "application/octet-stream") {
			return nil, errBadRequest{&baton.Error{Code: baton.EINVALID, Message: "Content-Type must be text/csv"}}
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, errBadRequest{&baton.Error{Code: baton.EINVALID, Message: fmt.Sprintf("body is larger than %d bytes: split the file", max)}}
		}
		return nil, errBadRequest{&baton.Error{Code: baton.EINVALID, Message: "could not read body"}}
	}
	return body, nil
}
