package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/cxmhq/cxm/framework"
)

const (
	refFramework = "../../score/testdata/ref-framework.yaml"
	refResponses = "../../score/testdata/ref-responses.csv"
	example      = "../../examples/temkin-four-responses.csv"
)

type outcome struct {
	code           int
	stdout, stderr string
}

func runCxm(t *testing.T, stdin string, args ...string) outcome {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return outcome{code, out.String(), errb.String()}
}

func TestExitStatus(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.csv")
	os.WriteFile(bad, []byte("respondent,a1,a2,a3,a4,b1,b2,b3,g1,g2\nr1,1,2,3,4,5,6,1,2,3\n"), 0o644)
	for _, tc := range []struct {
		name string
		args []string
		code int
		err  string
	}{
		{"scored", []string{"score", "--framework", refFramework, refResponses}, 0, ""},
		{"bad answer", []string{"score", "--framework", refFramework, bad}, 1, `bad.csv:2:14: row 2, column b2: "6" is not an integer from 1 to 5`},
		{"missing file", []string{"score", "--framework", refFramework, "nope.csv"}, 1, "nope.csv"},
		{"unknown framework", []string{"score", "--framework", "no-such", refResponses}, 1, `no built-in framework "no-such"`},
		{"unknown attribute", []string{"score", "--framework", refFramework, "--group-by", "region", refResponses}, 1, `cannot break down by "region"`},
		{"no framework", []string{"score", refResponses}, 2, "--framework is required (a built-in id such as temkin-four, or a framework file)\nRun 'cxm score --help' for usage.\n"},
		{"no file", []string{"score", "--framework", refFramework}, 2, "cxm: which responses? Give the response file: a CSV with one respondent a row and one column per statement, or - to read it from standard input, e.g. cxm score --framework temkin-four responses.csv\nRun 'cxm score --help' for usage.\n"},
		{"two files", []string{"score", "--framework", refFramework, "a.csv", "b.csv"}, 2, "cxm: one response file at a time, not 2 (a.csv b.csv)\nRun 'cxm score --help' for usage.\n"},
		{"unknown flag", []string{"score", "--frame", "x", refResponses}, 2, "cxm: unknown flag: --frame\nRun 'cxm score --help' for usage.\n"},
		{"bad format", []string{"score", "--format", "xml", "--framework", refFramework, refResponses}, 2, "must be one of table, json, csv"},
		{"min group too small", []string{"score", "--min-group", "2", "--framework", refFramework, refResponses}, 2, "at least 3"},
		{"unknown command", []string{"frob"}, 2, "cxm: unknown command \"frob\" for \"cxm\"\nRun 'cxm --help' for usage.\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := runCxm(t, "", tc.args...)
			if o.code != tc.code || !strings.Contains(o.stderr, tc.err) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", o.code, o.stderr, tc.code, tc.err)
			}
			if o.code != 0 && o.stdout != "" {
				t.Errorf("a failed run printed a result: %q", o.stdout)
			}
		})
	}
}

// TestScoreJSON checks the spec §6 contract keys and a few numbers from the
// R reference (score/testdata/reference.json), through the command line.
func TestScoreJSON(t *testing.T) {
	data, _ := os.ReadFile(refResponses)
	o := runCxm(t, string(data), "score", "--framework", refFramework, "--group-by", "department", "--min-group", "4", "--format", "json", "-")
	if o.code != 0 {
		t.Fatalf("exit %d: %s", o.code, o.stderr)
	}
	var res struct {
		Framework struct {
			ID      string
			Version int
		}
		Respondents  int
		Competencies []map[string]any
		Unscored     []string
		Overall      struct {
			Rule, Weakest, Stage string
			Mean                 float64
			Diagnosis            []any
			StageRange           []string `json:"stage_range"`
			TiedWith             []string `json:"tied_with"`
			Comparisons          []struct {
				Competency string
				M          int
				Diff, P    float64
			}
		}
		Groups map[string][]struct {
			Value string
			N     int
		}
		Suppressed map[string]int
		Gaps       map[string][]struct {
			Competency, High, Low string
			Gap                   float64
		}
	}
	if err := json.Unmarshal([]byte(o.stdout), &res); err != nil {
		t.Fatal(err)
	}
	if res.Framework.ID != "ref-fixture" || res.Framework.Version != 3 || res.Respondents != 20 {
		t.Errorf("framework %+v respondents %d", res.Framework, res.Respondents)
	}
	for _, key := range []string{"id", "n", "score", "sd", "ci", "alpha", "rwg", "stage", "stage_range"} {
		if _, ok := res.Competencies[0][key]; !ok {
			t.Errorf("competency has no %q", key)
		}
	}
	if s := res.Competencies[1]["score"].(float64); math.Abs(s-54.901960784313722) > 1e-9 {
		t.Errorf("beta-c score %v, want R's 54.901960784313722", s)
	}
	if res.Overall.Weakest != "beta-c" || res.Overall.Stage != "mid" || res.Overall.Rule != "weakest-link" {
		t.Errorf("overall %+v", res.Overall)
	}
	// §4.10 (values checked against SciPy in package score): alpha-c and
	// gamma-c cannot be told apart from beta-c.
	if !reflect.DeepEqual(res.Overall.TiedWith, []string{"alpha-c", "gamma-c"}) || !reflect.DeepEqual(res.Overall.StageRange, []string{"mid", "mid"}) ||
		len(res.Overall.Comparisons) != 2 || res.Overall.Comparisons[1].Competency != "gamma-c" || res.Overall.Comparisons[1].M != 16 {
		t.Errorf("certainty %+v", res.Overall)
	}
	// k=4: IT (2) and HR (3) are hidden; Finance, Ops and Sales shown.
	if len(res.Groups["department"]) != 3 || res.Suppressed["department"] != 2 {
		t.Errorf("groups %+v suppressed %v", res.Groups, res.Suppressed)
	}
	// beta-c: Sales 80.83333333333334 − Ops 19.375 (R) = 61.45833333333334.
	var beta *struct {
		Competency, High, Low string
		Gap                   float64
	}
	for i, g := range res.Gaps["department"] {
		if g.Competency == "beta-c" {
			beta = &res.Gaps["department"][i]
		}
	}
	if beta == nil || beta.High != "Sales" || beta.Low != "Ops" || math.Abs(beta.Gap-61.45833333333334) > 1e-9 {
		t.Errorf("beta-c gap %+v", beta)
	}
}

