package journey

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBuiltins(t *testing.T) {
	j, ok := Builtin("online-grocer")
	if !ok {
		t.Fatal("no built-in online-grocer")
	}
	if len(j.Stages) != 6 || len(j.Sources) != 4 || j.Location.String() != "America/Chicago" {
		t.Fatalf("stages %d sources %d tz %s", len(j.Stages), len(j.Sources), j.Location)
	}
}

// TestExamplesLint keeps the documented example valid and in the docs as
// it is.
func TestExamplesLint(t *testing.T) {
	files, _ := filepath.Glob("../examples/journeys/*.yaml")
	if len(files) == 0 {
		t.Fatal("no example journeys")
	}
	for _, f := range files {
		if _, err := Load(f); err != nil {
			t.Errorf("%v", err)
		}
	}
	doc, err := os.ReadFile("../docs/journeys.md")
	if err != nil {
		t.Fatal(err)
	}
	ex, _ := os.ReadFile(files[0])
	if !strings.Contains(string(doc), strings.TrimSpace(string(ex))) {
		t.Errorf("docs/journeys.md does not embed %s as it is", files[0])
	}
}
