package csvsafe

import (
	"bytes"
	"encoding/csv"
	"testing"
)

func TestCell(t *testing.T) {
	for in, want := range map[string]string{
		"":                  "",
		"Sales":             "Sales",
		"=HYPERLINK(\"x\")": "'=HYPERLINK(\"x\")",
		"+1+1":              "'+1+1",
		"-1+2":              "'-1+2",
		"@SUM(A1)":          "'@SUM(A1)",
		"\t=1":              "'\t=1",
		"\r=1":              "'\r=1",
		"-5":                "-5",
		"-67.688679245283":  "-67.688679245283",
		"+3":                "+3",
		"-1e-9":             "-1e-9",
		"-.5":               "-.5",
		"-":                 "'-",
		"-5%":               "'-5%",
		"- done":            "'- done",
		"'=1":               "''=1",
		"'plain":            "'plain",
		"''":                "''",
		"a=1":               "a=1",
		"1000+":             "1000+",
		"-Inf":              "'-Inf",
		"--5":               "'--5",
	} {
		if got := Cell(in); got != want {
			t.Errorf("Cell(%q) = %q, want %q", in, got, want)
		}
		if back := Unescape(Cell(in)); back != in {
			t.Errorf("Unescape(Cell(%q)) = %q", in, back)
		}
	}
}

func FuzzRoundTrip(f *testing.F) {
	for _, s := range []string{"=1", "'=1", "''=1", "-5", "'-5", "x", "'", "@"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := Cell(s)
		if Unescape(c) != s {
			t.Fatalf("Unescape(Cell(%q)) = %q", s, Unescape(c))
		}
		if c != "" && (c[0] == '=' || c[0] == '@' || c[0] == '\t' || c[0] == '\r' || (c[0] == '+' || c[0] == '-') && !isNumber(c)) {
			t.Fatalf("Cell(%q) = %q starts a formula", s, c)
		}
	})
}

func TestWriter(t *testing.T) {
	var b bytes.Buffer
	w := NewWriter(&b)
	rec := []string{"=cmd|' /C calc'!A0", "-12.5", "Ops"}
	if err := w.WriteAll([][]string{rec}); err != nil {
		t.Fatal(err)
	}
	if rec[0] != "=cmd|' /C calc'!A0" {
		t.Errorf("the record was changed: %q", rec)
	}
	got, err := csv.NewReader(&b).Read()
	if err != nil || len(got) != 3 || got[0] != "'=cmd|' /C calc'!A0" || got[1] != "-12.5" || got[2] != "Ops" {
		t.Errorf("read back %q %v", got, err)
	}
}
