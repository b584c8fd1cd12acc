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
