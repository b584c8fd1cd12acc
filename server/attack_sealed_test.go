package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/framework"
	"github.com/cxmhq/cxm/internal/smtptest"
	"github.com/cxmhq/cxm/internal/testdb"
	"github.com/cxmhq/cxm/mail"
)

// The attacks of issue 7 on storage ("the database remembers"), written
// as an attacker who copies the database files while people answer.
//
// The attacker's goal is to tie an address to a token hash, a draft or a
// response. The test plays the respondents (it reads their invitations from
// a real SMTP server), so it knows every token, hash and answer and can
// recognize them in the copies; the attacker's question is whether any
// single row, page of cxm.db, or commit of cxm.db-wal holds an address
// together with one of them. It must find none.
//
// Against today's design (main before this branch: invitations.email next
// to invitations.token_hash, written in one INSERT) the same analysis finds
// every address next to its hash. Checked both ways: by running these
// functions against main's own store code (main at 56da7d2, copied out of
// the tree: 8 of 8 addresses tied to their hashes, 648 findings in rows,
// pages and WAL commits), and in this tree by TestAttackFindsTheOldLayout,
// which writes the old layout as main's CreateInvitations did.

// evidence is what the attacker looks for.
type evidence struct {
	addresses []string
	hashes    [][]byte // SHA-256 of the tokens, as stored
	answers   []string // each respondent's stored answers ("3,1,4,...")
	drafts    [][]byte // sealed drafts seen in any copy
	comments  []string // each respondent's comment (issue 8), unique to them
}

// finding is one place that ties an address to something.
type finding struct{ where, address, with string }

// linksIn lists what b ties together.
func (ev *evidence) linksIn(where string, b []byte) []finding {
	var out []finding
	for _, a := range ev.addresses {
		if !bytes.Contains(b, []byte(a)) {
			continue
		}
		for i, h := range ev.hashes {
			if bytes.Contains(b, h) {
				out = append(out, finding{where, a, fmt.Sprintf("token hash %d", i)})
			}
		}
		for i, s := range ev.answers {
			if bytes.Contains(b, []byte(s)) {
				out = append(out, finding{where, a, fmt.Sprintf("answers of respondent %d", i)})
			}
		}
		for i, d := range ev.drafts {
			if bytes.Contains(b, d) {
				out = append(out, finding{where, a, fmt.Sprintf("draft %d", i)})
			}
		}
	}
	// A comment is tied to its author when it sits with their answers
	// (and so their group), their token's hash or their address.
	for i, c := range ev.comments {
		if !bytes.Contains(b, []byte(c)) {
			continue
		}
		what := fmt.Sprintf("comment %d", i)
		if i < len(ev.answers) && bytes.Contains(b, []byte(ev.answers[i])) {
			out = append(out, finding{where, what, fmt.Sprintf("answers of respondent %d", i)})
		}
		if i < len(ev.hashes) && bytes.Contains(b, ev.hashes[i]) {
			out = append(out, finding{where, what, fmt.Sprintf("token hash %d", i)})
		}
		if i < len(ev.addresses) && bytes.Contains(b, []byte(ev.addresses[i])) {
			out = append(out, finding{where, what, fmt.Sprintf("address %d", i)})
		}
	}
	return out
}

// seen counts the pieces of evidence that appear in b, so that a test
// knows the attacker did see them (only never together).
type seen struct{ addresses, hashes, answers, drafts, comments int }

func (s *seen) add(ev *evidence, b []byte) {
	count := func(list [][]byte) int {
		n := 0
		for _, x := range list {
			if bytes.Contains(b, x) {
				n++
			}
		}
		return n
	}
	s.addresses += count(asBytes(ev.addresses))
	s.hashes += count(ev.hashes)
	s.answers += count(asBytes(ev.answers))
	s.drafts += count(ev.drafts)
	s.comments += count(asBytes(ev.comments))
}

func asBytes(ss []string) [][]byte {
	out := make([][]byte, len(ss))
	for i, s := range ss {
		out[i] = []byte(s)
	}
	return out
}

