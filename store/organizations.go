package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"sort"
	"strings"
	"time"

	"github.com/cxmhq/cxm"
)

// DefaultOrganizationName is the name of the organization DefaultOrganization
// creates on an installation that has none.
const DefaultOrganizationName = "My organization"

const orgCols = "id, name, industry, size, created_at"

func scanOrg(sc interface{ Scan(...any) error }, o *cxm.Organization) error {
	return sc.Scan(&o.ID, &o.Name, &o.Industry, &o.Size, (*timeCol)(&o.CreatedAt))
}

// CreateOrganization adds an organization and returns its id.
func (db *DB) CreateOrganization(ctx context.Context, o cxm.Organization) (int64, error) {
	if strings.TrimSpace(o.Name) == "" {
		return 0, errors.New("an organization needs a name")
	}
	var id int64
	err := db.writeRow(ctx, "INSERT INTO organizations (name, industry, size, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
		[]any{o.Name, o.Industry, o.Size, now()}, &id)
	return id, err
}

// Organization returns an organization.
func (db *DB) Organization(ctx context.Context, id int64) (cxm.Organization, error) {
	var o cxm.Organization
	if err := scanOrg(db.r.QueryRowContext(ctx, "SELECT "+orgCols+" FROM organizations WHERE id = $1", id), &o); err != nil {
		return cxm.Organization{}, notFound(err)
	}
	return o, nil
}

// ListOrganizations returns every organization by id.
func (db *DB) ListOrganizations(ctx context.Context) ([]cxm.Organization, error) {
	rows, err := db.r.QueryContext(ctx, "SELECT "+orgCols+" FROM organizations ORDER BY id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []cxm.Organization
	for rows.Next() {
		var o cxm.Organization
		if err := scanOrg(rows, &o); err != nil {
			return nil, err
		}
		list = append(list, o)
	}
	return list, rows.Err()
}

// DefaultOrganization returns the installation's first organization,
// creating one named "My organization" when there is none. Concurrent
// callers, in one process or several, create at most one: a unique index
// admits a single row marked is_default.
func (db *DB) DefaultOrganization(ctx context.Context) (cxm.Organization, error) {
	first := func(q interface {
		QueryRowContext(context.Context, string, ...any) *sql.Row
	}) (cxm.Organization, error) {
		var o cxm.Organization
		err := scanOrg(q.QueryRowContext(ctx, "SELECT "+orgCols+" FROM organizations ORDER BY id LIMIT 1"), &o)
		return o, err
	}
	o, err := first(db.r)
	if !errors.Is(err, sql.ErrNoRows) {
		return o, err
	}
	err = db.withWriter(ctx, func() error {
		if _, err := db.w.ExecContext(ctx, `INSERT INTO organizations (name, industry, size, is_default, created_at)
			VALUES ($1, '', '', TRUE, $2) ON CONFLICT DO NOTHING`, DefaultOrganizationName, now()); err != nil {
			return err
		}
		o, err = first(db.w)
		return err
	})
	return o, err
}

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
	err := db.r.QueryRowContext(ctx, "SELECT source FROM frameworks WHERE id = $1 AND version = $2", id, version).Scan(&src)
	if err != nil {
		return nil, notFound(err)
	}
	return src, nil
}

// LatestFrameworkVersion returns the highest stored version of a framework.
func (db *DB) LatestFrameworkVersion(ctx context.Context, id string) (int, error) {
	var v sql.NullInt64
	if err := db.r.QueryRowContext(ctx, "SELECT MAX(version) FROM frameworks WHERE id = $1", id).Scan(&v); err != nil {
		return 0, err
	}
	if !v.Valid {
		return 0, cxm.ErrNotFound
	}
	return int(v.Int64), nil
}

// ListFrameworks returns every stored framework version, by id then version.
func (db *DB) ListFrameworks(ctx context.Context) ([]FrameworkInfo, error) {
	rows, err := db.r.QueryContext(ctx, "SELECT id, version, name, builtin, created_at FROM frameworks ORDER BY id, version")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []FrameworkInfo
	for rows.Next() {
		var f FrameworkInfo
		if err := rows.Scan(&f.ID, &f.Version, &f.Name, &f.Builtin, (*timeCol)(&f.CreatedAt)); err != nil {
			return nil, err
		}
		list = append(list, f)
	}
	if err := rows.Err(); err != nil {
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
