package server

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/internal/testdb"
)

// TestTemporalDifferencing is the attack of issue 7 written as a test: a
// viewer reads the results after every submission, hoping to take the
// difference of two consecutive reads. While the assessment is open every
// read is refused (409) and the dashboard shows no figure; after it closes
// the release never changes, whatever anyone does.
func TestTemporalDifferencing(t *testing.T) {
	for _, engine := range testdb.Engines {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)
			id := e.newAssessment(map[string]any{"name": "Differencing", "framework": "temkin-four", "min_group": 5,
				"attributes": []any{map[string]any{"name": "department", "values": []string{"Sales", "Ops", "Legal"}}}})
			path := "/api/v1/assessments/" + itoa64(id)
			viewer, _ := e.session(cxm.RoleViewer)
			tokens := e.invite(id, 16)
			read := func() (int, string) {
				st, raw := e.raw(cxm.RoleViewer, "GET", path+"/results?group_by=department", "", nil)
				return st, string(raw)
			}
			for i, tok := range tokens[:15] {
				if st, raw := read(); st != http.StatusConflict || !strings.Contains(raw, `"field": "status"`) {
					t.Fatalf("results with %d responses while open: %d %s", i, st, raw)
				}
				if st, raw := e.raw(cxm.RoleViewer, "GET", path+"/results", "", nil); st != http.StatusConflict {
					t.Fatalf("results without breakdown with %d responses: %d %s", i, st, raw)
				}
				if _, page := e.get(viewer, "/assessments/"+itoa64(id)); strings.Contains(page, "Weakest link") || strings.Contains(page, "95% CI") ||
					!strings.Contains(page, "Results will appear") {
					t.Fatalf("the dashboard of the open assessment shows figures with %d responses", i)
				}
				for _, view := range []string{"/report", "/workshop"} {
					if _, page := e.get(viewer, "/assessments/"+itoa64(id)+view); strings.Contains(page, "Weakest link") || strings.Contains(page, "ws-big") {
						t.Fatalf("%s shows figures while open (%d responses)", view, i)
					}
				}
				answers := map[string]int{}
				for _, item := range []string{"pl-1", "pl-2", "pl-3", "cbv-1", "cbv-2", "cbv-3", "ee-1", "ee-2", "ee-3", "cc-1", "cc-2", "cc-3"} {
					answers[item] = 1 + (i*7+len(item))%5
				}
				body := map[string]any{"attributes": map[string]string{"department": []string{"Sales", "Ops", "Legal"}[i%3]}, "answers": answers}
				if st, out := e.call("", "POST", "/api/v1/responses/"+tok, body); st != http.StatusCreated {
					t.Fatalf("submit %d: %d %v", i, st, out)
				}
			}
			e.closeAssessment(id)
			st, release := read()
			if st != http.StatusOK || !strings.Contains(release, `"respondents": 15`) || !strings.Contains(release, `"release": {`) {
				t.Fatalf("the release: %d %s", st, release)
			}
			// Whatever happens now, the release does not change: a late
			// submission, reopening, closing again, rows written behind the
			// server's back, the start-up release step.
			if st, _ := e.call("", "POST", "/api/v1/responses/"+tokens[15], map[string]any{"answers": map[string]int{"pl-1": 5}}); st != http.StatusConflict {
				t.Errorf("a submission after the release: %d", st)
			}
			if st, out := e.call(cxm.RoleFacilitator, "POST", path+"/reopen", nil); st != http.StatusConflict ||
				!strings.Contains(fmt.Sprint(out["error"]), path+"/next-wave") {
				t.Errorf("reopen after the release: %d %v", st, out)
			}
			must(t, e.db.AddResponses(context.Background(), id, []cxm.StoredResponse{{Attributes: map[string]string{"department": "Sales"},
				Answers: []int{5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5}}}))
			e.closeAssessment(id)
			if _, err := e.srv.MakeReleases(context.Background()); err != nil {
				t.Fatal(err)
			}
			if st, again := read(); st != http.StatusOK || again != release {
				t.Errorf("the release changed: %d\n%s\nwas\n%s", st, again, release)
			}
		})
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestResultsOfRelease: group_by picks breakdowns out of the release (every
// attribute, audited together), an unknown attribute is a 400 naming it;
// closing with fewer than k makes no release (409) and may be reopened.
func TestResultsOfRelease(t *testing.T) {
	e := actEnv(t, testdb.SQLite)
	id := e.newAssessment(map[string]any{"name": "Two attributes", "framework": "act", "min_group": 3,
		"attributes": []any{map[string]any{"name": "department", "values": []string{"Sales", "Ops"}}, map[string]any{"name": "level", "values": []string{"Staff", "Manager"}}}})
	path := "/api/v1/assessments/" + itoa64(id)
	e.respond(id, answers{3, 3, 3, "Sales"}, answers{4, 4, 4, "Sales"}, answers{2, 2, 2, "Sales"}, answers{5, 1, 5, "Ops"})
	st, out := e.call(cxm.RoleViewer, "GET", path+"/results?group_by=department,rank", nil)
	if st != http.StatusBadRequest || out["field"] != "group_by" || !strings.Contains(fmt.Sprint(out["error"]), `"rank"`) {
		t.Errorf("an unknown attribute: %d %v", st, out)
	}
	e.closeAssessment(id)
	for _, tc := range []struct {
		query string
		want  []string
	}{{"", []string{}}, {"?group_by=department", []string{"department"}}, {"?group_by=level,department", []string{"level", "department"}}} {
		st, raw := e.raw(cxm.RoleViewer, "GET", path+"/results"+tc.query, "", nil)
		var res struct {
			GroupBy []string          `json:"group_by"`
			Groups  map[string][]any  `json:"groups"`
			Release map[string]any    `json:"release"`
			Supp    map[string]int    `json:"suppressed"`
			Other   map[string]string `json:"-"`
		}
		if err := json.Unmarshal(raw, &res); st != http.StatusOK || err != nil {
			t.Fatalf("results%s: %d %s", tc.query, st, raw)
		}
		if fmt.Sprint(res.GroupBy) != fmt.Sprint(tc.want) || len(res.Groups) != len(tc.want) || res.Release["k"] != 3.0 || res.Release["respondents"] != 4.0 {
			t.Errorf("results%s: group_by %v, groups %v, release %v", tc.query, res.GroupBy, res.Groups, res.Release)
		}
		if len(tc.want) > 0 && tc.want[len(tc.want)-1] == "department" && (len(res.Groups["department"]) != 0 || res.Supp["department"] != 2) {
			// Ops (1) is hidden, and Sales with it (secondary rule).
			t.Errorf("department: %v, %d suppressed", res.Groups["department"], res.Supp["department"])
		}
	}
	st, out = e.call(cxm.RoleViewer, "GET", path+"/results?group_by=department,department", nil)
	if st != http.StatusBadRequest || out["field"] != "group_by" {
		t.Errorf("an attribute twice: %d %v", st, out)
	}

	// Closed with fewer than k: no release, may be reopened.
	few := e.newAssessment(map[string]any{"name": "Few", "framework": "act", "min_group": 3})
	e.respond(few, answers{3, 3, 3, ""}, answers{3, 3, 3, ""})
	e.closeAssessment(few)
	fp := "/api/v1/assessments/" + itoa64(few)
	if st, out := e.call(cxm.RoleViewer, "GET", fp+"/results", nil); st != http.StatusConflict || out["field"] != "status" ||
		!strings.Contains(fmt.Sprint(out["error"]), "closed with 2 responses, fewer than its minimum of 3") {
		t.Errorf("results of an assessment closed with 2 of 3: %d %v", st, out)
	}
	c, _ := e.session(cxm.RoleFacilitator)
	if _, page := e.get(c, "/assessments/"+itoa64(few)); !strings.Contains(page, "No results: the assessment was closed with 2 responses, fewer than the 3 needed.") ||
		!strings.Contains(page, `action="/assessments/`+itoa64(few)+`/reopen"`) {
		t.Error("the dashboard of an assessment closed with too few does not say so or offer to reopen")
	}
	if st, out := e.call(cxm.RoleFacilitator, "POST", fp+"/reopen", nil); st != http.StatusOK || out["status"] != "open" {
		t.Errorf("reopen without a release: %d %v", st, out)
	}
	e.respond(few, answers{3, 3, 3, ""})
	e.closeAssessment(few)
	if st, out := e.call(cxm.RoleViewer, "GET", fp+"/results", nil); st != http.StatusOK || out["respondents"] != 3.0 {
		t.Errorf("results after closing with 3: %d %v", st, out)
	}
}

// TestParticipation: live counts, "fewer than k" for a value chosen by 1
// to k − 1, 0 for a value nobody chose; never a figure.
func TestParticipation(t *testing.T) {
	for _, engine := range testdb.Engines {
		t.Run(engine, func(t *testing.T) {
			e := actEnv(t, engine)
			id := e.newAssessment(map[string]any{"name": "Participation", "framework": "act", "min_group": 3,
				"attributes": []any{map[string]any{"name": "department", "values": []string{"Sales", "Legal", "Ops"}}}})
			e.invite(id, 4) // 4 unused links, plus 6 used below
			e.respond(id, answers{3, 3, 3, "Sales"}, answers{3, 3, 3, "Sales"}, answers{3, 3, 3, "Sales"}, answers{3, 3, 3, "Legal"},
				answers{3, 3, 3, "Legal"}, answers{3, 3, 3, ""})
			st, raw := e.raw(cxm.RoleViewer, "GET", "/api/v1/assessments/"+itoa64(id)+"/participation", "", nil)
			want := `{"responses":6,"invited":10,"rate":0.6,"by":{"department":[{"value":"Sales","responses":3},{"value":"Legal","responses":"fewer than 3"},{"value":"Ops","responses":0}]}}`
			var got bytes.Buffer
			if err := json.Compact(&got, raw); st != http.StatusOK || err != nil || got.String() != want {
				t.Errorf("participation: %d\n got %s\nwant %s", st, got.String(), want)
			}
			c, _ := e.session(cxm.RoleViewer)
			_, page := e.get(c, "/assessments/"+itoa64(id))
			for _, s := range []string{"Results will appear when the assessment is closed: it has 6 responses", "<th scope=\"row\">Legal</th><td class=\"num\">fewer than 3</td>",
				"<th scope=\"row\">Sales</th><td class=\"num\">3</td>", "60%"} {
				if !strings.Contains(page, s) {
					t.Errorf("the dashboard lacks %q", s)
				}
			}
			if st, _ := e.call("", "GET", "/api/v1/assessments/"+itoa64(id)+"/participation", nil); st != http.StatusUnauthorized {
				t.Errorf("participation without a login: %d", st)
			}
		})
	}
}

// TestMakeReleases: assessments closed before releases existed get theirs
// from the start-up step, once; one closed with too few gets none.
func TestMakeReleases(t *testing.T) {
	for _, engine := range testdb.Engines {
		t.Run(engine, func(t *testing.T) {
			e := actEnv(t, engine)
			ctx := context.Background()
			old := e.newAssessment(map[string]any{"name": "Closed long ago", "framework": "act", "min_group": 3})
			e.respond(old, answers{3, 1, 5, ""}, answers{3, 2, 5, ""}, answers{3, 3, 5, ""})
			few := e.newAssessment(map[string]any{"name": "Too few", "framework": "act", "min_group": 3})
			e.respond(few, answers{3, 1, 5, ""})
			closedAt := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
			for _, id := range []int64{old, few} {
				must(t, e.db.SetStatus(ctx, id, cxm.StatusClosed, closedAt)) // as closing did before releases
			}
			if st, _ := e.call(cxm.RoleViewer, "GET", "/api/v1/assessments/"+itoa64(old)+"/results", nil); st != http.StatusConflict {
				t.Fatalf("results before the step: %d", st)
			}
			e.srv.cfg.Now = func() time.Time { return time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC) }
			n, err := e.srv.MakeReleases(ctx)
			if err != nil || n != 1 {
				t.Fatalf("MakeReleases: %d, %v; want 1", n, err)
			}
			st, out := e.call(cxm.RoleViewer, "GET", "/api/v1/assessments/"+itoa64(old)+"/results", nil)
			rel, _ := out["release"].(map[string]any)
			if st != http.StatusOK || out["respondents"] != 3.0 || rel["at"] != "2026-11-30T01:00:00Z" || rel["k"] != 3.0 || rel["respondents"] != 3.0 {
				t.Errorf("results after the step: %d %v", st, out)
			}
			if a, _ := e.db.Assessment(ctx, old); a.ClosedAt == nil || !a.ClosedAt.Equal(closedAt) {
				t.Errorf("closed_at changed: %v", a.ClosedAt)
			}
			if steps := e.planOf(old); len(steps) == 0 {
				t.Error("no plan generated from the release")
			}
			if n, err := e.srv.MakeReleases(ctx); err != nil || n != 0 {
				t.Errorf("second run: %d, %v", n, err)
			}
			if st, _ := e.call(cxm.RoleViewer, "GET", "/api/v1/assessments/"+itoa64(few)+"/results", nil); st != http.StatusConflict {
				t.Errorf("results of the one with too few: %d", st)
			}
		})
	}
}

