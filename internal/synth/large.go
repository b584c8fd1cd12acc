package synth

import (
	"fmt"

	"github.com/cxmhq/cxm"
)

// The large data set: 100,000 respondents × 40 items, broken down by an
// attribute of 500 values.
const (
	LargeRespondents = 100_000
	LargeGroups      = 500
	LargeAttribute   = "unit"
)

// LargeFramework is the data set that speed targets are stated for: 8 competencies × 5 items on a 1..5 scale, with a few
// reverse items and a few weights other than 1.
func LargeFramework() *cxm.Framework {
	f := &cxm.Framework{
		ID: "bench", Version: 1, Name: "Benchmark",
		Scale:     cxm.Scale{Min: 1, Max: 5},
		Rule:      cxm.RuleWeakestLink,
		WeakBelow: 50,
		Stages: []cxm.Stage{
			{ID: "low", Name: "Low", From: 0}, {ID: "mid", Name: "Mid", From: 33}, {ID: "high", Name: "High", From: 67},
		},
	}
	for c := range 8 {
		comp := cxm.Competency{ID: fmt.Sprintf("c%d", c+1), Name: fmt.Sprintf("Competency %d", c+1)}
		for i := range 5 {
			it := cxm.Item{ID: fmt.Sprintf("c%d-%d", c+1, i+1), Text: "Statement.", Weight: 1}
			it.Reverse = i == 4 && c%2 == 0 // 4 reverse items
			if i == 0 && c%3 == 0 {
				it.Weight = 2 // 3 items weigh double
			}
			if i == 1 && c == 7 {
				it.Weight = 0.5
			}
			comp.Items = append(comp.Items, it)
		}
		f.Competencies = append(f.Competencies, comp)
	}
	return f
}

func LargeSpec(f *cxm.Framework) Spec {
	values := make([]string, LargeGroups)
	weights := make([]float64, LargeGroups)
	for i := range values {
		values[i] = fmt.Sprintf("u%03d", i)
		weights[i] = float64(1 + i%7) // unequal group sizes, 40..350 respondents
	}
	means := map[string]float64{}
	for c, comp := range f.Competencies {
		means[comp.ID] = 2.5 + 0.2*float64(c)
	}
	return Spec{
		Respondents:     LargeRespondents,
		Attributes:      []Attribute{{Name: LargeAttribute, Values: values, Weights: weights}},
		CompetencyMeans: means,
		Shifts:          []Shift{{Attribute: LargeAttribute, Value: "u000", Delta: -0.5}},
		MissingRate:     0.03,
		Seed:            1,
	}
}

// FrameworkYAML writes f as a framework file. It covers what synthetic
// frameworks use: no labels, no practices, no texts that need quoting.
func FrameworkYAML(f *cxm.Framework) []byte {
	var b []byte
	add := func(format string, args ...any) { b = fmt.Appendf(b, format, args...) }
	add("id: %s\nversion: %d\nname: %s\n", f.ID, f.Version, f.Name)
	add("scale: {min: %d, max: %d}\nrule: %s\nweak_below: %g\nstages:\n", f.Scale.Min, f.Scale.Max, f.Rule, f.WeakBelow)
	for _, s := range f.Stages {
		add("  - {id: %s, name: %s, from: %g}\n", s.ID, s.Name, s.From)
	}
	add("competencies:\n")
	for _, c := range f.Competencies {
		add("  - id: %s\n    name: %s\n    items:\n", c.ID, c.Name)
		for _, it := range c.Items {
			add("      - {id: %s, text: %s, reverse: %t, weight: %g}\n", it.ID, it.Text, it.Reverse, it.Weight)
		}
	}
	return b
}
