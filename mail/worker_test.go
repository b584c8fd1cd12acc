package mail

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/internal/smtptest"
	"github.com/cxmhq/cxm/internal/testdb"
	"github.com/cxmhq/cxm/store"
	"github.com/emersion/go-smtp"
)

func mint() (string, []byte) {
	b := make([]byte, 32)
	rand.Read(b)
	tok := base64.RawURLEncoding.EncodeToString(b)
	h := sha256.Sum256([]byte(tok))
	return tok, h[:]
}

func hashOf(tok string) []byte { h := sha256.Sum256([]byte(tok)); return h[:] }

func openDB(t *testing.T, dsn string) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}

func newAssessment(t *testing.T, db *store.DB) int64 {
	t.Helper()
	ctx := context.Background()
	if err := db.SaveFramework(ctx, "t", 1, "T", []byte("id: t"), false); err != nil && !errors.Is(err, cxm.ErrConflict) {
		t.Fatal(err)
	}
	a := cxm.Assessment{Name: "Q1 \"CX\" survey", FrameworkID: "t", FrameworkVersion: 1, MinGroup: 5}
	id, err := db.CreateAssessment(ctx, &a)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// clock is a settable time for leases and backoff.
type clock struct{ ns atomic.Int64 }

func newClock() *clock                   { c := &clock{}; c.ns.Store(time.Now().UnixNano()); return c }
func (c *clock) now() time.Time          { return time.Unix(0, c.ns.Load()).UTC() }
func (c *clock) advance(d time.Duration) { c.ns.Add(int64(d)) }

var linkRe = regexp.MustCompile(`https://cxm\.test/r/([A-Za-z0-9_-]{43})`)

// tokensByAddress reads the messages as their recipients would: the link's
// token for each address, failing on an address that got two.
func tokensByAddress(t *testing.T, msgs []smtptest.Message) map[string]string {
	t.Helper()
	got := map[string]string{}
	for _, m := range msgs {
		if len(m.To) != 1 {
			t.Fatalf("a message to %v", m.To)
		}
		_, body, err := m.Parsed()
		if err != nil {
			t.Fatal(err)
		}
		l := linkRe.FindStringSubmatch(body)
		if l == nil {
			t.Fatalf("no link in %q", body)
		}
		if _, dup := got[m.To[0]]; dup {
			t.Fatalf("%s got two invitations", m.To[0])
		}
		got[m.To[0]] = l[1]
	}
	return got
}

func addresses(prefix string, n int) []string {
	var out []string
	for i := range n {
		out = append(out, fmt.Sprintf("%s%02d@example.org", prefix, i))
	}
	return out
}

func worker(db *store.DB, s Sender, c *clock) *Worker {
	return NewWorker(db, s, Config{From: "cx@example.org", Link: func(t string) string { return "https://cxm.test/r/" + t },
		Mint: mint, Now: c.now, Poll: 20 * time.Millisecond})
}

func smtpClient(t *testing.T, s *smtptest.Server) *Client {
	c, err := NewClient(s.URL())
	if err != nil {
		t.Fatal(err)
	}
	c.Timeout = 5 * time.Second
	return c
}

func TestWorkerSendsSealedInvitations(t *testing.T) {
	for _, engine := range testdb.Engines {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			db := openDB(t, testdb.DSN(t, engine))
			id := newAssessment(t, db)
			srv := smtptest.Start(t, smtptest.Options{})
			c := newClock()
			w := worker(db, smtpClient(t, srv), c)
			addrs := addresses("p", 8)
			if _, err := db.QueueSealedInvitations(ctx, id, addrs, c.now()); err != nil {
				t.Fatal(err)
			}
			if err := w.Step(ctx); err != nil {
				t.Fatal(err)
			}
			toks := tokensByAddress(t, srv.Messages())
			if len(toks) != 8 {
				t.Fatalf("%d addresses got an invitation, want 8", len(toks))
			}
			for _, a := range addrs {
				inv, err := db.InvitationByToken(ctx, hashOf(toks[a]))
				if err != nil || inv.Used || inv.AssessmentID != id {
					t.Fatalf("the link sent to %s: %+v, %v", a, inv, err)
				}
			}
			a, err := db.Assessment(ctx, id)
			if err != nil || a.Invited != 8 {
				t.Fatalf("invited %d, %v; want 8", a.Invited, err)
			}
			// Done: another round sends nothing.
			if err := w.Step(ctx); err != nil || len(srv.Messages()) != 8 {
				t.Fatalf("a second round: %v, %d messages", err, len(srv.Messages()))
			}
			// The same address twice is refused; a reminder goes to all 8
			// without a link.
			_, err = db.QueueSealedInvitations(ctx, id, []string{"x@example.org", addrs[3]}, c.now())
			var ae *store.AddressError
			if !errors.As(err, &ae) || ae.Index != 1 || ae.Address != addrs[3] {
				t.Fatalf("inviting an address twice: %v", err)
			}
			n, err := db.QueueReminders(ctx, id, c.now())
			if err != nil || n != 8 {
				t.Fatalf("reminders %d, %v", n, err)
			}
			if err := w.Step(ctx); err != nil {
				t.Fatal(err)
			}
			msgs := srv.Messages()[8:]
			if len(msgs) != 8 {
				t.Fatalf("%d reminders sent, want 8", len(msgs))
			}
			for _, m := range msgs {
				h, body, _ := m.Parsed()
				if strings.Contains(body, "/r/") || !strings.HasPrefix(h["Subject"], "Reminder: ") ||
					!strings.Contains(body, c.now().Format("2 January 2006")) {
					t.Fatalf("reminder %q: %q", h["Subject"], body)
				}
			}
			// Closing deletes the addresses.
			if err := db.SetStatus(ctx, id, cxm.StatusClosed, c.now()); err != nil {
				t.Fatal(err)
			}
			c.advance(2 * time.Minute)
			if err := w.Step(ctx); err != nil {
				t.Fatal(err)
			}
			if st, err := db.MailStatusOf(ctx, id); err != nil || st.Invitations.Sent != 0 {
				t.Fatalf("after closing: %+v, %v", st, err)
			}
		})
	}
}

