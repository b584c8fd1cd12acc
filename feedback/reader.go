// Package feedback reads the files of a journey's sources into records
// (shared/spec/listening.md §2): CSV, NDJSON and Qualtrics CSV exports,
// streamed in constant memory (but for a set of 12-byte id hashes, to
// refuse an id used twice), every field checked, every error placed at its
// line and column.
package feedback

import (
	"bufio"
	"bytes"
	"fmt"
	"hash/maphash"
	"io"
	"math"
	"regexp"
	"sort"
	"time"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/journey"
)

// Limits of a record (§2) and of the error report.
const (
	MaxErrors  = 50     // errors listed; then a count
	MaxID      = 200    // characters of a record id
	MaxComment = 10_000 // characters of a comment
	MaxText    = 200    // characters of a customer, employee, stage, event or attribute value
	MaxLine    = 1 << 20
)

// Options change how a file is read.
type Options struct {
	// Now stamps the records of a source that maps no column to at (a
	// review export without dates): the time of the import. Zero is
	// time.Now().
	Now time.Time
	// Format overrides the source's format, e.g. when records of a CSV
	// source are posted to the API as NDJSON. "" is the source's format. A
	// source without columns read as CSV finds each field in the column of
	// its name (id, at, nps, ...).
	Format cxm.Format
}

// Problem is one thing wrong with a record.
type Problem struct {
	Line   int    // the line where the record (or the cell) starts, 1-based
	Row    int    // CSV: the spreadsheet row (the header is row 1); NDJSON: the line
	Column int    // 1-based byte column of the cell or field; 0: the whole record
	Field  string // the CSV column or the NDJSON field; "" for the whole record
	Msg    string // why
}

// Error places the problem in file, in the words of a CSV or NDJSON user.
func (p Problem) Error(file string, ndjson bool) cxm.Error {
	var where string
	switch {
	case ndjson && p.Field != "":
		where = fmt.Sprintf("field %s: ", p.Field)
	case ndjson:
	case p.Field != "":
		where = fmt.Sprintf("row %d, column %s: ", p.Row, p.Field)
	default:
		where = fmt.Sprintf("row %d: ", p.Row)
	}
	return cxm.Error{File: file, Line: p.Line, Column: p.Column, Msg: where + p.Msg}
}

// Rejected is a record that was not read, with every reason, for a
// quarantine report.
type Rejected struct {
	Line     int
	Row      int
	Text     string   // the row as CSV (without the line break) or the NDJSON line
	Fields   []string // CSV: the row's cells; nil for NDJSON
	Problems []Problem
}

// Reader reads the records of one source's file.
type Reader struct {
	name   string
	j      *cxm.Journey
	src    *cxm.Source
	layout *journey.TimeLayout // nil: RFC 3339
	loc    *time.Location
	now    time.Time
	routes []route
	format rowReader

	rec      cxm.Record
	problems []Problem // of the current record
	curRow   int
	cells    [nFields]cell // where each field of the current record was read
	broken   bool          // the record could not be read into fields
	given    uint16        // fields given (not empty), by bit
	bad      uint16        // fields given but not valid
	rows     int
	ids      idSet // hashes of the ids of valid records, and their rows
	seeds    [2]maphash.Seed
	errs     cxm.ErrorList
	extra    int // errors beyond MaxErrors
	ndjson   bool
	columns  map[cxm.Field]string // CSV: the column of each field mapped
}

// rowReader is a file format: it reads the next record's fields into the
// reader (rd.set...) and reports where it starts. io.EOF ends the file; a
// *fatal error ends it early (a broken CSV quote runs on to the end).
type rowReader interface {
	next(rd *Reader) (line, row int, err error)
	text() string  // the current row, for a quarantine report
	offset() int64 // bytes read so far
}

type fatal struct{ p Problem }

func (f *fatal) Error() string { return f.p.Msg }

// route is a journey route resolved for one source.
type route struct {
	comment *regexp.Regexp
	attrs   []int // attribute indexes of the source
	values  []string
	stage   string
}

// NewReader prepares to read the file of source sourceID of journey j,
// reading its header (CSV, Qualtrics). name is used in error positions.
func NewReader(name string, r io.Reader, j *cxm.Journey, sourceID string, opts Options) (*Reader, error) {
	src := j.Source(sourceID)
	if src == nil {
		return nil, fmt.Errorf("journey %s has no source %q", j.ID, sourceID)
	}
	rd := &Reader{name: name, j: j, src: src, loc: j.Location, now: opts.Now,
		seeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}}
	if rd.loc == nil {
		rd.loc = time.UTC
	}
	if rd.now.IsZero() {
		rd.now = time.Now()
	}
	rd.now = rd.now.In(rd.loc)
	if src.TimeFormat != "" {
		l, err := journey.CompileTimeFormat(src.TimeFormat)
		if err != nil {
			return nil, fmt.Errorf("source %s: time_format: %v", src.ID, err)
		}
		rd.layout = l
	}
	rd.routes = resolveRoutes(j, src)
	rd.rec.Measures = make([]float64, len(src.Measures))
	rd.rec.Attributes = make([]string, len(src.Attributes))
	br := bufio.NewReaderSize(r, 64<<10)
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte("\xEF\xBB\xBF")) {
		br.Discard(3)
	}
	format := src.Format
	if opts.Format != "" {
		format = opts.Format
	}
	switch format {
	case cxm.FormatNDJSON:
		rd.ndjson = true
		rd.format = newNDJSON(br)
	default:
		c, err := newCSV(rd, br, format == cxm.FormatQualtrics)
		if err != nil {
			return nil, err
		}
		rd.format = c
	}
	return rd, nil
}

