package feedback

import (
	"fmt"
	"hash/maphash"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/journey"
)

// cell is where a value was read: its line and column, and the name a user
// knows it by (the CSV column, the NDJSON field).
type cell struct {
	line, column int
	name         string
}

func (rd *Reader) problem(c cell, format string, args ...any) {
	rd.problems = append(rd.problems, Problem{Line: c.line, Row: rd.row(), Column: c.column, Field: c.name, Msg: fmt.Sprintf(format, args...)})
}

// row is the number of the record being read as a user counts it.
func (rd *Reader) row() int { return rd.curRow }

// Indexes of cxm.Fields, for setField.
const (
	fID = iota
	fAt
	fCustomer
	fEmployee
	fStage
	fNPS
	fCSAT
	fCES
	fComment
	fEvent
	fValue
	nFields
)

// setField reads the raw text of record field k (an index of cxm.Fields).
// Empty is "not given".
func (rd *Reader) setField(k int, raw string, c cell) {
	rd.cells[k] = c
	s := strings.TrimSpace(raw)
	if s == "" {
		return
	}
	rd.given |= 1 << k
	n := len(rd.problems)
	defer func() {
		if len(rd.problems) > n {
			rd.bad |= 1 << k
		}
	}()
	r := &rd.rec
	switch cxm.Fields[k] {
	case cxm.FieldNPS:
		r.NPS = rd.answer(s, c, 0, 10, "nps")
	case cxm.FieldCSAT:
		r.CSAT = rd.answer(s, c, rd.j.Scales.CSAT.Min, rd.j.Scales.CSAT.Max, "csat")
	case cxm.FieldCES:
		r.CES = rd.answer(s, c, rd.j.Scales.CES.Min, rd.j.Scales.CES.Max, "ces")
	case cxm.FieldComment:
		if rd.text(s, c, MaxComment, "comment") {
			r.Comment = s
		}
	case cxm.FieldAt:
		rd.time(s, c)
	case cxm.FieldID:
		if rd.text(s, c, MaxID, "id") {
			r.ID = s
		}
	case cxm.FieldCustomer:
		if rd.text(s, c, MaxText, "customer") {
			r.Customer = s
		}
	case cxm.FieldEmployee:
		if rd.text(s, c, MaxText, "employee") {
			r.Employee = s
		}
	case cxm.FieldStage:
		if rd.j.StageIndex(s) < 0 {
			rd.problem(c, "stage %q is not a stage of journey %s", clip(s), rd.j.ID)
		} else {
			r.Stage = s
		}
	case cxm.FieldEvent:
		if s != cxm.EventGained && s != cxm.EventLost {
			rd.problem(c, "event must be gained or lost, not %q", clip(s))
		} else {
			r.Event = s
		}
	case cxm.FieldValue:
		if v, ok := rd.number(s, c, "value"); ok {
			if v < 0 {
				rd.problem(c, "value must not be negative, not %s", s)
			} else {
				r.Value = v
			}
		}
	}
}

func (rd *Reader) setMeasure(i int, raw string, c cell) {
	if s := strings.TrimSpace(raw); s != "" {
		if v, ok := rd.number(s, c, "measure "+rd.src.Measures[i].Name); ok {
			rd.rec.Measures[i] = v
		}
	}
}

func (rd *Reader) setAttribute(i int, raw string, c cell) {
	if s := strings.TrimSpace(raw); s != "" && rd.text(s, c, MaxText, "attribute "+rd.src.Attributes[i]) {
		rd.rec.Attributes[i] = s
	}
}

// answer reads an integer on a scale; 7.0 is read as 7.
func (rd *Reader) answer(s string, c cell, lo, hi int, what string) int {
	if len(s) == 1 && s[0] >= '0' && s[0] <= '9' { // the common case, without allocation
		if v := int(s[0] - '0'); v >= lo && v <= hi {
			return v
		}
	}
	v, err := strconv.Atoi(s)
	if err != nil {
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || f != math.Trunc(f) || math.Abs(f) > 1e6 {
			rd.problem(c, "%s must be a whole number from %d to %d, not %q", what, lo, hi, clip(s))
			return cxm.NoAnswer
		}
		v = int(f)
	}
	if v < lo || v > hi {
		rd.problem(c, "%s must be a whole number from %d to %d, not %s", what, lo, hi, clip(s))
		return cxm.NoAnswer
	}
	return v
}

