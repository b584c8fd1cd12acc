package feedback

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"unicode/utf8"

	"github.com/cxmhq/cxm"
)

// ndjsonFormat reads one JSON object a line, in the record shape of §2.
// Blank lines are skipped.
type ndjsonFormat struct {
	r    *bufio.Reader
	line int
	buf  []byte // the current line, reused
	read int64  // bytes read
}

func (n *ndjsonFormat) offset() int64 { return n.read }

func newNDJSON(br *bufio.Reader) *ndjsonFormat { return &ndjsonFormat{r: br} }

var fieldIndex = func() map[string]int {
	m := map[string]int{}
	for k, f := range cxm.Fields {
		m[string(f)] = k
	}
	return m
}()

func (n *ndjsonFormat) next(rd *Reader) (int, int, error) {
	for {
		line, err := n.readLine()
		if err != nil {
			return 0, 0, err
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		rd.curRow = n.line
		whole := cell{line: n.line, column: 1}
		if len(line) > MaxLine {
			rd.problem(whole, "the line is longer than %d bytes", MaxLine)
			rd.broken = true
			return n.line, n.line, nil
		}
		if !utf8.Valid(line) {
			rd.problem(whole, "the line is not valid UTF-8 text (save the file as UTF-8)")
			rd.broken = true
			return n.line, n.line, nil
		}
		n.object(rd, line)
		return n.line, n.line, nil
	}
}

// readLine reads the next line into n.buf, however long; past MaxLine it
// keeps reading to the line's end but not its bytes.
func (n *ndjsonFormat) readLine() ([]byte, error) {
	n.buf = n.buf[:0]
	long := false
	for {
		chunk, err := n.r.ReadSlice('\n')
		n.read += int64(len(chunk))
		if !long {
			n.buf = append(n.buf, chunk...)
			if len(n.buf) > MaxLine {
				long = true
			}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err == io.EOF && len(n.buf) == 0 {
			return nil, io.EOF
		}
		if err != nil && err != io.EOF {
			return nil, err
		}
		n.line++
		return bytes.TrimSuffix(bytes.TrimSuffix(n.buf, []byte("\n")), []byte("\r")), nil
	}
}

// object reads one record: every key must be a field of §2, each once.
func (n *ndjsonFormat) object(rd *Reader, line []byte) {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	whole := cell{line: n.line, column: 1}
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		rd.problem(whole, "each line must be one JSON object {\"id\": ..., \"at\": ..., ...}")
		rd.broken = true
		return
	}
	seen := map[string]bool{}
	for dec.More() {
		start := int(dec.InputOffset())
		t, err := dec.Token()
		if err != nil {
			n.syntax(rd, err, start)
			return
		}
		key, _ := t.(string)
		col := keyColumn(line, start)
		c := cell{line: n.line, column: col, name: key}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			n.syntax(rd, err, len(line))
			return
		}
		if seen[key] {
			rd.problem(c, "appears twice in the record")
			continue
		}
		seen[key] = true
		n.value(rd, key, raw, c)
	}
	if _, err := dec.Token(); err != nil {
		n.syntax(rd, err, len(line))
		return
	}
	if dec.More() {
		rd.problem(cell{line: n.line, column: int(dec.InputOffset()) + 1}, "text after the record's closing }: one JSON object a line")
	}
}

func (n *ndjsonFormat) syntax(rd *Reader, err error, at int) {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		at = int(se.Offset)
	}
	rd.problem(cell{line: n.line, column: at + 1}, "not valid JSON: %s", jsonMessage(err))
	rd.broken = true
}

func jsonMessage(err error) string {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return "the line ends before the object is closed"
	}
	return err.Error()
}

// keyColumn finds the 1-based column of the key that starts after offset.
func keyColumn(line []byte, offset int) int {
	if i := bytes.IndexByte(line[offset:], '"'); i >= 0 {
		return offset + i + 1
	}
	return offset + 1
}

func (n *ndjsonFormat) value(rd *Reader, key string, raw json.RawMessage, c cell) {
	switch key {
	case "source":
		if s, ok := scalarText(rd, raw, c); ok && s != "" && s != rd.src.ID {
			rd.problem(c, "the record is of source %q, but source %s is being read", clip(s), rd.src.ID)
		}
		return
	case "measures":
		n.members(rd, raw, c, func(name, s string, mc cell) {
			if i := rd.src.MeasureIndex(name); i >= 0 {
				rd.setMeasure(i, s, mc)
			} else {
				rd.problem(mc, "%q is not a measure of source %s (measures: %s)", clip(name), rd.src.ID, measureList(rd.src))
			}
		})
		return
	case "attributes":
		n.members(rd, raw, c, func(name, s string, mc cell) {
			if i := rd.src.AttributeIndex(name); i >= 0 {
				rd.setAttribute(i, s, mc)
			} else {
				rd.problem(mc, "%q is not an attribute of source %s", clip(name), rd.src.ID)
			}
		})
		return
	}
	k, ok := fieldIndex[key]
	if !ok {
		rd.problem(c, "unknown field %q (fields: source, id, at, customer, employee, stage, nps, csat, ces, comment, measures, attributes, event, value)", clip(key))
		return
	}
	if (k == fEvent || k == fValue) && rd.src.Channel != cxm.ChannelCustomers {
		if s, ok := scalarText(rd, raw, c); ok && s != "" {
			rd.problem(c, "%s is only for sources of channel customers", key)
		}
		return
	}
	if s, ok := scalarText(rd, raw, c); ok {
		rd.setField(k, s, c)
	} else {
		rd.cells[k] = c
		rd.bad |= 1 << k
		rd.given |= 1 << k
	}
}

// scalarText is a JSON value as text: a string's content, a number as
// written, "" for null. Other values are errors.
func scalarText(rd *Reader, raw json.RawMessage, c cell) (string, bool) {
	switch {
	case len(raw) == 0:
		return "", true
	case raw[0] == '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			rd.problem(c, "not a valid JSON string")
			return "", false
		}
		return s, true
	case raw[0] == '-' || raw[0] >= '0' && raw[0] <= '9':
		return string(raw), true
	case string(raw) == "null":
		return "", true
	}
	rd.problem(c, "must be a string or a number, not %s", clip(string(raw)))
	return "", false
}

// members reads an object of name: value (measures, attributes).
func (n *ndjsonFormat) members(rd *Reader, raw json.RawMessage, c cell, fn func(name, s string, mc cell)) {
	if string(raw) == "null" {
		return
	}
	var m map[string]json.RawMessage
	if len(raw) == 0 || raw[0] != '{' || json.Unmarshal(raw, &m) != nil {
		rd.problem(c, "must be an object of names to values, e.g. {\"speed\": 4}")
		return
	}
	names := make([]string, 0, len(m))
	for name := range m {
		names = append(names, name)
	}
	sortStrings(names)
	for _, name := range names {
		mc := cell{line: c.line, column: c.column, name: c.name + "." + name}
		if s, ok := scalarText(rd, m[name], mc); ok {
			fn(name, s, mc)
		}
	}
}

func measureList(s *cxm.Source) string {
	if len(s.Measures) == 0 {
		return "none"
	}
	out := ""
	for i, m := range s.Measures {
		if i > 0 {
			out += ", "
		}
		out += m.Name
	}
	return out
}

func (n *ndjsonFormat) text() string { return string(bytes.TrimRight(n.buf, "\r\n")) }
