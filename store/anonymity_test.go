package store

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/cxmhq/cxm"
)

// TestSubmissionLeavesNoTrace: on PostgreSQL every row a transaction writes
// carries its id (xmin). After respondents invited by sealed mail save
// drafts and submit, no visible row of any table may share a transaction id with a
// response, or anyone who can read the database could join an email to
// its answers (found by helper review; fixed by migration 0003). Comments
// (migration 0010) are held to the same: no comment shares a transaction
// with a response.
func TestSubmissionLeavesNoTrace(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		if db.Engine() != Postgres {
			t.Skip("SQLite rows carry no transaction id")
		}
		ctx := context.Background()
		fx := newFixture(t, db)
		id := fx.assessment.ID
		// Sealed invitations: the addresses queued, the hashes minted by
		// the lease holder, the messages recorded as sent.
		addrs := []string{"a@example.com", "b@example.com", "c@example.com"}
		batch, err := db.QueueSealedInvitations(ctx, id, addrs, time.Now())
		must(t, err)
		if _, ok, err := db.ClaimMailBatch(ctx, "w", time.Now(), time.Minute); !ok || err != nil {
			t.Fatalf("claim: %v %v", ok, err)
		}
		var invs []NewInvitation
		var hashes [][]byte
		for i := 0; i < 3; i++ {
			invs = append(invs, NewInvitation{TokenHash: tokenHash()})
			hashes = append(hashes, invs[i].TokenHash)
		}
		if ok, err := db.MintSealedTokens(ctx, batch, "w", hashes, time.Now()); !ok || err != nil {
			t.Fatalf("mint: %v %v", ok, err)
		}
		rs, err := db.QueuedRecipients(ctx, batch)
		must(t, err)
		for _, r := range rs {
			must(t, db.MarkMailSent(ctx, r.ID))
		}
		for _, in := range invs {
			inv, err := db.InvitationByToken(ctx, in.TokenHash)
			must(t, err)
			must(t, db.SaveDraft(ctx, inv.ID, DraftKey("t"), cxm.Draft{Answers: map[string]int{"x": 1}}))
			must(t, db.SubmitResponse(ctx, inv.ID, id, cxm.StoredResponse{Attributes: map[string]string{"department": "Sales"}, Answers: []int{3}}))
			// The comment, as the server stores it: after the response,
			// in a transaction of its own (store/comments.go).
			must(t, db.AddComment(ctx, id, "a comment"))
			if _, err := db.Draft(ctx, inv.ID, DraftKey("t")); err != cxm.ErrNotFound {
				t.Errorf("the draft survived submission: %v", err)
			}
			if inv, _ := db.InvitationByToken(ctx, in.TokenHash); !inv.Used {
				t.Error("the invitation is not used")
			}
		}
		// The participation counters (counts.go) are updated by the
		// submitting transaction by design: they hold counts and nothing
		// that names anyone, and what a counter row shares with a response
		// (its attribute values, being the latest on its shard) the
		// response row and its own transaction id say already.
		rows, err := db.r.QueryContext(ctx, `SELECT table_name FROM information_schema.tables
			WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
			AND table_name NOT IN ('responses', 'participation_counts')`)
		must(t, err)
		var tables []string
		for rows.Next() {
			var name string
			must(t, rows.Scan(&name))
			tables = append(tables, name)
		}
		rows.Close()
		if !slices.Contains(tables, "comments") {
			t.Fatalf("tables %v: the comments are not looked at", tables)
		}
		if n, _ := db.count(ctx, "SELECT COUNT(*) FROM comments"); n != 3 {
			t.Fatalf("%d comments, want 3", n)
		}
		for _, table := range tables {
			var n int
			must(t, db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table+` x
				WHERE x.xmin::text IN (SELECT r.xmin::text FROM responses r)`).Scan(&n))
			if n > 0 {
				t.Errorf("%d row(s) of %s share a transaction with a response", n, table)
			}
		}
	})
}
