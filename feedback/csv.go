package feedback

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/cxmhq/cxm"
)

// csvFormat reads CSV (RFC 4180) and Qualtrics CSV exports.
type csvFormat struct {
	r       *csv.Reader
	header  []string
	plan    []step     // the mapped columns, in column order
	pending []string   // a Qualtrics third row that held data, read first
	extra   [][]string // the Qualtrics header rows after the first
	row     int        // rows read, the header(s) included
	rec     []string
	buf     bytes.Buffer
}

// step reads one column into the record.
type step struct {
	col   int
	kind  byte // 'f' field, 'm' measure, 'a' attribute
	index int
	name  string // the column, for messages
}

func newCSV(rd *Reader, br *bufio.Reader, qualtrics bool) (*csvFormat, error) {
	c := &csvFormat{r: csv.NewReader(br)}
	c.r.ReuseRecord = true
	header, err := c.r.Read()
	if err == io.EOF {
		return nil, cxm.ErrorList{{File: rd.name, Line: 1, Column: 1, Msg: "file is empty: expected a header row naming the columns"}}
	}
	if err != nil {
		return nil, cxm.ErrorList{csvError(rd.name, err)}
	}
	c.row = 1
	c.header = append([]string{}, header...)
	c.r.FieldsPerRecord = len(header)
	if err := c.makePlan(rd); err != nil {
		return nil, err
	}
	if qualtrics {
		if err := c.qualtricsHeader(rd); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// makePlan finds the column of every field, measure and attribute the
// source maps; a column missing from the header is an error.
func (c *csvFormat) makePlan(rd *Reader) error {
	cols := map[string]int{}
	dup := map[string]bool{}
	for i, h := range c.header {
		h = strings.TrimSpace(h)
		if _, ok := cols[h]; ok {
			dup[h] = true
		}
		cols[h] = i
	}
	rd.columns = rd.src.Columns
	byName := len(rd.columns) == 0
	if byName {
		// No mapping: each field is in the column of its name.
		rd.columns = map[cxm.Field]string{cxm.FieldID: string(cxm.FieldID), cxm.FieldAt: string(cxm.FieldAt)}
		for _, f := range cxm.Fields {
			if _, ok := cols[string(f)]; ok {
				rd.columns[f] = string(f)
			}
		}
	}
	var missing []string
	var errs cxm.ErrorList
	add := func(column string, kind byte, index int, what string) {
		i, ok := cols[column]
		switch {
		case !ok && byName && kind != 'f':
			// Found by name: a measure or attribute the file lacks is not given.
		case !ok:
			missing = append(missing, fmt.Sprintf("%s (for %s)", column, what))
		case dup[column]:
			line, col := c.r.FieldPos(i)
			errs = append(errs, cxm.Error{File: rd.name, Line: line, Column: col, Msg: fmt.Sprintf("header: column %q appears more than once, so it is unclear which holds %s", column, what)})
		default:
			c.plan = append(c.plan, step{col: i, kind: kind, index: index, name: column})
		}
	}
	for k, f := range cxm.Fields {
		if col := rd.columns[f]; col != "" {
			add(col, 'f', k, string(f))
		}
	}
	for i, m := range rd.src.Measures {
		add(m.Column, 'm', i, "measure "+m.Name)
	}
	for i, a := range rd.src.Attributes {
		add(a, 'a', i, "attribute "+a)
	}
	if len(missing) > 0 {
		errs = append(cxm.ErrorList{{File: rd.name, Line: 1, Column: 1,
			Msg: fmt.Sprintf("header: source %s needs column(s) the file does not have: %s", rd.src.ID, strings.Join(missing, ", "))}}, errs...)
	}
	if len(errs) > 0 {
		return errs
	}
	sort.Slice(c.plan, func(i, k int) bool { return c.plan[i].col < c.plan[k].col })
	return nil
}

// qualtricsHeader skips the two extra header rows of a Qualtrics export:
// the question texts, and the import ids ({"ImportId":"QID1"}). When the
// third row holds no import ids (an older export), it is data. The import
// id of the at column may name the time zone of the dates.
func (c *csvFormat) qualtricsHeader(rd *Reader) error {
	for i := 0; i < 2; i++ {
		rec, err := c.r.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return cxm.ErrorList{csvError(rd.name, err)}
		}
		c.row++
		if i == 0 {
			c.extra = append(c.extra, append([]string{}, rec...))
			continue // the question texts
		}
		if !importIDs(rec) {
			c.pending = append([]string{}, rec...)
			c.row--
			return nil
		}
		c.extra = append(c.extra, append([]string{}, rec...))
		if col := c.column(rd.columns[cxm.FieldAt]); col >= 0 {
			var id struct {
				TimeZone string `json:"timeZone"`
			}
			if json.Unmarshal([]byte(rec[col]), &id) == nil && id.TimeZone != "" {
				loc, err := time.LoadLocation(id.TimeZone)
				if err != nil {
					line, column := c.r.FieldPos(col)
					return cxm.ErrorList{{File: rd.name, Line: line, Column: column, Msg: fmt.Sprintf("row 3, column %s: unknown time zone %q", c.header[col], id.TimeZone)}}
				}
				rd.loc = loc
			}
		}
	}
	return nil
}

func (c *csvFormat) column(name string) int {
	for _, s := range c.plan {
		if name != "" && s.name == name {
			return s.col
		}
	}
	return -1
}

// importIDs reports whether a row is Qualtrics' row of import ids: its
// cells are JSON objects with an ImportId.
func importIDs(rec []string) bool {
	n := 0
	for _, s := range rec {
		s = strings.TrimSpace(s)
		switch {
		case s == "":
		case strings.HasPrefix(s, "{") && strings.Contains(s, `"ImportId"`):
			n++
		default:
			return false
		}
	}
	return n > 0
}

func (c *csvFormat) next(rd *Reader) (int, int, error) {
	rec := c.pending
	var err error
	if rec != nil {
		c.pending = nil
	} else if rec, err = c.r.Read(); err == io.EOF {
		return 0, 0, io.EOF
	}
	c.row++
	rd.curRow = c.row
	c.rec = rec
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrFieldCount) {
			rd.problems = append(rd.problems, Problem{Line: pe.StartLine, Row: c.row, Column: 1,
				Msg: fmt.Sprintf("has %d columns, the header has %d", len(rec), len(c.header))})
			rd.broken = true
			return pe.StartLine, c.row, nil
		}
		e := csvError(rd.name, err)
		return 0, 0, &fatal{Problem{Line: e.Line, Row: c.row, Column: e.Column, Msg: e.Msg}}
	}
	line, _ := c.r.FieldPos(0)
	for _, s := range c.plan {
		l, col := c.r.FieldPos(s.col)
		cl := cell{line: l, column: col, name: s.name}
		switch s.kind {
		case 'f':
			rd.setField(s.index, rec[s.col], cl)
		case 'm':
			rd.setMeasure(s.index, rec[s.col], cl)
		case 'a':
			rd.setAttribute(s.index, rec[s.col], cl)
		}
	}
	return line, c.row, nil
}

func (c *csvFormat) offset() int64 { return c.r.InputOffset() }

// text is the current row as CSV, for a quarantine report.
func (c *csvFormat) text() string {
	c.buf.Reset()
	w := csv.NewWriter(&c.buf)
	w.Write(c.rec)
	w.Flush()
	return strings.TrimSuffix(c.buf.String(), "\n")
}

// Header returns the columns of a CSV file (nil for NDJSON).
func (rd *Reader) Header() []string {
	if c, ok := rd.format.(*csvFormat); ok {
		return c.header
	}
	return nil
}

func csvError(name string, err error) cxm.Error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		msg := pe.Err.Error()
		if pe.StartLine != pe.Line {
			// An unclosed quote runs on to where the CSV reader gives up,
			// possibly far below: point back to where the row began.
			msg = fmt.Sprintf("%s (in the row that starts on line %d)", msg, pe.StartLine)
		}
		return cxm.Error{File: name, Line: pe.Line, Column: pe.Column, Msg: msg}
	}
	return cxm.Error{File: name, Msg: err.Error()}
}
