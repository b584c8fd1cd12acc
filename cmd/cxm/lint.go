package main

import (
	"fmt"

	"github.com/cxmhq/cxm"
	"github.com/spf13/cobra"
)

// lintReport is one file's outcome of a lint command, as --format json
// prints it.
type lintReport struct {
	File   string   `json:"file"`
	OK     bool     `json:"ok"`
	ID     string   `json:"id,omitempty"`
	Errors []string `json:"errors"`
	// Warnings do not fail the lint (a translation some texts lack).
	Warnings []string `json:"warnings,omitempty"`
}

// linted is what a lint command learns of one file: its id and a line
// saying what it holds when it is valid, warnings, and err (a
// cxm.ErrorList when the file has problems).
type linted struct {
	id, summary string
	warnings    cxm.ErrorList
	err         error
}

// runLint lints every file with lint and prints each outcome as text or
// JSON; it returns every problem of every file, so the exit status is 1
// when one file has one.
func runLint(cmd *cobra.Command, format string, files []string, lint func(name string) linted) error {
	out := cmd.OutOrStdout()
	var reports []lintReport
	var all cxm.ErrorList
	for _, name := range files {
		l := lint(name)
		r := lintReport{File: name, Errors: []string{}}
		for _, w := range l.warnings {
			r.Warnings = append(r.Warnings, w.Error())
			if format == "text" {
				fmt.Fprintln(out, w.Error())
			}
		}
		switch e := l.err.(type) {
		case nil:
			r.OK, r.ID = true, l.id
			if format == "text" {
				fmt.Fprintf(out, "%s: ok (%s)\n", name, l.summary)
			}
		case cxm.ErrorList:
			all = append(all, e...)
			for _, x := range e {
				r.Errors = append(r.Errors, x.Error())
			}
		default:
			all = append(all, cxm.Error{File: name, Msg: e.Error()})
			r.Errors = append(r.Errors, e.Error())
		}
		reports = append(reports, r)
	}
	if format == "json" {
		if err := writeJSON(out, reports); err != nil {
			return err
		}
	}
	if len(all) > 0 {
		return all
	}
	return nil
}