// counting counts the messages a worker sent.
type counting struct {
	Sender
	n atomic.Int64
}

func (c *counting) Send(ctx context.Context, from, to string, msg []byte) error {
	c.n.Add(1)
	return c.Sender.Send(ctx, from, to, msg)
}

// flaky accepts the first n messages, then fails them all (temporarily).
type flaky struct {
	Sender
	n atomic.Int64
}

func (f *flaky) Send(ctx context.Context, from, to string, msg []byte) error {
	if f.n.Add(-1) < 0 {
		return errors.New("connection reset")
	}
	return f.Sender.Send(ctx, from, to, msg)
}

// TestWorkerTakesOverAfterACrash: the instance holding a batch dies after
// 3 of 8 messages; once its lease expires another mints new tokens for the
// 5 unsent addresses. Each address gets exactly one working link, and the
// 5 lost hashes are counted so that "invited" stays 8.
func TestWorkerTakesOverAfterACrash(t *testing.T) {
	for _, engine := range testdb.Engines {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			db := openDB(t, testdb.DSN(t, engine))
			id := newAssessment(t, db)
			srv := smtptest.Start(t, smtptest.Options{})
			c := newClock()
			f := &flaky{Sender: smtpClient(t, srv)}
			f.n.Store(3)
			dead := worker(db, f, c)
			if _, err := db.QueueSealedInvitations(ctx, id, addresses("p", 8), c.now()); err != nil {
				t.Fatal(err)
			}
			if err := dead.Step(ctx); err != nil {
				t.Fatal(err)
			}
			if n := len(srv.Messages()); n != 3 {
				t.Fatalf("%d sent before the crash, want 3", n)
			}
			// dead is gone. Within its lease nobody else sends.
			other := worker(db, smtpClient(t, srv), c)
			c.advance(DefaultLease / 2)
			if err := other.Step(ctx); err != nil || len(srv.Messages()) != 3 {
				t.Fatalf("sent within the lease: %v, %d", err, len(srv.Messages()))
			}
			c.advance(DefaultLease)
			if err := other.Step(ctx); err != nil {
				t.Fatal(err)
			}
			toks := tokensByAddress(t, srv.Messages())
			if len(toks) != 8 {
				t.Fatalf("%d addresses invited, want 8", len(toks))
			}
			for a, tok := range toks {
				if inv, err := db.InvitationByToken(ctx, hashOf(tok)); err != nil || inv.Used {
					t.Fatalf("the link of %s does not work: %v", a, err)
				}
			}
			list, err := db.ListInvitations(ctx, id)
			if err != nil || len(list) != 13 {
				t.Fatalf("%d hashes stored, want 8 + 5 minted again: %v", len(list), err)
			}
			if a, _ := db.Assessment(ctx, id); a.Invited != 8 {
				t.Fatalf("invited %d, want 8", a.Invited)
			}
		})
	}
}

