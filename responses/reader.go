// Package responses reads response files (shared/spec/scoring.md §2): CSV,
// one respondent a row, streamed so that a file of any size is read in
// constant memory (but for the set of respondent ids, which must be unique).
package responses

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/score"
)

// MaxErrors is how many row errors are listed before the rest are counted.
const MaxErrors = 50

// RespondentColumn is the optional column of respondent ids.
const RespondentColumn = "respondent"

// Reader reads the rows of a response file for one framework.
type Reader struct {
	name    string
	csv     *csv.Reader
	fw      *cxm.Framework
	header  []string
	itemCol []int // the column of each framework item, in framework order
	colItem []int // the item index of each column, -1 for other columns
	attrCol []int
	attrs   []string
	respCol int // -1 when there is no respondent column
	answers []int
	values  []string
	ids     map[string]int // respondent id -> row, to refuse duplicates
	rows    int
	errs    cxm.ErrorList
	extra   int // errors beyond MaxErrors
	check   func(score.Response, func(attr int, msg string))
}

// NewReader reads and checks the header. name is used in error positions.
func NewReader(name string, r io.Reader, f *cxm.Framework) (*Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte("\xEF\xBB\xBF")) {
		br.Discard(3)
	}
	rd := &Reader{name: name, fw: f, respCol: -1, ids: map[string]int{}}
	rd.csv = csv.NewReader(br)
	rd.csv.ReuseRecord = true
	header, err := rd.csv.Read()
	if err == io.EOF {
		return nil, cxm.ErrorList{{File: name, Line: 1, Column: 1, Msg: "file is empty: expected a header row naming the columns"}}
	}
	if err != nil {
		return nil, cxm.ErrorList{rd.csvError(err)}
	}
	rd.header = append([]string{}, header...)
	rd.csv.FieldsPerRecord = len(header)
	if err := rd.readHeader(); err != nil {
		return nil, err
	}
	return rd, nil
}

func (rd *Reader) readHeader() error {
	items := map[string]int{}
	for i, c := range rd.fw.Competencies {
		_ = i
		for _, it := range c.Items {
			items[it.ID] = len(items)
		}
	}
	rd.itemCol = make([]int, len(items))
	for i := range rd.itemCol {
		rd.itemCol[i] = -1
	}
	var errs cxm.ErrorList
	seen := map[string]int{}
	for col, raw := range rd.header {
		name := strings.TrimSpace(raw)
		line, column := rd.csv.FieldPos(col)
		pos := func(format string, args ...any) {
			errs = append(errs, cxm.Error{File: rd.name, Line: line, Column: column, Msg: fmt.Sprintf(format, args...)})
		}
		if name == "" {
			pos("header, column %d: empty column name", col+1)
			continue
		}
		if prev, dup := seen[name]; dup {
			pos("header: column %q appears twice (columns %d and %d)", name, prev+1, col+1)
			continue
		}
		seen[name] = col
		if i, ok := items[name]; ok {
			rd.itemCol[i] = col
			continue
		}
		if name == RespondentColumn {
			rd.respCol = col
			continue
		}
		rd.attrCol = append(rd.attrCol, col)
		rd.attrs = append(rd.attrs, name)
	}
	var missing []string
	for _, c := range rd.fw.Competencies {
		for _, it := range c.Items {
			if rd.itemCol[items[it.ID]] < 0 {
				missing = append(missing, it.ID)
			}
		}
	}
	if len(missing) > 0 {
		// At the start of the header, hence first: errors are in file order.
		line, _ := rd.csv.FieldPos(0)
		errs = append(cxm.ErrorList{{File: rd.name, Line: line, Column: 1,
			Msg: fmt.Sprintf("header: no column for %d item(s) of framework %s: %s", len(missing), rd.fw.ID, strings.Join(missing, ", "))}}, errs...)
	}
	if len(errs) > 0 {
		return errs
	}
	rd.colItem = make([]int, len(rd.header))
	for col := range rd.colItem {
		rd.colItem[col] = -1
	}
	for i, col := range rd.itemCol {
		rd.colItem[col] = i
	}
	rd.answers = make([]int, len(items))
	rd.values = make([]string, len(rd.attrs))
	return nil
}

// SetCheck has check called for every row read, even after errors in
// earlier rows, so that its problems are reported with the others (the
// callback of Each is called only while there are none). check may change
// the row's attribute values in place (to a list's spelling, say); report
// places a problem at attribute attr's field of the row, or with attr -1
// at the row's start.
func (rd *Reader) SetCheck(check func(r score.Response, report func(attr int, msg string))) {
	rd.check = check
}

// HeaderError is a problem with attribute column attr of the header; call
// it before Each (the position is read from the last row read).
func (rd *Reader) HeaderError(attr int, msg string) cxm.Error {
	line, column := rd.csv.FieldPos(rd.attrCol[attr])
	return cxm.Error{File: rd.name, Line: line, Column: column, Msg: "header: " + msg}
}

// Attributes returns the names of the attribute columns, in file order.
func (rd *Reader) Attributes() []string { return rd.attrs }