// copyFiles copies cxm.db and its -wal and -shm as they are this instant,
// as someone with read access to the directory (or a file backup) would.
func copyFiles(t *testing.T, dbPath, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		b, err := os.ReadFile(dbPath + suffix)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "cxm.db"+suffix), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// rowsOf opens a scratch copy of a snapshot as SQLite and returns every
// row of every table as bytes, and the sealed drafts. A copy taken in the
// middle of a write may not open: then it says why, and the attacker is
// left with the raw bytes.
func rowsOf(t *testing.T, snapshot string) (rows map[string][][]byte, drafts [][]byte, err error) {
	t.Helper()
	scratch := t.TempDir()
	copyFiles(t, filepath.Join(snapshot, "cxm.db"), scratch)
	db, err := sql.Open("sqlite", filepath.Join(scratch, "cxm.db"))
	if err != nil {
		return nil, nil, err
	}
	defer db.Close()
	var tables []string
	list, err := db.Query("SELECT name FROM sqlite_master WHERE type = 'table'")
	if err != nil {
		return nil, nil, err
	}
	for list.Next() {
		var name string
		list.Scan(&name)
		tables = append(tables, name)
	}
	list.Close()
	rows = map[string][][]byte{}
	for _, table := range tables {
		rs, err := db.Query(`SELECT * FROM "` + table + `"`)
		if err != nil {
			return nil, nil, err
		}
		cols, _ := rs.Columns()
		for rs.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rs.Scan(ptrs...); err != nil {
				rs.Close()
				return nil, nil, err
			}
			var row []byte
			for i, v := range vals {
				b := fmt.Append(nil, v)
				if x, ok := v.([]byte); ok {
					b = x
					if table == "drafts" && cols[i] == "sealed" && len(x) > 0 {
						drafts = append(drafts, slices.Clone(x))
					}
				}
				row = append(append(row, b...), 0)
			}
			rows[table] = append(rows[table], row)
		}
		err = rs.Err()
		rs.Close()
		if err != nil {
			return nil, nil, err
		}
	}
	return rows, drafts, nil
}

// pagesOf splits an SQLite database file into its pages.
func pagesOf(b []byte) [][]byte {
	if len(b) < 100 {
		return nil
	}
	size := int(binary.BigEndian.Uint16(b[16:18]))
	if size == 1 {
		size = 65536
	}
	var out [][]byte
	for off := 0; off+size <= len(b); off += size {
		out = append(out, b[off:off+size])
	}
	return out
}

// walCommits groups the frames of a WAL file by transaction: the pages a
// commit wrote, including frames of earlier generations (other salts) that
// a reset left behind. A trailing group without a commit frame (a
// transaction being written) is returned too.
func walCommits(b []byte) [][]byte {
	if len(b) < 32 {
		return nil
	}
	size := int(binary.BigEndian.Uint32(b[8:12]))
	var out [][]byte
	var cur []byte
	for off := 32; off+24+size <= len(b); off += 24 + size {
		cur = append(cur, b[off+24:off+24+size]...)
		if binary.BigEndian.Uint32(b[off+4:off+8]) != 0 { // commit frame: the database size after it
			out = append(out, cur)
			cur = nil
		}
	}
	if cur != nil {
		out = append(out, cur)
	}
	return out
}

// attack analyzes snapshots: rows (opened as SQLite), pages of cxm.db,
// and WAL commits. It returns every link found and what it saw.
func attack(t *testing.T, ev *evidence, snapshots []string) ([]finding, seen) {
	t.Helper()
	type snap struct {
		name string
		rows map[string][][]byte
	}
	var snaps []snap
	for _, dir := range snapshots {
		rows, drafts, err := rowsOf(t, dir)
		if err != nil {
			t.Logf("%s does not open as SQLite (%v): its bytes are scanned all the same", filepath.Base(dir), err)
		}
		ev.drafts = append(ev.drafts, drafts...)
		snaps = append(snaps, snap{dir, rows})
	}
	var found []finding
	var saw seen
	for _, s := range snaps {
		for table, rows := range s.rows {
			for i, row := range rows {
				found = append(found, ev.linksIn(fmt.Sprintf("%s: row %d of %s", filepath.Base(s.name), i, table), row)...)
			}
		}
		dbFile, _ := os.ReadFile(filepath.Join(s.name, "cxm.db"))
		for i, p := range pagesOf(dbFile) {
			found = append(found, ev.linksIn(fmt.Sprintf("%s: page %d of cxm.db", filepath.Base(s.name), i+1), p)...)
			saw.add(ev, p)
		}
		wal, _ := os.ReadFile(filepath.Join(s.name, "cxm.db-wal"))
		for i, c := range walCommits(wal) {
			found = append(found, ev.linksIn(fmt.Sprintf("%s: commit %d of cxm.db-wal", filepath.Base(s.name), i+1), c)...)
			saw.add(ev, c)
		}
	}
	return found, saw
}

