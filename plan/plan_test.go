package plan

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/score"
)

func practice(id string, stages ...string) cxm.Practice {
	return cxm.Practice{ID: id, Title: "Title " + id, Description: "Do " + id + ".", Stages: stages}
}

func items(texts ...string) []cxm.Item {
	var out []cxm.Item
	for i := 0; i < len(texts); i += 2 {
		out = append(out, cxm.Item{ID: texts[i], Text: texts[i+1], Weight: 1})
	}
	return out
}

// testFramework has three stages and, in file order:
//   - leadership: practices tagged to stages;
//   - engagement: no practice lists stages, so all of them fit any stage;
//   - measurement: five practices fit stage start (more than the default 3),
//     one fits grow, one lists no stage while the others do (never chosen);
//   - design: its only practice fits lead, it scores at start: no step;
//   - voice: not scored;
//   - culture: scores at the top stage.
func testFramework() *cxm.Framework {
	return &cxm.Framework{
		ID: "test", Version: 1, Name: "Test",
		Scale: cxm.Scale{Min: 1, Max: 5}, Rule: cxm.RuleWeakestLink, WeakBelow: 50,
		Stages: []cxm.Stage{
			{ID: "start", Name: "Start", From: 0},
			{ID: "grow", Name: "Grow", From: 40},
			{ID: "lead", Name: "Lead", From: 70},
		},
		Competencies: []cxm.Competency{
			{ID: "leadership", Name: "Leadership",
				Items: items("l1", "Leaders talk about customers.", "l2", "Leaders act on feedback.", "l3", "Values guide decisions."),
				Practices: []cxm.Practice{
					practice("l-p1", "start"),
					practice("l-p2", "start", "grow"),
					practice("l-p3", "grow"),
					practice("l-p4", "lead"),
				}},
			{ID: "engagement", Name: "Employee Engagement",
				Items:     items("e1", "I know our customers.", "e2", "I am recognized for service.", "e3", "I can fix problems."),
				Practices: []cxm.Practice{practice("e-p1"), practice("e-p2")}},
			{ID: "measurement", Name: "Measurement",
				Items: items("m1", "We measure experience.", "m2", "We act on measures.", "m3", "Measures reach the front line."),
				Practices: []cxm.Practice{
					practice("m-p1", "start"),
					practice("m-any"),
					practice("m-p2", "start", "grow"),
					practice("m-p3", "start"),
					practice("m-grow", "grow"),
					practice("m-p4", "start"),
					practice("m-p5", "start", "lead"),
				}},
			{ID: "design", Name: "Design",
				Items:     items("d1", "We map journeys.", "d2", "We test with customers."),
				Practices: []cxm.Practice{practice("d-p1", "lead")}},
			{ID: "voice", Name: "Voice",
				Items:     items("v1", "We listen.", "v2", "We answer."),
				Practices: []cxm.Practice{practice("v-p1")}},
			{ID: "culture", Name: "Culture",
				Items:     items("c1", "Customers come first.", "c2", "We celebrate service."),
				Practices: []cxm.Practice{practice("c-p1", "lead"), practice("c-p2", "grow")}},
		},
	}
}

func idx(x float64) *float64 { return &x }

// testResult: leadership and engagement tie at 45.5 (listed here in the
// opposite order to the file); culture's stage is left empty so that it is
// derived from its score.
func testResult() *score.Result {
	return &score.Result{
		Framework:   score.FrameworkRef{ID: "test", Version: 1},
		Respondents: 12,
		Competencies: []score.Competency{
			{ID: "engagement", N: 12, Score: 45.5, Stage: "grow"},
			{ID: "leadership", N: 12, Score: 45.5, Stage: "grow"},
			{ID: "measurement", N: 11, Score: 20, Stage: "start"},
			{ID: "design", N: 12, Score: 25, Stage: "start"},
			{ID: "culture", N: 12, Score: 81.25},
		},
		Unscored: []string{"voice"},
		Items: []score.Item{
			{ID: "l1", Competency: "leadership", N: 12, Index: idx(60)},
			{ID: "l2", Competency: "leadership", N: 12, Index: idx(30.5)},
			{ID: "l3", Competency: "leadership", N: 12, Index: idx(41)},
			{ID: "e1", Competency: "engagement", N: 0}, // nobody answered: never the weakest
			{ID: "e2", Competency: "engagement", N: 12, Index: idx(50)},
			{ID: "e3", Competency: "engagement", N: 12, Index: idx(45.25)},
			{ID: "m1", Competency: "measurement", N: 11, Index: idx(12.5)},
			{ID: "m2", Competency: "measurement", N: 11, Index: idx(12.5)}, // tie with m1: file order
			{ID: "m3", Competency: "measurement", N: 11, Index: idx(10)},
			{ID: "d1", Competency: "design", N: 12, Index: idx(25)},
			{ID: "d2", Competency: "design", N: 12, Index: idx(25)},
			{ID: "v1", Competency: "voice", N: 0},
			{ID: "v2", Competency: "voice", N: 0},
			{ID: "c1", Competency: "culture", N: 12, Index: idx(81.25)},
			{ID: "c2", Competency: "culture", N: 0},
		},
	}
}

