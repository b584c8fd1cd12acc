package store

import (
	"context"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cxmhq/cxm"
)

// questionFixture is newFixture's assessment with an open question and k = 5.
func questionFixture(t *testing.T, db *DB) cxm.Assessment {
	t.Helper()
	ctx := context.Background()
	fx := newFixture(t, db)
	must(t, db.SetOpenQuestion(ctx, fx.assessment.ID, "What one thing should we change?"))
	return fx.assessment
}

func commentRows(t *testing.T, db *DB, id int64) int {
	t.Helper()
	n, err := db.count(context.Background(), "SELECT COUNT(*) FROM comments WHERE assessment_id = $1", id)
	must(t, err)
	return n
}

// TestOpenQuestion: set at creation, changed while open and without
// responses only, carried to the next wave.
func TestOpenQuestion(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		fx := newFixture(t, db)
		a := cxm.Assessment{OrganizationID: fx.org, Name: "Q2", FrameworkID: "test", FrameworkVersion: 1, MinGroup: 5, OpenQuestion: "Why?"}
		_, err := db.CreateAssessment(ctx, &a)
		must(t, err)
		if q, err := db.OpenQuestion(ctx, a.ID); err != nil || q != "Why?" {
			t.Fatalf("question %q, %v", q, err)
		}
		if q, err := db.OpenQuestion(ctx, fx.assessment.ID); err != nil || q != "" {
			t.Fatalf("no question: %q, %v", q, err)
		}
		must(t, db.SetOpenQuestion(ctx, a.ID, "What should we keep?"))
		must(t, db.SetOpenQuestion(ctx, fx.assessment.ID, ""))
		must(t, db.AddResponses(ctx, a.ID, sales(1)))
		wantErr(t, "with a response", db.SetOpenQuestion(ctx, a.ID, "Other?"), ErrQuestionLocked)
		if q, _ := db.OpenQuestion(ctx, a.ID); q != "What should we keep?" {
			t.Fatalf("question after a refused change: %q", q)
		}
		var calls atomic.Int32
		_, err = db.CloseAssessment(ctx, a.ID, time.Now(), countingFigures(&calls))
		must(t, err)
		c := cxm.Assessment{OrganizationID: fx.org, Name: "C", FrameworkID: "test", FrameworkVersion: 1, MinGroup: 5}
		_, err = db.CreateAssessment(ctx, &c)
		must(t, err)
		_, err = db.CloseAssessment(ctx, c.ID, time.Now(), countingFigures(&calls))
		must(t, err)
		wantErr(t, "closed without responses", db.SetOpenQuestion(ctx, c.ID, "x"), ErrQuestionLocked)
		next, err := db.NextWave(ctx, a.ID, "Q3")
		must(t, err)
		if q, _ := db.OpenQuestion(ctx, next); q != "What should we keep?" {
			t.Fatalf("the next wave asks %q", q)
		}
	})
}

// TestCommentsTakenIntoRelease: comments are kept apart while open, and the
// release takes them all, in a shuffled order that is stored (every read
// gives the same) and is not the order they came in; the table is then
// empty, and a comment after the close is refused.
func TestCommentsTakenIntoRelease(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		a := questionFixture(t, db)
		must(t, db.AddResponses(ctx, a.ID, sales(40)))
		var sent []string
		for i := range 40 {
			sent = append(sent, fmt.Sprintf("comment %02d", i))
			must(t, db.AddComment(ctx, a.ID, sent[i]))
		}
		if n := commentRows(t, db, a.ID); n != 40 {
			t.Fatalf("%d comments stored, want 40", n)
		}
		var calls atomic.Int32
		released, err := db.CloseAssessment(ctx, a.ID, time.Now(), countingFigures(&calls))
		if err != nil || !released {
			t.Fatalf("close: %v %v", released, err)
		}
		rel, err := db.Release(ctx, a.ID)
		must(t, err)
		c := rel.Comments
		if c == nil || c.Question != "What one thing should we change?" || c.K != 5 || c.Withheld || len(c.Texts) != 40 {
			t.Fatalf("released comments: %+v", c)
		}
		if slices.Equal(c.Texts, sent) {
			t.Error("the release keeps the comments in the order they came in")
		}
		if sorted := slices.Sorted(slices.Values(c.Texts)); !slices.Equal(sorted, sent) {
			t.Errorf("the release holds %v, want every comment once", sorted)
		}
		again, err := db.Release(ctx, a.ID)
		must(t, err)
		if !slices.Equal(again.Comments.Texts, c.Texts) {
			t.Error("a second read gives another order: the order is not stored")
		}
		if n := commentRows(t, db, a.ID); n != 0 {
			t.Errorf("%d comments left in the comments table after the release", n)
		}
		wantErr(t, "a comment after the close", db.AddComment(ctx, a.ID, "late"), cxm.ErrClosed)
		if n := commentRows(t, db, a.ID); n != 0 {
			t.Errorf("a late comment was stored")
		}
	})
}