// respondentAnswers is respondent i's answer to every item, unique to i.
func respondentAnswers(f *cxm.Framework, i int) (map[string]int, string) {
	m := map[string]int{}
	var stored []string
	j := 0
	for _, c := range f.Competencies {
		for _, it := range c.Items {
			v := f.Scale.Min + (i*7+j*j+i*j*3)%(f.Scale.Max-f.Scale.Min+1)
			m[it.ID] = v
			stored = append(stored, strconv.Itoa(v))
			j++
		}
	}
	return m, strings.Join(stored, ",")
}

var sealedLink = regexp.MustCompile(`/r/([A-Za-z0-9_-]{43})\r?\n`)

// sealedRound runs the whole story on e: 8 sealed invitations sent through
// a real SMTP server, read by their recipients, who save drafts and submit
// (half through the pages, half through the API); snap is called at every
// step. It returns what the attacker needs to recognize.
func sealedRound(t *testing.T, e *env, snap func(step string)) (*evidence, int64) {
	t.Helper()
	ctx, stop := context.WithCancel(context.Background())
	smtpSrv := smtptest.Start(t, smtptest.Options{})
	client, err := mail.NewClient(smtpSrv.URL())
	if err != nil {
		t.Fatal(err)
	}
	w := mail.NewWorker(e.db, client, mail.Config{From: "cx@example.org", Poll: 50 * time.Millisecond,
		Link: func(tok string) string { return e.ts.URL + "/r/" + tok },
		Mint: func() (string, []byte) { tok := NewToken(); return tok, HashToken(tok) }})
	e.srv.cfg.Mail = w
	done := make(chan struct{})
	go func() { defer close(done); w.Run(ctx) }()
	t.Cleanup(func() { stop(); <-done })

	f, _ := framework.Builtin("temkin-four")
	id := e.newAssessment(map[string]any{"name": "Q1", "framework": "temkin-four", "min_group": 5,
		"attributes": []any{map[string]any{"name": "department", "values": []string{"Sales", "Ops"}}}})
	path := "/api/v1/assessments/" + itoa64(id)
	ev := &evidence{}
	for i := range 8 {
		ev.addresses = append(ev.addresses, fmt.Sprintf("person%d@example.org", i))
	}
	e.invite(id, 3) // some links too, as a facilitator might also make
	snap("before")
	status, out := e.call(cxm.RoleFacilitator, "POST", path+"/invitations", map[string]any{"emails": ev.addresses})
	if status != http.StatusAccepted || out["queued"] != float64(8) {
		t.Fatalf("sealed invitations: %d %v", status, out)
	}
	snap("queued")
	msgs := smtpSrv.Wait(8, 10*time.Second)
	if len(msgs) != 8 {
		t.Fatalf("%d invitations arrived, want 8", len(msgs))
	}
	snap("sent")
	tokens := map[string]string{}
	for _, m := range msgs {
		_, body, err := m.Parsed()
		l := sealedLink.FindStringSubmatch(body)
		if err != nil || l == nil || len(m.To) != 1 || tokens[m.To[0]] != "" {
			t.Fatalf("invitation to %v: %v %q", m.To, err, body)
		}
		tokens[m.To[0]] = l[1]
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	post := func(tok string, v url.Values) {
		t.Helper()
		resp, err := c.PostForm(e.ts.URL+"/r/"+tok, v)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("respondent page: %d", resp.StatusCode)
		}
	}
	for i, addr := range ev.addresses {
		tok := tokens[addr]
		h := sha256.Sum256([]byte(tok))
		ev.hashes = append(ev.hashes, h[:])
		answers, stored := respondentAnswers(f, i)
		ev.answers = append(ev.answers, stored)
		ev.comments = append(ev.comments, fmt.Sprintf("the comment of respondent %d: more staff at lunchtime", i))
		dept := []string{"Sales", "Ops"}[i%2]
		post(tok, url.Values{"part": {"0"}, "attr.department": {dept}, "action": {"next"}})
		part := url.Values{"part": {"1"}, "action": {"next"}}
		for _, it := range f.Competencies[0].Items {
			part.Set("item."+it.ID, strconv.Itoa(answers[it.ID]))
		}
		post(tok, part)
		snap(fmt.Sprintf("draft-%d", i))
		if i%2 == 0 {
			body := map[string]any{"attributes": map[string]string{"department": dept}, "answers": answers, "comment": ev.comments[i]}
			if status, out := e.call("", "POST", "/api/v1/responses/"+tok, body); status != http.StatusCreated {
				t.Fatalf("submit %d: %d %v", i, status, out)
			}
		} else {
			for p, comp := range f.Competencies[1:] {
				v := url.Values{"part": {strconv.Itoa(p + 2)}, "action": {"next"}}
				if p == len(f.Competencies)-2 {
					v.Set("action", "submit")
					v.Set("comment", ev.comments[i])
				}
				for _, it := range comp.Items {
					v.Set("item."+it.ID, strconv.Itoa(answers[it.ID]))
				}
				post(tok, v)
			}
		}
		snap(fmt.Sprintf("submitted-%d", i))
	}
	if n, _ := e.db.CountResponses(context.Background(), id); n != 8 {
		t.Fatalf("%d responses stored, want 8", n)
	}
	// A reminder goes to the 8 addresses, as another batch.
	if status, out := e.call(cxm.RoleFacilitator, "POST", path+"/reminders", nil); status != http.StatusAccepted || out["queued"] != float64(8) {
		t.Fatalf("reminders: %d %v", status, out)
	}
	if got := smtpSrv.Wait(16, 10*time.Second); len(got) != 16 {
		t.Fatalf("%d messages after the reminder, want 16", len(got))
	}
	snap("reminded")
	return ev, id
}

