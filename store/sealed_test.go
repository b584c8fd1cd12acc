package store

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/cxmhq/cxm"
)

// TestMigration0004 upgrades a database as version 3 left it, with
// invitations that carry emails, a draft in progress and responses: the
// addresses become a sent batch of their assessment without any token, the
// email column goes, the old draft still opens, response ids are no longer
// 1, 2, 3..., and (SQLite) no page of the file or the WAL keeps an address
// next to a token hash.
func TestMigration0004(t *testing.T) {
	for _, engine := range []string{SQLite, Postgres} {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			dsn := freshDSN(t, engine)
			db := openDB(t, dsn)
			if _, err := db.migrateUpTo(ctx, 3); err != nil {
				t.Fatal(err)
			}
			f := newFixture(t, db)
			var hashes [][]byte
			var emails []string
			for i := range 6 {
				h := tokenHash()
				hashes, emails = append(hashes, h), append(emails, fmt.Sprintf("r%d@example.com", 5-i))
				_, err := db.w.ExecContext(ctx, `INSERT INTO invitations (assessment_id, token_hash, email, created_at)
					VALUES ($1, $2, $3, $4)`, f.assessment.ID, h, emails[i], time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC))
				must(t, err)
			}
			_, err := db.w.ExecContext(ctx, `INSERT INTO invitations (assessment_id, token_hash, created_at) VALUES ($1, $2, $3)`,
				f.assessment.ID, tokenHash(), time.Now()) // a link: no email
			must(t, err)
			_, err = db.w.ExecContext(ctx, "INSERT INTO open_invitations (invitation_id) SELECT id FROM invitations")
			must(t, err)
			var first int64
			must(t, db.w.QueryRowContext(ctx, "SELECT MIN(id) FROM invitations").Scan(&first))
			_, err = db.w.ExecContext(ctx, `INSERT INTO drafts (invitation_id, draft) VALUES ($1, '{"attributes":{},"answers":{"i1":4}}')`, first)
			must(t, err)
			for i := range 5 {
				_, err := db.w.ExecContext(ctx, "INSERT INTO responses (assessment_id, attributes, answers) VALUES ($1, '{}', $2)", f.assessment.ID, fmt.Sprint(i))
				must(t, err)
			}

			applied, err := db.Migrate(ctx)
			must(t, err)
			if len(applied) == 0 || applied[0] != 4 { // and any later version
				t.Fatalf("applied %v, want 4 first", applied)
			}
			st, err := db.MailStatusOf(ctx, f.assessment.ID)
			must(t, err)
			if st.Invitations.Sent != 6 || st.Invitations.Queued != 0 {
				t.Fatalf("the addresses became %+v, want 6 sent", st.Invitations)
			}
			if _, err := db.r.ExecContext(ctx, "SELECT email FROM invitations"); err == nil {
				t.Fatal("invitations.email is still there")
			}
			if d, err := db.Draft(ctx, first, DraftKey("unknown")); err != nil || d.Answers["i1"] != 4 {
				t.Fatalf("the draft in progress: %+v, %v", d, err)
			}
			var small int
			must(t, db.r.QueryRowContext(ctx, "SELECT COUNT(*) FROM responses WHERE id <= 1000").Scan(&small))
			if small != 0 {
				t.Fatalf("%d responses kept a sequential id", small)
			}
			// Reminders go to the migrated addresses, quoting their day.
			n, err := db.QueueReminders(ctx, f.assessment.ID, time.Now())
			if err != nil || n != 6 {
				t.Fatalf("reminders %d, %v", n, err)
			}
			var day string
			must(t, db.r.QueryRowContext(ctx, "SELECT MIN(invited_on) FROM mail_recipients").Scan(&day))
			if day != "2026-11-03" {
				t.Fatalf("invited on %q", day)
			}
			if a, _ := db.Assessment(ctx, f.assessment.ID); a.Invited != 7 {
				t.Fatalf("invited %d, want 7", a.Invited)
			}
			if engine != SQLite {
				// The tuples as the data files hold them, live or dead.
				if _, err := db.w.ExecContext(ctx, "CREATE EXTENSION IF NOT EXISTS pageinspect SCHEMA public"); err != nil {
					t.Logf("pageinspect: %v", err)
				}
				rows, err := db.r.QueryContext(ctx, `SELECT encode(h.t_data, 'hex') FROM
					generate_series(0, (pg_relation_size('invitations') / current_setting('block_size')::int) - 1) AS blk,
					LATERAL public.heap_page_items(public.get_raw_page('invitations', blk::int)) h WHERE h.t_data IS NOT NULL`)
				must(t, err)
				defer rows.Close()
				tuples := 0
				for rows.Next() {
					var data string
					must(t, rows.Scan(&data))
					tuples++
					for _, e := range emails {
						if strings.Contains(data, hex.EncodeToString([]byte(e))) {
							t.Errorf("a tuple of invitations still holds %s", e)
						}
					}
				}
				if tuples != 7 {
					t.Errorf("%d tuples in invitations' file, want the 7 live ones", tuples)
				}
				return
			}
			for _, suffix := range []string{"", "-wal"} {
				b, err := os.ReadFile(dsn + suffix)
				if err != nil && !os.IsNotExist(err) {
					t.Fatal(err)
				}
				for off := 0; off < len(b); off += 4096 {
					page := b[off:min(off+4096, len(b))]
					for _, e := range emails {
						for _, h := range hashes {
							if bytes.Contains(page, []byte(e)) && bytes.Contains(page, h) {
								t.Errorf("cxm.db%s at %d holds %s next to a token hash", suffix, off, e)
							}
						}
					}
				}
			}
		})
	}
}

