package store

import (
	"context"
	"errors"
	"reflect"
	"sync"
	"testing"

	"github.com/cxmhq/cxm"
)

func TestPlanSteps(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		fx := newFixture(t, db)
		id := fx.assessment.ID
		target := 50.0
		gen := []cxm.PlanStep{
			{Competency: "a", Practice: "p1", Title: "One", Why: "because", Target: &target, TargetStage: "mid"},
			{Competency: "a", Practice: "p2", Title: "Two"},
			{Competency: "b", Practice: "p3", Title: "Three"},
		}
		must(t, db.ReplaceGeneratedSteps(ctx, id, gen, "ann@example.com"))
		custom, err := db.AddPlanStep(ctx, cxm.PlanStep{AssessmentID: id, Competency: "b", Title: "Decided in the workshop"}, "bob@example.com")
		must(t, err)
		if custom.Priority != 4 || !custom.Custom || custom.Status != cxm.PlanTodo {
			t.Errorf("custom step %+v", custom)
		}
		steps, err := db.PlanSteps(ctx, id)
		must(t, err)
		if titles(steps) != "One,Two,Three,Decided in the workshop" || *steps[0].Target != 50 || steps[1].Target != nil {
			t.Fatalf("plan %s", titles(steps))
		}
		// Edit: owner, status, and move the custom step to 1.
		owner, status, p := "Dana", cxm.PlanDoing, 1
		s, err := db.UpdatePlanStep(ctx, steps[2].ID, PlanEdit{Owner: &owner, Status: &status}, "carl@example.com")
		must(t, err)
		if s.Owner != "Dana" || s.Status != cxm.PlanDoing {
			t.Errorf("edited %+v", s)
		}
		_, err = db.UpdatePlanStep(ctx, custom.ID, PlanEdit{Priority: &p}, "carl@example.com")
		must(t, err)
		steps, _ = db.PlanSteps(ctx, id)
		if titles(steps) != "Decided in the workshop,One,Two,Three" {
			t.Errorf("after the move: %s", titles(steps))
		}
		for i, s := range steps {
			if s.Priority != i+1 {
				t.Errorf("priorities not 1..N: %d at %d", s.Priority, i)
			}
		}
		// Regenerating keeps the step written by hand, after the new ones.
		must(t, db.ReplaceGeneratedSteps(ctx, id, gen[:1], "ann@example.com"))
		steps, _ = db.PlanSteps(ctx, id)
		if titles(steps) != "One,Decided in the workshop" {
			t.Errorf("after regenerating: %s", titles(steps))
		}
		changes, err := db.PlanChanges(ctx, id)
		must(t, err)
		var got []string
		for _, c := range changes {
			got = append(got, c.User+" "+c.Field+" "+c.From+"→"+c.To)
		}
		want := []string{
			"ann@example.com plan →generated 3 steps",
			"bob@example.com added →Decided in the workshop",
			"carl@example.com owner →Dana",
			"carl@example.com status todo→doing",
			"carl@example.com priority 4→1",
			"ann@example.com plan →generated 1 steps",
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("changes\n%q\nwant\n%q", got, want)
		}
		if _, err := db.UpdatePlanStep(ctx, 99999, PlanEdit{Owner: &owner}, "x"); !errors.Is(err, cxm.ErrNotFound) {
			t.Errorf("missing step: %v", err)
		}
	})
}

func titles(steps []cxm.PlanStep) string {
	s := ""
	for i, st := range steps {
		if i > 0 {
			s += ","
		}
		s += st.Title
	}
	return s
}