func TestWorkerRetriesWithBackoff(t *testing.T) {
	ctx := context.Background()
	db := openDB(t, testdb.DSN(t, testdb.SQLite))
	id := newAssessment(t, db)
	var busy atomic.Bool
	busy.Store(true)
	srv := smtptest.Start(t, smtptest.Options{Refuse: func(to string) error {
		if to == "gone@example.org" {
			return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
		}
		if busy.Load() {
			return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "busy"}
		}
		return nil
	}})
	c := newClock()
	w := worker(db, smtpClient(t, srv), c)
	if _, err := db.QueueSealedInvitations(ctx, id, []string{"a@example.org", "gone@example.org"}, c.now()); err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(w.Step(ctx))
	st, err := db.MailStatusOf(ctx, id)
	must(err)
	if st.Invitations.Queued != 1 || st.Invitations.Failed != 1 || len(srv.Messages()) != 0 {
		t.Fatalf("after one round: %+v", st)
	}
	c.advance(29 * time.Second) // backoff 30 s: not yet
	must(w.Step(ctx))
	busy.Store(false)
	c.advance(time.Second)
	must(w.Step(ctx))
	if len(srv.Messages()) != 1 {
		t.Fatalf("%d messages after the backoff, want 1", len(srv.Messages()))
	}
	if a, _ := db.Assessment(ctx, id); a.Invited != 1 {
		t.Fatalf("invited %d, want 1 (the failed address's hash is orphaned)", a.Invited)
	}
}

// TestTwoInstancesSendEachOnce: two workers over two connections to one
// PostgreSQL database (two cxm serve) and one SMTP server; every address
// gets exactly one invitation.
func TestTwoInstancesSendEachOnce(t *testing.T) {
	ctx := context.Background()
	dsn := testdb.DSN(t, testdb.Postgres)
	db1, db2 := openDB(t, dsn), openDB(t, dsn)
	id := newAssessment(t, db1)
	srv := smtptest.Start(t, smtptest.Options{})
	var all []string
	for b := range 6 {
		addrs := addresses(fmt.Sprintf("b%d-", b), 10)
		all = append(all, addrs...)
		if _, err := db1.QueueSealedInvitations(ctx, id, addrs, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	run, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	counters := make([]*counting, 4)
	for i, db := range []*store.DB{db1, db2, db1, db2} {
		counters[i] = &counting{Sender: smtpClient(t, srv)}
		w := NewWorker(db, counters[i], Config{From: "cx@example.org", Mint: mint, Poll: 10 * time.Millisecond,
			Link: func(t string) string { return "https://cxm.test/r/" + t }})
		wg.Add(1)
		go func() { defer wg.Done(); w.Run(run) }()
	}
	srv.Wait(len(all), 30*time.Second)
	time.Sleep(300 * time.Millisecond) // a double would arrive now
	stop()
	wg.Wait()
	msgs := srv.Messages()
	toks := tokensByAddress(t, msgs) // fails on a second invitation
	got := make([]string, 0, len(toks))
	for a := range toks {
		got = append(got, a)
	}
	sort.Strings(got)
	sort.Strings(all)
	if len(msgs) != len(all) || strings.Join(got, " ") != strings.Join(all, " ") {
		t.Fatalf("%d messages to %d addresses, want one to each of %d", len(msgs), len(got), len(all))
	}
	busy := 0
	for _, c := range counters {
		if c.n.Load() > 0 {
			busy++
		}
	}
	if busy < 2 {
		t.Errorf("only %d of 4 workers sent anything: the test did not make them compete", busy)
	}
	if a, _ := db2.Assessment(ctx, id); a.Invited != len(all) {
		t.Fatalf("invited %d, want %d", a.Invited, len(all))
	}
}
