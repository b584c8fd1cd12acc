package report

import (
	"io"
	"strconv"

	"github.com/cxmhq/cxm/internal/csvsafe"
)

// CSV writes one table ("competencies", "items", "groups" or "plan"; see
// Tables) as RFC 4180 CSV (CRLF line ends, a header row): the columns of the
// workbook sheet of the same name, numbers unrounded, undefined values
// empty, booleans TRUE and FALSE. Note rows (the suppressed groups of each
// attribute; the only row when the result is withheld) are part of the
// table as in the workbook. A text cell that a spreadsheet would take for a
// formula (starting with =, +, -, @, tab or carriage return) is prefixed
// with an apostrophe (internal/csvsafe); numbers are written as they are.
// An unknown table is an error.
func CSV(w io.Writer, in Input, table string) error {
	if err := in.check(); err != nil {
		return err
	}
	t, err := buildTable(&in, table)
	if err != nil {
		return err
	}
	cw := csvsafe.NewWriter(w)
	cw.UseCRLF = true
	header := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		header[i] = c.Name
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	rec := make([]string, len(t.Columns))
	for _, row := range t.Rows {
		for i := range rec {
			rec[i] = ""
			if i < len(row) {
				rec[i] = csvCell(row[i])
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func csvCell(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case note:
		return string(x)
	case int:
		return strconv.Itoa(x)
	case bool:
		if x {
			return "TRUE"
		}
		return "FALSE"
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case scoreNum:
		return strconv.FormatFloat(float64(x), 'f', -1, 64)
	case coefNum:
		return strconv.FormatFloat(float64(x), 'f', -1, 64)
	case rateNum:
		return strconv.FormatFloat(float64(x), 'f', -1, 64)
	}
	return ""
}
