package framework

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBuiltins checks the content rules the product promises for every
// built-in framework, beyond what the validator enforces.
func TestBuiltins(t *testing.T) {
	want := map[string][]string{
		"temkin-four":                     {"Stagnant", "Adrift", "Turbulent", "Disappointing"},
		"understand-decide-deliver-scale": nil,
		"bliss-five":                      nil,
	}
	if len(Builtins()) != len(want) {
		t.Fatalf("got %d built-ins, want %d", len(Builtins()), len(want))
	}
	for id, labels := range want {
		f, ok := Builtin(id)
		if !ok {
			t.Fatalf("no built-in %s", id)
		}
		if id == "temkin-four" && len(f.Stages) != 6 {
			t.Errorf("temkin-four has %d stages, want 6", len(f.Stages))
		}
		for i, c := range f.Competencies {
			if labels != nil && c.Weakness.Label != labels[i] {
				t.Errorf("%s/%s weakness %q, want %q", id, c.ID, c.Weakness.Label, labels[i])
			}
			if c.Weakness.Label == "" || c.Weakness.Meaning == "" {
				t.Errorf("%s/%s has no weakness", id, c.ID)
			}
			reverse := 0
			for _, it := range c.Items {
				if it.Reverse {
					reverse++
				}
			}
			if len(c.Items) < 5 || reverse == 0 {
				t.Errorf("%s/%s has %d items, %d reverse-keyed; want ≥5 and ≥1", id, c.ID, len(c.Items), reverse)
			}
			if len(c.Practices) < 3 {
				t.Errorf("%s/%s has %d practices, want ≥3", id, c.ID, len(c.Practices))
			}
			// Every stage must offer at least one practice, so a plan
			// always has a next step whatever the score.
			for _, s := range f.Stages {
				found := false
				for _, p := range c.Practices {
					for _, ps := range p.Stages {
						found = found || ps == s.ID
					}
				}
				if !found {
					t.Errorf("%s/%s has no practice for stage %s", id, c.ID, s.ID)
				}
			}
		}
		for _, s := range f.Stages {
			if s.Description == "" {
				t.Errorf("%s stage %s has no description", id, s.ID)
			}
		}
	}
}

// TestExamplesLint keeps the documented examples valid.
func TestExamplesLint(t *testing.T) {
	files, _ := filepath.Glob("../examples/frameworks/*.yaml")
	if len(files) == 0 {
		t.Fatal("no example frameworks")
	}
	for _, f := range files {
		if _, err := Load(f); err != nil {
			t.Errorf("%v", err)
		}
	}
	doc, err := os.ReadFile("../docs/frameworks.md")
	if err != nil {
		t.Fatal(err)
	}
	ex, _ := os.ReadFile(files[0])
	if !strings.Contains(string(doc), strings.TrimSpace(string(ex))) {
		t.Errorf("docs/frameworks.md does not embed %s as it is", files[0])
	}
}