type short struct {
	Priority    int
	Competency  string
	Practice    string
	Target      float64
	TargetStage string
	Stage       string
	WeakItems   []string
}

func shorten(steps []Step) []short {
	var out []short
	for _, s := range steps {
		out = append(out, short{s.Priority, s.Competency, s.Practice, s.Target, s.TargetStage, s.Stage, s.WeakItems})
	}
	return out
}

const (
	whyMeasurement = "Measurement scores 20.0, stage Start; the weakest statements: “Measures reach the front line.” (10.0) and “We measure experience.” (12.5)."
	whyLeadership  = "Leadership scores 45.5, stage Grow; the weakest statements: “Leaders act on feedback.” (30.5) and “Values guide decisions.” (41.0)."
	whyEngagement  = "Employee Engagement scores 45.5, stage Grow; the weakest statements: “I can fix problems.” (45.2) and “I am recognized for service.” (50.0)."
	whyCulture     = "Culture scores 81.2, stage Lead; the weakest statement: “Customers come first.” (81.2)."
)

func TestGenerate(t *testing.T) {
	f, r := testFramework(), testResult()
	steps := Generate(f, r, DefaultPerCompetency)
	m := []string{"m3", "m1"}
	l := []string{"l2", "l3"}
	e := []string{"e3", "e2"}
	c := []string{"c1"}
	want := []short{
		// weakest first: measurement 20 (start), 5 fitting practices cut to 3, m-any never
		{1, "measurement", "m-p1", 40, "grow", "start", m},
		{2, "measurement", "m-p2", 40, "grow", "start", m},
		{3, "measurement", "m-p3", 40, "grow", "start", m},
		// design 25: its only practice is for stage lead: no step
		// leadership and engagement tie at 45.5: file order
		{4, "leadership", "l-p2", 70, "lead", "grow", l},
		{5, "leadership", "l-p3", 70, "lead", "grow", l},
		{6, "engagement", "e-p1", 70, "lead", "grow", e},
		{7, "engagement", "e-p2", 70, "lead", "grow", e},
		// culture at the top stage: target 100, the stage stays
		{8, "culture", "c-p1", 100, "lead", "lead", c},
		// voice: not scored
	}
	if got := shorten(steps); !reflect.DeepEqual(got, want) {
		t.Fatalf("steps\n got %+v\nwant %+v", got, want)
	}
	whys := map[string]string{"measurement": whyMeasurement, "leadership": whyLeadership, "engagement": whyEngagement, "culture": whyCulture}
	scores := map[string]float64{"measurement": 20, "leadership": 45.5, "engagement": 45.5, "culture": 81.25}
	for _, s := range steps {
		if s.Why != whys[s.Competency] {
			t.Errorf("step %d why\n got %s\nwant %s", s.Priority, s.Why, whys[s.Competency])
		}
		if s.Score != scores[s.Competency] {
			t.Errorf("step %d score %v", s.Priority, s.Score)
		}
		if s.Title != "Title "+s.Practice || s.Description != "Do "+s.Practice+"." {
			t.Errorf("step %d title %q description %q", s.Priority, s.Title, s.Description)
		}
	}
}

