package store

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cxmhq/cxm"
)

func TestEditOrganizationAndAssessment(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		must(t, db.UpdateOrganization(ctx, cxm.Organization{ID: f.org, Name: "Northwind", Industry: "Retail", Size: "250-999"}))
		o, err := db.Organization(ctx, f.org)
		must(t, err)
		if o.Name != "Northwind" || o.Industry != "Retail" || o.Size != "250-999" {
			t.Fatalf("after UpdateOrganization: %+v", o)
		}
		wantErr(t, "unknown organization", db.UpdateOrganization(ctx, cxm.Organization{ID: 9999, Name: "x"}), cxm.ErrNotFound)
		if err := db.UpdateOrganization(ctx, cxm.Organization{ID: f.org, Name: " "}); err == nil {
			t.Fatal("an empty organization name was stored")
		}

		id := f.assessment.ID
		must(t, db.RenameAssessment(ctx, id, "Spring wave"))
		a, err := db.Assessment(ctx, id)
		must(t, err)
		if a.Name != "Spring wave" || a.ArchivedAt != nil || a.Released {
			t.Fatalf("after rename: %+v", a)
		}
		wantErr(t, "rename unknown", db.RenameAssessment(ctx, 9999, "x"), cxm.ErrNotFound)

		at := time.Date(2026, 11, 30, 1, 2, 3, 0, time.UTC)
		wantErr(t, "archive open", db.SetArchived(ctx, id, true, at), ErrArchiveOpen)
		wantErr(t, "archive unknown", db.SetArchived(ctx, 9999, true, at), cxm.ErrNotFound)
		must(t, db.SetStatus(ctx, id, cxm.StatusClosed, at))
		must(t, db.SetArchived(ctx, id, true, at))
		must(t, db.SetArchived(ctx, id, true, at.Add(time.Hour))) // keeps the first date
		a, err = db.Assessment(ctx, id)
		must(t, err)
		if a.ArchivedAt == nil || !a.ArchivedAt.Equal(at) {
			t.Fatalf("archived_at = %v, want %v", a.ArchivedAt, at)
		}
		list, err := db.ListAssessments(ctx, 0)
		must(t, err)
		if len(list) != 1 || list[0].ArchivedAt == nil {
			t.Fatalf("ListAssessments = %+v", list)
		}
		must(t, db.SetArchived(ctx, id, false, at))
		if a, _ := db.Assessment(ctx, id); a.ArchivedAt != nil {
			t.Fatalf("still archived: %v", a.ArchivedAt)
		}
		// Reopening an archived assessment (closed without a release) unarchives it.
		must(t, db.SetArchived(ctx, id, true, at))
		must(t, db.SetStatus(ctx, id, cxm.StatusOpen, at))
		if a, _ := db.Assessment(ctx, id); a.ArchivedAt != nil || a.Status != cxm.StatusOpen {
			t.Fatalf("reopened: %s, archived %v", a.Status, a.ArchivedAt)
		}
	})
}

// tableCounts counts the rows of every table but the migrations' own.
func tableCounts(t *testing.T, db *DB) map[string]int {
	t.Helper()
	ctx := context.Background()
	q := "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
	if db.Engine() == Postgres {
		q = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
	}
	var names []string
	must(t, db.readRows(ctx, q, nil, func(rows *sql.Rows) error {
		var n string
		if err := rows.Scan(&n); err != nil {
			return err
		}
		names = append(names, n)
		return nil
	}))
	out := map[string]int{}
	for _, n := range names {
		if strings.Contains(n, "migration") {
			continue
		}
		c, err := db.count(ctx, `SELECT COUNT(*) FROM "`+n+`"`)
		must(t, err)
		out[n] = c
	}
	if len(out) < 15 {
		t.Fatalf("only %d tables found: %v", len(out), names)
	}
	return out
}

// fillAssessment gives an open assessment a row in every table that can
// hold one: invitations, a draft, responses, a mail batch with an address,
// a plan step with its history, and (closing it) a release with kept
// scores and counters.
func fillAssessment(t *testing.T, db *DB, id int64, answers []int, dept string) {
	t.Helper()
	ctx := context.Background()
	hashes := invite(t, db, id, 3)
	inv, err := db.InvitationByToken(ctx, hashes[0])
	must(t, err)
	must(t, db.SaveDraft(ctx, inv.ID, DraftKey("draft-token"), cxm.Draft{Attributes: map[string]string{"department": dept}, Answers: map[string]int{"q1": 4}}))
	var rs []cxm.StoredResponse
	for range 5 {
		rs = append(rs, cxm.StoredResponse{Attributes: map[string]string{"department": dept}, Answers: answers})
	}
	must(t, db.AddResponses(ctx, id, rs))
	_, err = db.QueueSealedInvitations(ctx, id, []string{"someone@example.com"}, time.Now())
	must(t, err)
	_, err = db.AddPlanStep(ctx, cxm.PlanStep{AssessmentID: id, Competency: "c1", Title: "Step", Status: cxm.PlanTodo}, "a@example.com")
	must(t, err)
	released, err := db.CloseAssessment(ctx, id, time.Now(), func(a cxm.Assessment, _ ResponseStream) (*Figures, error) {
		return &Figures{Respondents: 5, Result: []byte(`{"group":"` + dept + `"}`), Scores: []CompetencyScore{{"c1", 50, 5}}}, nil
	})
	must(t, err)
	if !released {
		t.Fatal("no release")
	}
}