// TestViewsServeRelease: every view of a released assessment shows its
// release: rows added to the database afterwards (to it, to the wave
// before it, to its peers) change none of them.
func TestViewsServeRelease(t *testing.T) {
	for _, engine := range testdb.Engines {
		t.Run(engine, func(t *testing.T) {
			e := actEnv(t, engine)
			ctx := context.Background()
			e.srv.cfg.Now = func() time.Time { return time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC) }
			org := func(name string) float64 {
				_, out := e.call(cxm.RoleFacilitator, "POST", "/api/v1/organizations", map[string]any{"name": name, "industry": "Retail"})
				return out["id"].(float64)
			}
			own := org("Us")
			first := e.newAssessment(map[string]any{"name": "Wave 1", "framework": "act", "organization": own, "min_group": 3, "attributes": []any{map[string]any{"name": "department", "values": []string{"Sales", "Ops"}}}})
			e.respond(first, answers{2, 1, 3, "Sales"}, answers{3, 2, 3, "Sales"}, answers{2, 3, 4, "Sales"}, answers{3, 1, 5, "Ops"})
			e.closeAssessment(first)
			_, out := e.call(cxm.RoleFacilitator, "POST", "/api/v1/assessments/"+itoa64(first)+"/next-wave", nil)
			id := int64(out["id"].(float64))
			e.respond(id, answers{4, 3, 3, "Sales"}, answers{3, 4, 3, "Sales"}, answers{4, 5, 4, "Sales"}, answers{5, 2, 5, "Ops"}, answers{4, 4, 4, "Ops"})
			e.closeAssessment(id)
			var peers []int64
			for i := 0; i < 5; i++ {
				p := e.newAssessment(map[string]any{"name": "Peer", "framework": "act", "organization": org(fmt.Sprint("Peer ", i)), "min_group": 3})
				e.respond(p, answers{1 + i, 2, 3, ""}, answers{2, 1 + i, 3, ""}, answers{3, 3, 1 + i, ""})
				e.closeAssessment(p)
				peers = append(peers, p)
			}
			viewer, _ := e.session(cxm.RoleViewer)
			p := "/assessments/" + itoa64(id)
			views := map[string]func() string{}
			for _, v := range []string{"/results?group_by=department", "/plan", "/benchmark", "/compare?with=" + itoa64(first), "/report",
				"/export.xlsx", "/export/competencies.csv", "/export/items.csv", "/export/groups.csv", "/export/plan.csv"} {
				views["API "+v] = func() string {
					st, raw := e.raw(cxm.RoleViewer, "GET", "/api/v1"+p+v, "", nil)
					if st != http.StatusOK {
						t.Fatalf("%s: %d %s", v, st, raw)
					}
					if strings.HasSuffix(v, ".xlsx") {
						return zipContent(t, raw)
					}
					return string(raw)
				}
			}
			for _, v := range []string{"", "/workshop", "/workshop?c=1", "/plan", "/progress", "/benchmark"} {
				views["page "+v] = func() string {
					st, page := e.get(viewer, p+v)
					if st != http.StatusOK {
						t.Fatalf("page %s: %d", v, st)
					}
					return page
				}
			}
			before := map[string]string{}
			for name, view := range views {
				before[name] = view()
			}
			// The views hold figures to change: the peers' positions and the
			// comparison's test.
			for name, s := range map[string]string{"API /benchmark": `"percentile"`, "API /compare?with=" + itoa64(first): `"df"`,
				"API /results?group_by=department": `"release"`, "page ": "Weakest link", "page /workshop": "ws-big"} {
				if !strings.Contains(before[name], s) {
					t.Fatalf("%s lacks %s:\n%.2000s", name, s, before[name])
				}
			}
			extreme := []cxm.StoredResponse{{Attributes: map[string]string{"department": "Ops"}, Answers: []int{5, 5, 5, 5, 5, 5}},
				{Attributes: map[string]string{"department": "Ops"}, Answers: []int{1, 1, 1, 1, 1, 1}},
				{Attributes: map[string]string{"department": "Legal"}, Answers: []int{1, 1, 1, 1, 1, 1}}}
			for _, a := range append([]int64{id, first}, peers...) {
				must(t, e.db.AddResponses(ctx, a, extreme))
			}
			for name, view := range views {
				if after := view(); after != before[name] {
					t.Errorf("%s changed after rows were added behind the release", name)
				}
			}
		})
	}
}

