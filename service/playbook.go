package service

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/playbook"
)

// MaxPlaybookVersions bounds how many published versions PlaybookVersions
// lists; every version is kept in the store.
const MaxPlaybookVersions = 200

// maxPlaybookNote bounds a publication's note, in bytes.
const maxPlaybookNote = 500

// PlaybookFile is the name playbook problems found in a published YAML
// carry as their file ("playbook:12:3: …").
const PlaybookFile = "playbook"

// CheckPlaybook parses and validates a candidate playbook as `baton
// playbook check` does. Problems come back as an EINVALID *baton.Error
// joined with the *playbook.Error that lists each one with its line and
// column (errors.As finds both).
func CheckPlaybook(yaml string) (*playbook.Playbook, error) {
	pb, err := playbook.Parse(PlaybookFile, []byte(yaml))
	if err == nil {
		return pb, nil
	}
	var pe *playbook.Error
	if !errors.As(err, &pe) {
		return nil, err
	}
	e := &baton.Error{Code: baton.EINVALID, Message: "the playbook has problems"}
	for _, p := range pe.Problems {
		e.Fields = append(e.Fields, baton.FieldError{Field: "playbook", Message: p.String()})
	}
	return nil, errors.Join(e, pe)
}

// PublishPlaybook checks yaml and, when it has no problems, stores it as
// the next version, published by p with note, and puts it in force at
// once: the next signal routes by it, with no restart. Nothing is stored or
// changed when it has problems (EINVALID, see CheckPlaybook). Only an admin
// may publish (EFORBIDDEN).
//
// Two admins publishing at the same moment both get their versions stored,
// in order; the playbook in force is the newer one's, but for a window of a
// few instructions in which the older one could be set last. The next
// publication or restart settles it.
func (s *Service) PublishPlaybook(ctx context.Context, p baton.Principal, yaml, note string) (*baton.PlaybookVersion, error) {
	if !p.Can(baton.AccessAdmin) {
		return nil, baton.Errorf(baton.EFORBIDDEN, "only an admin may publish the playbook")
	}
	return s.publish(ctx, p.UserID, yaml, note)
}

func (s *Service) publish(ctx context.Context, authorID, yaml, note string) (*baton.PlaybookVersion, error) {
	note = strings.TrimSpace(note)
	if len(note) > maxPlaybookNote {
		return nil, &baton.Error{Code: baton.EINVALID, Message: "invalid note",
			Fields: []baton.FieldError{{Field: "note", Message: fmt.Sprintf("must be at most %d bytes", maxPlaybookNote)}}}
	}
	pb, err := CheckPlaybook(yaml)
	if err != nil {
		return nil, err
	}
	v := &baton.PlaybookVersion{ID: newID(), YAML: yaml, AuthorID: authorID, CreatedAt: s.clock.Now(), Note: note}
	err = s.store.Update(ctx, func(tx baton.Tx) error {
		return tx.InsertPlaybookVersion(ctx, v)
	})
	if err != nil {
		return nil, fmt.Errorf("publish playbook: %w", err)
	}
	// Put it in force only while it is still the newest: a publication that
	// committed after this one must not be overwritten by it.
	if newest, err := s.newestPlaybook(ctx); err == nil && newest.Version != v.Version {
		return v, nil
	}
	s.SetPlaybook(pb)
	s.log.Info("playbook published", "version", v.Version, "author", authorID)
	return v, nil
}

// PlaybookVersions lists the published playbooks, newest first (at most
// MaxPlaybookVersions). The first is the one in force, unless none was
// ever published (an empty list: the embedded default or the --playbook
// file is in force).
func (s *Service) PlaybookVersions(ctx context.Context) ([]*baton.PlaybookVersion, error) {
	var out []*baton.PlaybookVersion
	err := s.store.View(ctx, func(tx baton.Tx) error {
		var err error
		out, err = tx.PlaybookVersions(ctx, MaxPlaybookVersions)
		return err
	})
	return out, err
}

// PlaybookVersion returns one published version, or ENOTFOUND.
func (s *Service) PlaybookVersion(ctx context.Context, version int) (*baton.PlaybookVersion, error) {
	var out *baton.PlaybookVersion
	err := s.store.View(ctx, func(tx baton.Tx) error {
		var err error
		out, err = tx.PlaybookVersion(ctx, version)
		return err
	})
	return out, err
}

// RollbackPlaybook publishes an old version's YAML again, as a new version
// by p noted "rollback to version N", and puts it in force. The old version
// must still pass the checks of this Baton (EINVALID otherwise).
func (s *Service) RollbackPlaybook(ctx context.Context, p baton.Principal, version int) (*baton.PlaybookVersion, error) {
	if !p.Can(baton.AccessAdmin) {
		return nil, baton.Errorf(baton.EFORBIDDEN, "only an admin may roll the playbook back")
	}
	old, err := s.PlaybookVersion(ctx, version)
	if err != nil {
		return nil, err
	}
	return s.publish(ctx, p.UserID, old.YAML, fmt.Sprintf("rollback to version %d", version))
}

// newestPlaybook returns the newest published version, or ENOTFOUND when
// none was published.
func (s *Service) newestPlaybook(ctx context.Context) (*baton.PlaybookVersion, error) {
	list, err := s.latestVersions(ctx, 1)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, baton.Errorf(baton.ENOTFOUND, "no playbook was published")
	}
	return list[0], nil
}

func (s *Service) latestVersions(ctx context.Context, n int) ([]*baton.PlaybookVersion, error) {
	var out []*baton.PlaybookVersion
	err := s.store.View(ctx, func(tx baton.Tx) error {
		var err error
		out, err = tx.PlaybookVersions(ctx, n)
		return err
	})
	return out, err
}

// PublishedPlaybook returns the newest published playbook, compiled, and its
// version; ENOTFOUND when none was ever published. Start-up puts it in
// force when no --playbook file is given.
func (s *Service) PublishedPlaybook(ctx context.Context) (*playbook.Playbook, *baton.PlaybookVersion, error) {
	v, err := s.newestPlaybook(ctx)
	if err != nil {
		return nil, nil, err
	}
	pb, err := CheckPlaybook(v.YAML)
	if err != nil {
		return nil, nil, fmt.Errorf("published playbook version %d: %w", v.Version, err)
	}
	return pb, v, nil
}

// RecordStartupPlaybook stores the playbook in force (given at start-up
// with --playbook) as a new version with no author and note, unless the
// newest published version has the same YAML. It does not change the
// playbook in force.
func (s *Service) RecordStartupPlaybook(ctx context.Context, note string) (*baton.PlaybookVersion, error) {
	yaml := string(s.Playbook().Source)
	if newest, err := s.newestPlaybook(ctx); err == nil && newest.YAML == yaml {
		return newest, nil
	} else if err != nil && baton.ErrorCode(err) != baton.ENOTFOUND {
		return nil, err
	}
	v := &baton.PlaybookVersion{ID: newID(), YAML: yaml, CreatedAt: s.clock.Now(), Note: note}
	err := s.store.Update(ctx, func(tx baton.Tx) error {
		return tx.InsertPlaybookVersion(ctx, v)
	})
	if err != nil {
		return nil, fmt.Errorf("record playbook: %w", err)
	}
	return v, nil
}
