package framework

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

// gen writes a framework of comps competencies of items items each, stages
// stages and practices practices in the first competency. Competency c
// The tests find the line of an error by searching the text.
func gen(comps, items, stages, practices int) string {
	var b strings.Builder
	b.WriteString("id: big\nversion: 1\nname: Big\nscale: {min: 1, max: 5}\nstages:\n")
	for s := range stages {
		fmt.Fprintf(&b, "  - {id: s%d, name: S%d, from: %d}\n", s, s, s*100/stages)
	}
	b.WriteString("competencies:\n")
	for c := range comps {
		fmt.Fprintf(&b, "  - id: c%d\n    name: C%d\n    items:\n", c, c)
		for i := range items {
			fmt.Fprintf(&b, "      - {id: c%d-i%d, text: Statement}\n", c, i)
		}
		if c == 0 && practices > 0 {
			b.WriteString("    practices:\n")
			for p := range practices {
				fmt.Fprintf(&b, "      - {id: p%d, title: Practice}\n", p)
			}
		}
	}
	return b.String()
}

// lineOf is the 1-based line of the first line containing s, and the
// column where it starts.
func lineOf(t *testing.T, doc, s string) (int, int) {
	t.Helper()
	for i, line := range strings.Split(doc, "\n") {
		if c := strings.Index(line, s); c >= 0 {
			return i + 1, c + 1
		}
	}
	t.Fatalf("%q is not in the document", s)
	return 0, 0
}

