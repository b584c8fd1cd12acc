package server

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/framework"
)

// FuzzReadImport reads arbitrary bytes as an import for temkin-four with a
// closed list (seed corpus in testdata/fuzz/FuzzReadImport). It must never
// panic; a file accepted must give responses that answer something, on the
// scale, with values in the list's own spelling; a file refused must say
// where (every error has a line, but the "and N more" line).
func FuzzReadImport(f *testing.F) {
	fw, _ := framework.Builtin("temkin-four")
	var items []string
	for _, c := range fw.Competencies {
		for _, it := range c.Items {
			items = append(items, it.ID)
		}
	}
	header := strings.Join(items, ",")
	f.Add([]byte("respondent,Department," + header + "\nr1,sales" + strings.Repeat(",3", len(items)) + "\n"))
	f.Add([]byte("department," + header + "\nOps" + strings.Repeat(",", len(items)) + "\n"))
	f.Add([]byte("team," + header + "\n"))
	f.Add([]byte("department," + header + "\n\"Sales\nx\"" + strings.Repeat(",9", len(items)) + "\n"))
	a := cxm.Assessment{Attributes: []cxm.Attribute{{Name: "department", Values: []string{"Sales", "Service"}}}}
	f.Fuzz(func(t *testing.T, data []byte) {
		rs, err := readImport(fw, a, "f.csv", strings.NewReader(string(data)))
		if err != nil {
			var list cxm.ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("error %v is not a list of positioned errors", err)
			}
			for _, e := range list {
				if e.Line == 0 && !strings.HasPrefix(e.Msg, "… and ") {
					t.Fatalf("error without a line: %v", e)
				}
			}
			return
		}
		if len(rs) == 0 || len(rs) > MaxImportRows {
			t.Fatalf("%d responses accepted", len(rs))
		}
		for _, r := range rs {
			answered := false
			for _, v := range r.Answers {
				if v != cxm.NoAnswer {
					answered = true
					if v < fw.Scale.Min || v > fw.Scale.Max {
						t.Fatalf("answer %d off the scale", v)
					}
				}
			}
			if !answered || len(r.Answers) != len(items) {
				t.Fatalf("response %v", r)
			}
			for k, v := range r.Attributes {
				if k != "department" || !slices.Contains(a.Attributes[0].Values, v) {
					t.Fatalf("attribute %q = %q", k, v)
				}
			}
		}
	})
}