// TestAttackDatabaseFiles: copies of cxm.db, cxm.db-wal and cxm.db-shm
// taken at every step while 8 people invited by sealed mail answer; from
// the copies only, nothing ties an address to a token hash, a draft or
// answers. After the assessment closes, no address is left in the files.
func TestAttackDatabaseFiles(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "cxm.db")
	e := newEnvAt(t, dbPath)
	var mu sync.Mutex
	var snapshots []string
	snap := func(step string) {
		mu.Lock()
		defer mu.Unlock()
		d := filepath.Join(dir, fmt.Sprintf("copy-%02d-%s", len(snapshots), step))
		copyFiles(t, dbPath, d)
		snapshots = append(snapshots, d)
	}
	// Besides a copy at every step, copies at any moment, as they come:
	// some are taken in the middle of a write.
	stopCopying, copying := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(copying)
		for {
			select {
			case <-stopCopying:
				return
			case <-time.After(3 * time.Millisecond):
				snap("any")
			}
		}
	}()
	ev, id := sealedRound(t, e, snap)
	close(stopCopying)
	<-copying
	found, saw := attack(t, ev, snapshots)
	for _, f := range found {
		t.Errorf("%s ties %s to %s", f.where, f.address, f.with)
	}
	// The attacker did see each kind of evidence, only never together.
	if saw.addresses == 0 || saw.hashes == 0 || saw.answers == 0 || saw.drafts == 0 || saw.comments == 0 {
		t.Errorf("the copies did not show every kind of evidence: %+v (the attack looked in the wrong place)", saw)
	}
	t.Logf("%d copies; pieces seen in pages and WAL commits: %+v", len(snapshots), saw)

	// Closing: the addresses go, from the tables, the free pages and the WAL.
	if status, out := e.call(cxm.RoleFacilitator, "POST", fmt.Sprintf("/api/v1/assessments/%d/close", id), nil); status != http.StatusOK {
		t.Fatalf("close: %d %v", status, out)
	}
	// The release took the 8 comments; the comments table is empty.
	if status, out := e.call(cxm.RoleViewer, "GET", fmt.Sprintf("/api/v1/assessments/%d/comments", id), nil); status != http.StatusOK ||
		len(out["comments"].([]any)) != 8 {
		t.Fatalf("comments after the close: %d %v", status, out)
	}
	if n, err := e.db.PurgeClosedAddresses(context.Background()); err != nil || n != 16 {
		t.Fatalf("purged %d addresses, %v; want 8 invitations and 8 reminders", n, err)
	}
	after := filepath.Join(dir, "after-close")
	copyFiles(t, dbPath, after)
	for _, name := range []string{"cxm.db", "cxm.db-wal"} {
		b, _ := os.ReadFile(filepath.Join(after, name))
		for _, a := range ev.addresses {
			if bytes.Contains(b, []byte(a)) {
				t.Errorf("%s still holds %s after the assessment closed", name, a)
			}
		}
	}
}