func (rd *Reader) number(s string, c cell, what string) (float64, bool) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		rd.problem(c, "%s must be a finite number such as 12 or 3.5, not %q", what, clip(s))
		return 0, false
	}
	return v, true
}

// text checks valid UTF-8 and a length in characters.
func (rd *Reader) text(s string, c cell, limit int, what string) bool {
	if !utf8.ValidString(s) {
		rd.problem(c, "%s is not valid UTF-8 text (save the file as UTF-8)", what)
		return false
	}
	if len(s) > limit { // bytes ≥ characters: count only when it may matter
		if n := utf8.RuneCountInString(s); n > limit {
			rd.problem(c, "%s is %d characters long; at most %d are allowed", what, n, limit)
			return false
		}
	}
	return true
}

func (rd *Reader) time(s string, c cell) {
	var err error
	if rd.layout != nil {
		rd.rec.At, err = rd.layout.Parse(s, rd.loc)
	} else {
		rd.rec.At, err = journey.ParseTime(s, rd.loc)
	}
	if err != nil {
		rd.problem(c, "at: %v", err)
		return
	}
	rd.rec.At = rd.rec.At.In(rd.j.Location)
}

// clip shortens a value quoted in an error message.
func clip(s string) string {
	if len(s) <= 40 {
		return s
	}
	for i := 37; i > 0; i-- {
		if utf8.RuneStart(s[i]) {
			return s[:i] + "…"
		}
	}
	return s[:37]
}

// finish checks the record as a whole and sets its stage (§2): the stage
// given, else the first route that matches, else the source's stage.
func (rd *Reader) finish(line, row int) {
	r := &rd.rec
	whole := cell{line: line}
	if rd.given&(1<<fID) == 0 {
		rd.problem(rd.cellOf(fID, whole), "id is missing: every record needs one (1 to %d characters)", MaxID)
	}
	if rd.given&(1<<fAt) == 0 {
		if rd.ndjson || rd.columns[cxm.FieldAt] != "" {
			rd.problem(rd.cellOf(fAt, whole), "at is missing: every record needs the time it was given")
		} else {
			r.At = rd.now
		}
	}
	if rd.src.Channel == cxm.ChannelCustomers {
		if rd.given&(1<<fCustomer) == 0 {
			rd.problem(rd.cellOf(fCustomer, whole), "a record of channel customers needs a customer")
		}
		if rd.given&(1<<fEvent) == 0 {
			rd.problem(rd.cellOf(fEvent, whole), "a record of channel customers needs an event (gained or lost)")
		}
	} else if !r.HasFeedback() && rd.bad == 0 && len(rd.problems) == 0 {
		rd.problem(whole, "the record carries none of nps, csat, ces, comment or a measure")
	}
	if r.ID != "" {
		h1, h2 := maphash.String(rd.seeds[0], r.ID), uint32(maphash.String(rd.seeds[1], r.ID))
		if len(rd.problems) > 0 {
			// Only valid records claim their id: a rejected one may be
			// sent again, corrected, further down.
			if prev, dup := rd.ids.find(h1, h2); dup {
				rd.problem(rd.cells[fID], "id %q is already used in %s %d (ids are unique within a source)", clip(r.ID), rd.rowWord(), prev)
			}
		} else if prev, dup := rd.ids.add(h1, h2, int32(row)); dup {
			rd.problem(rd.cells[fID], "id %q is already used in %s %d (ids are unique within a source)", clip(r.ID), rd.rowWord(), prev)
		}
	}
	if r.Stage == "" {
		r.Stage = rd.route()
	}
}

// cellOf is where field k was read, or whole when it was not.
func (rd *Reader) cellOf(k int, whole cell) cell {
	if c := rd.cells[k]; c.line > 0 {
		return c
	}
	return whole
}

func (rd *Reader) rowWord() string {
	if rd.ndjson {
		return "line"
	}
	return "row"
}

// route returns the stage of the first route that matches the record, else
// the source's stage.
func (rd *Reader) route() string {
	r := &rd.rec
next:
	for i := range rd.routes {
		rt := &rd.routes[i]
		for k, a := range rt.attrs {
			if r.Attributes[a] != rt.values[k] {
				continue next
			}
		}
		if rt.comment != nil && (r.Comment == "" || !rt.comment.MatchString(r.Comment)) {
			continue
		}
		return rt.stage
	}
	return rd.src.Stage
}

func sortStrings(s []string) { sort.Strings(s) }
