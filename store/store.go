// Package store keeps cxm's data in SQLite (an embedded file, the default)
// or PostgreSQL, behind one type, DB, over database/sql.
//
// Both engines run the same query text: the SQLite driver (modernc.org/sqlite)
// binds $1, $2 ... positionally like PostgreSQL, and every statement sticks to
// the SQL both understand (RETURNING, ON CONFLICT, TRUE/FALSE). The engine
// differences live in the migrations (migrations/sqlite, migrations/postgres)
// and in Open.
//
// Times are stored in UTC with microsecond precision (what PostgreSQL keeps)
// and returned in UTC. Expiry checks take the caller's "now" so tests control
// time.
//
// Anonymity of respondents is a property of the schema: the responses table
// has no column that links a response to an invitation or to a moment, and a
// test fails when one is added.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/cxmhq/cxm"
	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // driver "pgx"
	_ "modernc.org/sqlite"             // driver "sqlite"
)

// Engine names returned by DB.Engine.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// Pool sizes. On PostgreSQL at most postgresWriters connections write at
// once, so reads (pages, /healthz) always find one free.
const (
	sqliteReaders   = 4
	postgresConns   = 20
	postgresWriters = 16
)

// DB is cxm's database. It is safe for concurrent use.
//
// On SQLite there are two pools over the same file: one writer connection
// (every write and every write transaction, BEGIN IMMEDIATE) and a few
// read-only reader connections; WAL lets them run side by side. On
// PostgreSQL the two are the same pool. Writers queue for the writer pool on
// a channel, which serves them first come, first served (database/sql hands
// a freed connection to a random waiter, which under many concurrent writers
// makes the slowest few percent wait many times longer than the rest).
type DB struct {
	engine string
	w      *sql.DB       // writes
	r      *sql.DB       // reads; == w on PostgreSQL
	wsem   chan struct{} // a FIFO semaphore in front of the writer pool
	rsem   chan struct{} // and one in front of the reader pool
	path   string        // SQLite file

	stmtMu sync.Mutex
	stmts  map[stmtKey]*sql.Stmt // prepared hot statements

	submitMu    sync.Mutex
	submits     []*submission // waiting for a group commit (submit.go)
	submitBatch int           // the most submissions one commit takes
}

type stmtKey struct {
	write bool
	query string
}

// IsPostgres reports whether dsn names a PostgreSQL database rather than an
// SQLite file.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open opens the database dsn: a postgres:// or postgresql:// URL, or else
// the path of an SQLite file, created if missing. It does not migrate: call
// Migrate.
func Open(ctx context.Context, dsn string) (*DB, error) {
	if IsPostgres(dsn) {
		return openPostgres(ctx, dsn)
	}
	return openSQLite(ctx, dsn)
}

func openPostgres(ctx context.Context, dsn string) (*DB, error) {
	p, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	p.SetMaxOpenConns(postgresConns)
	p.SetMaxIdleConns(postgresConns)
	p.SetConnMaxIdleTime(5 * time.Minute)
	if err := p.PingContext(ctx); err != nil {
		p.Close()
		return nil, fmt.Errorf("connect to postgres: %w", err)
	}
	return &DB{engine: Postgres, w: p, r: p, wsem: make(chan struct{}, postgresWriters), rsem: make(chan struct{}, postgresConns),
		submitBatch: postgresSubmitBatch}, nil
}

func openSQLite(ctx context.Context, path string) (*DB, error) {
	if path == "" {
		return nil, errors.New("open sqlite: empty file name")
	}
	if path == ":memory:" || strings.HasPrefix(path, "file:") {
		return nil, fmt.Errorf("open sqlite: %q: give the path of a file", path)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	// busy_timeout first so the pragmas after it wait for locks too.
	// secure_delete overwrites deleted content (a respondent's draft, cleared
	// on submission) instead of leaving it in free pages of the file.
	common := []string{"busy_timeout(5000)", "journal_mode(WAL)", "synchronous(NORMAL)",
		"foreign_keys(1)", "secure_delete(1)", "journal_size_limit(67108864)"}
	w, err := sql.Open("sqlite", sqliteDSN(abs, common, "_txlock=immediate"))
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	// The writer's first connection creates the file and switches it to WAL
	// before any reader opens it.
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", sqliteDSN(abs, append(common, "query_only(1)")))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	r.SetMaxOpenConns(sqliteReaders)
	r.SetMaxIdleConns(sqliteReaders)
	r.SetConnMaxIdleTime(0)
	if err := r.PingContext(ctx); err != nil {
		w.Close()
		r.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	return &DB{engine: SQLite, w: w, r: r, wsem: make(chan struct{}, 1), rsem: make(chan struct{}, sqliteReaders), path: abs,
		submitBatch: sqliteSubmitBatch}, nil
}

// sqliteDSN is a file: URI for the absolute path abs (so any character in
// the path is escaped) with driver parameters.
func sqliteDSN(abs string, pragmas []string, extra ...string) string {
	q := make([]string, 0, len(pragmas)+len(extra)+1)
	for _, p := range pragmas {
		q = append(q, "_pragma="+url.QueryEscape(p))
	}
	// Written times use a layout that sorts as text ("2006-01-02
	// 15:04:05.999999999-07:00"); every time passed in is UTC.
	q = append(q, "_time_format=sqlite")
	q = append(q, extra...)
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs), RawQuery: strings.Join(q, "&")}
	return u.String()
}