func TestScoreCSV(t *testing.T) {
	o := runCxm(t, "", "score", "--framework", refFramework, "--group-by", "department", "--min-group", "4", "--format", "csv", refResponses)
	if o.code != 0 {
		t.Fatalf("exit %d: %s", o.code, o.stderr)
	}
	rows, err := csv.NewReader(strings.NewReader(o.stdout)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// header + 3 competencies overall + 3 shown departments × 3 competencies
	if len(rows) != 1+3+9 {
		t.Fatalf("%d rows", len(rows))
	}
	if rows[2][3] != "beta-c" || !strings.HasPrefix(rows[2][5], "54.9019607843137") {
		t.Errorf("row %v", rows[2])
	}
	// The stage range and the comparison with the weakest: alpha-c is 6.67
	// points above beta-c over 15 respondents, p = 0.0738, so tied.
	if h := strings.Join(rows[0][12:], ","); h != "stage_low,stage_high,weakest,vs_weakest_m,vs_weakest_diff,vs_weakest_p,tied_with_weakest" {
		t.Errorf("header %s", h)
	}
	if r := rows[1]; r[12] != "mid" || r[13] != "high" || r[14] != "false" || r[15] != "15" || !strings.HasPrefix(r[16], "6.66666") || !strings.HasPrefix(r[17], "0.07382989") || r[18] != "true" {
		t.Errorf("alpha-c row %v", r)
	}
}

func TestEnvironmentSetsFlags(t *testing.T) {
	t.Setenv("CXM_MIN_GROUP", "6")
	o := runCxm(t, "", "score", "--framework", refFramework, "--group-by", "department", "--format", "json", refResponses)
	if o.code != 0 || !strings.Contains(o.stdout, `"min_group": 6`) {
		t.Fatalf("exit %d, %s", o.code, o.stderr)
	}
	t.Setenv("CXM_MIN_GROUP", "many")
	if o := runCxm(t, "", "score", "--framework", refFramework, refResponses); o.code != 2 || !strings.Contains(o.stderr, "CXM_MIN_GROUP") {
		t.Fatalf("bad environment value: exit %d, %s", o.code, o.stderr)
	}
}

// TestExample is the README's example: it must name the weakest competency
// and what it means for the organization, in words.
func TestExample(t *testing.T) {
	o := runCxm(t, "", "score", "--framework", "temkin-four", "--group-by", "department,level", example)
	if o.code != 0 {
		t.Fatalf("exit %d: %s", o.code, o.stderr)
	}
	for _, want := range []string{
		"60 respondents",
		"Employee Engagement is the weakest link",
		"Weak in Employee Engagement, an organization is Turbulent.",
		"BY DEPARTMENT",
		"BY LEVEL",
		"Widest gap:",
	} {
		if !strings.Contains(o.stdout, want) {
			t.Errorf("example output lacks %q:\n%s", want, o.stdout)
		}
	}
}

func TestFrameworkCommands(t *testing.T) {
	o := runCxm(t, "", "framework", "list", "--format", "json")
	var list []struct{ ID string }
	if err := json.Unmarshal([]byte(o.stdout), &list); err != nil || len(list) != 3 {
		t.Fatalf("list: %v %s", err, o.stdout)
	}
	// show --format yaml prints a file that parses back to the same framework.
	o = runCxm(t, "", "framework", "show", "temkin-four", "--format", "yaml")
	f, err := framework.Parse("shown.yaml", []byte(o.stdout))
	if err != nil || f.ID != "temkin-four" || len(f.Competencies) != 4 {
		t.Fatalf("show yaml: %v", err)
	}
	o = runCxm(t, "", "framework", "show", "temkin-four")
	if o.code != 0 || !strings.Contains(o.stdout, "EMPLOYEE ENGAGEMENT (employee-engagement)") || !strings.Contains(o.stdout, "When weak: Turbulent.") {
		t.Errorf("show text:\n%s", o.stdout)
	}

	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("id: Bad Id\nversion: 0\nname: x\n"), 0o644)
	o = runCxm(t, "", "framework", "lint", refFramework, bad)
	if o.code != 1 {
		t.Fatalf("lint exit %d", o.code)
	}
	for _, want := range []string{
		bad + `:1:5: framework id "Bad Id" is not a valid id`,
		bad + ":2:10: version must be a positive whole number, not 0",
		bad + `:1:1: the framework is missing required key "competencies"`,
	} {
		if !strings.Contains(o.stderr, want) {
			t.Errorf("lint stderr lacks %q:\n%s", want, o.stderr)
		}
	}
	if !strings.Contains(o.stdout, "ref-framework.yaml: ok (ref-fixture version 3") {
		t.Errorf("lint stdout: %s", o.stdout)
	}
}