// TestAttackFindsTheOldLayout runs the same analysis on a database written
// as main's code wrote it before this branch (an email column next to the
// token hash, filled by one INSERT): it must find every address tied to its
// hash, in rows, pages and WAL commits. This is the check that the attack
// can fail.
func TestAttackFindsTheOldLayout(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "cxm.db")
	db, err := sql.Open("sqlite", "file:"+dbPath+"?_pragma=journal_mode(WAL)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(`CREATE TABLE invitations (id INTEGER PRIMARY KEY, assessment_id INTEGER NOT NULL,
		token_hash BLOB NOT NULL UNIQUE, email TEXT NOT NULL DEFAULT '', created_at TIMESTAMP NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	ev := &evidence{}
	q := "INSERT INTO invitations (assessment_id, created_at, token_hash, email) VALUES "
	args := []any{}
	for i := range 8 {
		ev.addresses = append(ev.addresses, fmt.Sprintf("person%d@example.org", i))
		h := sha256.Sum256([]byte(NewToken()))
		ev.hashes = append(ev.hashes, h[:])
		if i > 0 {
			q += ", "
		}
		q += fmt.Sprintf("(1, '2026-11-29', $%d, $%d)", 2*i+1, 2*i+2)
		args = append(args, h[:], ev.addresses[i])
	}
	if _, err := db.Exec(q, args...); err != nil {
		t.Fatal(err)
	}
	snapDir := filepath.Join(dir, "copy")
	copyFiles(t, dbPath, snapDir) // the rows in the WAL
	if _, err := db.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		t.Fatal(err)
	}
	checkpointed := filepath.Join(dir, "copy-checkpointed")
	copyFiles(t, dbPath, checkpointed) // the rows in cxm.db's pages
	found, _ := attack(t, ev, []string{snapDir, checkpointed})
	where := map[string]map[string]bool{}
	for _, f := range found {
		kind := regexp.MustCompile(`row|page|commit`).FindString(f.where)
		if where[kind] == nil {
			where[kind] = map[string]bool{}
		}
		where[kind][f.address] = true
	}
	for _, kind := range []string{"row", "page", "commit"} {
		if len(where[kind]) != 8 {
			t.Errorf("the attack tied %d addresses to their hashes by %s, want 8", len(where[kind]), kind)
		}
	}
}

// TestAttackPostgres: the same story on PostgreSQL, and an attacker who
// reads the data directory: every tuple of the tables, live or dead (through
// pageinspect, as a reader of the files sees them), with the transaction
// ids that wrote (xmin) and deleted or updated (xmax) it. No row holds an
// address with a hash or answers, and no transaction that wrote or
// changed an address touched an invitation, a draft or a response.
func TestAttackPostgres(t *testing.T) {
	dsn := testdb.DSN(t, testdb.Postgres)
	e := newEnvAt(t, dsn)
	ev, _ := sealedRound(t, e, func(string) {})
	ctx := context.Background()
	conn, err := sql.Open("pgx", testdb.PostgresURL())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "CREATE EXTENSION IF NOT EXISTS pageinspect SCHEMA public"); err != nil {
		var n int
		if conn.QueryRowContext(ctx, "SELECT COUNT(*) FROM pg_extension WHERE extname = 'pageinspect'").Scan(&n); n == 0 {
			t.Fatalf("pageinspect: %v", err)
		}
	}
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	schema := u.Query().Get("search_path")
	// Rows, as SQL sees them.
	tables := []string{}
	rows, err := conn.QueryContext(ctx, "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE'", schema)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	for _, table := range tables {
		rs, err := conn.QueryContext(ctx, fmt.Sprintf(`SELECT t::text, t.xmin::text FROM %s.%s t`, schema, table))
		if err != nil {
			t.Fatal(err)
		}
		for rs.Next() {
			var row, xmin string
			rs.Scan(&row, &xmin)
			// Hashes print as \x…hex in a row's text.
			text := []byte(row)
			for _, h := range ev.hashes {
				if bytes.Contains(text, []byte(fmt.Sprintf("%x", h))) {
					text = append(text, h...)
				}
			}
			for _, f := range ev.linksIn(table+" row", text) {
				t.Errorf("%s ties %s to %s", f.where, f.address, f.with)
			}
		}
		rs.Close()
	}
	// Tuples, as the files hold them: the transactions that touched each.
	xids := func(table string) map[string]bool {
		out := map[string]bool{}
		rs, err := conn.QueryContext(ctx, fmt.Sprintf(`SELECT h.t_xmin::text, h.t_xmax::text
			FROM generate_series(0, (pg_relation_size('%[1]s.%[2]s') / current_setting('block_size')::int) - 1) AS blk,
			LATERAL public.heap_page_items(public.get_raw_page('%[1]s.%[2]s', blk::int)) h WHERE h.t_xmin IS NOT NULL`, schema, table))
		if err != nil {
			t.Fatal(err)
		}
		defer rs.Close()
		for rs.Next() {
			var xmin, xmax string
			rs.Scan(&xmin, &xmax)
			out[xmin] = true
			if xmax != "0" {
				out[xmax] = true
			}
		}
		return out
	}
	addressTx := xids("mail_recipients")
	if len(addressTx) == 0 {
		t.Fatal("no transaction wrote an address: the attack looked in the wrong place")
	}
	// Comments (issue 8): they are written k at a time, so the 8 comments
	// with k = 5 are one transaction of 5 rows (3 wait in memory for the
	// next batch or the release), and no transaction wrote a comment and a
	// response, an invitation, a draft or an address.
	commentTx := xids("comments")
	var batches []int
	rs, err := conn.QueryContext(ctx, fmt.Sprintf(`SELECT COUNT(*) FROM %s.comments GROUP BY xmin::text`, schema))
	if err != nil {
		t.Fatal(err)
	}
	for rs.Next() {
		var n int
		rs.Scan(&n)
		batches = append(batches, n)
	}
	rs.Close()
	if len(commentTx) != 1 || !slices.Equal(batches, []int{5}) {
		t.Fatalf("comments written by %d transactions, batches %v; want one batch of 5", len(commentTx), batches)
	}
	for _, table := range []string{"invitations", "open_invitations", "drafts", "responses", "mail_recipients"} {
		for x := range xids(table) {
			if commentTx[x] {
				t.Errorf("transaction %s wrote a comment and a row of %s", x, table)
			}
		}
	}
	for _, table := range []string{"invitations", "open_invitations", "drafts", "responses"} {
		other := xids(table)
		if len(other) == 0 {
			t.Fatalf("no tuple of %s: the attack looked in the wrong place", table)
		}
		for x := range other {
			if addressTx[x] {
				t.Errorf("transaction %s wrote or changed an address and a row of %s", x, table)
			}
		}
	}
}

