// Package testdb gives tests an empty database of each engine: an SQLite
// file in a temporary directory, or a fresh PostgreSQL schema, dropped when
// the test ends. PostgreSQL is found at CXM_TEST_POSTGRES (default: the
// local test server); when it is unreachable the test is skipped, or fails
// on CI (CI=true), where PostgreSQL must be there.
package testdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver
)

// The engines, named as store.DB.Engine names them.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// Engines is every engine the tests run against.
var Engines = []string{SQLite, Postgres}

const defaultPostgres = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// PostgresURL is the test server's URL.
func PostgresURL() string {
	if u := os.Getenv("CXM_TEST_POSTGRES"); u != "" {
		return u
	}
	return defaultPostgres
}

var (
	once  sync.Once
	admin *sql.DB
	err   error
)

func postgres() (*sql.DB, error) {
	once.Do(func() {
		db, e := sql.Open("pgx", PostgresURL())
		if e == nil {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			e = db.PingContext(ctx)
			cancel()
		}
		if e != nil {
			if db != nil {
				db.Close()
			}
			err = e
			return
		}
		db.SetMaxOpenConns(4)
		admin = db
	})
	return admin, err
}

// RequirePostgres skips the test, or fails it on CI, when PostgreSQL is not
// reachable.
func RequirePostgres(t testing.TB) *sql.DB {
	t.Helper()
	db, e := postgres()
	if e != nil {
		msg := "PostgreSQL is not reachable at " + PostgresURL() + " (set CXM_TEST_POSTGRES to a server's URL): " + e.Error()
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return db
}

// DSN returns the address of an empty database of the engine.
func DSN(t testing.TB, engine string) string {
	t.Helper()
	if engine == SQLite {
		return filepath.Join(t.TempDir(), "cxm test.db")
	}
	db := RequirePostgres(t)
	b := make([]byte, 6)
	rand.Read(b)
	schema := "test_" + hex.EncodeToString(b)
	if _, e := db.Exec("CREATE SCHEMA " + schema); e != nil {
		t.Fatalf("create schema: %v", e)
	}
	t.Cleanup(func() {
		if _, e := db.Exec("DROP SCHEMA " + schema + " CASCADE"); e != nil {
			t.Errorf("drop schema %s: %v", schema, e)
		}
	})
	u, e := url.Parse(PostgresURL())
	if e != nil {
		t.Fatalf("CXM_TEST_POSTGRES: %v", e)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
