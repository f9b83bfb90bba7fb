package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/service"
	"github.com/batonhq/baton/sqlite"
)

func playbookCheck(files []string, stdout io.Writer) error {
	if len(files) == 0 {
		return usageError{"usage: baton playbook check FILE..."}
	}
	var failed int
	for _, f := range files {
		pb, err := playbook.Load(f)
		var pe *playbook.Error
		switch {
		case errors.As(err, &pe):
			failed++
			fmt.Fprintln(stdout, pe.Error())
		case err != nil:
			failed++
			fmt.Fprintf(stdout, "%s: %v\n", f, err)
		default:
			fmt.Fprintf(stdout, "%s: ok (%d handoff types, %d tiers)\n", f, len(pb.HandoffTypes), len(pb.Tiers))
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d playbooks have problems", failed, len(files))
	}
	return nil
}

func playbookDefault(stdout io.Writer) error {
	_, err := stdout.Write(playbook.DefaultYAML())
	return err
}

// openService opens the database at path (creating and migrating it) for a
// one-off command, with the wall clock and the given playbook.
func openService(ctx context.Context, path string, pb *playbook.Playbook) (*service.Service, func() error, error) {
	db, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		return nil, nil, err
	}
	return service.New(db, baton.SystemClock{}, pb, nil), db.Close, nil
}