func TestLimits(t *testing.T) {
	at := func(doc, s, msg string) string {
		l, c := lineOf(t, doc, s)
		return fmt.Sprintf("f.yaml:%d:%d: %s", l, c, msg)
	}
	// value: the error is at the value that starts with v on the line
	// holding s.
	value := func(doc, s, v, msg string) string {
		l, _ := lineOf(t, doc, s)
		line := strings.Split(doc, "\n")[l-1]
		return fmt.Sprintf("f.yaml:%d:%d: %s", l, strings.Index(line, v)+1, msg)
	}
	big := gen(MaxCompetencies, MaxItems/MaxCompetencies, MaxStages, MaxPractices) // every limit reached, none passed
	tooMany := gen(MaxCompetencies+1, 2, MaxStages+1, MaxPractices+1)
	items := gen(MaxCompetencies, MaxItems/MaxCompetencies+1, 2, 0) // 550 items
	long := strings.NewReplacer(
		"name: Big", "name: "+strings.Repeat("é", MaxName+1),
		"text: Statement}\n", "text: "+strings.Repeat("x", MaxStatement+1)+"}\n",
		"name: C0\n", "name: C0\n    summary: "+strings.Repeat("y", MaxDescription+1)+"\n",
		"id: c1\n", "id: c"+strings.Repeat("1", maxID)+"\n",
	).Replace(gen(2, 2, 2, 0))
	edge := strings.NewReplacer( // at the limits: accepted
		"name: Big", "name: "+strings.Repeat("é", MaxName),
		"text: Statement}\n", "text: "+strings.Repeat("x", MaxStatement)+"}\n",
		"name: C0\n", "name: C0\n    summary: "+strings.Repeat("y", MaxDescription)+"\n",
		"id: c1\n", "id: c"+strings.Repeat("1", maxID-1)+"\n",
	).Replace(gen(2, 2, 2, 0))
	for _, tc := range []struct {
		name, doc string
		want      []string
	}{
		{"at every limit", big, nil},
		{"at the text limits", edge, nil},
		{"beyond the counts", tooMany, []string{
			at(tooMany, "{id: s30,", "stages has 31 entries; at most 30 are allowed"),
			at(tooMany, "{id: p50,", "practices has 51 entries; at most 50 are allowed"),
			at(tooMany, "id: c50", "competencies has 51 entries; at most 50 are allowed"),
		}},
		{"beyond 500 statements", items, []string{at(items, "{id: c45-i5,", "this is statement 501: a framework has at most 500 statements in all")}},
		{"beyond the text lengths", long, []string{
			value(long, "name: éé", "éé", "name is 201 characters long; at most 200 are allowed"),
			value(long, "summary: ", "yy", "competency summary is 5001 characters long; at most 5000 are allowed"),
			value(long, "{id: c0-i0, text: ", "xx", "item text is 1001 characters long; at most 1000 are allowed"),
			value(long, "{id: c0-i1, text: ", "xx", "item text is 1001 characters long; at most 1000 are allowed"),
			value(long, "id: c111", "c111", "competency id is 65 characters long; at most 64 are allowed"),
			value(long, "{id: c1-i0, text: ", "xx", "item text is 1001 characters long; at most 1000 are allowed"),
			value(long, "{id: c1-i1, text: ", "xx", "item text is 1001 characters long; at most 1000 are allowed"),
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("f.yaml", []byte(tc.doc))
			got := errorStrings(t, err)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// TestHugeFramework: 100,000 statements were accepted. Under 1 MiB (30,000) they
// are refused by count with a bounded list of errors; beyond it, by size,
// without parsing.
func TestHugeFramework(t *testing.T) {
	var b strings.Builder
	b.WriteString("id: huge\nversion: 1\nname: Huge\nscale: {min: 1, max: 5}\nstages: [{id: a, name: A, from: 0}, {id: b, name: B, from: 50}]\ncompetencies:\n  - id: c\n    name: C\n    items:\n")
	for i := range 100_000 {
		fmt.Fprintf(&b, "      - {id: i%d, text: T}\n", i)
	}
	start := time.Now()
	got := errorStrings(t, func() error { _, err := Parse("huge.yaml", []byte(b.String())); return err }())
	if len(got) != 1 || got[0] != "huge.yaml: file is larger than 1048576 bytes (1 MiB), the most a framework file may hold" {
		t.Errorf("100,000 statements: %q", got)
	}
	doc := b.String()[:strings.Index(b.String(), "      - {id: i30000,")]
	got = errorStrings(t, func() error { _, err := Parse("huge.yaml", []byte(doc)); return err }())
	if len(got) != 1 || !strings.HasSuffix(got[0], "this is statement 501: a framework has at most 500 statements in all") {
		t.Errorf("30,000 statements: %d errors, %q", len(got), got[:min(len(got), 3)])
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
	// Many bad statements: 100 errors, then how many more.
	var bad strings.Builder
	bad.WriteString(doc[:strings.Index(doc, "      - {id: i0,")])
	for i := range 300 {
		fmt.Fprintf(&bad, "      - {id: I%d, text: T}\n", i)
	}
	got = errorStrings(t, func() error { _, err := Parse("bad.yaml", []byte(bad.String())); return err }())
	if len(got) != maxErrors+1 || !strings.HasSuffix(got[maxErrors], ": and 200 more errors") {
		t.Errorf("300 bad ids: %d errors, last %q", len(got), got[len(got)-1])
	}
}

// TestParseStoredHasNoLimits: a version stored before the limits (here 51
// competencies of 11 statements with a long name) still opens.
func TestParseStoredHasNoLimits(t *testing.T) {
	doc := strings.Replace(gen(MaxCompetencies+1, 11, 2, 0), "name: Big", "name: "+strings.Repeat("B", MaxName+1), 1)
	if _, err := Parse("f.yaml", []byte(doc)); err == nil {
		t.Fatal("Parse accepted a framework beyond the limits")
	}
	f, err := ParseStored("f.yaml", []byte(doc))
	if err != nil || f.NumItems() != 561 || len(f.Competencies) != 51 {
		t.Fatalf("ParseStored: %v", err)
	}
	if _, err := ParseStored("f.yaml", []byte(strings.Replace(doc, "version: 1", "version: 0", 1))); err == nil {
		t.Error("ParseStored skipped a rule that is not a limit")
	}
}