// Engine is "sqlite" or "postgres".
func (db *DB) Engine() string { return db.engine }

// Close closes the pools.
func (db *DB) Close() error {
	db.stmtMu.Lock()
	for _, st := range db.stmts {
		st.Close()
	}
	db.stmts = nil
	db.stmtMu.Unlock()
	err := db.w.Close()
	if db.r != db.w {
		if e := db.r.Close(); err == nil {
			err = e
		}
	}
	return err
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if db.r != db.w {
		if err := db.withWriter(ctx, func() error { return db.w.PingContext(ctx) }); err != nil {
			return err
		}
	}
	var one int
	return db.withReader(ctx, func() error { return db.r.QueryRowContext(ctx, "SELECT 1").Scan(&one) })
}

// Backup writes a consistent copy of a live SQLite database to path, which
// must not exist (VACUUM INTO: writers are not blocked). On PostgreSQL it
// returns an error: use pg_dump.
func (db *DB) Backup(ctx context.Context, path string) error {
	if db.engine != SQLite {
		return errors.New("backup: the database is PostgreSQL: use pg_dump")
	}
	if path == "" {
		return errors.New("backup: no target file")
	}
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("backup: %s already exists", path)
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("backup: %w", err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	// A connection of its own: the readers are query_only, and the writer
	// must stay free for writes while the copy runs.
	c, err := sql.Open("sqlite", sqliteDSN(db.path, []string{"busy_timeout(5000)"}))
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, "VACUUM INTO $1", abs); err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	return nil
}

// withWriter runs fn when its turn to use the writer pool has come.
func (db *DB) withWriter(ctx context.Context, fn func() error) error {
	select {
	case db.wsem <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-db.wsem }()
	return fn()
}

// withReader runs fn when its turn to use the reader pool has come.
func (db *DB) withReader(ctx context.Context, fn func() error) error {
	select {
	case db.rsem <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-db.rsem }()
	return fn()
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(...any) error }

// readRow runs a query for one row on the reader pool, prepared once, and
// scans the row with scan (sql.ErrNoRows when there is none).
func (db *DB) readRow(ctx context.Context, query string, args []any, scan func(scanner) error) error {
	st, err := db.prepared(ctx, false, query)
	if err != nil {
		return err
	}
	return db.withReader(ctx, func() error { return scan(st.QueryRowContext(ctx, args...)) })
}

// readRows runs a query on the reader pool and calls each for every row.
func (db *DB) readRows(ctx context.Context, query string, args []any, each func(*sql.Rows) error) error {
	return db.withReader(ctx, func() error {
		rows, err := db.r.QueryContext(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			if err := each(rows); err != nil {
				return err
			}
		}
		return rows.Err()
	})
}

// count runs a COUNT query on the reader pool.
func (db *DB) count(ctx context.Context, query string, args ...any) (int, error) {
	var n int
	err := db.readRow(ctx, query, args, func(sc scanner) error { return sc.Scan(&n) })
	return n, err
}

// exec runs one write statement.
func (db *DB) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	var res sql.Result
	err := db.withWriter(ctx, func() error {
		var err error
		res, err = db.w.ExecContext(ctx, query, args...)
		return err
	})
	return res, err
}

