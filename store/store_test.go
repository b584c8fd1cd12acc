package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/internal/testdb"
)

// freshDSN returns the DSN of an empty database of the engine (see
// internal/testdb: PostgreSQL is skipped when unreachable, except on CI).
func freshDSN(t testing.TB, engine string) string { return testdb.DSN(t, engine) }

// openDB opens dsn and closes it when the test ends.
func openDB(t testing.TB, dsn string) *DB {
	t.Helper()
	db, err := Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// newDB is a migrated, empty database of the engine.
func newDB(t testing.TB, engine string) *DB {
	t.Helper()
	db := openDB(t, freshDSN(t, engine))
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	return db
}

// forEachEngine runs fn as a subtest against a fresh, migrated database of
// each engine: SQLite in a temporary file and PostgreSQL in a schema of its
// own (skipped when PostgreSQL is not reachable, except on CI).
func forEachEngine(t *testing.T, fn func(t *testing.T, db *DB)) {
	t.Helper()
	for _, engine := range []string{SQLite, Postgres} {
		t.Run(engine, func(t *testing.T) {
			fn(t, newDB(t, engine))
		})
	}
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// tokenHash is a random 32-byte token hash.
func tokenHash() []byte { return randomBytes(32) }

func wantErr(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("%s: error %v, want %v", what, err, want)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// fixture is an organization, a framework and an open assessment.
type fixture struct {
	org        int64
	assessment cxm.Assessment
}

const testFramework = `id: test
version: 1
name: Test
`

func newFixture(t testing.TB, db *DB) fixture {
	t.Helper()
	ctx := context.Background()
	org, err := db.CreateOrganization(ctx, cxm.Organization{Name: "Acme"})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SaveFramework(ctx, "test", 1, "Test", []byte(testFramework), false); err != nil {
		t.Fatal(err)
	}
	a := cxm.Assessment{OrganizationID: org, Name: "Q1", FrameworkID: "test", FrameworkVersion: 1, MinGroup: 5,
		Attributes: []cxm.Attribute{{Name: "department", Values: []string{"Sales", "Support"}}}}
	if _, err := db.CreateAssessment(ctx, &a); err != nil {
		t.Fatal(err)
	}
	return fixture{org: org, assessment: a}
}

// invite creates n invitations and returns their token hashes.
func invite(t testing.TB, db *DB, assessmentID int64, n int) [][]byte {
	t.Helper()
	hashes := make([][]byte, n)
	invs := make([]NewInvitation, n)
	for i := range invs {
		hashes[i] = tokenHash()
		invs[i] = NewInvitation{TokenHash: hashes[i]}
	}
	if err := db.CreateInvitations(context.Background(), assessmentID, invs); err != nil {
		t.Fatal(err)
	}
	return hashes
}

func TestOpenEngine(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		want := SQLite
		if db.r == db.w {
			want = Postgres
		}
		if db.Engine() != want {
			t.Errorf("Engine() = %q, want %q", db.Engine(), want)
		}
		must(t, db.Ping(ctx))
	})
}

func TestOpenSQLitePragmas(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "new dir?#%", "x.db")
	if _, err := Open(ctx, path); err == nil {
		t.Fatal("Open in a missing directory succeeded")
	}
	must(t, os.MkdirAll(filepath.Dir(path), 0o755))
	db := openDB(t, path)
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the file was not created where asked: %v", err)
	}
	for _, c := range []struct {
		pool *sql.DB
		name string
		want string
	}{
		{db.w, "journal_mode", "wal"}, {db.r, "journal_mode", "wal"},
		{db.w, "synchronous", "1"}, {db.r, "synchronous", "1"},
		{db.w, "foreign_keys", "1"}, {db.r, "foreign_keys", "1"},
		{db.w, "busy_timeout", "5000"}, {db.r, "busy_timeout", "5000"},
		{db.w, "query_only", "0"}, {db.r, "query_only", "1"},
		{db.w, "secure_delete", "1"},
	} {
		var got string
		must(t, c.pool.QueryRowContext(ctx, "PRAGMA "+c.name).Scan(&got))
		if got != c.want {
			t.Errorf("PRAGMA %s = %s, want %s", c.name, got, c.want)
		}
	}
	if n := db.w.Stats().MaxOpenConnections; n != 1 {
		t.Errorf("writer pool has %d connections, want 1", n)
	}
	if _, err := db.r.ExecContext(ctx, "CREATE TABLE x (y INTEGER)"); err == nil {
		t.Error("a reader connection wrote")
	}
}

