package responses

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/framework"
	"github.com/cxmhq/cxm/score"
)

// tinyYAML is the framework of these tests: a 1..5 scale, two competencies,
// items a1 a2 a3 (a2 reverse-keyed) and b1 b2.
const tinyYAML = `id: tiny
version: 1
name: Tiny
scale: {min: 1, max: 5}
stages:
  - {id: low, name: Low, from: 0}
  - {id: high, name: High, from: 50}
competencies:
  - id: alpha
    name: Alpha
    items:
      - {id: a1, text: A1}
      - {id: a2, text: A2, reverse: true}
      - {id: a3, text: A3}
  - id: beta
    name: Beta
    items:
      - {id: b1, text: B1}
      - {id: b2, text: B2}
`

const na = score.NoAnswer

func tiny(t testing.TB) *cxm.Framework {
	t.Helper()
	fw, err := framework.Parse("tiny.yaml", []byte(tinyYAML))
	if err != nil {
		t.Fatal(err)
	}
	return fw
}

// result is what reading a file gives.
type result struct {
	rd        *Reader
	newErr    []string // from NewReader
	eachErr   []string // from Each
	responses []score.Response
}

// read reads src as f.csv with the tiny framework, keeping a copy of every
// response handed to fn (which must not keep the slices it is given).
func read(t *testing.T, src string) result {
	t.Helper()
	var res result
	rd, err := NewReader("f.csv", strings.NewReader(src), tiny(t))
	if err != nil {
		if rd != nil {
			t.Errorf("NewReader returned both a reader and an error")
		}
		res.newErr = errorStrings(t, err)
		return res
	}
	res.rd = rd
	err = rd.Each(func(r score.Response) error {
		res.responses = append(res.responses, score.Response{
			Answers: append([]int{}, r.Answers...),
			Attrs:   append([]string{}, r.Attrs...),
		})
		return nil
	})
	res.eachErr = errorStrings(t, err)
	return res
}

func errorStrings(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var list cxm.ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("error is a %T, not a cxm.ErrorList: %v", err, err)
	}
	out := make([]string, len(list))
	for i, e := range list {
		out[i] = e.Error()
	}
	return out
}

