package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/journey"
	"github.com/spf13/cobra"
)

func newJourneyCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "journey",
		Short: "Show and check customer journey files",
		Long: `A journey file maps every channel of customer feedback (surveys, support,
reviews, ...) to the stages of the customer journey (docs/journeys.md).
cxm ships one example: online-grocer.`,
	}
	cmd.AddCommand(newJourneyShowCmd(), newJourneyLintCmd())
	return cmd
}

func newJourneyShowCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "show ID|FILE",
		Short: "Show a journey: stages, sources, routes, promises and rules",
		Long: `Show a built-in journey (by id) or a journey file.

--format yaml prints the journey file itself: a good start for your own
(cxm journey show online-grocer --format yaml > mine.yaml).`,
		Args: args(cobra.ExactArgs(1)),
	}
	format := addFormat(cmd, "text", "json", "yaml")
	cmd.RunE = func(cmd *cobra.Command, a []string) error {
		out := cmd.OutOrStdout()
		j, err := journey.Resolve(a[0])
		if err != nil {
			return err
		}
		switch format.value {
		case "yaml":
			data, ok := journey.BuiltinSource(a[0])
			if !ok {
				if data, err = os.ReadFile(a[0]); err != nil {
					return err
				}
			}
			_, err := out.Write(data)
			return err
		case "json":
			return writeJSON(out, j)
		}
		return showJourney(out, j)
	}
	return cmd
}

func showJourney(w io.Writer, j *cxm.Journey) error {
	fmt.Fprintf(w, "%s (%s, version %d)\n", j.Name, j.ID, j.Version)
	fmt.Fprintf(w, "Time zone %s. Figures need at least %d answers. CSAT %d..%d (satisfied from %d), CES %d..%d (easy from %d).\n",
		j.Timezone, j.MinN, j.Scales.CSAT.Min, j.Scales.CSAT.Max, j.Scales.CSAT.SatisfiedFrom, j.Scales.CES.Min, j.Scales.CES.Max, j.Scales.CES.EasyFrom)
	fmt.Fprintln(w, "\nSTAGES")
	for i, s := range j.Stages {
		owner := ""
		if s.Owner != "" {
			owner = " — " + s.Owner
		}
		fmt.Fprintf(w, "  %d. %s (%s)%s\n", i+1, s.Name, s.ID, owner)
	}
	fmt.Fprintln(w, "\nSOURCES")
	for _, s := range j.Sources {
		stage := "no stage"
		if s.Stage != "" {
			stage = "stage " + s.Stage
		}
		fmt.Fprintf(w, "  %s: %s, %s, %s\n", s.ID, s.Channel, s.Format, stage)
		if len(s.Columns) > 0 {
			var cols []string
			for _, f := range cxm.Fields {
				if c, ok := s.Columns[f]; ok {
					cols = append(cols, fmt.Sprintf("%s←%s", f, c))
				}
			}
			fmt.Fprintf(w, "    columns: %s\n", strings.Join(cols, ", "))
		}
		if len(s.Measures) > 0 {
			var ms []string
			for _, m := range s.Measures {
				ms = append(ms, m.Name)
			}
			fmt.Fprintf(w, "    measures: %s\n", strings.Join(ms, ", "))
		}
		if len(s.Attributes) > 0 {
			fmt.Fprintf(w, "    attributes: %s\n", strings.Join(s.Attributes, ", "))
		}
	}
	showRules(w, j)
	return nil
}

func showRules(w io.Writer, j *cxm.Journey) {
	if len(j.Routes) > 0 {
		fmt.Fprintln(w, "\nROUTES (the first that matches sets the stage)")
		for _, r := range j.Routes {
			var conds []string
			if r.Source != "" {
				conds = append(conds, "source "+r.Source)
			}
			if r.CommentMatches != "" {
				conds = append(conds, fmt.Sprintf("comment matches %s", r.CommentMatches))
			}
			keys := make([]string, 0, len(r.Attribute))
			for k := range r.Attribute {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				conds = append(conds, fmt.Sprintf("%s = %s", k, r.Attribute[k]))
			}
			fmt.Fprintf(w, "  %s → %s\n", strings.Join(conds, " and "), r.Stage)
		}
	}
	if len(j.Topics) > 0 {
		fmt.Fprintln(w, "\nTOPICS")
		for _, t := range j.Topics {
			fmt.Fprintf(w, "  %s: %s\n", t.Name, strings.Join(t.Terms, ", "))
		}
	}
	if len(j.Promises) > 0 {
		fmt.Fprintln(w, "\nPROMISES")
		for _, p := range j.Promises {
			fmt.Fprintf(w, "  %s (%s; target %g%% a %s)\n", p.Text, p.ID, p.Target, p.Period)
		}
	}
	if len(j.FollowUp) > 0 {
		fmt.Fprintln(w, "\nFOLLOW-UP")
		for _, f := range j.FollowUp {
			hours := ""
			if f.Hours != nil {
				hours = " (" + f.Hours.Text + ")"
			}
			fmt.Fprintf(w, "  %s: within %s%s, owner %s\n", f.ID, f.WithinText(), hours, f.Owner)
		}
	}
	if len(j.Drivers) > 0 {
		fmt.Fprintln(w, "\nDRIVERS")
		for _, d := range j.Drivers {
			fmt.Fprintf(w, "  %s: %s of %s against %s\n", d.ID, d.Target, d.Source, strings.Join(d.Drivers, ", "))
		}
	}
}

func newJourneyLintCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "lint FILE...",
		Short: "Check journey files and report every problem with file:line:column",
		Args:  args(cobra.MinimumNArgs(1)),
	}
	format := addFormat(cmd, "text", "json")
	cmd.RunE = func(cmd *cobra.Command, files []string) error {
		return runLint(cmd, format.value, files, func(name string) linted {
			j, err := journey.Load(name)
			if err != nil {
				return linted{err: err}
			}
			return linted{id: j.ID, summary: fmt.Sprintf("%s version %d: %d stages, %d sources, %d routes",
				j.ID, j.Version, len(j.Stages), len(j.Sources), len(j.Routes))}
		})
	}
	return cmd
}
