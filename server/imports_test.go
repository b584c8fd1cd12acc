package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/framework"
	"github.com/cxmhq/cxm/internal/testdb"
)

// temkinItems are the item ids of temkin-four, in framework order.
func temkinItems(t testing.TB) []string {
	f, ok := framework.Builtin("temkin-four")
	if !ok {
		t.Fatal("no temkin-four")
	}
	var ids []string
	for _, c := range f.Competencies {
		for _, it := range c.Items {
			ids = append(ids, it.ID)
		}
	}
	return ids
}

// responseRow is a CSV row: the leading cells, then v for every item.
func responseRow(lead string, items int, v string) string {
	return lead + strings.Repeat(","+v, items)
}

// importCounts is what an import may change: responses stored, the
// counters and the audit lines.
type importCounts struct {
	Stored, Responses, Invited, Imports int
}

func (e *env) importCounts(id int64) importCounts {
	e.t.Helper()
	ctx := context.Background()
	n, err := e.db.CountResponses(ctx, id)
	if err != nil {
		e.t.Fatal(err)
	}
	p, err := e.db.Participation(ctx, id)
	if err != nil {
		e.t.Fatal(err)
	}
	ims, err := e.db.ResponseImports(ctx, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return importCounts{n, p.Responses, p.Invited, len(ims)}
}

func TestImportResponsesAPI(t *testing.T) {
	for _, engine := range testdb.Engines {
		t.Run(engine, func(t *testing.T) { importResponsesAPI(t, newEnv(t, engine)) })
	}
}

func importResponsesAPI(t *testing.T, e *env) {
	items := temkinItems(t)
	id := e.newAssessment(map[string]any{"name": "Paper", "framework": "temkin-four", "min_group": 3,
		"attributes": []any{attr("department", "Sales", "Service", "Finance")}})
	e.invite(id, 2)
	path := fmt.Sprintf("/api/v1/assessments/%d/responses", id)
	post := func(role cxm.Role, ct, body string) (int, map[string]any) {
		t.Helper()
		status, raw := e.raw(role, "POST", path, ct, body)
		var out map[string]any
		json.Unmarshal(raw, &out)
		return status, out
	}
	header := "respondent,Department," + strings.Join(items, ",")
	good := header + "\n" +
		responseRow("p1,sales", len(items), "4") + "\n" +
		responseRow("p2,SALES", len(items), "na") + "\n" + // one answer below, the rest none
		responseRow("p3,", len(items), "2") + "\n"
	good = strings.Replace(good, "p2,SALES,na", "p2,SALES,5", 1)

	// Who may import, and in what form.
	if status, _ := post(cxm.RoleViewer, "text/csv", good); status != http.StatusForbidden {
		t.Fatalf("a viewer imported: %d", status)
	}
	if status, out := post(cxm.RoleFacilitator, "application/json", `{}`); status != http.StatusUnsupportedMediaType {
		t.Fatalf("JSON body: %d %v", status, out)
	}
	before := e.importCounts(id)
	if before != (importCounts{0, 0, 2, 0}) {
		t.Fatalf("before: %+v", before)
	}

	// A good file: every row stored, in the lists' spelling, counted.
	status, out := post(cxm.RoleFacilitator, "text/csv; charset=utf-8", good)
	if status != http.StatusCreated || out["imported"] != 3.0 {
		t.Fatalf("import: %d %v", status, out)
	}
	if got := e.importCounts(id); got != (importCounts{3, 3, 5, 1}) {
		t.Fatalf("after the import: %+v", got)
	}
	var depts []string
	var answered []int
	e.db.EachResponse(context.Background(), id, func(r cxm.StoredResponse) error {
		depts = append(depts, r.Attributes["department"])
		n := 0
		for _, v := range r.Answers {
			if v != cxm.NoAnswer {
				n++
			}
		}
		answered = append(answered, n)
		return nil
	})
	if strings.Join(slices.Sorted(slices.Values(depts)), ",") != ",Sales,Sales" || fmt.Sprint(slices.Sorted(slices.Values(answered))) != fmt.Sprint([]int{1, 24, 24}) {
		t.Fatalf("stored: departments %q, answered %v", depts, answered)
	}
	status, out = e.call(cxm.RoleViewer, "GET", fmt.Sprintf("/api/v1/assessments/%d/imports", id), nil)
	ims, _ := out["imports"].([]any)
	if status != 200 || len(ims) != 1 || ims[0].(map[string]any)["by"] != e.users[cxm.RoleFacilitator].Email || ims[0].(map[string]any)["responses"] != 3.0 {
		t.Fatalf("imports: %d %v", status, out)
	}
	status, out = e.call(cxm.RoleViewer, "GET", fmt.Sprintf("/api/v1/assessments/%d/participation", id), nil)
	if status != 200 || out["responses"] != 3.0 || out["invited"] != 5.0 {
		t.Fatalf("participation: %d %v", status, out)
	}

	// Every problem at once, with row and column; nothing stored.
	bad := header + "\n" +
		strings.Replace(responseRow("q1,Sales", len(items), "3"), "Sales,3", "Sales,7", 1) + "\n" + // line 2: pl-1 off the scale
		responseRow("q2,Marketing", len(items), "3") + "\n" + // line 3: not in the list
		responseRow("q3,Service", len(items), "") + "\n" + // line 4: answers nothing
		"q4,Sales,3\n" + // line 5: too few columns
		responseRow("q1,Finance", len(items), "3") + "\n" // line 6: respondent used in row 2
	status, out = post(cxm.RoleAdmin, "text/csv", bad)
	want := []importError{
		{2, len("q1,Sales,") + 1, "row 2, column pl-1: \"7\" is not an integer from 1 to 5"},
		{3, len("q2,") + 1, "row 3, column Department: \"Marketing\" is not one of the values of department: choose one of \"Sales\", \"Service\", \"Finance\", or leave it out"},
		{4, 1, "row 4: answers no statement: leave out a response that answers nothing"},
		{5, 1, "row 5 has 3 columns, the header has 26"},
		{6, 1, "row 6, column respondent: respondent \"q1\" is already used in row 2"},
	}
	checkImportErrors(t, "every kind of row error", status, out, want)
	if got := e.importCounts(id); got != (importCounts{3, 3, 5, 1}) {
		t.Fatalf("a refused import stored something: %+v", got)
	}

	// Header problems: an unknown column, a missing item, a column twice.
	h2 := "team,respondent,respondent," + strings.Join(items[1:], ",") + "\n" + responseRow("x,y,z", len(items)-1, "3") + "\n"
	status, out = post(cxm.RoleAdmin, "text/csv", h2)
	checkImportErrors(t, "header", status, out, []importError{
		{1, 1, "header: no column for 1 item(s) of framework temkin-four: pl-1"},
		{1, 17, "header: column \"respondent\" appears twice (columns 2 and 3)"},
	})
	h3 := "team," + strings.Join(items, ",") + "\n" + responseRow("x", len(items), "3") + "\n"
	status, out = post(cxm.RoleAdmin, "text/csv", h3)
	checkImportErrors(t, "unknown column", status, out, []importError{
		{1, 1, "header: column \"team\" is neither a statement of the framework nor a question of this assessment (respondent, department)"},
	})
	h4 := "department," + strings.Join(items, ",") + ",DEPARTMENT\n" + responseRow("Sales", len(items), "3") + ",Sales\n"
	status, out = post(cxm.RoleAdmin, "text/csv", h4)
	checkImportErrors(t, "a question twice", status, out, []importError{
		{1, len(h4[:strings.Index(h4, "DEPARTMENT")]) + 1, "header: columns \"department\" and \"DEPARTMENT\" both name the question department: keep one"},
	})
	semi := strings.ReplaceAll(header, ",", ";") + "\n" + strings.ReplaceAll(responseRow("p1;Sales", len(items), "3"), ",", ";") + "\n"
	status, out = post(cxm.RoleAdmin, "text/csv", semi)
	checkImportErrors(t, "semicolons", status, out, []importError{
		{1, 1, "header: no column for 24 item(s) of framework temkin-four: " + strings.Join(items, ", ")},
		{1, 1, "no statement of temkin-four has a column: save the file as CSV separated by commas (not semicolons or tabs), with the statement ids of this framework in the first row"},
	})
	status, out = post(cxm.RoleAdmin, "text/csv", "")
	checkImportErrors(t, "empty", status, out, []importError{{1, 1, "file is empty: expected a header row naming the columns"}})
	status, out = post(cxm.RoleAdmin, "text/csv", header+"\n")
	checkImportErrors(t, "no rows", status, out, []importError{{2, 1, "the file has a header but no responses"}})
	var big strings.Builder
	big.WriteString(header + "\n")
	for i := range MaxImportRows + 1 {
		big.WriteString(responseRow(fmt.Sprintf("r%d,", i), len(items), "3") + "\n")
	}
	status, out = post(cxm.RoleAdmin, "text/csv", big.String())
	checkImportErrors(t, "too many rows", status, out, []importError{{MaxImportRows + 2, 1, "the file has 5001 responses: import at most 5000 at a time (split the file)"}})
	if status, _ := post(cxm.RoleAdmin, "text/csv", strings.Repeat("x", importLimit+1)); status != http.StatusRequestEntityTooLarge {
		t.Fatalf("a body over the limit: %d", status)
	}
	if got := e.importCounts(id); got != (importCounts{3, 3, 5, 1}) {
		t.Fatalf("refused imports stored something: %+v", got)
	}

	// Closed: no import.
	if status, _ := e.call(cxm.RoleAdmin, "POST", fmt.Sprintf("/api/v1/assessments/%d/close", id), nil); status != 200 {
		t.Fatalf("close: %d", status)
	}
	if status, out := post(cxm.RoleAdmin, "text/csv", good); status != http.StatusConflict {
		t.Fatalf("import into a closed assessment: %d %v", status, out)
	}
}

func checkImportErrors(t *testing.T, what string, status int, out map[string]any, want []importError) {
	t.Helper()
	if status != http.StatusBadRequest || out["field"] != "file" {
		t.Fatalf("%s: %d %v", what, status, out)
	}
	b, _ := json.Marshal(out["details"])
	var got []importError
	json.Unmarshal(b, &got)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("%s: errors\n%v\nwant\n%v", what, got, want)
	}
	if !strings.HasPrefix(out["error"].(string), fmt.Sprintf("the file is not imported (nothing was stored): %d problem(s): ", len(want))) {
		t.Fatalf("%s: message %q", what, out["error"])
	}
}

