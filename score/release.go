package score

import (
	"fmt"
	"time"
)

// Release marks a result as an assessment's release (scoring.md 4.12): its
// figures, computed once when it was closed with at least K respondents,
// which every view shows and which never change.
type Release struct {
	At          time.Time `json:"at"`
	K           int       `json:"k"`
	Respondents int       `json:"respondents"`
}

// Release returns the release of the responses added, made at at, or nil
// when there are fewer than k respondents (no release). Break the Scorer
// down by every attribute: the views then pick breakdowns out of it (Only),
// and the disclosure audit has applied to all of them together. An item's
// answer distribution and mean index are left out (Counts and Index nil)
// when fewer than k respondents answered it.
func (s *Scorer) Release(at time.Time) *Result {
	if s.n < s.opts.MinGroup {
		return nil
	}
	s.opts.Withhold = true // a release is what viewers see: §4.12's rules for items hold
	res := s.Result()
	res.Release = &Release{At: at.UTC(), K: s.opts.MinGroup, Respondents: s.n}
	return res
}

// Only returns a copy of r with the breakdowns by the attributes in groupBy
// and no other, in that order: a view of a release asks for some of its
// breakdowns. Figures are not recomputed, so what the release hides stays
// hidden. An attribute r was not broken down by is an error naming it.
func (r *Result) Only(groupBy []string) (*Result, error) {
	out := *r
	out.Groups, out.Suppressed, out.Gaps = map[string][]Group{}, map[string]int{}, map[string][]Gap{}
	out.GroupBy = []string{}
	for _, g := range groupBy {
		if _, ok := r.Groups[g]; !ok {
			return nil, fmt.Errorf("cannot break down by %q: the assessment's attributes are %s", g, listOrNone(r.GroupBy))
		}
		if _, dup := out.Groups[g]; dup {
			return nil, fmt.Errorf("attribute %q is named twice in the breakdown", g)
		}
		out.Groups[g], out.Suppressed[g], out.Gaps[g] = r.Groups[g], r.Suppressed[g], r.Gaps[g]
		out.GroupBy = append(out.GroupBy, g)
	}
	return &out, nil
}
