package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/framework"
	"github.com/spf13/cobra"
)

func newFrameworkCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "framework",
		Short: "List, show and check competency frameworks",
	}
	cmd.AddCommand(newFrameworkListCmd(), newFrameworkShowCmd(), newFrameworkLintCmd())
	return cmd
}

func newFrameworkListCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the built-in frameworks",
		Args:  args(cobra.NoArgs),
	}
	format := addFormat(cmd, "table", "json")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		out := cmd.OutOrStdout()
		if format.value == "json" {
			type entry struct {
				ID           string `json:"id"`
				Version      int    `json:"version"`
				Name         string `json:"name"`
				Competencies int    `json:"competencies"`
				Items        int    `json:"items"`
			}
			list := []entry{}
			for _, f := range framework.Builtins() {
				list = append(list, entry{f.ID, f.Version, f.Name, len(f.Competencies), f.NumItems()})
			}
			return writeJSON(out, list)
		}
		tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tVERSION\tNAME\tCOMPETENCIES\tSTATEMENTS")
		for _, f := range framework.Builtins() {
			fmt.Fprintf(tw, "%s\t%d\t%s\t%d\t%d\n", f.ID, f.Version, f.Name, len(f.Competencies), f.NumItems())
		}
		return tw.Flush()
	}
	return cmd
}

func newFrameworkShowCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "show ID|FILE",
		Short: "Show a framework: stages, competencies, statements and practices",
		Long: `Show a built-in framework (by id) or a framework file.

--format yaml prints the framework file itself: a good start for your own
framework (cxm framework show temkin-four --format yaml > mine.yaml).`,
		Args: args(cobra.ExactArgs(1)),
	}
	format := addFormat(cmd, "text", "json", "yaml")
	cmd.RunE = func(cmd *cobra.Command, a []string) error {
		out := cmd.OutOrStdout()
		if format.value == "yaml" {
			data, ok := framework.BuiltinSource(a[0])
			if !ok {
				var err error
				if data, err = os.ReadFile(a[0]); err != nil {
					return err
				}
			}
			_, err := out.Write(data)
			return err
		}
		f, err := framework.Resolve(a[0])
		if err != nil {
			return err
		}
		if format.value == "json" {
			return writeJSON(out, f)
		}
		return showFramework(out, f)
	}
	return cmd
}

// showFramework prints a framework for reading in a terminal: every
// paragraph wrapped at the terminal's width (termWidth), list entries with
// a hanging indent.
func showFramework(w io.Writer, f *cxm.Framework) error {
	width := termWidth(w) - 1 // a full line would wrap early in some terminals
	fmt.Fprintln(w, hang("", fmt.Sprintf("%s (%s, version %d)", f.Name, f.ID, f.Version), width, "  "))
	if f.Attribution != "" {
		fmt.Fprintln(w, hang("After: ", f.Attribution, width, "  "))
	}
	if f.Description != "" {
		fmt.Fprintf(w, "\n%s\n", hang("", f.Description, width, ""))
	}
	scale := fmt.Sprintf("Scale %d..%d", f.Scale.Min, f.Scale.Max)
	if f.Scale.AllowUnknown {
		scale += ", \"don't know\" allowed"
	}
	fmt.Fprintf(w, "\n%s\n", hang("", fmt.Sprintf("%s. Rule: %s. Weak below %g.", scale, f.Rule, f.WeakBelow), width, ""))
	fmt.Fprintln(w, "\nSTAGES")
	for _, s := range f.Stages {
		fmt.Fprintln(w, hang(fmt.Sprintf("  from %3g  ", s.From), s.Name+" — "+s.Description, width, strings.Repeat(" ", 12)))
	}
	for _, c := range f.Competencies {
		fmt.Fprintf(w, "\n%s\n", hang("", fmt.Sprintf("%s (%s)", strings.ToUpper(c.Name), c.ID), width, "  "))
		if c.Summary != "" {
			fmt.Fprintln(w, hang("", c.Summary, width, ""))
		}
		if c.Weakness.Label != "" {
			fmt.Fprintln(w, hang("When weak: ", c.Weakness.Label+". "+c.Weakness.Meaning, width, "  "))
		}
		fmt.Fprintln(w, "Statements (R = reverse-keyed):")
		for _, it := range c.Items {
			mark := " "
			if it.Reverse {
				mark = "R"
			}
			weight := ""
			if it.Weight != 1 {
				weight = fmt.Sprintf(" (weight %g)", it.Weight)
			}
			prefix := fmt.Sprintf("  %s %-8s ", mark, it.ID)
			fmt.Fprintln(w, hang(prefix, it.Text+weight, width, strings.Repeat(" ", min(len(prefix), 13))))
		}
		if len(c.Practices) > 0 {
			fmt.Fprintln(w, "Practices:")
			for _, p := range c.Practices {
				stages := "any stage"
				if len(p.Stages) > 0 {
					stages = strings.Join(p.Stages, ", ")
				}
				fmt.Fprintln(w, hang("  - ", p.Title+" ["+stages+"]", width, "    "))
			}
		}
	}
	return nil
}

func newFrameworkLintCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "lint FILE...",
		Short: "Check framework files and report every problem with file:line:column",
		Args:  args(cobra.MinimumNArgs(1)),
	}
	format := addFormat(cmd, "text", "json")
	cmd.RunE = func(cmd *cobra.Command, files []string) error {
		return runLint(cmd, format.value, files, func(name string) linted {
			f, warns, err := framework.LoadLint(name)
			if err != nil {
				return linted{warnings: warns, err: err}
			}
			return linted{id: f.ID, warnings: warns, summary: fmt.Sprintf("%s version %d: %d stages, %d competencies, %d statements",
				f.ID, f.Version, len(f.Stages), len(f.Competencies), f.NumItems())}
		})
	}
	return cmd
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// wrap folds text at width, indenting continuation lines.
func wrap(text string, width int, indent string) string {
	var b strings.Builder
	line := 0
	for i, word := range strings.Fields(text) {
		if i > 0 {
			if line+1+len(word) > width {
				b.WriteString("\n" + indent)
				line = len(indent)
			} else {
				b.WriteByte(' ')
				line++
			}
		}
		b.WriteString(word)
		line += len(word)
	}
	return b.String()
}