func TestIsPostgres(t *testing.T) {
	for dsn, want := range map[string]bool{
		"postgres://u@h/db": true, "postgresql://h/db": true, "cxm.db": false, "/var/lib/cxm/postgres.db": false,
	} {
		if IsPostgres(dsn) != want {
			t.Errorf("IsPostgres(%q) = %v", dsn, !want)
		}
	}
}

func TestMigrate(t *testing.T) {
	for _, engine := range []string{SQLite, Postgres} {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			db := openDB(t, freshDSN(t, engine))
			ms, err := migrations(engine)
			must(t, err)
			applied, err := db.Migrate(ctx)
			must(t, err)
			if len(applied) != len(ms) || applied[0] != 1 {
				t.Fatalf("first Migrate applied %v, want all %d", applied, len(ms))
			}
			again, err := db.Migrate(ctx)
			must(t, err)
			if len(again) != 0 {
				t.Fatalf("second Migrate applied %v, want none", again)
			}
			var n int
			must(t, db.r.QueryRowContext(ctx, "SELECT COUNT(*) FROM schema_migrations").Scan(&n))
			if n != len(ms) {
				t.Fatalf("schema_migrations has %d rows, want %d", n, len(ms))
			}
		})
	}
}

// TestMigrationsMatch: both engines have the same migration versions.
func TestMigrationsMatch(t *testing.T) {
	a, err := migrations(SQLite)
	must(t, err)
	b, err := migrations(Postgres)
	must(t, err)
	if len(a) != len(b) {
		t.Fatalf("%d SQLite migrations, %d PostgreSQL ones", len(a), len(b))
	}
	for i := range a {
		if a[i].version != b[i].version || a[i].name != b[i].name {
			t.Errorf("migration %d: sqlite %s, postgres %s", i, a[i].name, b[i].name)
		}
	}
}

func TestMigrateConcurrently(t *testing.T) {
	for _, engine := range []string{SQLite, Postgres} {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			dsn := freshDSN(t, engine)
			ms, err := migrations(engine)
			must(t, err)
			dbs := make([]*DB, 3)
			for i := range dbs {
				dbs[i] = openDB(t, dsn) // three instances starting at once
			}
			applied := make([][]int, len(dbs))
			errs := make([]error, len(dbs))
			var wg sync.WaitGroup
			for i, db := range dbs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					applied[i], errs[i] = db.Migrate(ctx)
				}()
			}
			wg.Wait()
			total := 0
			for i := range dbs {
				must(t, errs[i])
				total += len(applied[i])
			}
			if total != len(ms) {
				t.Fatalf("the instances applied %v, want each of the %d migrations once", applied, len(ms))
			}
			// The schema works.
			_, err = dbs[0].CreateUser(ctx, "a@example.com", cxm.RoleAdmin, "h")
			must(t, err)
		})
	}
}

