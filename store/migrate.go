package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Migrations live in migrations/sqlite and migrations/postgres, one file per
// version named NNNN_name.sql, the same versions and names in both (a test
// checks). A migration, once released, is never edited: a change is a new
// version. Each file may hold several statements.
//
//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrationFiles embed.FS

// migration is one versioned schema change.
type migration struct {
	version int
	name    string // file name
	sql     string
}

// migrateLockKey is the PostgreSQL advisory lock that serializes migrations
// of instances starting at once ("cxm" in ASCII).
const migrateLockKey = 0x63786d

// createSchemaMigrations is the table that records applied migrations.
var createSchemaMigrations = map[string]string{
	SQLite: `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at TIMESTAMP NOT NULL)`,
	Postgres: `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at TIMESTAMPTZ NOT NULL)`,
}

// migrations returns the engine's migrations in version order. File names
// are NNNN_name.sql.
func migrations(engine string) ([]migration, error) {
	dir := "migrations/" + engine
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return nil, err
	}
	var ms []migration
	seen := map[int]string{}
	for _, e := range entries {
		name := e.Name()
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 || !strings.HasSuffix(name, ".sql") {
			return nil, fmt.Errorf("migration %s/%s: the name must be NNNN_name.sql", dir, name)
		}
		if prev, dup := seen[v]; dup {
			return nil, fmt.Errorf("migrations %s and %s have the same version %d", prev, name, v)
		}
		seen[v] = name
		b, err := fs.ReadFile(migrationFiles, path.Join(dir, name))
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: name, sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	return ms, nil
}

// Migrate brings the schema up to date and returns the versions it applied
// (none when it already was). Each migration runs in its own transaction and
// is recorded in schema_migrations. Several instances may call it at once: on
// PostgreSQL each transaction first takes an advisory lock, on SQLite it
// begins IMMEDIATE, and the version is checked again under the lock.
func (db *DB) Migrate(ctx context.Context) (applied []int, err error) {
	return db.migrateUpTo(ctx, 0)
}

// migrateUpTo applies the migrations up to version last (0: all); tests
// use it to build a database as an earlier version left it.
func (db *DB) migrateUpTo(ctx context.Context, last int) (applied []int, err error) {
	ms, err := migrations(db.engine)
	if err != nil {
		return nil, err
	}
	if last > 0 {
		ms = slices.DeleteFunc(ms, func(m migration) bool { return m.version > last })
	}
	lock := func(tx *sql.Tx) error {
		if db.engine != Postgres {
			return nil
		}
		_, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", int64(migrateLockKey))
		return err
	}
	err = db.tx(ctx, func(tx *sql.Tx) error {
		if err := lock(tx); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, createSchemaMigrations[db.engine])
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	for _, m := range ms {
		done := false
		err := db.tx(ctx, func(tx *sql.Tx) error {
			if err := lock(tx); err != nil {
				return err
			}
			var n int
			if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM schema_migrations WHERE version = $1", m.version).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
				m.version, m.name, now()); err != nil {
				return err
			}
			done = true
			return nil
		})
		if err != nil {
			return applied, fmt.Errorf("migrate %s/%s: %w", db.engine, m.name, err)
		}
		if done {
			applied = append(applied, m.version)
		}
	}
	return applied, db.vacuumAfter(ctx, applied)
}