// TestImportForm: the dashboard's upload, on both engines: problems on a
// page of their own with line and character, success back to the
// dashboard with its audit line.
func TestImportForm(t *testing.T) {
	for _, engine := range testdb.Engines {
		t.Run(engine, func(t *testing.T) { importForm(t, newEnv(t, engine)) })
	}
}

func importForm(t *testing.T, e *env) {
	items := temkinItems(t)
	id := e.newAssessment(map[string]any{"name": "Paper", "framework": "temkin-four", "min_group": 3,
		"attributes": []any{attr("department", "Sales", "Service")}})
	c, csrf := e.session(cxm.RoleFacilitator)
	upload := func(file string) (*http.Response, string) {
		t.Helper()
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		mw.WriteField("csrf", csrf)
		fw, _ := mw.CreateFormFile("file", "paper.csv")
		io.WriteString(fw, file)
		mw.Close()
		req, _ := http.NewRequest("POST", fmt.Sprintf("%s/assessments/%d/responses", e.ts.URL, id), &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp, string(b)
	}
	header := "department," + strings.Join(items, ",")
	resp, page := upload(header + "\n" + strings.Replace(responseRow("Sales", len(items), "3"), "Sales,3", "Sales,9", 1) + "\n" + responseRow("<b>x</b>", len(items), "3") + "\n")
	for _, want := range []string{
		"The file is not imported: nothing was stored. Fix the 2 problem(s) below and upload it again.",
		`<td class="num">2</td><td class="num">7</td><td>row 2, column pl-1: &#34;9&#34; is not an integer from 1 to 5</td>`,
		`<td class="num">3</td><td class="num">1</td><td>row 3, column department: &#34;&lt;b&gt;x&lt;/b&gt;&#34; is not one of the values`,
	} {
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, want) {
			t.Fatalf("bad upload: %d, no %q in\n%s", resp.StatusCode, want, page)
		}
	}
	if got := e.importCounts(id); got != (importCounts{}) {
		t.Fatalf("a refused upload stored something: %+v", got)
	}
	resp, _ = upload(header + "\n" + responseRow("service", len(items), "3") + "\n" + responseRow("", len(items), "4") + "\n")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasSuffix(resp.Header.Get("Location"), "flash=imported") {
		t.Fatalf("good upload: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if got := e.importCounts(id); got != (importCounts{2, 2, 2, 1}) {
		t.Fatalf("after the upload: %+v", got)
	}
	_, page = e.get(c, fmt.Sprintf("/assessments/%d", id))
	if !strings.Contains(page, "2 responses imported by "+e.users[cxm.RoleFacilitator].Email+" on ") {
		t.Fatalf("no audit line on the dashboard:\n%s", page)
	}
}

// TestReadImportLegacyQuestion: a column for a free-text question from
// before v2 is refused at its header cell; answers go to the lists' spelling.
func TestReadImportLegacyQuestion(t *testing.T) {
	fw, _ := framework.Builtin("temkin-four")
	items := temkinItems(t)
	a := cxm.Assessment{Attributes: []cxm.Attribute{{Name: "team"}, {Name: "level", Values: []string{"Staff", "Manager"}}}}
	_, err := readImport(fw, a, "f.csv", strings.NewReader("level,team,"+strings.Join(items, ",")+"\n"+responseRow("staff,Blue", len(items), "3")+"\n"))
	if fmt.Sprint(err) != `f.csv:1:7: header: column "team" was a free-text question: it takes no answers now that questions are closed lists; remove the column` {
		t.Fatalf("legacy question: %v", err)
	}
	_, err = readImport(fw, a, "f.csv", strings.NewReader("LEVEL,"+strings.Join(items, ",")+"\n"+responseRow("staff", len(items), "3")+"\n"+responseRow("", len(items), "dk")+"\n"))
	if err == nil || !strings.Contains(err.Error(), "f.csv:3:1: row 3: answers no statement") {
		t.Fatalf("a row of don't knows: %v", err)
	}
	rs, err := readImport(fw, a, "f.csv", strings.NewReader("LEVEL,"+strings.Join(items, ",")+"\n"+responseRow("staff", len(items), "3")+"\n"))
	if err != nil || len(rs) != 1 || fmt.Sprint(rs[0].Attributes) != "map[level:Staff]" {
		t.Fatalf("import: %v %v", rs, err)
	}
}
