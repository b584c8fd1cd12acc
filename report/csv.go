package report

import (
	"io"
	"strconv"
	"strings"

	"github.com/cxmhq/cxm/internal/csvsafe"
)

// CSV writes one table ("competencies", "items", "groups" or "plan"; see
// Tables) as RFC 4180 CSV for spreadsheets: a UTF-8 byte order mark first
// (without it Excel reads UTF-8 as the local code page and garbles
// accents), CRLF line ends, a header row, the columns of the workbook
// sheet of the same name and a last column `withheld`. Figures are rounded
// as they are shown: scores to 1 decimal, coefficients (alpha, rwg) to 2;
// the JSON API keeps full precision. Undefined values are empty, booleans
// TRUE and FALSE. While results are withheld the table has one row, empty
// but for withheld = TRUE (the workbook's Summary says why); otherwise
// withheld is FALSE on every row. Note rows (the suppressed groups of each
// attribute) are part of the table as in the workbook. A text cell that a
// spreadsheet would take for a formula (starting with =, +, -, @, tab or
// carriage return) is prefixed with an apostrophe (internal/csvsafe);
// numbers are written as they are. An unknown table is an error.
func CSV(w io.Writer, in Input, table string) error {
	if err := in.check(); err != nil {
		return err
	}
	t, err := buildTable(&in, table)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(w, bom); err != nil {
		return err
	}
	cw := csvsafe.NewWriter(w)
	cw.UseCRLF = true
	header := make([]string, len(t.Columns)+1)
	for i, c := range t.Columns {
		header[i] = c.Name
	}
	header[len(t.Columns)] = "withheld"
	if err := cw.Write(header); err != nil {
		return err
	}
	rec := make([]string, len(header))
	if in.Result.Withheld {
		rec[len(t.Columns)] = "TRUE"
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	for _, row := range t.Rows {
		if in.Result.Withheld {
			break // the note row of the workbook: said by the withheld column
		}
		for i := range t.Columns {
			rec[i] = ""
			if i < len(row) {
				rec[i] = csvCell(row[i])
			}
		}
		rec[len(t.Columns)] = "FALSE"
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// bom is the UTF-8 byte order mark.
const bom = "\ufeff"

// csvCell writes a cell, rounded as the workbook shows it.
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
		return rounded(float64(x), 1)
	case coefNum:
		return rounded(float64(x), 2)
	case rateNum:
		return rounded(float64(x), 3)
	}
	return ""
}

// rounded writes v with the given decimals, without a "-0.0".
func rounded(v float64, decimals int) string {
	out := strconv.FormatFloat(v, 'f', decimals, 64)
	if strings.Trim(out, "-0.") == "" {
		return strings.TrimPrefix(out, "-")
	}
	return out
}
