package store

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/cxmhq/cxm"
)

// TestImportResponses: an import is stored all at once with its counters
// (responses and invited) and one audit row; a closed assessment takes
// none and nothing is written.
func TestImportResponses(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		id := f.assessment.ID
		invite(t, db, id, 3)
		at := time.Date(2026, 11, 30, 9, 15, 0, 0, time.UTC)
		rs := []cxm.StoredResponse{
			{Attributes: map[string]string{"department": "Sales"}, Answers: []int{4, 5}},
			{Attributes: map[string]string{"department": "Sales"}, Answers: []int{3, -1}},
			{Attributes: map[string]string{}, Answers: []int{2, 2}},
		}
		must(t, db.ImportResponses(ctx, id, rs, "ann@example.org", at))
		p, err := db.Participation(ctx, id)
		must(t, err)
		if p.Responses != 3 || p.Invited != 6 || len(p.By["department"]) != 1 || p.By["department"]["Sales"] != 2 {
			t.Fatalf("participation after import: %+v", p)
		}
		n, err := db.CountResponses(ctx, id)
		must(t, err)
		if n != 3 {
			t.Fatalf("%d responses stored, want 3", n)
		}
		ims, err := db.ResponseImports(ctx, id)
		must(t, err)
		if len(ims) != 1 || ims[0].By != "ann@example.org" || !ims[0].At.Equal(at) || ims[0].Responses != 3 {
			t.Fatalf("audit: %+v", ims)
		}

		// Closed: refused, nothing written.
		must(t, db.SetStatus(ctx, id, cxm.StatusClosed, at))
		wantErr(t, "import into a closed assessment", db.ImportResponses(ctx, id, rs, "ann@example.org", at), cxm.ErrClosed)
		wantErr(t, "import into no assessment", db.ImportResponses(ctx, id+1000, rs, "ann@example.org", at), cxm.ErrNotFound)
		n, _ = db.CountResponses(ctx, id)
		ims, _ = db.ResponseImports(ctx, id)
		if p2, _ := db.Participation(ctx, id); n != 3 || len(ims) != 1 || p2.Responses != 3 || p2.Invited != 6 {
			t.Fatalf("a refused import wrote something: %d responses, %d imports, %+v", n, len(ims), p2)
		}
	})
}

// TestWelcome: set, replace, clear, too long, unknown assessment.
func TestWelcome(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		id := newFixture(t, db).assessment.ID
		if w, err := db.Welcome(ctx, id); err != nil || w != "" {
			t.Fatalf("no welcome yet: %q %v", w, err)
		}
		must(t, db.SetWelcome(ctx, id, "  Hello <team>  "))
		must(t, db.SetWelcome(ctx, id, "Dear team,\n\nthank you."))
		if w, err := db.Welcome(ctx, id); err != nil || w != "Dear team,\n\nthank you." {
			t.Fatalf("welcome: %q %v", w, err)
		}
		if err := db.SetWelcome(ctx, id, strings.Repeat("é", MaxWelcome+1)); err == nil {
			t.Fatal("a welcome over the limit was stored")
		}
		must(t, db.SetWelcome(ctx, id, " "))
		if w, _ := db.Welcome(ctx, id); w != "" {
			t.Fatalf("cleared welcome is %q", w)
		}
		wantErr(t, "welcome of no assessment", db.SetWelcome(ctx, id+1000, "x"), cxm.ErrNotFound)
	})
}
