package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLintTranslationWarnings: a translation some texts lack is printed as
// a positioned warning and does not fail the lint; the German example is
// clean.
func TestLintTranslationWarnings(t *testing.T) {
	f := filepath.Join(t.TempDir(), "half.yaml")
	os.WriteFile(f, []byte(`id: half
version: 1
name: {en: Half, de: Halb}
scale: {min: 1, max: 5}
stages: [{id: low, name: Low, from: 0}, {id: high, name: High, from: 50}]
competencies:
  - id: c
    name: C
    items:
      - {id: i1, text: {en: One, de: Eins}}
      - {id: i2, text: Two}
`), 0o644)
	o := runCxm(t, "", "framework", "lint", f, "../../examples/frameworks/temkin-four-de.yaml")
	want := f + ":8:11: warning: competency name has no translation into de, which other texts of this file have: those respondents see it in en\n" +
		f + ":11:24: warning: item text has no translation into de, which other texts of this file have: those respondents see it in en\n" +
		f + ": ok (half version 1: 2 stages, 1 competencies, 2 statements)\n" +
		"../../examples/frameworks/temkin-four-de.yaml: ok (temkin-four-de version 1: 6 stages, 4 competencies, 24 statements)\n"
	if o.code != 0 || o.stdout != want {
		t.Errorf("exit %d, stdout:\n%s\nwant:\n%s\nstderr: %s", o.code, o.stdout, want, o.stderr)
	}
	o = runCxm(t, "", "framework", "lint", "--format", "json", f)
	var reports []struct {
		OK       bool
		Warnings []string
	}
	if err := json.Unmarshal([]byte(o.stdout), &reports); err != nil || len(reports) != 1 || !reports[0].OK || len(reports[0].Warnings) != 2 ||
		!strings.HasSuffix(reports[0].Warnings[1], "item text has no translation into de, which other texts of this file have: those respondents see it in en") {
		t.Errorf("json: %v %s", err, o.stdout)
	}
}