func TestReaderErrors(t *testing.T) {
	const header = "respondent,a1,a2,a3,b1,b2\n"
	const good = "r1,1,2,3,4,5\n"
	tests := []struct {
		name     string
		src      string
		wantNew  []string
		wantEach []string
	}{
		// answers
		{"answer above the scale", header + good + "r2,1,2,6,4,5\n", nil,
			[]string{`f.csv:3:8: row 3, column a3: "6" is not an integer from 1 to 5`}},
		{"answer below the scale", header + good + "r2,0,2,3,4,5\n", nil,
			[]string{`f.csv:3:4: row 3, column a1: "0" is not an integer from 1 to 5`}},
		{"answer a fraction", header + good + "r2,1,2,4.5,4,5\n", nil,
			[]string{`f.csv:3:8: row 3, column a3: "4.5" is not an integer from 1 to 5`}},
		{"answer a word", header + good + "r2,1,2,3,4,abc\n", nil,
			[]string{`f.csv:3:12: row 3, column b2: "abc" is not an integer from 1 to 5`}},
		{"answer quoted and padded", header + good + "r2,1,\" 9 \",3,4,5\n", nil,
			[]string{`f.csv:3:6: row 3, column a2: "9" is not an integer from 1 to 5`}},
		{"answer with two numbers", header + "r1,1 2,2,3,4,5\n", nil,
			[]string{`f.csv:2:4: row 2, column a1: "1 2" is not an integer from 1 to 5`}},
		{"answer huge", header + "r1,99999999999999999999,2,3,4,5\n", nil,
			[]string{`f.csv:2:4: row 2, column a1: "99999999999999999999" is not an integer from 1 to 5`}},
		{"answer in a reordered column", "b2,b1,a3,a2,a1\n5,4,3,2,1\n5,4,3,2,7\n", nil,
			[]string{`f.csv:3:9: row 3, column a1: "7" is not an integer from 1 to 5`}},
		{"errors of a row in column order", "respondent,b2,a1,a2,a3,b1\nr1,7,7,1,1,1\nr1,1,1,1,1,1\n", nil,
			[]string{
				`f.csv:2:4: row 2, column b2: "7" is not an integer from 1 to 5`,
				`f.csv:2:6: row 2, column a1: "7" is not an integer from 1 to 5`,
				`f.csv:3:1: row 3, column respondent: respondent "r1" is already used in row 2`}},

		{"attribute not UTF-8", "respondent,dept,a1,a2,a3,b1,b2\nr1,Sal\xffes,1,2,3,4,5\n", nil,
			[]string{`f.csv:2:4: row 2, column dept: not valid UTF-8 text (save the file as UTF-8)`}},

		// header
		{"missing item columns", "respondent,a1,b2,dept\n" + "r1,1,2,x\n",
			[]string{`f.csv:1:1: header: no column for 3 item(s) of framework tiny: a2, a3, b1`}, nil},
		{"missing item column names are case-sensitive", "A1,a2,a3,b1,b2\n",
			[]string{`f.csv:1:1: header: no column for 1 item(s) of framework tiny: a1`}, nil},
		{"duplicate header column", "a1,a2,a3,b1,b2,a2\n",
			[]string{`f.csv:1:16: header: column "a2" appears twice (columns 2 and 6)`}, nil},
		{"duplicate attribute column, spaced", "dept,a1,a2,a3,b1,b2, dept \n",
			[]string{`f.csv:1:21: header: column "dept" appears twice (columns 1 and 7)`}, nil},
		{"duplicate respondent column", "respondent,a1,a2,a3,b1,b2,respondent\n",
			[]string{`f.csv:1:27: header: column "respondent" appears twice (columns 1 and 7)`}, nil},
		{"empty header name", "a1,a2,,a3,b1,b2\n",
			[]string{`f.csv:1:7: header, column 3: empty column name`}, nil},
		{"blank header name", "a1,a2,a3,b1,b2,  \n",
			[]string{`f.csv:1:16: header, column 6: empty column name`}, nil},
		{"every header error, in file order", "a1,,a1,b1\n",
			[]string{
				`f.csv:1:1: header: no column for 3 item(s) of framework tiny: a2, a3, b2`,
				`f.csv:1:4: header, column 2: empty column name`,
				`f.csv:1:5: header: column "a1" appears twice (columns 1 and 3)`}, nil},
		{"header after blank lines", "\n\nx,a1\n",
			[]string{`f.csv:3:1: header: no column for 4 item(s) of framework tiny: a2, a3, b1, b2`}, nil},
		{"broken quote in the header", "a1,\"a2\"x,a3\n",
			[]string{`f.csv:1:7: extraneous or missing " in quoted-field`}, nil},

		// rows
		{"duplicate respondent id", header + good + "r2,1,2,3,4,5\n r1 ,5,4,3,2,1\n", nil,
			[]string{`f.csv:4:1: row 4, column respondent: respondent "r1" is already used in row 2`}},
		{"blank respondent ids may repeat", header + ",1,2,3,4,5\n,1,2,3,4,5\n", nil, nil},
		{"too few fields", header + good + "r2,1,2,3\n", nil,
			[]string{`f.csv:3:1: row 3 has 4 columns, the header has 6`}},
		{"too many fields", header + good + "r2,1,2,3,4,5,6\n", nil,
			[]string{`f.csv:3:1: row 3 has 7 columns, the header has 6`}},
		{"broken quote", header + good + "r2,1,\"2\"x,3,4,5\n" + good, nil,
			[]string{`f.csv:3:8: extraneous or missing " in quoted-field`}},
		{"bare quote", header + good + "r2,1,2\"x,3,4,5\n", nil,
			[]string{`f.csv:3:7: bare " in non-quoted-field`}},
		{"unterminated quote at the end", header + good + "r2,1,2,3,4,\"5\n", nil,
			[]string{`f.csv:3:15: extraneous or missing " in quoted-field`}},
		{"unterminated quote running into later rows", header + good + "r2,1,2,3,4,\"5\nr3,1,2,3,4,5\nr4,1,2,\"3\"x,4,5\n", nil,
			[]string{`f.csv:5:8: extraneous or missing " in quoted-field (in the row that starts on line 3)`}},
		{"errors after a broken row are not trusted", header + "r1,9,2,3,4,5\nr2,\"x\"y,2,3,4,5\nr3,9,2,3,4,5\n", nil,
			[]string{
				`f.csv:2:4: row 2, column a1: "9" is not an integer from 1 to 5`,
				`f.csv:3:6: extraneous or missing " in quoted-field`}},
		{"CRLF line endings", strings.ReplaceAll(header+good+"r2,1,2,3,4,x\n", "\n", "\r\n"), nil,
			[]string{`f.csv:3:12: row 3, column b2: "x" is not an integer from 1 to 5`}},

		// empty files
		{"empty file", "", []string{`f.csv:1:1: file is empty: expected a header row naming the columns`}, nil},
		{"only a BOM", "\xEF\xBB\xBF", []string{`f.csv:1:1: file is empty: expected a header row naming the columns`}, nil},
		{"only blank lines", "\n\r\n\n", []string{`f.csv:1:1: file is empty: expected a header row naming the columns`}, nil},
		{"only a header", header, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := read(t, tc.src)
			if !reflect.DeepEqual(res.newErr, tc.wantNew) {
				t.Errorf("NewReader errors:\n got: %q\nwant: %q", res.newErr, tc.wantNew)
			}
			if !reflect.DeepEqual(res.eachErr, tc.wantEach) {
				t.Errorf("Each errors:\n got: %q\nwant: %q", res.eachErr, tc.wantEach)
			}
		})
	}
}

