//go:build ignore

// Command generate writes examples/temkin-four-responses.csv, the example
// response file for the built-in temkin-four framework. Run it from the
// repository root:
//
//	go run examples/generate.go
//
// The data are synthetic (internal/synth) and always the same. They tell a
// common story: 60 people in six departments, leadership with a fairly clear
// purpose, brand values and customer insight middling, and employee
// engagement the weakest link ("Turbulent"), lowest in Operations and
// Customer Service; executives see everything more rosily than staff.
// Finance has only four respondents, below the anonymity threshold of five,
// so a breakdown by department suppresses it, and IT with it (secondary
// suppression, so that Finance cannot be recovered by subtraction).
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/cxmhq/cxm/framework"
	"github.com/cxmhq/cxm/internal/synth"
)

var spec = synth.Spec{
	Respondents: 60,
	Attributes: []synth.Attribute{
		{
			Name:    "department",
			Values:  []string{"Sales", "Customer Service", "Operations", "Marketing", "Finance", "IT"},
			Weights: []float64{0.20, 0.30, 0.22, 0.13, 0.07, 0.08},
		},
		{
			Name:    "level",
			Values:  []string{"Executive", "Manager", "Staff"},
			Weights: []float64{0.10, 0.25, 0.65},
		},
	},
	// Mean answers (1..5) before the shifts below, which about cancel out
	// over the whole organization but for employee engagement.
	CompetencyMeans: map[string]float64{
		"purposeful-leadership":   3.7,
		"compelling-brand-values": 3.3,
		"employee-engagement":     2.8,
		"customer-connectedness":  3.4,
	},
	Shifts: []synth.Shift{
		// The leadership / front-line gap, on everything.
		{Attribute: "level", Value: "Executive", Delta: 0.6},
		{Attribute: "level", Value: "Manager", Delta: 0.15},
		{Attribute: "level", Value: "Staff", Delta: -0.15},
		// The front line is stretched.
		{Attribute: "department", Value: "Operations", Competency: "employee-engagement", Delta: -0.6},
		{Attribute: "department", Value: "Customer Service", Competency: "employee-engagement", Delta: -0.5},
		// Customer Service hears customers every day; Finance and IT rarely do.
		{Attribute: "department", Value: "Customer Service", Competency: "customer-connectedness", Delta: 0.3},
		{Attribute: "department", Value: "Finance", Competency: "customer-connectedness", Delta: -0.4},
		{Attribute: "department", Value: "IT", Competency: "customer-connectedness", Delta: -0.3},
		// Marketing believes in the brand it wrote.
		{Attribute: "department", Value: "Marketing", Competency: "compelling-brand-values", Delta: 0.4},
	},
	MissingRate: 0.03,
	Seed:        9, // chosen among a few for a data set that tells the story clearly
}

func main() {
	out := flag.String("o", filepath.Join("examples", "temkin-four-responses.csv"), "file to write")
	flag.Uint64Var(&spec.Seed, "seed", spec.Seed, "random seed (another seed, another data set with the same story)")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "generate:", err)
		os.Exit(1)
	}
}

// run writes to a temporary file next to out and renames it, so a failure
// never leaves half a file behind.
func run(out string) error {
	f, ok := framework.Builtin("temkin-four")
	if !ok {
		return fmt.Errorf("no built-in framework temkin-four")
	}
	tmp, err := os.CreateTemp(filepath.Dir(out), ".generate-*.csv")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	if err := synth.WriteCSV(tmp, f, spec); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), out)
}
