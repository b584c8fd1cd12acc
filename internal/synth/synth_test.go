package synth_test

import (
	"bytes"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/framework"
	"github.com/cxmhq/cxm/internal/synth"
	"github.com/cxmhq/cxm/responses"
	"github.com/cxmhq/cxm/score"
)

func temkin(t testing.TB) *cxm.Framework {
	t.Helper()
	f, ok := framework.Builtin("temkin-four")
	if !ok {
		t.Fatal("no built-in temkin-four")
	}
	return f
}

func spec() synth.Spec {
	return synth.Spec{
		Respondents: 2000,
		Attributes: []synth.Attribute{
			{Name: "department", Values: []string{"Sales", "Operations", "Finance, Legal"}, Weights: []float64{3, 2, 1}},
			{Name: "level", Values: []string{"Executive", "Staff", "Nobody"}, Weights: []float64{1, 4, 0}},
		},
		CompetencyMeans: map[string]float64{"purposeful-leadership": 3.8, "employee-engagement": 2.6},
		Shifts: []synth.Shift{
			{Attribute: "department", Value: "Operations", Competency: "employee-engagement", Delta: -0.8},
			{Attribute: "level", Value: "Executive", Delta: 0.5},
		},
		MissingRate: 0.05,
		Seed:        42,
	}
}