func TestReaderAnswers(t *testing.T) {
	src := "\xEF\xBB\xBFrespondent,a1,a2,a3,b1,b2\n" +
		"r1,1,2,3,4,5\n" +
		"r2,,NA,na,dk,?\n" +
		"r3, 3 ,\" 4\",5 ,\t1,\"\"\n"
	res := read(t, src)
	if res.newErr != nil || res.eachErr != nil {
		t.Fatalf("errors: %q %q", res.newErr, res.eachErr)
	}
	want := [][]int{{1, 2, 3, 4, 5}, {na, na, na, na, na}, {3, 4, 5, 1, na}}
	if len(res.responses) != len(want) {
		t.Fatalf("got %d responses, want %d", len(res.responses), len(want))
	}
	for i, r := range res.responses {
		if !reflect.DeepEqual(r.Answers, want[i]) {
			t.Errorf("row %d: answers %v, want %v", i+2, r.Answers, want[i])
		}
		if len(r.Attrs) != 0 {
			t.Errorf("row %d: attributes %q, want none", i+2, r.Attrs)
		}
	}
	if res.rd.Rows() != 3 {
		t.Errorf("Rows() = %d, want 3", res.rd.Rows())
	}
	// The BOM is not part of the first column's name.
	if len(res.rd.Attributes()) != 0 {
		t.Errorf("attributes %q, want none (respondent behind a BOM not recognized?)", res.rd.Attributes())
	}
}

// TestReaderColumnOrder checks that answers follow the framework's item
// order whatever the column order, and attributes the file's order.
func TestReaderColumnOrder(t *testing.T) {
	src := "dept,b2,respondent, level ,b1,a3,a2,a1,site\n" +
		"Sales,5,r1,Senior,4,3,2,1, Paris \n" +
		"\"Ops, North\",1,r2,,2,3,4,5,Lyon\n"
	res := read(t, src)
	if res.newErr != nil || res.eachErr != nil {
		t.Fatalf("errors: %q %q", res.newErr, res.eachErr)
	}
	if got, want := res.rd.Attributes(), []string{"dept", "level", "site"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Attributes() = %q, want %q", got, want)
	}
	want := []score.Response{
		{Answers: []int{1, 2, 3, 4, 5}, Attrs: []string{"Sales", "Senior", "Paris"}},
		{Answers: []int{5, 4, 3, 2, 1}, Attrs: []string{"Ops, North", "", "Lyon"}},
	}
	if !reflect.DeepEqual(res.responses, want) {
		t.Errorf("responses %v, want %v", res.responses, want)
	}
}

// TestReaderStopsScoringAtFirstError checks that fn sees no row after the
// first error, yet Each goes on and reports every error.
func TestReaderStopsScoringAtFirstError(t *testing.T) {
	src := "respondent,a1,a2,a3,b1,b2\n" +
		"r1,1,2,3,4,5\n" + // row 2: fine
		"r2,1,2,3,4,5\n" + // row 3: fine
		"r3,1,2,3,4,x\n" + // row 4: bad
		"r4,1,2,3,4,5\n" + // row 5: fine, not scored
		"r5,1,2,3,4\n" + // row 6: bad
		"r6,1,2,3,4,5\n" + // row 7: fine, not scored
		"r1,1,2,3,4,5\n" // row 8: bad
	res := read(t, src)
	want := []string{
		`f.csv:4:12: row 4, column b2: "x" is not an integer from 1 to 5`,
		`f.csv:6:1: row 6 has 5 columns, the header has 6`,
		`f.csv:8:1: row 8, column respondent: respondent "r1" is already used in row 2`,
	}
	if !reflect.DeepEqual(res.eachErr, want) {
		t.Errorf("errors:\n got: %q\nwant: %q", res.eachErr, want)
	}
	if len(res.responses) != 2 {
		t.Errorf("fn was called for %d rows, want 2 (rows 2 and 3)", len(res.responses))
	}
	if res.rd.Rows() != 7 {
		t.Errorf("Rows() = %d, want 7", res.rd.Rows())
	}
}

