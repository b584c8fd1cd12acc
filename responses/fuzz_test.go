package responses

import (
	"bytes"
	"encoding/csv"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/score"
)

// FuzzReader reads arbitrary bytes as a response file for the tiny framework
// (seed corpus in testdata/fuzz/FuzzReader). Reading must never panic; a
// file read without error must only have handed fn complete responses with
// answers on the scale; errors must be positioned ErrorLists.
func FuzzReader(f *testing.F) {
	f.Add([]byte("respondent,a1,a2,a3,b1,b2,dept\nr1,1,2,3,4,5,Sales\nr2,,NA,dk,?,na,\n"))
	f.Add([]byte("a1,a2,a3,b1,b2\n6,2,3,4,5\n1,2\n"))
	f.Add([]byte("\xEF\xBB\xBFb2,b1,a3,a2,a1,note\n1,2,3,4,5,\"multi\nline\"\n"))
	f.Add([]byte("a1,a2,a3,b1,b2\n1,\"2\"x,3,4,5\n"))
	fw := tiny(f)
	items := fw.NumItems()
	sc := fw.Scale

	f.Fuzz(func(t *testing.T, data []byte) {
		rd, err := NewReader("f.csv", bytes.NewReader(data), fw)
		if err != nil {
			if rd != nil {
				t.Fatal("got both a reader and an error")
			}
			checkErrors(t, err, 0) // header errors are not capped
			return
		}
		attrs := len(rd.Attributes())
		calls := 0
		var bad []string
		var got [][]int
		err = rd.Each(func(r score.Response) error {
			calls++
			got = append(got, append([]int{}, r.Answers...))
			if len(r.Answers) != items || len(r.Attrs) != attrs {
				bad = append(bad, "wrong lengths")
			}
			for _, a := range r.Answers {
				if a != score.NoAnswer && (a < sc.Min || a > sc.Max) {
					bad = append(bad, "answer off the scale")
				}
			}
			return nil
		})
		if err != nil {
			checkErrors(t, err, MaxErrors+1)
			if calls > rd.Rows() {
				t.Errorf("fn called %d times for %d rows", calls, rd.Rows())
			}
			return
		}
		if bad != nil {
			t.Errorf("file read without error, but fn was handed bad responses: %q", bad)
		}
		if calls != rd.Rows() {
			t.Errorf("file read without error, but fn was called %d times for %d rows", calls, rd.Rows())
		}
		if want := referenceAnswers(t, data, fw); !reflect.DeepEqual(got, want) && len(got)+len(want) > 0 {
			t.Errorf("answers %v, want %v", got, want)
		}
	})
}

// checkErrors checks that err is an ErrorList of at most limit errors (0: no
// limit), positioned in f.csv and in file order.
func checkErrors(t *testing.T, err error, limit int) {
	t.Helper()
	var list cxm.ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("error is a %T, not a cxm.ErrorList: %v", err, err)
	}
	if len(list) == 0 || limit > 0 && len(list) > limit {
		t.Fatalf("%d errors", len(list))
	}
	for i, e := range list {
		if e.File != "f.csv" || e.Msg == "" {
			t.Errorf("error %d is not about f.csv: %#v", i, e)
		}
		if e.Line == 0 && i != len(list)-1 {
			t.Errorf("error %d has no position: %v", i, e)
		}
		if i > 0 && e.Line > 0 {
			a := list[i-1]
			if a.Line > e.Line || a.Line == e.Line && a.Column > e.Column {
				t.Errorf("errors %d and %d are out of file order: %v / %v", i-1, i, a, e)
			}
		}
	}
}

// referenceAnswers reads a file that Reader accepted in the simplest way,
// all at once, to check which column each answer was taken from.
func referenceAnswers(t *testing.T, data []byte, fw *cxm.Framework) [][]int {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF")))).ReadAll()
	if err != nil {
		t.Fatalf("Reader accepted a file encoding/csv refuses: %v", err)
	}
	col := map[string]int{}
	for i, name := range recs[0] {
		col[strings.TrimSpace(name)] = i
	}
	var out [][]int
	for _, rec := range recs[1:] {
		var answers []int
		for _, c := range fw.Competencies {
			for _, it := range c.Items {
				s := strings.TrimSpace(rec[col[it.ID]])
				switch strings.ToLower(s) {
				case "", "na", "dk", "?":
					answers = append(answers, score.NoAnswer)
				default:
					v, err := strconv.Atoi(s)
					if err != nil {
						t.Fatalf("Reader accepted the answer %q", s)
					}
					answers = append(answers, v)
				}
			}
		}
		out = append(out, answers)
	}
	return out
}
