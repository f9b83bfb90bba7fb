package postgres

import (
	"context"
	"fmt"

	"github.com/batonhq/baton"
)

const playbookCols = `id, version, yaml, author_id, created_at, note`

func scanPlaybookVersion(row scanner) (*baton.PlaybookVersion, error) {
	var v baton.PlaybookVersion
	var created int64
	if err := row.Scan(&v.ID, &v.Version, &v.YAML, &v.AuthorID, &created, &v.Note); err != nil {
		return nil, err
	}
	v.CreatedAt = fromMS(created)
	return &v, nil
}

// InsertPlaybookVersion stores a published playbook as the next version
// and sets v.Version to it.
func (tx *Tx) InsertPlaybookVersion(ctx context.Context, v *baton.PlaybookVersion) error {
	err := tx.queryRow(ctx, `INSERT INTO playbook_versions (id, version, yaml, author_id, created_at, note)
		VALUES (?, (SELECT COALESCE(MAX(version), 0) + 1 FROM playbook_versions), ?, ?, ?, ?) RETURNING version`,
		v.ID, v.YAML, v.AuthorID, ms(v.CreatedAt), v.Note).Scan(&v.Version)
	if err != nil {
		return fmt.Errorf("postgres: insert playbook version: %w", err)
	}
	return nil
}

// PlaybookVersions lists up to limit published playbooks, newest first.
func (tx *Tx) PlaybookVersions(ctx context.Context, limit int) ([]*baton.PlaybookVersion, error) {
	rows, err := tx.query(ctx, `SELECT `+playbookCols+` FROM playbook_versions ORDER BY version DESC LIMIT ?`, limit)
	out, err := collect(rows, err, scanPlaybookVersion)
	if err != nil {
		return nil, fmt.Errorf("postgres: list playbook versions: %w", err)
	}
	return out, nil
}

// PlaybookVersion returns one published playbook by its version number.
func (tx *Tx) PlaybookVersion(ctx context.Context, version int) (*baton.PlaybookVersion, error) {
	v, err := scanPlaybookVersion(tx.queryRow(ctx, `SELECT `+playbookCols+` FROM playbook_versions WHERE version = ?`, version))
	if err != nil {
		return nil, notFound(err, "playbook version", version)
	}
	return v, nil
}