func resolveRoutes(j *cxm.Journey, src *cxm.Source) []route {
	var out []route
next:
	for _, r := range j.Routes {
		if r.Source != "" && r.Source != src.ID {
			continue
		}
		rt := route{comment: r.Comment, stage: r.Stage}
		if r.CommentMatches != "" && rt.comment == nil {
			rt.comment = regexp.MustCompile(r.CommentMatches) // a journey built by hand
		}
		for name, v := range r.Attribute {
			i := src.AttributeIndex(name)
			if i < 0 {
				continue next // this source never has it: the route never matches
			}
			rt.attrs = append(rt.attrs, i)
			rt.values = append(rt.values, v)
		}
		out = append(out, rt)
	}
	return out
}

// Source returns the source being read.
func (rd *Reader) Source() *cxm.Source { return rd.src }

// Offset returns how many bytes of the file have been read (after a
// byte-order mark), for a progress line: records, rate, time left.
func (rd *Reader) Offset() int64 { return rd.format.offset() }

// Rows returns how many records (rows or non-blank lines) have been read.
func (rd *Reader) Rows() int { return rd.rows }

// Each reads every record and hands each valid one to fn, which must not
// keep the record or its Measures and Attributes slices (its strings it may
// keep). Ingest is all-or-nothing (§2): after the first error fn is no
// longer called, reading goes on to find every error, and the errors are
// returned as a cxm.ErrorList (the first MaxErrors and a count); the caller
// then discards what fn did. An error from fn is reported at its record.
func (rd *Reader) Each(fn func(*cxm.Record) error) error {
	return rd.each(fn, nil)
}

// EachPartial reads every record, hands each valid one to fn and each
// invalid one to reject (quarantine, §2). It returns an error only when the
// file itself cannot be read on (a broken CSV quote, a read error), or fn
// or reject fail; the records before it were handed over.
func (rd *Reader) EachPartial(fn func(*cxm.Record) error, reject func(*Rejected) error) error {
	return rd.each(fn, reject)
}

func (rd *Reader) each(fn func(*cxm.Record) error, reject func(*Rejected) error) error {
	for {
		rd.reset()
		line, row, err := rd.format.next(rd)
		if err == io.EOF {
			break
		}
		if f, ok := err.(*fatal); ok {
			rd.add(f.p)
			if reject != nil {
				return cxm.ErrorList{f.p.Error(rd.name, rd.ndjson)}
			}
			break
		}
		if err != nil {
			return fmt.Errorf("%s: %w", rd.name, err)
		}
		rd.rows++
		if !rd.broken {
			rd.finish(line, row)
		}
		if len(rd.problems) > 0 {
			sort.SliceStable(rd.problems, func(i, k int) bool {
				a, b := rd.problems[i], rd.problems[k]
				return a.Line < b.Line || a.Line == b.Line && a.Column < b.Column
			})
			for _, p := range rd.problems {
				rd.add(p)
			}
			if reject != nil {
				rj := &Rejected{Line: line, Row: row, Text: rd.format.text(), Problems: append([]Problem(nil), rd.problems...)}
				if c, ok := rd.format.(*csvFormat); ok {
					rj.Fields = append([]string(nil), c.rec...)
				}
				if err := reject(rj); err != nil {
					return err
				}
			}
			continue
		}
		if reject == nil && len(rd.errs) > 0 {
			continue // nothing will be stored: keep checking only
		}
		if err := fn(&rd.rec); err != nil {
			if reject != nil {
				return err
			}
			rd.add(Problem{Line: line, Row: row, Msg: err.Error()})
		}
	}
	if reject != nil {
		return nil
	}
	if rd.extra > 0 {
		rd.errs = append(rd.errs, cxm.Error{File: rd.name, Msg: fmt.Sprintf("… and %d more errors", rd.extra)})
	}
	if len(rd.errs) > 0 {
		return rd.errs
	}
	return nil
}

// Errors returns the errors found so far (the first MaxErrors) and how many
// more there were.
func (rd *Reader) Errors() (cxm.ErrorList, int) { return rd.errs, rd.extra }

func (rd *Reader) add(p Problem) {
	if len(rd.errs) >= MaxErrors {
		rd.extra++
		return
	}
	rd.errs = append(rd.errs, p.Error(rd.name, rd.ndjson))
}

func (rd *Reader) reset() {
	r := &rd.rec
	m, a := r.Measures, r.Attributes
	*r = cxm.Record{Source: rd.src.ID, NPS: cxm.NoAnswer, CSAT: cxm.NoAnswer, CES: cxm.NoAnswer,
		Value: math.NaN(), Measures: m, Attributes: a}
	for i := range m {
		m[i] = math.NaN()
	}
	for i := range a {
		a[i] = ""
	}
	rd.problems = rd.problems[:0]
	rd.cells = [nFields]cell{}
	rd.given, rd.bad, rd.broken = 0, 0, false
}
