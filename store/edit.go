package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cxmhq/cxm"
)

// Editing organizations and assessments: rename, archive, delete.

// UpdateOrganization replaces an organization's name, industry and size.
// An unknown one is cxm.ErrNotFound.
func (db *DB) UpdateOrganization(ctx context.Context, o cxm.Organization) error {
	if strings.TrimSpace(o.Name) == "" {
		return errors.New("an organization needs a name")
	}
	return db.execOne(ctx, "UPDATE organizations SET name = $2, industry = $3, size = $4 WHERE id = $1", o.ID, o.Name, o.Industry, o.Size)
}

// RenameAssessment changes an assessment's name. An unknown one is
// cxm.ErrNotFound.
func (db *DB) RenameAssessment(ctx context.Context, id int64, name string) error {
	if strings.TrimSpace(name) == "" {
		return errors.New("an assessment needs a name")
	}
	return db.execOne(ctx, "UPDATE assessments SET name = $2 WHERE id = $1", id, name)
}

// ErrArchiveOpen refuses to archive an open assessment: it would still take
// responses while out of sight.
var ErrArchiveOpen = fmt.Errorf("%w: close the assessment before archiving it: an open one still takes responses", cxm.ErrConflict)

// SetArchived archives (at now) or unarchives an assessment. Only a closed
// one can be archived (ErrArchiveOpen); archiving an archived one keeps its
// date. An unknown one is cxm.ErrNotFound.
func (db *DB) SetArchived(ctx context.Context, id int64, archived bool, now time.Time) error {
	if !archived {
		return db.execOne(ctx, "UPDATE assessments SET archived_at = NULL WHERE id = $1", id)
	}
	n, err := db.execN(ctx, "UPDATE assessments SET archived_at = COALESCE(archived_at, $2) WHERE id = $1 AND status = 'closed'", id, ts(now))
	if err != nil || n == 1 {
		return err
	}
	if _, err := db.AssessmentNoCounts(ctx, id); err != nil {
		return err
	}
	return ErrArchiveOpen
}

// DeleteAssessment deletes an assessment with everything that hangs off
// it, for good: responses, invitations and drafts, mail batches and their
// addresses, plan and its history, release, kept benchmark scores and
// counters (every table that references assessments does so ON DELETE
// CASCADE; a test checks that none keeps a row). A later wave is linked to
// the deleted one's previous wave instead (or becomes the first of its
// series), so a series keeps its order when a wave in its middle goes.
//
// On SQLite, secure_delete overwrote the deleted rows in the pages; the WAL
// is then checkpointed and truncated so no copy of them stays in cxm.db-wal
// (a reader holding an old snapshot can delay that to the next checkpoint).
// On PostgreSQL the deleted rows are invisible at once and their space is
// reclaimed by autovacuum (docs/operations.md).
func (db *DB) DeleteAssessment(ctx context.Context, id int64) error {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var prev sql.NullInt64
		if err := tx.QueryRowContext(ctx, "SELECT previous_id FROM assessments WHERE id = $1", id).Scan(&prev); err != nil {
			return notFound(err)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE assessments SET previous_id = $2 WHERE previous_id = $1", id, prev); err != nil {
			return err
		}
		return txExecOne(ctx, tx, "DELETE FROM assessments WHERE id = $1", id)
	})
	if err != nil {
		return err
	}
	return db.TruncateWAL(ctx)
}