// TestResponsesAreAnonymous: the responses table has exactly the columns
// id, assessment_id, attributes, answers. Adding one (a time, an invitation
// link) breaks respondents' anonymity, and this test.
func TestResponsesAreAnonymous(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		var q string
		if db.Engine() == SQLite {
			q = "SELECT name FROM pragma_table_info('responses') ORDER BY cid"
		} else {
			q = `SELECT column_name FROM information_schema.columns
				WHERE table_schema = current_schema() AND table_name = 'responses' ORDER BY ordinal_position`
		}
		rows, err := db.r.QueryContext(ctx, q)
		must(t, err)
		defer rows.Close()
		var cols []string
		for rows.Next() {
			var c string
			must(t, rows.Scan(&c))
			cols = append(cols, c)
		}
		must(t, rows.Err())
		want := []string{"id", "assessment_id", "attributes", "answers"}
		if len(cols) != len(want) {
			t.Fatalf("responses has columns %v, want exactly %v: a response must not be linkable to an invitation or a moment", cols, want)
		}
		for i := range want {
			if cols[i] != want[i] {
				t.Fatalf("responses has columns %v, want exactly %v", cols, want)
			}
		}
		// Nothing else references responses either (a link table).
		if db.Engine() == SQLite {
			q = "SELECT COUNT(*) FROM sqlite_master m, pragma_foreign_key_list(m.name) f WHERE m.type = 'table' AND f.\"table\" = 'responses'"
		} else {
			q = `SELECT COUNT(*) FROM information_schema.constraint_column_usage
				WHERE table_schema = current_schema() AND table_name = 'responses' AND constraint_name NOT LIKE 'responses_%'`
		}
		var n int
		must(t, db.r.QueryRowContext(ctx, q).Scan(&n))
		if n != 0 {
			t.Fatalf("%d foreign keys reference responses", n)
		}
	})
}

func TestBackup(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		target := filepath.Join(t.TempDir(), "backup.db")
		if db.Engine() == Postgres {
			if err := db.Backup(ctx, target); err == nil {
				t.Fatal("Backup on PostgreSQL succeeded")
			}
			return
		}
		f := newFixture(t, db)
		hashes := invite(t, db, f.assessment.ID, 400)
		for _, h := range hashes[:100] {
			inv, err := db.InvitationByToken(ctx, h)
			must(t, err)
			must(t, db.SubmitResponse(ctx, inv.ID, f.assessment.ID, cxm.StoredResponse{Answers: []int{1, 2}}))
		}
		// Keep writing while the copy is taken.
		stop := make(chan struct{})
		done := make(chan error)
		go func() {
			for _, h := range hashes[100:] {
				select {
				case <-stop:
					done <- nil
					return
				default:
				}
				inv, err := db.InvitationByToken(ctx, h)
				if err == nil {
					err = db.SubmitResponse(ctx, inv.ID, f.assessment.ID, cxm.StoredResponse{Answers: []int{3, 4}})
				}
				if err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
		time.Sleep(5 * time.Millisecond)
		err := db.Backup(ctx, target)
		close(stop)
		must(t, <-done)
		must(t, err)
		if err := db.Backup(ctx, target); err == nil {
			t.Fatal("Backup over an existing file succeeded")
		}

		b := openDB(t, target)
		a, err := b.Assessment(ctx, f.assessment.ID)
		must(t, err)
		if a.Name != "Q1" || a.Invited != 400 || a.Responses < 100 {
			t.Fatalf("backup has %+v", a)
		}
		// Consistent: every used invitation has its response.
		used := 0
		invs, err := b.ListInvitations(ctx, a.ID)
		must(t, err)
		for _, inv := range invs {
			if inv.Used {
				used++
			}
		}
		if used != a.Responses {
			t.Fatalf("backup has %d used invitations and %d responses", used, a.Responses)
		}
		applied, err := b.Migrate(ctx)
		must(t, err)
		if len(applied) != 0 {
			t.Fatalf("the backup needed migrations %v", applied)
		}
	})
}

func TestTimes(t *testing.T) {
	if got := ts(time.Date(2025, 3, 1, 12, 0, 0, 123456789, time.FixedZone("x", 3600))); !got.Equal(time.Date(2025, 3, 1, 11, 0, 0, 123456000, time.UTC)) || got.Location() != time.UTC {
		t.Fatalf("ts = %v", got)
	}
	var c timeCol
	must(t, c.Scan("2025-03-01 11:00:00.5+00:00"))
	if !time.Time(c).Equal(time.Date(2025, 3, 1, 11, 0, 0, 5e8, time.UTC)) {
		t.Fatalf("timeCol = %v", time.Time(c))
	}
	if err := c.Scan(42); err == nil {
		t.Fatal("timeCol scanned an int")
	}
}
