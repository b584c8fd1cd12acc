package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/plan"
	"github.com/cxmhq/cxm/score"
	"github.com/cxmhq/cxm/store"
)

// Releases (scoring.md 4.12): an assessment's figures are computed once,
// when it is closed with at least min_group respondents, with every
// attribute broken down together (so the disclosure audit covers them
// all), and stored. Every view reads the release through results; nothing
// scores the live responses, so reading results after each new answer
// teaches nothing. While open only participation is shown.

// figures scores an assessment's responses for its release, made at at.
func (s *Server) figures(ctx context.Context, at time.Time) store.MakeFigures {
	return func(a cxm.Assessment, responses store.ResponseStream) (*store.Figures, error) {
		f, err := s.framework(ctx, a.FrameworkID, a.FrameworkVersion)
		if err != nil {
			return nil, err
		}
		names := a.AttributeNames()
		sc, err := score.New(f, score.Options{Attributes: names, GroupBy: names, MinGroup: a.MinGroup})
		if err != nil {
			return nil, err
		}
		attrs := make([]string, len(names))
		err = responses(func(sr cxm.StoredResponse) error {
			for i, n := range names {
				attrs[i] = sr.Attributes[n]
			}
			return sc.Add(score.Response{Answers: sr.Answers, Attrs: attrs})
		})
		if err != nil {
			return nil, err
		}
		res := sc.Release(at)
		if res == nil {
			return nil, nil
		}
		b, err := json.Marshal(res)
		if err != nil {
			return nil, err
		}
		fig := &store.Figures{Respondents: res.Respondents, Result: b}
		for _, c := range res.Competencies {
			fig.Scores = append(fig.Scores, store.CompetencyScore{Competency: c.ID, Score: c.Score, N: c.N})
		}
		return fig, nil
	}
}

// closeAssessment closes a and makes its release when it has enough
// responses (one transaction, store.CloseAssessment); a released assessment
// without a plan then gets one generated from its release, and one whose
// plan was carried on from the wave before has it re-targeted.
func (s *Server) closeAssessment(ctx context.Context, a cxm.Assessment) error {
	// The comments waiting to be written go straight into the release
	// (comments.go); without a release they wait on.
	held := s.comments.take(a.ID)
	figures := s.figures(ctx, s.cfg.Now().UTC())
	released, err := s.db.CloseAssessment(ctx, a.ID, s.cfg.Now().UTC(), func(a cxm.Assessment, rs store.ResponseStream) (*store.Figures, error) {
		fig, err := figures(a, rs)
		if fig != nil {
			fig.Comments = held
		}
		return fig, err
	})
	if err != nil || !released {
		s.comments.putBack(a.ID, held)
		return err
	}
	// The release took the comments and deleted their rows (overwritten:
	// secure_delete); the WAL's old frames of them go too (comments.go).
	if err := s.db.TruncateWAL(ctx); err != nil {
		return err
	}
	res, f, err := s.results(ctx, a, nil)
	if err != nil {
		return err
	}
	if carried, err := s.retargetCarried(ctx, a, f, res); err != nil || carried {
		return err
	}
	steps := planSteps(plan.Generate(f, res, plan.DefaultPerCompetency))
	if len(steps) == 0 {
		return nil
	}
	_, err = s.db.CreatePlanIfNone(ctx, a.ID, steps, userEmail(ctx))
	return err
}

// reopenAssessment reopens a closed assessment without a release; a
// released one is final (409 naming the next wave).
func (s *Server) reopenAssessment(ctx context.Context, a cxm.Assessment) error {
	err := s.db.SetStatus(ctx, a.ID, cxm.StatusOpen, s.cfg.Now().UTC())
	if errors.Is(err, store.ErrReleased) {
		return &Error{Status: http.StatusConflict, Field: "status", Message: fmt.Sprintf(
			"this assessment is released: its figures are final and it takes no more answers, so it cannot be reopened; "+
				"to ask again, start its next wave (POST /api/v1/assessments/%d/next-wave)", a.ID)}
	}
	return err
}

// MakeReleases makes the release of every closed assessment that has
// enough responses and none yet: those closed before releases existed
// (migration 0005). cxm serve and cxm migrate run it after migrating; it is
// idempotent.
func (s *Server) MakeReleases(ctx context.Context) (int, error) {
	ids, err := s.db.Unreleased(ctx)
	if err != nil {
		return 0, err
	}
	for i, id := range ids {
		a, err := s.db.Assessment(ctx, id)
		if err != nil {
			return i, err
		}
		if err := s.closeAssessment(ctx, a); err != nil {
			return i, fmt.Errorf("release of assessment %d: %w", id, err)
		}
	}
	return len(ids), nil
}

// results is an assessment's release with the breakdowns by groupBy (nil:
// none). Without a release it is a result with no figure (Withheld), whose
// Respondents is the participation count; the API answers 409 instead.
func (s *Server) results(ctx context.Context, a cxm.Assessment, groupBy []string) (*score.Result, *cxm.Framework, error) {
	f, err := s.framework(ctx, a.FrameworkID, a.FrameworkVersion)
	if err != nil {
		return nil, nil, err
	}
	rel, err := s.db.Release(ctx, a.ID)
	if errors.Is(err, cxm.ErrNotFound) {
		return withheld(f, a, groupBy), f, nil
	}
	if err != nil {
		return nil, nil, err
	}
	var res score.Result
	if err := json.Unmarshal(rel.Result, &res); err != nil {
		return nil, nil, fmt.Errorf("release of assessment %d: %w", a.ID, err)
	}
	out, err := res.Only(groupBy)
	if err != nil {
		return nil, nil, badField("group_by", "%v", err)
	}
	return out, f, nil
}

// withheld is the result of an assessment without a release: no figure.
func withheld(f *cxm.Framework, a cxm.Assessment, groupBy []string) *score.Result {
	res := &score.Result{
		Framework: score.FrameworkRef{ID: f.ID, Version: f.Version}, Respondents: a.Responses, MinGroup: a.MinGroup,
		Withheld: true, Competencies: []score.Competency{}, Unscored: []string{},
		Overall: score.Overall{Rule: string(f.Rule), Diagnosis: []score.Diagnosis{}}, Items: []score.Item{},
		Groups: map[string][]score.Group{}, Suppressed: map[string]int{}, Gaps: map[string][]score.Gap{},
		GroupBy: append([]string{}, groupBy...),
	}
	for _, g := range groupBy {
		res.Groups[g], res.Gaps[g] = []score.Group{}, []score.Gap{}
	}
	return res
}

// participation is an assessment's participation (scoring.md 4.12).
func (s *Server) participation(ctx context.Context, a cxm.Assessment) (score.Participation, error) {
	p, err := s.db.Participation(ctx, a.ID)
	if err != nil {
		return score.Participation{}, err
	}
	return score.ParticipationOf(a.MinGroup, p.Responses, p.Invited, a.Attributes, p.By), nil
}

// apiParticipation serves GET /api/v1/assessments/{id}/participation: live
// counts of who has answered, never a figure.
func (s *Server) apiParticipation(w http.ResponseWriter, r *http.Request) error {
	a, err := s.assessment(r)
	if err != nil {
		return err
	}
	p, err := s.participation(r.Context(), a)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}
