package service

import (
	"context"
	"errors"
	"io"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/csvin"
)

// errDryRun rolls back a dry run's transaction.
var errDryRun = errors.New("service: dry run")

// ImportUsersDryRun checks a users file as ImportUsers does, with every
// check against the store, and reports what it would create and update,
// but writes nothing: it runs the import in a transaction and rolls it
// back. Errors are those of ImportUsers.
func (s *Service) ImportUsersDryRun(ctx context.Context, r io.Reader) (ImportResult, error) {
	t, err := csvin.Read(r, userColumns, importLimits)
	if err != nil {
		return ImportResult{}, err
	}
	now := s.clock.Now()
	var res ImportResult
	err = s.store.Update(ctx, func(tx baton.Tx) error {
		res = ImportResult{}
		if err := s.importUsers(ctx, tx, t, now, &res); err != nil {
			return err
		}
		return errDryRun
	})
	if !errors.Is(err, errDryRun) {
		return ImportResult{}, err
	}
	return res, nil
}