// TestMailQueue: leases are exclusive and expire; minting again counts the
// lost hashes; failures orphan theirs; closing deletes the addresses.
func TestMailQueue(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		id := f.assessment.ID
		now := time.Now()
		batch, err := db.QueueSealedInvitations(ctx, id, []string{"a@x.org", "b@x.org", "c@x.org"}, now)
		must(t, err)
		_, err = db.QueueSealedInvitations(ctx, id, []string{"d@x.org", "b@x.org"}, now)
		var ae *AddressError
		if !errors.As(err, &ae) || ae.Index != 1 {
			t.Fatalf("an address twice: %v", err)
		}
		b, ok, err := db.ClaimMailBatch(ctx, "one", now, time.Minute)
		must(t, err)
		if !ok || b.ID != batch || b.Kind != MailInvitation || b.Minted {
			t.Fatalf("claim: %+v %v", b, ok)
		}
		if _, ok, _ := db.ClaimMailBatch(ctx, "two", now.Add(59*time.Second), time.Minute); ok {
			t.Fatal("a held lease was taken")
		}
		if ok, _ := db.MintSealedTokens(ctx, batch, "two", [][]byte{tokenHash()}, now); ok {
			t.Fatal("minted without the lease")
		}
		hashes := [][]byte{tokenHash(), tokenHash(), tokenHash()}
		ok, err = db.MintSealedTokens(ctx, batch, "one", hashes, now)
		must(t, err)
		if !ok {
			t.Fatal("mint refused")
		}
		rs, err := db.QueuedRecipients(ctx, batch)
		must(t, err)
		must(t, db.MarkMailSent(ctx, rs[0].ID))
		must(t, db.MarkMailFailed(ctx, batch, rs[1].ID, "550 no such user"))
		// "one" dies; after expiry "two" takes over and mints for c alone.
		b, ok, err = db.ClaimMailBatch(ctx, "two", now.Add(61*time.Second), time.Minute)
		must(t, err)
		if !ok || !b.Minted {
			t.Fatalf("take over: %+v %v", b, ok)
		}
		if ok, _ := db.RenewMailLease(ctx, batch, "one", now.Add(62*time.Second), time.Minute); ok {
			t.Fatal("the dead holder renewed")
		}
		ok, err = db.MintSealedTokens(ctx, batch, "two", [][]byte{tokenHash()}, now.Add(62*time.Second))
		must(t, err)
		if !ok {
			t.Fatal("mint refused")
		}
		a, _ := db.Assessment(ctx, id)
		if a.Invited != 1+1 { // a sent, c minted again; b failed and c's first hash orphaned
			t.Fatalf("invited %d, want 2", a.Invited)
		}
		if done, _ := db.FinishMailBatch(ctx, batch, "two"); done {
			t.Fatal("finished with c queued")
		}
		must(t, db.MarkMailSent(ctx, rs[2].ID))
		if done, _ := db.FinishMailBatch(ctx, batch, "two"); !done {
			t.Fatal("not finished")
		}
		if _, ok, _ := db.ClaimMailBatch(ctx, "three", now.Add(time.Hour), time.Minute); ok {
			t.Fatal("a finished batch was claimed")
		}
		n, err := db.QueueReminders(ctx, id, now)
		if err != nil || n != 2 {
			t.Fatalf("reminders to %d, %v; want the 2 sent", n, err)
		}
		must(t, db.SetStatus(ctx, id, cxm.StatusClosed, now))
		if n, err := db.PurgeClosedAddresses(ctx); err != nil || n != 5 {
			t.Fatalf("purged %d, %v; want 3 + 2", n, err)
		}
		var left int
		must(t, db.r.QueryRowContext(ctx, "SELECT COUNT(*) FROM mail_recipients").Scan(&left))
		if left != 0 {
			t.Fatalf("%d addresses left", left)
		}
		_, err = db.QueueSealedInvitations(ctx, id, []string{"z@x.org"}, now)
		wantErr(t, "closed", err, cxm.ErrClosed)
	})
}