// Rows returns how many data rows have been read.
func (rd *Reader) Rows() int { return rd.rows }

// Each reads every row and hands each valid one to fn, which must not keep
// the response's slices. It reads to the end even after errors so that all
// of them are reported (the first MaxErrors, then a count), and returns them
// as a cxm.ErrorList; the caller must then discard what fn accumulated.
// An error returned by fn is reported at that row.
func (rd *Reader) Each(fn func(score.Response) error) error {
	sc := rd.fw.Scale
	for {
		rec, err := rd.csv.Read()
		if err == io.EOF {
			break
		}
		rd.rows++
		row := rd.rows + 1 // the header is row 1, as in a spreadsheet
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrFieldCount) {
				rd.add(cxm.Error{File: rd.name, Line: pe.StartLine, Column: 1,
					Msg: fmt.Sprintf("row %d has %d columns, the header has %d", row, len(rec), len(rd.header))})
				continue
			}
			rd.add(rd.csvError(err))
			break // the CSV itself is broken: what follows cannot be trusted
		}
		ok := true
		for col, raw := range rec { // column by column, so that errors are in file order
			if i := rd.colItem[col]; i >= 0 {
				v, good := parseAnswer(raw, sc)
				if !good {
					rd.fieldError(row, col, "%q is not an integer from %d to %d", strings.TrimSpace(raw), sc.Min, sc.Max)
					ok = false
				}
				rd.answers[i] = v
			} else if !utf8.ValidString(raw) {
				rd.fieldError(row, col, "not valid UTF-8 text (save the file as UTF-8)")
				ok = false
			} else if col == rd.respCol {
				id := strings.TrimSpace(raw)
				if prev, dup := rd.ids[id]; dup && id != "" {
					rd.fieldError(row, col, "respondent %q is already used in row %d", id, prev)
					ok = false
				} else if id != "" {
					rd.ids[strings.Clone(id)] = row // not a slice of the row, which would keep it alive
				}
			}
		}
		for i, col := range rd.attrCol {
			rd.values[i] = strings.TrimSpace(rec[col])
		}
		if rd.check != nil {
			n := len(rd.errs) + rd.extra
			rd.check(score.Response{Answers: rd.answers, Attrs: rd.values}, func(attr int, msg string) {
				if attr < 0 {
					line, _ := rd.csv.FieldPos(0)
					rd.add(cxm.Error{File: rd.name, Line: line, Column: 1, Msg: fmt.Sprintf("row %d: %s", row, msg)})
					return
				}
				rd.fieldError(row, rd.attrCol[attr], "%s", msg)
			})
			ok = ok && len(rd.errs)+rd.extra == n
		}
		if !ok || len(rd.errs) > 0 {
			continue // after an error nothing will be scored; keep checking only
		}
		if err := fn(score.Response{Answers: rd.answers, Attrs: rd.values}); err != nil {
			line, _ := rd.csv.FieldPos(0)
			rd.add(cxm.Error{File: rd.name, Line: line, Column: 1, Msg: fmt.Sprintf("row %d: %v", row, err)})
		}
	}
	if rd.extra > 0 {
		rd.errs = append(rd.errs, cxm.Error{File: rd.name, Msg: fmt.Sprintf("… and %d more errors", rd.extra)})
	}
	if len(rd.errs) > 0 {
		return rd.errs
	}
	return nil
}

func (rd *Reader) add(e cxm.Error) {
	if len(rd.errs) >= MaxErrors {
		rd.extra++
		return
	}
	rd.errs = append(rd.errs, e)
}

func (rd *Reader) fieldError(row, col int, format string, args ...any) {
	line, column := rd.csv.FieldPos(col)
	rd.add(cxm.Error{File: rd.name, Line: line, Column: column,
		Msg: fmt.Sprintf("row %d, column %s: %s", row, rd.header[col], fmt.Sprintf(format, args...))})
}

func (rd *Reader) csvError(err error) cxm.Error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		msg := pe.Err.Error()
		if pe.StartLine != pe.Line {
			// An unclosed quote runs on to where the CSV reader gives up,
			// possibly far below: point back to where the row began.
			msg = fmt.Sprintf("%s (in the row that starts on line %d)", msg, pe.StartLine)
		}
		return cxm.Error{File: rd.name, Line: pe.Line, Column: pe.Column, Msg: msg}
	}
	return cxm.Error{File: rd.name, Msg: err.Error()}
}

// parseAnswer reads one answer: an integer on the scale, or one of the
// spellings of "no answer" (§2).
func parseAnswer(s string, sc cxm.Scale) (int, bool) {
	if len(s) == 1 && s[0] >= '0' && s[0] <= '9' { // the common case, without allocation
		v := int(s[0] - '0')
		return v, v >= sc.Min && v <= sc.Max
	}
	s = strings.TrimSpace(s)
	switch strings.ToLower(s) {
	case "", "na", "dk", "?":
		return score.NoAnswer, true
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < sc.Min || v > sc.Max {
		return 0, false
	}
	return v, true
}