func collect(t *testing.T, f *cxm.Framework, s synth.Spec) (answers []int, attrs []string) {
	t.Helper()
	err := synth.Generate(f, s, func(r score.Response) error {
		answers = append(answers, r.Answers...)
		attrs = append(attrs, r.Attrs...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return answers, attrs
}

func TestDeterministic(t *testing.T) {
	f := temkin(t)
	a1, v1 := collect(t, f, spec())
	a2, v2 := collect(t, f, spec())
	if !slices.Equal(a1, a2) || !slices.Equal(v1, v2) {
		t.Error("the same spec gave different responses")
	}
	s := spec()
	s.Seed++
	a3, _ := collect(t, f, s)
	if slices.Equal(a1, a3) {
		t.Error("a different seed gave the same responses")
	}
	var b1, b2 bytes.Buffer
	if err := synth.WriteCSV(&b1, f, spec()); err != nil {
		t.Fatal(err)
	}
	if err := synth.WriteCSV(&b2, f, spec()); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b1.Bytes(), b2.Bytes()) {
		t.Error("the same spec gave different CSV files")
	}
}

func TestModel(t *testing.T) {
	f := temkin(t)
	s := spec()
	answers, attrs := collect(t, f, s)
	sc := f.Scale
	items := f.NumItems()
	if len(answers) != s.Respondents*items {
		t.Fatalf("%d answers, want %d", len(answers), s.Respondents*items)
	}
	missing := 0
	for _, a := range answers {
		if a == score.NoAnswer {
			missing++
		} else if a < sc.Min || a > sc.Max {
			t.Fatalf("answer %d outside the scale", a)
		}
	}
	if rate := float64(missing) / float64(len(answers)); math.Abs(rate-s.MissingRate) > 0.01 {
		t.Errorf("missing rate %.3f, want about %.2f", rate, s.MissingRate)
	}
	for i := 1; i < len(attrs); i += 2 {
		if attrs[i] == "Nobody" {
			t.Fatal("a value of weight 0 was drawn")
		}
	}
	// Mean value after reversal per competency, among staff outside
	// Operations (no shifts apply), is near its target.
	want := map[string]float64{"purposeful-leadership": 3.8, "employee-engagement": 2.6, "customer-connectedness": 3}
	k := 0
	for _, c := range f.Competencies {
		sum, n := 0.0, 0
		for r := range s.Respondents {
			if attrs[2*r] == "Operations" || attrs[2*r+1] == "Executive" {
				continue
			}
			for i, it := range c.Items {
				a := answers[r*items+k+i]
				if a == score.NoAnswer {
					continue
				}
				if it.Reverse {
					a = sc.Min + sc.Max - a
				}
				sum += float64(a)
				n++
			}
		}
		k += len(c.Items)
		if w, ok := want[c.ID]; ok && math.Abs(sum/float64(n)-w) > 0.1 {
			t.Errorf("%s: mean answer %.2f, want about %.1f", c.ID, sum/float64(n), w)
		}
	}
}

func TestCSVRoundTrip(t *testing.T) {
	f := temkin(t)
	s := spec()
	answers, attrs := collect(t, f, s)
	var buf bytes.Buffer
	if err := synth.WriteCSV(&buf, f, s); err != nil {
		t.Fatal(err)
	}
	header, _, _ := strings.Cut(buf.String(), "\n")
	if !strings.HasPrefix(header, "respondent,department,level,pl-1,") {
		t.Errorf("header %q", header)
	}
	if !strings.Contains(buf.String(), "\nr000001,") {
		t.Error("no respondent r000001")
	}
	rd, err := responses.NewReader("synth.csv", &buf, f)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rd.Attributes(), []string{"department", "level"}) {
		t.Errorf("attributes %q", rd.Attributes())
	}
	var gotA []int
	var gotV []string
	if err := rd.Each(func(r score.Response) error {
		gotA = append(gotA, r.Answers...)
		gotV = append(gotV, r.Attrs...)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if rd.Rows() != s.Respondents {
		t.Errorf("read %d rows, want %d", rd.Rows(), s.Respondents)
	}
	if !slices.Equal(gotA, answers) || !slices.Equal(gotV, attrs) {
		t.Error("the CSV file does not hold what Generate produced")
	}
}

func TestShiftedGroupScoresLower(t *testing.T) {
	f := temkin(t)
	s := spec()
	sc, err := score.New(f, score.Options{Attributes: []string{"department", "level"}, GroupBy: []string{"department", "level"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := synth.Generate(f, s, sc.Add); err != nil {
		t.Fatal(err)
	}
	res := sc.Result()
	if res.Overall.Weakest != "employee-engagement" {
		t.Errorf("weakest %q, want employee-engagement", res.Overall.Weakest)
	}
	groupScore := func(attr, value, comp string) float64 {
		for _, g := range res.Groups[attr] {
			if g.Value != value {
				continue
			}
			for _, c := range g.Competencies {
				if c.ID == comp && c.Score != nil {
					return *c.Score
				}
			}
		}
		t.Fatalf("no score for %s=%s on %s", attr, value, comp)
		return 0
	}
	ops, sales := groupScore("department", "Operations", "employee-engagement"), groupScore("department", "Sales", "employee-engagement")
	if ops > sales-10 {
		t.Errorf("employee-engagement: Operations %.1f, Sales %.1f; want Operations well below", ops, sales)
	}
	if d := groupScore("department", "Operations", "purposeful-leadership") - groupScore("department", "Sales", "purposeful-leadership"); math.Abs(d) > 5 {
		t.Errorf("purposeful-leadership differs by %.1f between unshifted departments", d)
	}
	for _, c := range f.Competencies {
		if ex, st := groupScore("level", "Executive", c.ID), groupScore("level", "Staff", c.ID); ex < st+5 {
			t.Errorf("%s: executives %.1f, staff %.1f; want executives higher", c.ID, ex, st)
		}
	}
	for _, c := range res.Competencies {
		if c.Alpha == nil || *c.Alpha < 0.6 || *c.Alpha > 0.95 {
			t.Errorf("%s: alpha %v is not realistic", c.ID, c.Alpha)
		}
	}
}

func TestGenerateDoesNotAllocatePerRow(t *testing.T) {
	f := temkin(t)
	allocs := func(n int) float64 {
		s := spec()
		s.Respondents = n
		return testing.AllocsPerRun(5, func() {
			if err := synth.Generate(f, s, func(score.Response) error { return nil }); err != nil {
				t.Fatal(err)
			}
		})
	}
	if a, b := allocs(10), allocs(1000); a != b {
		t.Errorf("%v allocations for 10 respondents, %v for 1000", a, b)
	}
}

func TestInvalidSpec(t *testing.T) {
	f := temkin(t)
	for name, edit := range map[string]func(*synth.Spec){
		"unknown competency":   func(s *synth.Spec) { s.CompetencyMeans["nope"] = 3 },
		"mean off scale":       func(s *synth.Spec) { s.CompetencyMeans["employee-engagement"] = 6 },
		"unknown shift value":  func(s *synth.Spec) { s.Shifts[0].Value = "Nowhere" },
		"unknown shift attr":   func(s *synth.Spec) { s.Shifts[0].Attribute = "region" },
		"weights mismatch":     func(s *synth.Spec) { s.Attributes[0].Weights = []float64{1} },
		"attribute is an item": func(s *synth.Spec) { s.Attributes[0].Name = "pl-1" },
		"missing rate":         func(s *synth.Spec) { s.MissingRate = 1.5 },
	} {
		s := spec()
		s.CompetencyMeans = map[string]float64{}
		s.Attributes = slices.Clone(s.Attributes)
		s.Shifts = slices.Clone(s.Shifts)
		edit(&s)
		if err := synth.Generate(f, s, func(score.Response) error { return nil }); err == nil {
			t.Errorf("%s: no error", name)
		}
		if err := synth.WriteCSV(&bytes.Buffer{}, f, s); err == nil {
			t.Errorf("%s: WriteCSV gave no error", name)
		}
	}
}

// TestFrameworkYAML checks that the written large framework reads back equal.
func TestFrameworkYAMLRoundTrip(t *testing.T) {
	f := synth.LargeFramework()
	back, err := framework.Parse("large.yaml", synth.FrameworkYAML(f))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(f, back) {
		t.Errorf("read back %+v, want %+v", back, f)
	}
}