// zipContent is a zip file's entries in name order, as text: the workbook
// writer's entry order varies between runs, its content does not.
func zipContent(t *testing.T, raw []byte) string {
	z, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatal(err)
	}
	files := append([]*zip.File{}, z.File...)
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	var b strings.Builder
	for _, f := range files {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s\n%s\n", f.Name, data)
	}
	return b.String()
}

// TestRareItem: a statement fewer than k answered shows no distribution in
// any view, and every view still renders.
func TestRareItem(t *testing.T) {
	e := actEnv(t, testdb.SQLite)
	id := e.newAssessment(map[string]any{"name": "Rare", "framework": "act", "min_group": 3})
	for i, tok := range e.invite(id, 3) {
		a := map[string]any{"l1": 3, "l2": 4, "v1": 2, "c1": 5, "c2": 4}
		if i == 0 {
			a["v2"] = 1
		}
		if st, out := e.call("", "POST", "/api/v1/responses/"+tok, map[string]any{"answers": a}); st != http.StatusCreated {
			t.Fatalf("submit: %d %v", st, out)
		}
	}
	e.closeAssessment(id)
	st, out := e.call(cxm.RoleViewer, "GET", "/api/v1/assessments/"+itoa64(id)+"/results", nil)
	if st != http.StatusOK {
		t.Fatalf("results: %d %v", st, out)
	}
	for _, it := range out["items"].([]any) {
		it := it.(map[string]any)
		if rare := it["id"] == "v2"; rare != (it["counts"] == nil) || rare != (it["index"] == nil) {
			t.Errorf("item %v", it)
		}
	}
	c, _ := e.session(cxm.RoleViewer)
	p := "/assessments/" + itoa64(id)
	if _, page := e.get(c, p); !strings.Contains(page, "fewer than 3 answered: not shown") {
		t.Error("the dashboard does not say why a statement's answers are not shown")
	}
	for _, v := range []string{"", "/workshop", "/workshop?c=1", "/report", "/export.xlsx", "/export/items.csv", "/plan"} {
		if st, _ := e.get(c, p+v); st != http.StatusOK {
			t.Errorf("%s: %d", v, st)
		}
	}
}

