package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"sort"
	"time"

	"github.com/cxmhq/cxm"
)

// FrameworkInfo describes one stored framework version.
type FrameworkInfo struct {
	ID        string    `json:"id"`
	Version   int       `json:"version"`
	Name      string    `json:"name"`
	Builtin   bool      `json:"builtin"`
	CreatedAt time.Time `json:"created_at"`
}

// SaveFramework stores version version of framework id with its source
// (the YAML file as written). Saving the same bytes again is a no-op;
// different bytes under an existing id and version are cxm.ErrConflict
// (a version, once stored, never changes: assessments pin it).
func (db *DB) SaveFramework(ctx context.Context, id string, version int, name string, source []byte, builtin bool) error {
	if id == "" || version <= 0 {
		return errors.New("a framework needs an id and a version > 0")
	}
	if source == nil {
		source = []byte{}
	}
	return db.withWriter(ctx, func() error {
		res, err := db.w.ExecContext(ctx, `INSERT INTO frameworks (id, version, name, source, builtin, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id, version) DO NOTHING`,
			id, version, name, source, builtin, now())
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			return err
		}
		var old []byte
		if err := db.w.QueryRowContext(ctx, "SELECT source FROM frameworks WHERE id = $1 AND version = $2", id, version).Scan(&old); err != nil {
			return err
		}
		if !bytes.Equal(old, source) {
			return cxm.ErrConflict
		}
		return nil
	})
}

// FrameworkSource returns the source of a stored framework version.
func (db *DB) FrameworkSource(ctx context.Context, id string, version int) ([]byte, error) {
	var src []byte
	err := db.readRow(ctx, "SELECT source FROM frameworks WHERE id = $1 AND version = $2", []any{id, version},
		func(sc scanner) error { return sc.Scan(&src) })
	if err != nil {
		return nil, notFound(err)
	}
	return src, nil
}

// LatestFrameworkVersion returns the highest stored version of a framework.
func (db *DB) LatestFrameworkVersion(ctx context.Context, id string) (int, error) {
	var v sql.NullInt64
	err := db.readRow(ctx, "SELECT MAX(version) FROM frameworks WHERE id = $1", []any{id},
		func(sc scanner) error { return sc.Scan(&v) })
	if err != nil {
		return 0, err
	}
	if !v.Valid {
		return 0, cxm.ErrNotFound
	}
	return int(v.Int64), nil
}

// ListFrameworks returns every stored framework version, by id then version.
func (db *DB) ListFrameworks(ctx context.Context) ([]FrameworkInfo, error) {
	var list []FrameworkInfo
	err := db.readRows(ctx, "SELECT id, version, name, builtin, created_at FROM frameworks ORDER BY id, version", nil,
		func(rows *sql.Rows) error {
			var f FrameworkInfo
			if err := rows.Scan(&f.ID, &f.Version, &f.Name, &f.Builtin, (*timeCol)(&f.CreatedAt)); err != nil {
				return err
			}
			list = append(list, f)
			return nil
		})
	if err != nil {
		return nil, err
	}
	// Sorted here, byte-wise, so both engines agree whatever the collation.
	sort.Slice(list, func(i, j int) bool {
		if list[i].ID != list[j].ID {
			return list[i].ID < list[j].ID
		}
		return list[i].Version < list[j].Version
	})
	return list, nil
}