func TestDeleteAssessment(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		first := f.assessment
		wave := func(prev int64, name string) int64 {
			a := cxm.Assessment{OrganizationID: f.org, Name: name, FrameworkID: "test", FrameworkVersion: 1, MinGroup: 5,
				Attributes: first.Attributes, PreviousID: prev}
			id, err := db.CreateAssessment(ctx, &a)
			must(t, err)
			return id
		}
		second := wave(first.ID, "Q2")
		before := tableCounts(t, db)
		// Filled before its next wave exists: a plan that continues in a
		// next wave takes no more steps.
		fillAssessment(t, db, second, []int{1, 2, 3}, "Support")
		third := wave(second, "Q3")
		filled := tableCounts(t, db)
		for _, table := range []string{"invitations", "open_invitations", "drafts", "responses", "mail_batches", "mail_recipients",
			"plan_steps", "plan_changes", "releases", "assessment_scores", "participation_counts"} {
			if filled[table] <= before[table] {
				t.Errorf("filling wrote no row in %s", table)
			}
		}

		must(t, db.DeleteAssessment(ctx, second))
		after := tableCounts(t, db) // the third wave came, the second went
		for table, n := range before {
			if after[table] != n {
				t.Errorf("%s: %d rows after the delete, want %d as before the assessment was filled", table, after[table], n)
			}
		}
		_, err := db.Assessment(ctx, second)
		wantErr(t, "deleted assessment", err, cxm.ErrNotFound)
		wantErr(t, "delete again", db.DeleteAssessment(ctx, second), cxm.ErrNotFound)
		// The third wave follows the first now.
		series, err := db.Series(ctx, third)
		must(t, err)
		if len(series) != 2 || series[0].ID != first.ID || series[1].ID != third {
			t.Fatalf("series after deleting the middle wave: %+v", series)
		}
		// Deleting the first makes the third the first of its series.
		must(t, db.DeleteAssessment(ctx, first.ID))
		a, err := db.Assessment(ctx, third)
		must(t, err)
		if a.PreviousID != 0 {
			t.Fatalf("previous of the remaining wave = %d, want none", a.PreviousID)
		}
	})
}

// TestDeleteAssessmentLeavesNoTrace: on SQLite, after a delete nothing of
// the deleted responses is left in the database file or its WAL: not the
// answers' pattern, not an attribute value.
func TestDeleteAssessmentLeavesNoTrace(t *testing.T) {
	ctx := context.Background()
	dsn := freshDSN(t, SQLite)
	db := openDB(t, dsn)
	_, err := db.Migrate(ctx)
	must(t, err)
	f := newFixture(t, db)
	// A distinctive answer pattern and attribute value.
	answers := []int{5, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4, 6, 2, 6, 4, 3, 3, 8}
	const value = "Quokkadepartment"
	a := cxm.Assessment{OrganizationID: f.org, Name: "Secret", FrameworkID: "test", FrameworkVersion: 1, MinGroup: 5,
		Attributes: []cxm.Attribute{{Name: "department", Values: []string{value, "Other"}}}}
	_, err = db.CreateAssessment(ctx, &a)
	must(t, err)
	fillAssessment(t, db, a.ID, answers, value)
	_, encAnswers, err := encodeResponse(cxm.StoredResponse{Answers: answers})
	must(t, err)
	needles := [][]byte{[]byte(encAnswers), []byte(value)}
	find := func() []string {
		var found []string
		for _, suffix := range []string{"", "-wal"} {
			b, err := os.ReadFile(dsn + suffix)
			if err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
			for _, n := range needles {
				if bytes.Contains(b, n) {
					found = append(found, string(n)+" in cxm.db"+suffix)
				}
			}
		}
		return found
	}
	must(t, db.TruncateWAL(ctx))
	if got := find(); !slices.Contains(got, encAnswers+" in cxm.db") || !slices.Contains(got, value+" in cxm.db") {
		t.Fatalf("before the delete the file should hold both: %v (encoded answers %q)", got, encAnswers)
	}
	must(t, db.DeleteAssessment(ctx, a.ID))
	if got := find(); len(got) > 0 {
		t.Fatalf("after the delete: %v", got)
	}
}