func TestWavesAndPeers(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		fx := newFixture(t, db)
		id := fx.assessment.ID
		if _, err := db.NextWave(ctx, id, "Q2"); !errors.Is(err, cxm.ErrConflict) {
			t.Errorf("next wave of an open assessment: %v", err)
		}
		must(t, db.SetStatus(ctx, id, cxm.StatusClosed, now()))
		next, err := db.NextWave(ctx, id, "Q2")
		must(t, err)
		if _, err := db.NextWave(ctx, id, "Q2 again"); !errors.Is(err, cxm.ErrConflict) {
			t.Errorf("a second next wave: %v", err)
		}
		a, _ := db.Assessment(ctx, next)
		if a.PreviousID != id || a.Status != cxm.StatusOpen || a.FrameworkVersion != 1 || !reflect.DeepEqual(a.Attributes, fx.assessment.Attributes) || a.MinGroup != 5 {
			t.Errorf("next wave %+v", a)
		}
		series, err := db.Series(ctx, next)
		must(t, err)
		if len(series) != 2 || series[0].ID != id || series[1].ID != next {
			t.Errorf("series %v", series)
		}

		// Peers: closed assessments of other organizations, same version.
		must(t, db.SetScores(ctx, id, []CompetencyScore{{"a", 40, 10}, {"b", 60, 10}}))
		other, err := db.CreateOrganization(ctx, cxm.Organization{Name: "Other", Industry: "Retail", Size: "large"})
		must(t, err)
		b := cxm.Assessment{OrganizationID: other, Name: "Theirs", FrameworkID: "test", FrameworkVersion: 1, MinGroup: 5}
		bid, err := db.CreateAssessment(ctx, &b)
		must(t, err)
		must(t, db.SetScores(ctx, bid, []CompetencyScore{{"a", 70, 8}}))
		peers, err := db.Peers(ctx, PeerFilter{FrameworkID: "test", FrameworkVersion: 1, ExcludeOrg: fx.org})
		must(t, err)
		if len(peers) != 0 {
			t.Errorf("an open assessment counted as a peer: %v", peers)
		}
		must(t, db.SetStatus(ctx, bid, cxm.StatusClosed, now()))
		peers, _ = db.Peers(ctx, PeerFilter{FrameworkID: "test", FrameworkVersion: 1, ExcludeOrg: fx.org})
		if len(peers) != 1 || peers[0].Scores["a"] != 70 || peers[0].Industry != "Retail" {
			t.Errorf("peers %v", peers)
		}
		if p, _ := db.Peers(ctx, PeerFilter{FrameworkID: "test", FrameworkVersion: 1, ExcludeOrg: fx.org, Industry: "Banking"}); len(p) != 0 {
			t.Errorf("industry filter: %v", p)
		}
		rows, err := db.ExportPeers(ctx, "test")
		must(t, err)
		if len(rows) != 2 || rows[0].Scores["b"] != 60 || rows[1].Industry != "Retail" {
			t.Errorf("export %v", rows)
		}
		must(t, db.ImportPeers(ctx, "test", []ExportRow{{FrameworkVersion: 1, Industry: "Retail", Scores: map[string]float64{"a": 55}}}))
		peers, _ = db.Peers(ctx, PeerFilter{FrameworkID: "test", FrameworkVersion: 1, ExcludeOrg: fx.org, Industry: "Retail"})
		if len(peers) != 2 || peers[1].Scores["a"] != 55 {
			t.Errorf("with the imported peer: %v", peers)
		}
	})
}

// TestCreatePlanIfNoneRace: people closing the same assessment at once
// generate one plan between them.
func TestCreatePlanIfNoneRace(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		id := newFixture(t, db).assessment.ID
		var wg sync.WaitGroup
		var mu sync.Mutex
		created := 0
		for i := 0; i < 10; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ok, err := db.CreatePlanIfNone(ctx, id, []cxm.PlanStep{{Competency: "a", Title: "One"}, {Competency: "b", Title: "Two"}}, "x@example.com")
				if err != nil {
					t.Error(err)
				}
				if ok {
					mu.Lock()
					created++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		steps, _ := db.PlanSteps(ctx, id)
		if created != 1 || len(steps) != 2 {
			t.Errorf("%d plans created, %d steps", created, len(steps))
		}
	})
}