func TestReaderFnError(t *testing.T) {
	src := "a1,a2,a3,b1,b2\n1,2,3,4,5\n\"1\n\",2,3,4,5\n1,2,3,4,5\n1,2,3,4,9\n"
	rd, err := NewReader("f.csv", strings.NewReader(src), tiny(t))
	if err != nil {
		t.Fatal(err)
	}
	calls := 0
	err = rd.Each(func(r score.Response) error {
		calls++
		if calls == 2 {
			return fmt.Errorf("boom")
		}
		return nil
	})
	want := []string{
		`f.csv:3:1: row 3: boom`,
		`f.csv:6:9: row 5, column b2: "9" is not an integer from 1 to 5`,
	}
	if got := errorStrings(t, err); !reflect.DeepEqual(got, want) {
		t.Errorf("errors:\n got: %q\nwant: %q", got, want)
	}
	if calls != 2 {
		t.Errorf("fn called %d times, want 2", calls)
	}
}

func TestReaderTooManyErrors(t *testing.T) {
	var b strings.Builder
	b.WriteString("a1,a2,a3,b1,b2\n")
	for i := 0; i < 60; i++ {
		b.WriteString("1,2,3,4,6\n")
	}
	b.WriteString("1,2,3,4,5\n")
	res := read(t, b.String())
	if len(res.eachErr) != MaxErrors+1 {
		t.Fatalf("got %d errors, want %d + 1", len(res.eachErr), MaxErrors)
	}
	if got, want := res.eachErr[0], `f.csv:2:9: row 2, column b2: "6" is not an integer from 1 to 5`; got != want {
		t.Errorf("first error %q, want %q", got, want)
	}
	if got, want := res.eachErr[MaxErrors-1], `f.csv:51:9: row 51, column b2: "6" is not an integer from 1 to 5`; got != want {
		t.Errorf("last listed error %q, want %q", got, want)
	}
	if got, want := res.eachErr[MaxErrors], "f.csv: … and 10 more errors"; got != want {
		t.Errorf("last line %q, want %q", got, want)
	}
	if len(res.responses) != 0 {
		t.Errorf("fn called %d times, want 0", len(res.responses))
	}
	if res.rd.Rows() != 61 {
		t.Errorf("Rows() = %d, want 61", res.rd.Rows())
	}
}

// TestReaderMultilineValues checks that rows spanning several lines (quoted
// values with line breaks) do not shift the positions of later errors.
func TestReaderMultilineValues(t *testing.T) {
	src := "respondent,a1,a2,a3,b1,b2,note\n" + // line 1, row 1
		"r1,1,2,3,4,5,\"first\nsecond\nthird\"\n" + // lines 2-4, row 2
		"r2,1,2,3,4,5,\"\"\"quoted\"\"\r\nagain\"\n" + // lines 5-6, row 3
		"r3,1,2,3,4,5,plain\n" + // line 7, row 4
		"r4,1,8,3,4,5,\"x\ny\"\n" + // lines 8-9, row 5
		"r1,1,2,3,4,5,z\n" // line 10, row 6
	res := read(t, src)
	want := []string{
		`f.csv:8:6: row 5, column a2: "8" is not an integer from 1 to 5`,
		`f.csv:10:1: row 6, column respondent: respondent "r1" is already used in row 2`,
	}
	if !reflect.DeepEqual(res.eachErr, want) {
		t.Errorf("errors:\n got: %q\nwant: %q", res.eachErr, want)
	}
	wantAttrs := [][]string{{"first\nsecond\nthird"}, {"\"quoted\"\nagain"}, {"plain"}}
	if len(res.responses) != len(wantAttrs) {
		t.Fatalf("got %d responses, want %d", len(res.responses), len(wantAttrs))
	}
	for i, r := range res.responses {
		if !reflect.DeepEqual(r.Attrs, wantAttrs[i]) {
			t.Errorf("row %d attributes %q, want %q", i+2, r.Attrs, wantAttrs[i])
		}
	}
	if res.rd.Rows() != 5 {
		t.Errorf("Rows() = %d, want 5", res.rd.Rows())
	}
}