// execN runs one write statement and returns the number of rows it changed.
func (db *DB) execN(ctx context.Context, query string, args ...any) (int64, error) {
	res, err := db.exec(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// writeRow runs a write statement with RETURNING and scans its one row.
func (db *DB) writeRow(ctx context.Context, query string, args []any, dest ...any) error {
	return db.withWriter(ctx, func() error {
		return db.w.QueryRowContext(ctx, query, args...).Scan(dest...)
	})
}

// tx runs fn in a write transaction (BEGIN IMMEDIATE on SQLite), committing
// when fn returns nil and rolling back otherwise.
func (db *DB) tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return db.withWriter(ctx, func() error { return db.txHeld(ctx, fn) })
}

// txHeld is tx for a caller that holds its turn on the writer already.
func (db *DB) txHeld(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	done := false
	defer func() {
		if !done {
			tx.Rollback()
		}
	}()
	if err := fn(tx); err != nil {
		return err
	}
	done = true
	return tx.Commit()
}

// prepared returns query prepared on the writer pool (write) or the reader
// pool, once: hot statements skip parsing and planning on every call (on
// SQLite that is a third of the cost of a submission). In a transaction use
// tx.StmtContext(ctx, st), which reuses the statement on the writer's
// connection. Call it before taking the writer (db.tx, withWriter): on
// SQLite preparing needs the writer's only connection.
func (db *DB) prepared(ctx context.Context, write bool, query string) (*sql.Stmt, error) {
	k := stmtKey{write, query}
	lookup := func() *sql.Stmt {
		db.stmtMu.Lock()
		defer db.stmtMu.Unlock()
		return db.stmts[k]
	}
	if st := lookup(); st != nil {
		return st, nil
	}
	prepare := func() (*sql.Stmt, error) {
		if st := lookup(); st != nil { // prepared while this caller waited
			return st, nil
		}
		pool := db.r
		if write {
			pool = db.w
		}
		st, err := pool.PrepareContext(ctx, query)
		if err != nil {
			return nil, err
		}
		db.stmtMu.Lock()
		defer db.stmtMu.Unlock()
		if old := db.stmts[k]; old != nil {
			st.Close()
			return old, nil
		}
		if db.stmts == nil {
			db.stmts = map[stmtKey]*sql.Stmt{}
		}
		db.stmts[k] = st
		return st, nil
	}
	if !write {
		return prepare()
	}
	// Through the writer's queue, so the first burst of callers does not
	// stampede the writer's connection with the same preparation.
	var st *sql.Stmt
	err := db.withWriter(ctx, func() error {
		var err error
		st, err = prepare()
		return err
	})
	return st, err
}

// notFound turns sql.ErrNoRows into cxm.ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return cxm.ErrNotFound
	}
	return err
}

// ts is t as stored: UTC, microseconds.
func ts(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// now is the current time as stored.
func now() time.Time { return ts(time.Now()) }

// timeLayouts are the layouts SQLite text times may come in when the
// driver does not convert them itself (it does for columns declared
// TIMESTAMP, but not for RETURNING or expressions).
var timeLayouts = []string{
	"2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02T15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999",
	time.RFC3339Nano,
}

// timeCol scans a stored time in either engine and makes it UTC.
type timeCol time.Time

func (t *timeCol) Scan(src any) error {
	switch v := src.(type) {
	case time.Time:
		*t = timeCol(v.UTC())
		return nil
	case string:
		return t.parse(v)
	case []byte:
		return t.parse(string(v))
	}
	return fmt.Errorf("store: cannot scan %T into a time", src)
}

func (t *timeCol) parse(s string) error {
	for _, l := range timeLayouts {
		if v, err := time.Parse(l, s); err == nil {
			*t = timeCol(v.UTC())
			return nil
		}
	}
	return fmt.Errorf("store: %q is not a time", s)
}

// nullTimeCol scans a nullable stored time into a *time.Time (nil for NULL).
type nullTimeCol struct{ p **time.Time }

func (n nullTimeCol) Scan(src any) error {
	if src == nil {
		*n.p = nil
		return nil
	}
	var t timeCol
	if err := t.Scan(src); err != nil {
		return err
	}
	v := time.Time(t)
	*n.p = &v
	return nil
}

// isForeignKeyViolation reports whether err is a foreign key failure:
// SQLSTATE 23503 on PostgreSQL, SQLITE_CONSTRAINT_FOREIGNKEY on SQLite.
func isForeignKeyViolation(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "23503"
	}
	return err != nil && strings.Contains(err.Error(), "FOREIGN KEY constraint failed")
}
