// Package csvsafe keeps the CSV files cxm writes from running as
// spreadsheet formulas (CSV injection, OWASP): a text cell that starts with
// =, +, -, @, a tab or a carriage return gets a leading apostrophe, so
// Excel, LibreOffice and Google Sheets show it as text. Numbers are left as
// they are, so a negative number stays a number. Every CSV writer in cxm
// goes through Writer; readers of cxm's own files undo it with Unescape.
package csvsafe

import (
	"encoding/csv"
	"io"
	"regexp"
	"strings"
)

// risky are the first characters that make a spreadsheet read a cell as a
// formula (or, for tab and carriage return, hide one after them).
const risky = "=+-@\t\r"

// Cell returns s as it must be written: with one more leading apostrophe
// when s, after any apostrophes it starts with, begins with a risky
// character and is not a plain number. The extra apostrophe for a value
// that already starts with apostrophes keeps Unescape exact.
func Cell(s string) string {
	rest := strings.TrimLeft(s, "'")
	if rest == "" || !strings.ContainsRune(risky, rune(rest[0])) || len(rest) == len(s) && isNumber(s) {
		return s
	}
	return "'" + s
}

// Unescape undoes Cell: Unescape(Cell(s)) == s for every s.
func Unescape(s string) string {
	rest := strings.TrimLeft(s, "'")
	if len(rest) < len(s) && rest != "" && strings.ContainsRune(risky, rune(rest[0])) {
		return s[1:]
	}
	return s
}

// number is a decimal number as spreadsheets read one: an optional sign,
// digits with at most one point, an optional exponent.
var number = regexp.MustCompile(`^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$`)

func isNumber(s string) bool { return number.MatchString(s) }

// Writer is a csv.Writer whose every cell goes through Cell.
type Writer struct {
	*csv.Writer
	rec []string
}

// NewWriter returns a Writer to w.
func NewWriter(w io.Writer) *Writer {
	return &Writer{Writer: csv.NewWriter(w)}
}

// Write writes one record, each cell made safe; record is not changed.
func (w *Writer) Write(record []string) error {
	w.rec = w.rec[:0]
	for _, s := range record {
		w.rec = append(w.rec, Cell(s))
	}
	return w.Writer.Write(w.rec)
}

// WriteAll writes records, each cell made safe, and flushes.
func (w *Writer) WriteAll(records [][]string) error {
	for _, r := range records {
		if err := w.Write(r); err != nil {
			return err
		}
	}
	w.Flush()
	return w.Error()
}
