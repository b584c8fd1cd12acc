// Package benchmark reads and writes the file in which benchmarks travel
// between installations: one row per closed assessment, its framework
// version, its organization's industry and size, and its competency scores.
// No name, no organization id, no respondent: a consultant can carry it
// from client to client.
//
//	framework,framework_version,industry,size,<competency id>,...
//	temkin-four,1,Retail,250-1000,61.2,55.0,38.5,57.9
package benchmark

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/internal/csvsafe"
)

// Row is one peer assessment.
type Row struct {
	FrameworkVersion int
	Industry, Size   string
	Scores           map[string]float64 // competency id -> score 0..100
}

var fixed = []string{"framework", "framework_version", "industry", "size"}

// Write writes the rows of one framework. Competency columns are those of
// the newest framework given, in its order, then any other ids sorted.
func Write(w io.Writer, frameworkID string, competencies []string, rows []Row) error {
	cols := append([]string{}, competencies...)
	seen := map[string]bool{}
	for _, c := range cols {
		seen[c] = true
	}
	var extra []string
	for _, r := range rows {
		for c := range r.Scores {
			if !seen[c] {
				seen[c] = true
				extra = append(extra, c)
			}
		}
	}
	sort.Strings(extra)
	cols = append(cols, extra...)
	cw := csvsafe.NewWriter(w) // industry and size are text typed by users
	cw.Write(append(append([]string{}, fixed...), cols...))
	for _, r := range rows {
		rec := []string{frameworkID, strconv.Itoa(r.FrameworkVersion), r.Industry, r.Size}
		for _, c := range cols {
			if v, ok := r.Scores[c]; ok {
				rec = append(rec, strconv.FormatFloat(v, 'g', -1, 64))
			} else {
				rec = append(rec, "")
			}
		}
		cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}

// Lookup returns an installed framework version, or an error saying it is
// not installed.
type Lookup func(id string, version int) (*cxm.Framework, error)

// MaxRows bounds an import: benchmark files hold assessments, not
// respondents, so even a large practice has far fewer.
const MaxRows = 100000

// Read reads a benchmark file for one framework id, checking every field
// against the installed framework version the row names. It returns every
// problem with its position, and no rows unless the whole file is valid.
func Read(name string, r io.Reader, lookup Lookup) (frameworkID string, rows []Row, err error) {
	rd := &reader{name: name, cr: csv.NewReader(r), lookup: lookup, frameworks: map[int]*cxm.Framework{}}
	rd.cr.ReuseRecord = true
	if errs := rd.readHeader(); errs != nil {
		return "", nil, errs
	}
	for row := 2; ; row++ {
		rec, err := rd.cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrFieldCount) {
				rd.fail(pe.StartLine, 1, "row %d has %d columns, the header has %d", row, len(rec), len(rd.header))
				continue
			}
			rd.errs = append(rd.errs, csvError(name, err)...)
			break
		}
		if row-1 > MaxRows {
			rd.fail(0, 0, "more than %d rows", MaxRows)
			break
		}
		if out, ok := rd.readRow(row, rec); ok {
			rows = append(rows, out)
		}
	}
	if len(rd.errs) > 0 {
		return "", nil, rd.errs
	}
	if len(rows) == 0 {
		return "", nil, cxm.ErrorList{{File: name, Line: 2, Column: 1, Msg: "no rows: the file holds no peer assessment"}}
	}
	return rd.frameworkID, rows, nil
}

// reader is one peer file being read: its header, the framework it holds
// and the problems found so far (the first 50).
type reader struct {
	name        string
	cr          *csv.Reader
	lookup      Lookup
	header      []string
	frameworkID string
	frameworks  map[int]*cxm.Framework // by version
	errs        cxm.ErrorList
}

func (rd *reader) fail(line, col int, format string, args ...any) {
	if len(rd.errs) < 50 {
		rd.errs = append(rd.errs, cxm.Error{File: rd.name, Line: line, Column: col, Msg: fmt.Sprintf(format, args...)})
	}
}

// readHeader reads the header row: the fixed columns, then competency ids.
func (rd *reader) readHeader() cxm.ErrorList {
	header, err := rd.cr.Read()
	if err == io.EOF {
		return cxm.ErrorList{{File: rd.name, Line: 1, Column: 1, Msg: "file is empty: expected a header row"}}
	}
	if err != nil {
		return csvError(rd.name, err)
	}
	rd.header = append([]string{}, header...)
	if len(rd.header) < len(fixed)+1 {
		return cxm.ErrorList{{File: rd.name, Line: 1, Column: 1, Msg: "the header must be " + strings.Join(fixed, ",") + " followed by competency ids"}}
	}
	for i, want := range fixed {
		if strings.TrimSpace(rd.header[i]) != want {
			line, col := rd.cr.FieldPos(i)
			return cxm.ErrorList{{File: rd.name, Line: line, Column: col, Msg: fmt.Sprintf("header column %d must be %q, not %q", i+1, want, rd.header[i])}}
		}
	}
	return nil
}

// readRow checks one peer's row; ok is false when it has a problem (which
// is recorded).
func (rd *reader) readRow(row int, rec []string) (out Row, ok bool) {
	at := func(col int, format string, args ...any) {
		line, c := rd.cr.FieldPos(col)
		rd.fail(line, c, "row %d, column %s: %s", row, rd.header[col], fmt.Sprintf(format, args...))
	}
	id := strings.TrimSpace(rec[0])
	switch {
	case rd.frameworkID == "":
		rd.frameworkID = id
	case id != rd.frameworkID:
		at(0, "framework %q differs from %q in row 2: a file holds one framework", id, rd.frameworkID)
		return out, false
	}
	version, err := strconv.Atoi(strings.TrimSpace(rec[1]))
	if err != nil || version < 1 {
		at(1, "%q is not a framework version", rec[1])
		return out, false
	}
	f, ok := rd.frameworks[version]
	if !ok {
		if f, err = rd.lookup(id, version); err != nil {
			at(1, "%v", err)
			return out, false
		}
		rd.frameworks[version] = f
	}
	out = Row{FrameworkVersion: version, Industry: strings.TrimSpace(csvsafe.Unescape(rec[2])), Size: strings.TrimSpace(csvsafe.Unescape(rec[3])), Scores: map[string]float64{}}
	for col := 2; col < 4; col++ {
		if !utf8.ValidString(rec[col]) || len(rec[col]) > 200 {
			at(col, "must be UTF-8 text of at most 200 bytes")
		}
	}
	for col := len(fixed); col < len(rec); col++ {
		comp := strings.TrimSpace(rd.header[col])
		v := strings.TrimSpace(rec[col])
		if v == "" {
			continue // not scored in that assessment
		}
		if f.Competency(comp) == nil {
			at(col, "%q is not a competency of %s version %d", comp, id, version)
			continue
		}
		x, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsNaN(x) || x < 0 || x > 100 {
			at(col, "%q is not a score from 0 to 100", v)
			continue
		}
		out.Scores[comp] = x
	}
	return out, true
}

func csvError(name string, err error) cxm.ErrorList {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return cxm.ErrorList{{File: name, Line: pe.Line, Column: pe.Column, Msg: pe.Err.Error()}}
	}
	return cxm.ErrorList{{File: name, Msg: err.Error()}}
}
