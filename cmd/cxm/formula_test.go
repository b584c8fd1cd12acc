package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestScoreCSVFormulaCells: a group value that is a formula in the input
// file is written as text by `cxm score --format csv`; numbers stay numbers.
func TestScoreCSVFormulaCells(t *testing.T) {
	const evil = `=HYPERLINK("http://evil.test","x")`
	var b strings.Builder
	b.WriteString("respondent,department,level,a1,a2,a3,a4,b1,b2,b3,g1,g2\n")
	for i, dept := range []string{evil, evil, evil, "-Ops", "-Ops", "-Ops"} {
		b.WriteString(strconv.Itoa(i) + `,"` + strings.ReplaceAll(dept, `"`, `""`) + `",staff,3,4,4,3,2,4,5,5,5` + "\n")
	}
	file := filepath.Join(t.TempDir(), "hostile.csv")
	os.WriteFile(file, []byte(b.String()), 0o644)
	o := runCxm(t, "", "score", "--framework", refFramework, "--group-by", "department", "--min-group", "3", "--format", "csv", file)
	if o.code != 0 {
		t.Fatalf("exit %d: %s", o.code, o.stderr)
	}
	rows, err := csv.NewReader(strings.NewReader(o.stdout)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	groups := map[string]int{}
	for _, row := range rows[1:] {
		if row[1] != "" {
			groups[row[1]]++
		}
		for _, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				if _, err := strconv.ParseFloat(cell, 64); err != nil {
					t.Errorf("%q would run as a formula", cell)
				}
			}
		}
	}
	if groups["'"+evil] != 3 || groups["'-Ops"] != 3 || len(groups) != 2 {
		t.Errorf("groups written %v", groups)
	}
}

// TestLintLimits: `cxm framework lint` reports a framework beyond the size
// limits with the place of each problem.
func TestLintLimits(t *testing.T) {
	var b strings.Builder
	b.WriteString("id: big\nversion: 1\nname: Big\nscale: {min: 1, max: 5}\nstages: [{id: a, name: A, from: 0}, {id: b, name: B, from: 50}]\ncompetencies:\n  - id: c\n    name: C\n    items:\n")
	for i := range 501 {
		b.WriteString("      - {id: i" + strconv.Itoa(i) + ", text: " + strings.Repeat("x", 1001*(i/500)+1) + "}\n")
	}
	file := filepath.Join(t.TempDir(), "big.yaml")
	os.WriteFile(file, []byte(b.String()), 0o644)
	o := runCxm(t, "", "framework", "lint", file)
	want := file + ":510:9: this is statement 501: a framework has at most 500 statements in all\n" +
		file + ":510:26: item text is 1002 characters long; at most 1000 are allowed\n"
	if o.code != 1 || !strings.Contains(o.stderr, want) {
		t.Errorf("lint: %d\n%s\nwant\n%s", o.code, o.stderr, want)
	}
}