// TestScoreTableSaysUncertainty: the table says when the weakest link is
// not clear, the stages a score's interval spans, and what alpha means,
// never the bare number.
func TestScoreTableSaysUncertainty(t *testing.T) {
	o := runCxm(t, "", "score", "--framework", refFramework, refResponses)
	if o.code != 0 {
		t.Fatalf("exit %d: %s", o.code, o.stderr)
	}
	flat := strings.Join(strings.Fields(o.stdout), " ")
	for _, want := range []string{
		"Beta (54.9), Alpha (58.4) and Gamma (57.9) are jointly the weakest: the differences between them are within what chance would give.",
		"Middle (Middle–High)",
		"◀ jointly weakest",
		"few answers (0.73)", "questionable (0.66)",
		"alpha (0.73) rests on only 7 respondents who answered all of them",
		"Alpha: 6.7 points higher among the 15 respondents who answered both (p = 0.07), within what chance would give.",
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("no %q in\n%s", want, o.stdout)
		}
	}
	if strings.Contains(o.stdout, "weakest link") {
		t.Errorf("calls a tied competency the weakest link:\n%s", o.stdout)
	}
}

// TestScoreAuditAcrossAttributes is issue 7's attack through the command
// line: Sales = 5 managers + 1 staff, Ops = 6 staff, k = 5. Broken down by
// department and level, every group holds at least 5, yet n·score of Sales
// minus that of manager would be the lone Sales staff member's answers.
// The audit (§4.11) hides both departments for every competency and keeps
// level: no figure of Sales is printed.
func TestScoreAuditAcrossAttributes(t *testing.T) {
	var b strings.Builder
	b.WriteString("department,level,a1,a2,a3,a4,b1,b2,b3,g1,g2\n")
	row := func(dept, level string, i int) {
		fmt.Fprintf(&b, "%s,%s,%d,%d,%d,%d,%d,%d,%d,%d,%d\n", dept, level, 1+i%5, 1+(i+1)%5, 1+(i+2)%5, 1+(i+3)%5, 1+(i*2)%5, 3, 4, 1+i%4, 2)
	}
	for i := 0; i < 5; i++ {
		row("Sales", "manager", i)
	}
	row("Sales", "staff", 5)
	for i := 6; i < 12; i++ {
		row("Ops", "staff", i)
	}
	o := runCxm(t, b.String(), "score", "--framework", refFramework, "--group-by", "department,level", "--format", "json", "-")
	if o.code != 0 {
		t.Fatalf("exit %d: %s", o.code, o.stderr)
	}
	var res struct {
		Groups map[string][]struct {
			Value        string
			N            int
			Competencies []struct {
				Score      *float64
				Suppressed bool
			}
		}
		Suppressed map[string]int
	}
	if err := json.Unmarshal([]byte(o.stdout), &res); err != nil {
		t.Fatal(err)
	}
	for _, g := range res.Groups["department"] {
		for _, c := range g.Competencies {
			if c.Score != nil || !c.Suppressed {
				t.Errorf("department %s shows a score", g.Value)
			}
		}
	}
	for _, g := range res.Groups["level"] {
		for _, c := range g.Competencies {
			if c.Score == nil {
				t.Errorf("level %s is hidden", g.Value)
			}
		}
	}
	if res.Suppressed["department"] != 2 || res.Suppressed["level"] != 0 || len(res.Groups["level"]) != 2 {
		t.Errorf("suppressed %v, level groups %v", res.Suppressed, res.Groups["level"])
	}
}
