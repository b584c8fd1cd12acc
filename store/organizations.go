package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/cxmhq/cxm"
)

// DefaultOrganizationName is the name of the organization DefaultOrganization
// creates on an installation that has none.
const DefaultOrganizationName = "My organization"

const orgCols = "id, name, industry, size, created_at"

func scanOrg(sc scanner, o *cxm.Organization) error {
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
	err := db.readRow(ctx, "SELECT "+orgCols+" FROM organizations WHERE id = $1", []any{id},
		func(sc scanner) error { return scanOrg(sc, &o) })
	if err != nil {
		return cxm.Organization{}, notFound(err)
	}
	return o, nil
}

// ListOrganizations returns every organization by id.
func (db *DB) ListOrganizations(ctx context.Context) ([]cxm.Organization, error) {
	var list []cxm.Organization
	err := db.readRows(ctx, "SELECT "+orgCols+" FROM organizations ORDER BY id", nil, func(rows *sql.Rows) error {
		var o cxm.Organization
		if err := scanOrg(rows, &o); err != nil {
			return err
		}
		list = append(list, o)
		return nil
	})
	return list, err
}

// DefaultOrganization returns the installation's first organization,
// creating one named "My organization" when there is none. Concurrent
// callers, in one process or several, create at most one: a unique index
// admits a single row marked is_default.
func (db *DB) DefaultOrganization(ctx context.Context) (cxm.Organization, error) {
	const first = "SELECT " + orgCols + " FROM organizations ORDER BY id LIMIT 1"
	var o cxm.Organization
	err := db.readRow(ctx, first, nil, func(sc scanner) error { return scanOrg(sc, &o) })
	if !errors.Is(err, sql.ErrNoRows) {
		return o, err
	}
	err = db.withWriter(ctx, func() error {
		if _, err := db.w.ExecContext(ctx, `INSERT INTO organizations (name, industry, size, is_default, created_at)
			VALUES ($1, '', '', TRUE, $2) ON CONFLICT DO NOTHING`, DefaultOrganizationName, now()); err != nil {
			return err
		}
		return scanOrg(db.w.QueryRowContext(ctx, first), &o)
	})
	return o, err
}