// TestConcurrentClose: people closing one assessment at once through the
// API make one release and one plan.
func TestConcurrentClose(t *testing.T) {
	for _, engine := range testdb.Engines {
		t.Run(engine, func(t *testing.T) {
			e := actEnv(t, engine)
			id := e.newAssessment(map[string]any{"name": "Race", "framework": "act", "min_group": 3})
			e.respond(id, answers{2, 3, 4, ""}, answers{3, 3, 5, ""}, answers{1, 2, 4, ""})
			var wg sync.WaitGroup
			statuses := make(chan int, 6)
			for range 6 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					st, _ := e.call(cxm.RoleFacilitator, "POST", "/api/v1/assessments/"+itoa64(id)+"/close", nil)
					statuses <- st
				}()
			}
			wg.Wait()
			close(statuses)
			for st := range statuses {
				if st != http.StatusOK {
					t.Errorf("close: %d", st)
				}
			}
			var n int
			for _, c := range e.changesOf(id) {
				if c.Field == "plan" {
					n++
				}
			}
			if n != 1 {
				t.Errorf("%d plans generated, want 1", n)
			}
			if st, out := e.call(cxm.RoleViewer, "GET", "/api/v1/assessments/"+itoa64(id)+"/results", nil); st != http.StatusOK || out["respondents"] != 3.0 {
				t.Errorf("results: %d %v", st, out)
			}
		})
	}
}
