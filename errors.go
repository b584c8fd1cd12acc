package cxm

import (
	"fmt"
	"strings"
)

// Error is one problem in an input file, at a 1-based line and column, so a
// user can go straight to it. Column is 0 when only the line is known, Line
// when nothing is.
type Error struct {
	File   string
	Line   int
	Column int
	Msg    string
}

func (e Error) Error() string {
	switch {
	case e.Line == 0:
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	case e.Column == 0:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Msg)
}

// ErrorList is every problem found in a file, in file order: inputs are
// checked whole so a user can fix them in one go.
type ErrorList []Error

func (l ErrorList) Error() string {
	lines := make([]string, len(l))
	for i, e := range l {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}
