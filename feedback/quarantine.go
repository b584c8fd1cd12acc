package feedback

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"io"
	"strconv"
	"strings"
)

// Quarantine writes rejected records to a file a user can fix and import
// again (§2, --quarantine FILE). For a CSV or Qualtrics source it is the
// file's own header rows, then each rejected row as it was with two more
// columns, cxm_line and cxm_errors (unmapped columns are ignored on
// import). For NDJSON it is one object a line: {"line": 3, "errors":
// [...], "record": "<the line as it was>"}.
type Quarantine struct {
	rd  *Reader
	w   *bufio.Writer
	csv *csv.Writer
	n   int
}

// NewQuarantine prepares to write the rejected records of rd to w.
func NewQuarantine(w io.Writer, rd *Reader) *Quarantine {
	q := &Quarantine{rd: rd, w: bufio.NewWriter(w)}
	if _, ok := rd.format.(*csvFormat); ok {
		q.csv = csv.NewWriter(q.w)
	}
	return q
}

// Add writes one rejected record.
func (q *Quarantine) Add(r *Rejected) error {
	errs := make([]string, len(r.Problems))
	for i, p := range r.Problems {
		errs[i] = p.Error("", q.rd.ndjson).Msg
	}
	q.n++
	if q.csv == nil {
		data, err := json.Marshal(struct {
			Line   int      `json:"line"`
			Errors []string `json:"errors"`
			Record string   `json:"record"`
		}{r.Line, errs, r.Text})
		if err != nil {
			return err
		}
		q.w.Write(data)
		return q.w.WriteByte('\n')
	}
	c := q.rd.format.(*csvFormat)
	if q.n == 1 {
		q.csv.Write(append(append([]string{}, c.header...), "cxm_line", "cxm_errors"))
		for _, row := range c.extra {
			q.csv.Write(append(append([]string{}, row...), "", ""))
		}
	}
	row := append([]string{}, r.Fields...)
	for len(row) < len(c.header) { // a row with too few cells: keep the columns aligned
		row = append(row, "")
	}
	return q.csv.Write(append(row, strconv.Itoa(r.Line), strings.Join(errs, "; ")))
}

// Count returns how many records were written.
func (q *Quarantine) Count() int { return q.n }

// Flush writes what is buffered; call it once at the end.
func (q *Quarantine) Flush() error {
	if q.csv != nil {
		q.csv.Flush()
		if err := q.csv.Error(); err != nil {
			return err
		}
	}
	return q.w.Flush()
}