// TestCommentsWithheld: 1 to k-1 comments are not taken into the release
// (and deleted); none at all reads as none; an assessment closed without a
// release keeps its comments for when it is released.
func TestCommentsWithheld(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		var calls atomic.Int32
		a := questionFixture(t, db)
		must(t, db.AddResponses(ctx, a.ID, sales(3)))
		for i := range 4 {
			must(t, db.AddComment(ctx, a.ID, fmt.Sprintf("c%d", i)))
		}
		// Fewer than k responses: no release, the comments wait.
		released, err := db.CloseAssessment(ctx, a.ID, time.Now(), countingFigures(&calls))
		if err != nil || released {
			t.Fatalf("close with 3 responses: %v %v", released, err)
		}
		if n := commentRows(t, db, a.ID); n != 4 {
			t.Fatalf("%d comments after a close without release, want 4", n)
		}
		must(t, db.SetStatus(ctx, a.ID, cxm.StatusOpen, time.Now()))
		must(t, db.AddResponses(ctx, a.ID, sales(3)))
		released, err = db.CloseAssessment(ctx, a.ID, time.Now(), countingFigures(&calls))
		if err != nil || !released {
			t.Fatalf("close with 6 responses: %v %v", released, err)
		}
		rel, err := db.Release(ctx, a.ID)
		must(t, err)
		if c := rel.Comments; c == nil || !c.Withheld || len(c.Texts) != 0 || c.K != 5 {
			t.Fatalf("4 comments with k = 5: %+v", c)
		}
		if n := commentRows(t, db, a.ID); n != 0 {
			t.Errorf("%d withheld comments kept", n)
		}

		// An open question nobody answered; an assessment without one.
		fx := newFixture(t, db)
		b := cxm.Assessment{OrganizationID: fx.org, Name: "B", FrameworkID: "test", FrameworkVersion: 1, MinGroup: 5, OpenQuestion: "Why?"}
		_, err = db.CreateAssessment(ctx, &b)
		must(t, err)
		for _, id := range []int64{b.ID, fx.assessment.ID} {
			must(t, db.AddResponses(ctx, id, sales(5)))
			_, err := db.CloseAssessment(ctx, id, time.Now(), countingFigures(&calls))
			must(t, err)
		}
		if rel, _ := db.Release(ctx, b.ID); rel.Comments == nil || rel.Comments.Withheld || len(rel.Comments.Texts) != 0 {
			t.Errorf("no comment: %+v", rel.Comments)
		}
		if rel, _ := db.Release(ctx, fx.assessment.ID); rel.Comments != nil {
			t.Errorf("no open question: %+v", rel.Comments)
		}
	})
}

// TestCommentsTableHoldsNothingElse: a comment row has its random id, its
// assessment and its text, and nothing that could join it to a response,
// an invitation or a time.
func TestCommentsTableHoldsNothingElse(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		a := questionFixture(t, db)
		must(t, db.AddComment(ctx, a.ID, "first"))
		must(t, db.AddComment(ctx, a.ID, "second"))
		rows, err := db.r.QueryContext(ctx, "SELECT * FROM comments ORDER BY comment")
		must(t, err)
		defer rows.Close()
		cols, _ := rows.Columns()
		if !slices.Equal(cols, []string{"id", "assessment_id", "comment"}) {
			t.Fatalf("columns of comments: %v", cols)
		}
		var ids []int64
		for rows.Next() {
			var id, aid int64
			var text string
			must(t, rows.Scan(&id, &aid, &text))
			ids = append(ids, id)
		}
		// Random 63-bit ids: two in a row are not neighbours (the chance
		// that they are within 2^40 of each other is 2^-22).
		if len(ids) != 2 || ids[0] < 1<<40 && ids[1] < 1<<40 || abs(ids[0]-ids[1]) < 1<<40 {
			t.Errorf("comment ids %v look sequential", ids)
		}
	})
}

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}