// TestAttackFindsCommentsWithAnswers: the same analysis finds every comment
// tied to its author's answers when a comment is written with its response,
// in its row (a comment column) or in its transaction (the WAL commit
// holds both): the check that the comment part of the attack can fail.
func TestAttackFindsCommentsWithAnswers(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "cxm.db")
	db, err := sql.Open("sqlite", "file:"+dbPath+"?_pragma=journal_mode(WAL)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	for _, q := range []string{"PRAGMA wal_autocheckpoint = 0",
		"CREATE TABLE responses (id INTEGER PRIMARY KEY, answers TEXT NOT NULL, comment TEXT NOT NULL DEFAULT '')",
		"CREATE TABLE comments (id INTEGER PRIMARY KEY, comment TEXT NOT NULL)"} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	ev := &evidence{}
	for i := range 8 {
		ev.answers = append(ev.answers, fmt.Sprintf("%d,4,2,5,1,3,3,%d", i, i))
		ev.comments = append(ev.comments, fmt.Sprintf("the comment of respondent %d", i))
		if i < 4 { // in the response's row
			if _, err := db.Exec("INSERT INTO responses (answers, comment) VALUES ($1, $2)", ev.answers[i], ev.comments[i]); err != nil {
				t.Fatal(err)
			}
			continue
		}
		tx, err := db.Begin() // apart, but in the response's transaction
		if err != nil {
			t.Fatal(err)
		}
		tx.Exec("INSERT INTO responses (answers) VALUES ($1)", ev.answers[i])
		tx.Exec("INSERT INTO comments (comment) VALUES ($1)", ev.comments[i])
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	snapDir := filepath.Join(dir, "copy")
	copyFiles(t, dbPath, snapDir)
	found, _ := attack(t, ev, []string{snapDir})
	tied := map[string]map[string]bool{}
	for _, f := range found {
		kind := regexp.MustCompile(`row|commit`).FindString(f.where)
		if tied[kind] == nil {
			tied[kind] = map[string]bool{}
		}
		tied[kind][f.address] = true
	}
	if len(tied["row"]) != 4 || len(tied["commit"]) != 8 {
		t.Errorf("the attack tied %d comments by their row (want 4) and %d by their commit (want 8): %v", len(tied["row"]), len(tied["commit"]), tied)
	}
}
