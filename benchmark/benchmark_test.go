package benchmark

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/framework"
)

func lookup(id string, version int) (*cxm.Framework, error) {
	if f, ok := framework.Builtin(id); ok && f.Version == version {
		return f, nil
	}
	return nil, fmt.Errorf("framework %s version %d is not installed here", id, version)
}

func TestRoundTrip(t *testing.T) {
	rows := []Row{
		{FrameworkVersion: 1, Industry: "Retail", Size: "250-1000", Scores: map[string]float64{"purposeful-leadership": 61.25, "employee-engagement": 38.5}},
		{FrameworkVersion: 1, Industry: "Bank, \"private\"", Scores: map[string]float64{"customer-connectedness": 100}},
	}
	f, _ := framework.Builtin("temkin-four")
	var ids []string
	for _, c := range f.Competencies {
		ids = append(ids, c.ID)
	}
	var buf bytes.Buffer
	if err := Write(&buf, "temkin-four", ids, rows); err != nil {
		t.Fatal(err)
	}
	want := "framework,framework_version,industry,size,purposeful-leadership,compelling-brand-values,employee-engagement,customer-connectedness\n" +
		"temkin-four,1,Retail,250-1000,61.25,,38.5,\n" +
		"temkin-four,1,\"Bank, \"\"private\"\"\",,,,,100\n"
	if buf.String() != want {
		t.Fatalf("wrote\n%s\nwant\n%s", buf.String(), want)
	}
	id, back, err := Read("peers.csv", &buf, lookup)
	if err != nil || id != "temkin-four" || !reflect.DeepEqual(back, rows) {
		t.Fatalf("read back %s %+v %v", id, back, err)
	}
}

func TestReadErrors(t *testing.T) {
	const header = "framework,framework_version,industry,size,purposeful-leadership,employee-engagement\n"
	for _, tc := range []struct {
		name, src string
		want      []string
	}{
		{"empty", "", []string{"p.csv:1:1: file is empty: expected a header row"}},
		{"bad header", "fw,framework_version,industry,size,x\n", []string{`p.csv:1:1: header column 1 must be "framework", not "fw"`}},
		{"no rows", header, []string{"p.csv:2:1: no rows: the file holds no peer assessment"}},
		{"score out of range", header + "temkin-four,1,Retail,,101,50\n", []string{`p.csv:2:23: row 2, column purposeful-leadership: "101" is not a score from 0 to 100`}},
		{"unknown competency", "framework,framework_version,industry,size,vision\ntemkin-four,1,,,50\n", []string{`p.csv:2:17: row 2, column vision: "vision" is not a competency of temkin-four version 1`}},
		{"version not installed", header + "temkin-four,7,,,50,50\n", []string{"p.csv:2:13: row 2, column framework_version: framework temkin-four version 7 is not installed here"}},
		{"two frameworks", header + "temkin-four,1,,,50,50\nbliss-five,1,,,50,50\n", []string{`p.csv:3:1: row 3, column framework: framework "bliss-five" differs from "temkin-four" in row 2: a file holds one framework`}},
		{"field count", header + "temkin-four,1,,,50\n", []string{"p.csv:2:1: row 2 has 5 columns, the header has 6"}},
		{"all reported", header + "temkin-four,1,,,x,50\ntemkin-four,1,,,50,-1\n", []string{
			`p.csv:2:17: row 2, column purposeful-leadership: "x" is not a score from 0 to 100`,
			`p.csv:3:20: row 3, column employee-engagement: "-1" is not a score from 0 to 100`}},
	} {
		_, rows, err := Read("p.csv", strings.NewReader(tc.src), lookup)
		list, ok := err.(cxm.ErrorList)
		if !ok || rows != nil {
			t.Errorf("%s: %v, rows %v", tc.name, err, rows)
			continue
		}
		var got []string
		for _, e := range list {
			got = append(got, e.Error())
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, got, tc.want)
		}
	}
}

// FuzzRead: no input panics, and a file accepted has valid rows only.
func FuzzRead(f *testing.F) {
	f.Add("framework,framework_version,industry,size,purposeful-leadership\ntemkin-four,1,Retail,,61.2\n")
	f.Add("framework,framework_version,industry,size,x\n\"unclosed\n")
	f.Add("")
	f.Fuzz(func(t *testing.T, src string) {
		_, rows, err := Read("f.csv", strings.NewReader(src), lookup)
		if err != nil {
			if rows != nil {
				t.Fatal("rows returned with an error")
			}
			return
		}
		for _, r := range rows {
			for c, v := range r.Scores {
				if v < 0 || v > 100 || c == "" {
					t.Fatalf("accepted %q = %v", c, v)
				}
			}
		}
	})
}

// TestFormulaCells: industry and size are typed by users; a formula in
// them is written as text (an apostrophe first) and read back unchanged.
func TestFormulaCells(t *testing.T) {
	rows := []Row{
		{FrameworkVersion: 1, Industry: `=HYPERLINK("http://evil.test","x")`, Size: "-1000+", Scores: map[string]float64{"purposeful-leadership": 61.25}},
		{FrameworkVersion: 1, Industry: "@SUM(1)", Size: "'=already quoted", Scores: map[string]float64{"purposeful-leadership": 0}},
		{FrameworkVersion: 1, Industry: "+44 Telecom", Size: "-5", Scores: map[string]float64{"purposeful-leadership": 100}},
	}
	var buf bytes.Buffer
	if err := Write(&buf, "temkin-four", []string{"purposeful-leadership"}, rows); err != nil {
		t.Fatal(err)
	}
	want := "framework,framework_version,industry,size,purposeful-leadership\n" +
		"temkin-four,1,\"'=HYPERLINK(\"\"http://evil.test\"\",\"\"x\"\")\",'-1000+,61.25\n" +
		"temkin-four,1,'@SUM(1),''=already quoted,0\n" +
		"temkin-four,1,'+44 Telecom,-5,100\n"
	if buf.String() != want {
		t.Fatalf("wrote\n%s\nwant\n%s", buf.String(), want)
	}
	_, back, err := Read("peers.csv", &buf, lookup)
	if err != nil || !reflect.DeepEqual(back, rows) {
		t.Fatalf("read back %+v %v", back, err)
	}
}
