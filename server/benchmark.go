package server

import (
	"context"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"slices"
	"strings"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/chart"
	"github.com/cxmhq/cxm/score"
	"github.com/cxmhq/cxm/store"
)

// Benchmarks (scoring.md §5.3): the peers of an assessment are the closed
// assessments of other organizations on the same framework version (their
// competency scores are kept when they close) and imported peers; nothing
// is shown below score.MinPeers of them.

// peerResults turns the stored peers' scores into the minimal results
// score.Benchmark compares with: the framework and each competency's
// score, in framework order.
func peerResults(f *cxm.Framework, peers []store.Peer) []*score.Result {
	out := make([]*score.Result, 0, len(peers))
	for _, p := range peers {
		r := &score.Result{Framework: score.FrameworkRef{ID: f.ID, Version: f.Version}}
		for _, c := range f.Competencies {
			if v, ok := p.Scores[c.ID]; ok {
				r.Competencies = append(r.Competencies, score.Competency{ID: c.ID, Score: v})
			}
		}
		out = append(out, r)
	}
	return out
}

// benchmark places own (the assessment's result) among its peers, narrowed
// by industry and size when given. It also returns the peers' results, for
// the words of the page.
func (s *Server) benchmark(ctx context.Context, a cxm.Assessment, f *cxm.Framework, own *score.Result, industry, size string) (int, []score.PeerPosition, []*score.Result, error) {
	peers, err := s.db.Peers(ctx, store.PeerFilter{FrameworkID: a.FrameworkID, FrameworkVersion: a.FrameworkVersion,
		ExcludeOrg: a.OrganizationID, Industry: industry, Size: size})
	if err != nil {
		return 0, nil, nil, err
	}
	results := peerResults(f, peers)
	n, positions := score.Benchmark(own, results, score.MinPeers)
	return n, positions, results, nil
}

func (s *Server) apiBenchmark(w http.ResponseWriter, r *http.Request) error {
	a, err := s.assessment(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	own, f, err := s.results(ctx, a, nil)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	industry, size := strings.TrimSpace(q.Get("industry")), strings.TrimSpace(q.Get("size"))
	n, positions, _, err := s.benchmark(ctx, a, f, own, industry, size)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"peers": n, "min_peers": score.MinPeers, "industry": industry, "size": size, "competencies": positions})
	return nil
}

type benchmarkView struct {
	A            cxm.Assessment
	F            *cxm.Framework
	Industry     string
	Size         string
	Industries   []string
	Sizes        []string
	Peers        int
	MinPeers     int
	Few          bool
	Withheld     bool
	Respondents  int
	Rows         []benchmarkRow
	Chart        template.HTML
	ChartNarrow  template.HTML
	Organization cxm.Organization
}

type benchmarkRow struct {
	Name  string
	P     score.PeerPosition
	Words string
}

// percentileWords says where a score stands among the peers' scores of a
// competency: "higher than 72% of 14 peers"; with ties, which the
// percentile counts as half, "50th percentile of 6 peers: higher than 2,
// level with 2"; at the ends "higher than all 14 peers", "lower than all 14
// peers".
func percentileWords(p score.PeerPosition, peers []float64) string {
	below, equal := score.Rank(p.Score, peers)
	n := len(peers)
	switch {
	case below == n:
		return fmt.Sprintf("higher than all %d peers", n)
	case below == 0 && equal == 0:
		return fmt.Sprintf("lower than all %d peers", n)
	case equal == 0:
		return fmt.Sprintf("higher than %.0f%% of %d peers", p.Percentile, n)
	}
	return fmt.Sprintf("%s percentile of %d peers: higher than %d, level with %d", chart.Ordinal(int(math.Round(p.Percentile))), n, below, equal)
}

func (s *Server) benchmarkPage(w http.ResponseWriter, r *http.Request) error {
	a, err := s.assessment(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	own, f, err := s.results(ctx, a, nil)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	v := benchmarkView{A: a, F: f, Industry: strings.TrimSpace(q.Get("industry")), Size: strings.TrimSpace(q.Get("size")),
		MinPeers: score.MinPeers, Withheld: own.Withheld, Respondents: own.Respondents}
	if v.Organization, err = s.db.Organization(ctx, a.OrganizationID); err != nil {
		return err
	}
	// The choices: every industry and size of the organizations and of the
	// peers (imported ones included).
	orgs, err := s.db.ListOrganizations(ctx)
	if err != nil {
		return err
	}
	all, err := s.db.Peers(ctx, store.PeerFilter{FrameworkID: a.FrameworkID, FrameworkVersion: a.FrameworkVersion, ExcludeOrg: a.OrganizationID})
	if err != nil {
		return err
	}
	ind, sz := map[string]bool{v.Industry: true}, map[string]bool{v.Size: true}
	for _, o := range orgs {
		ind[o.Industry], sz[o.Size] = true, true
	}
	for _, p := range all {
		ind[p.Industry], sz[p.Size] = true, true
	}
	delete(ind, "")
	delete(sz, "")
	for k := range ind {
		v.Industries = append(v.Industries, k)
	}
	for k := range sz {
		v.Sizes = append(v.Sizes, k)
	}
	slices.Sort(v.Industries)
	slices.Sort(v.Sizes)

	n, positions, peers, err := s.benchmark(ctx, a, f, own, v.Industry, v.Size)
	if err != nil {
		return err
	}
	v.Peers, v.Few = n, n < score.MinPeers
	var rows []chart.RangeRow
	for _, p := range positions {
		name := p.ID
		if c := f.Competency(p.ID); c != nil {
			name = c.Name
		}
		var scores []float64
		for _, r := range peers {
			if c := r.Competency(p.ID); c != nil {
				scores = append(scores, c.Score)
			}
		}
		v.Rows = append(v.Rows, benchmarkRow{Name: name, P: p, Words: percentileWords(p, scores)})
		rows = append(rows, chart.RangeRow{Label: name, Score: ptr(p.Score), P25: ptr(p.P25), Median: ptr(p.Median), P75: ptr(p.P75), Percentile: ptr(p.Percentile)})
	}
	if len(rows) > 0 {
		desc := "For each competency, the middle half of the peers' scores as a box, their median as a line and this organization's score as a marker, on 0 to 100."
		v.Chart = chart.Range(rows, chart.RangeOptions{Frame: chart.Frame{ID: "bench", Title: "Position among peers", Desc: desc, Width: wideChart}})
		v.ChartNarrow = chart.Range(rows, chart.RangeOptions{Frame: chart.Frame{ID: "bench-n", Title: "Position among peers", Desc: desc, Width: narrowChart}})
	}
	return s.render(w, r, http.StatusOK, "benchmark.html", "Benchmark · "+a.Name, v)
}