func TestGeneratePerCompetency(t *testing.T) {
	f, r := testFramework(), testResult()
	want := []short{
		{1, "measurement", "m-p1", 40, "grow", "start", []string{"m3", "m1"}},
		{2, "leadership", "l-p2", 70, "lead", "grow", []string{"l2", "l3"}},
		{3, "engagement", "e-p1", 70, "lead", "grow", []string{"e3", "e2"}},
		{4, "culture", "c-p1", 100, "lead", "lead", []string{"c1"}},
	}
	if got := shorten(Generate(f, r, 1)); !reflect.DeepEqual(got, want) {
		t.Errorf("perCompetency 1\n got %+v\nwant %+v", got, want)
	}
	if got := Generate(f, r, 10); len(got) != 10 { // measurement's 5 + 2 + 2 + 1
		t.Errorf("perCompetency 10: %d steps", len(got))
	}
	if a, b := Generate(f, r, 0), Generate(f, r, DefaultPerCompetency); !reflect.DeepEqual(a, b) {
		t.Error("perCompetency 0 should mean the default")
	}
}

func TestGenerateTieOrderIsFileOrder(t *testing.T) {
	f, r := testFramework(), testResult()
	// Swap leadership and engagement in the file: engagement now comes first.
	f.Competencies[0], f.Competencies[1] = f.Competencies[1], f.Competencies[0]
	var order []string
	for _, s := range Generate(f, r, 1) {
		order = append(order, s.Competency)
	}
	if want := []string{"measurement", "engagement", "leadership", "culture"}; !reflect.DeepEqual(order, want) {
		t.Errorf("order %v, want %v", order, want)
	}
}

func TestGenerateStageChangesPractices(t *testing.T) {
	f, r := testFramework(), testResult()
	// Leadership at start instead of grow: l-p1 and l-p2 fit, target grow.
	lc := r.Competency("leadership")
	lc.Score, lc.Stage = 35, "start"
	var got []string
	for _, s := range Generate(f, r, 3) {
		if s.Competency == "leadership" {
			got = append(got, s.Practice)
			if s.Target != 40 || s.TargetStage != "grow" || s.Priority != 4+len(got)-1 {
				t.Errorf("step %+v", s)
			}
		}
	}
	if want := []string{"l-p1", "l-p2"}; !reflect.DeepEqual(got, want) {
		t.Errorf("practices %v, want %v", got, want)
	}
}

func TestGenerateEmpty(t *testing.T) {
	f := testFramework()
	for _, r := range []*score.Result{nil, {}, {Withheld: true}} {
		if got := Generate(f, r, 3); got == nil || len(got) != 0 {
			t.Errorf("result %+v: %v", r, got)
		}
	}
	if got := Generate(nil, testResult(), 3); got == nil || len(got) != 0 {
		t.Errorf("nil framework: %v", got)
	}
	// A scored competency without item indices: the why has no statements.
	r := &score.Result{Competencies: []score.Competency{{ID: "engagement", N: 3, Score: 10, Stage: "start"}}}
	steps := Generate(f, r, 3)
	if len(steps) != 2 || steps[0].Why != "Employee Engagement scores 10.0, stage Start." || steps[0].WeakItems == nil || len(steps[0].WeakItems) != 0 {
		t.Errorf("steps %+v", steps)
	}
}

func TestPractices(t *testing.T) {
	f := testFramework()
	ids := func(ps []cxm.Practice) []string {
		out := []string{}
		for _, p := range ps {
			out = append(out, p.ID)
		}
		return out
	}
	cases := []struct {
		comp, stage string
		want        []string
	}{
		{"leadership", "start", []string{"l-p1", "l-p2"}},
		{"leadership", "lead", []string{"l-p4"}},
		{"engagement", "lead", []string{"e-p1", "e-p2"}},
		{"measurement", "grow", []string{"m-p2", "m-grow"}},
		{"measurement", "lead", []string{"m-p5"}},
		{"design", "start", []string{}},
	}
	for _, c := range cases {
		if got := ids(Practices(f.Competency(c.comp), c.stage)); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s at %s: %v, want %v", c.comp, c.stage, got, c.want)
		}
	}
}

func TestStepJSON(t *testing.T) {
	s := Step{Priority: 1, Competency: "c", Practice: "p", Title: "T", Description: "D", Why: "W",
		Target: 40, TargetStage: "grow", Score: 20, Stage: "start", WeakItems: []string{"i1"}}
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"priority":1,"competency":"c","practice":"p","title":"T","description":"D","why":"W","target":40,"target_stage":"grow","score":20,"stage":"start","weak_items":["i1"]}`
	if string(b) != want {
		t.Errorf("got %s\nwant %s", b, want)
	}
}
