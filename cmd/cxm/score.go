package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/framework"
	"github.com/cxmhq/cxm/internal/csvsafe"
	"github.com/cxmhq/cxm/responses"
	"github.com/cxmhq/cxm/score"
	"github.com/spf13/cobra"
)

// scoreArgs says what cxm score needs when it is not one file.
func scoreArgs(_ *cobra.Command, a []string) error {
	switch {
	case len(a) == 0:
		return usagef("which responses? Give the response file: a CSV with one respondent a row and one column per statement, or - to read it from standard input, e.g. cxm score --framework temkin-four responses.csv")
	case len(a) > 1:
		return usagef("one response file at a time, not %d (%s)", len(a), strings.Join(a, " "))
	}
	return nil
}

func newScoreCmd() *cobra.Command {
	var fwRef string
	var groupBy []string
	var minGroup int
	cmd := &cobra.Command{
		Use:   "score --framework ID|FILE [flags] FILE|-",
		Short: "Score a response file and say where the organization stands",
		Long: `Score a response file (CSV: one respondent a row, one column per statement,
other columns are attributes such as department) against a framework, and
print each competency's score with its 95% confidence interval, stage and
agreement, the weakest link and what it means, and breakdowns by attribute.

Groups of fewer than --min-group respondents are never shown, nor any group
whose figures would let a reader compute those of fewer respondents from the
others, within one attribute or across several broken down together (for
example department and level). Every statement's answers are in the JSON
output ("items"); the server withholds those answered by fewer than k.

The verdict says when the weakest competency cannot be told apart from
others (a paired t-test, respondent by respondent) and when a score's 95%
interval spans stages; alpha is explained in words.

Exit status: 0 scored, 1 bad input (nothing is printed but the errors,
each with file:line:column), 2 wrong usage.`,
		Example: `  cxm score --framework temkin-four examples/temkin-four-responses.csv
  cxm score --framework temkin-four --group-by department,level examples/temkin-four-responses.csv
  cat answers.csv | cxm score --framework my-framework.yaml --format json -`,
		Args: scoreArgs,
	}
	cmd.Flags().StringVar(&fwRef, "framework", "", "built-in framework id or framework file (required)")
	cmd.Flags().StringSliceVar(&groupBy, "group-by", nil, "attribute(s) to break results down by, comma-separated")
	cmd.Flags().IntVar(&minGroup, "min-group", score.DefaultMinGroup, fmt.Sprintf("smallest group shown (at least %d)", score.MinMinGroup))
	format := addFormat(cmd, "table", "json", "csv")
	cmd.RegisterFlagCompletionFunc("framework", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		var ids []string
		for _, f := range framework.Builtins() {
			ids = append(ids, f.ID)
		}
		return ids, cobra.ShellCompDirectiveDefault
	})
	cmd.RunE = func(cmd *cobra.Command, a []string) error {
		if fwRef == "" {
			return usagef("--framework is required (a built-in id such as temkin-four, or a framework file)")
		}
		if minGroup < score.MinMinGroup {
			return usagef("--min-group must be at least %d, not %d", score.MinMinGroup, minGroup)
		}
		f, err := framework.Resolve(fwRef)
		if err != nil {
			return err
		}
		res, err := scoreInput(cmd, f, a[0], groupBy, minGroup)
		if err != nil {
			return err
		}
		out := bufio.NewWriter(cmd.OutOrStdout())
		defer out.Flush()
		switch format.value {
		case "json":
			return writeJSON(out, res)
		case "csv":
			return writeResultCSV(out, f, res)
		}
		return writeResultTable(out, f, res)
	}
	return cmd
}

// scoreInput streams the response file through a scorer. Nothing is
// returned unless the whole file is valid.
func scoreInput(cmd *cobra.Command, f *cxm.Framework, name string, groupBy []string, minGroup int) (*score.Result, error) {
	var in io.Reader = cmd.InOrStdin()
	label := "standard input"
	var size int64
	if name != "-" {
		fh, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer fh.Close()
		if st, err := fh.Stat(); err == nil {
			size = st.Size()
		}
		in, label = fh, name
	}
	in = progressReader(in, cmd.ErrOrStderr(), size)
	rd, err := responses.NewReader(label, in, f)
	if err != nil {
		return nil, err
	}
	s, err := score.New(f, score.Options{Attributes: rd.Attributes(), GroupBy: groupBy, MinGroup: minGroup})
	if err != nil {
		return nil, err
	}
	if err := rd.Each(s.Add); err != nil {
		return nil, err
	}
	return s.Result(), nil
}

// progressReader reports how far a large file has been read, on standard
// error and only when that is a terminal, so scripts and pipes see nothing.
func progressReader(r io.Reader, w io.Writer, size int64) io.Reader {
	fh, ok := w.(*os.File)
	if !ok || size < 16<<20 {
		return r
	}
	if st, err := fh.Stat(); err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return r
	}
	return &progress{r: r, w: w, size: size}
}

type progress struct {
	r    io.Reader
	w    io.Writer
	size int64
	read int64
	last time.Time
}

func (p *progress) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.read += int64(n)
	if now := time.Now(); now.Sub(p.last) > 200*time.Millisecond || err == io.EOF {
		p.last = now
		fmt.Fprintf(p.w, "\rreading responses: %3d%%", 100*p.read/p.size)
		if err == io.EOF {
			fmt.Fprint(p.w, "\r                        \r")
		}
	}
	return n, err
}

func writeResultTable(w io.Writer, f *cxm.Framework, r *score.Result) error {
	fmt.Fprintf(w, "%s (%s v%d) · %d respondents\n\n", f.Name, f.ID, f.Version, r.Respondents)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "COMPETENCY\tN\tSCORE\t95% CI\tSTAGE\tAGREEMENT (rwg)\tALPHA\t")
	tied := map[string]bool{}
	for _, id := range r.Overall.TiedWith {
		tied[id] = true
	}
	for _, c := range r.Competencies {
		note := ""
		switch {
		case c.ID == r.Overall.Weakest && len(tied) == 0:
			note = "◀ weakest link"
		case c.ID == r.Overall.Weakest || tied[c.ID]:
			note = "◀ jointly weakest"
		}
		fmt.Fprintf(tw, "%s\t%d\t%.1f\t%s\t%s\t%s\t%s\t%s\n", f.Competency(c.ID).Name, c.N, c.Score, ciText(c.CI),
			stageText(f, c), agreementText(c.Rwg), alphaText(c), note)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if r.Overall.Mean != nil {
		fmt.Fprintf(w, "\nOverall stage: %s (%s rule). Mean of the competencies: %.1f.\n", f.StageName(r.Overall.Stage), r.Overall.Rule, *r.Overall.Mean)
	}
	fmt.Fprintln(w)
	for _, s := range score.Verdict(f, r) {
		fmt.Fprintln(w, wrap(s, 78, ""))
	}
	if len(r.Overall.Comparisons) > 0 {
		fmt.Fprintf(w, "\nAgainst %s, respondent by respondent:\n", f.Competency(r.Overall.Weakest).Name)
		for _, c := range r.Overall.Comparisons {
			fmt.Fprintln(w, wrap("- "+score.ComparisonWords(f, c)+".", 78, "  "))
		}
	}
	var notes []string
	for _, c := range r.Competencies {
		if score.AlphaWord(c) != "good" {
			notes = append(notes, score.AlphaNote(c))
		}
	}
	if len(notes) > 0 {
		fmt.Fprintln(w, "\nConsistency of the statements (alpha):")
		for _, n := range notes {
			fmt.Fprintln(w, wrap("- "+n, 78, "  "))
		}
	}
	for _, attr := range r.GroupBy {
		if err := writeGroups(w, f, r, attr); err != nil {
			return err
		}
	}
	return nil
}

// stageText is the stage, with the range its 95% interval spans when that
// is more than one stage: "Mobilize (Explore–Drive)".
func stageText(f *cxm.Framework, c score.Competency) string {
	s := f.StageName(c.Stage)
	if rng := c.StageRange; rng != nil && rng[0] != rng[1] {
		s += fmt.Sprintf(" (%s–%s)", f.StageName(rng[0]), f.StageName(rng[1]))
	}
	return s
}

// alphaText is alpha in words with the number: "good (0.81)".
func alphaText(c score.Competency) string {
	if c.Alpha == nil {
		return "–"
	}
	return fmt.Sprintf("%s (%.2f)", score.AlphaWord(c), *c.Alpha)
}

func writeGroups(w io.Writer, f *cxm.Framework, r *score.Result, attr string) error {
	fmt.Fprintf(w, "\nBY %s", strings.ToUpper(attr))
	if n := r.Suppressed[attr]; n > 0 {
		fmt.Fprintf(w, " (%d group(s) hidden for some or all competencies: fewer than %d respondents, or recoverable from the figures shown)", n, r.MinGroup)
	}
	fmt.Fprintln(w)
	if len(r.Groups[attr]) == 0 {
		fmt.Fprintln(w, "No group is large enough to show.")
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprint(tw, "GROUP\t    N\t")
	for _, c := range r.Competencies {
		fmt.Fprintf(tw, "%6s\t", abbrev(f.Competency(c.ID).Name))
	}
	fmt.Fprintln(tw)
	for _, g := range r.Groups[attr] {
		fmt.Fprintf(tw, "%s\t%5d\t", valueText(g.Value), g.N)
		for _, c := range g.Competencies {
			fmt.Fprintf(tw, "%6s\t", num(c.Score, 1))
		}
		fmt.Fprintln(tw)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	var legend []string
	for _, c := range r.Competencies {
		if name := f.Competency(c.ID).Name; abbrev(name) != name {
			legend = append(legend, abbrev(name)+" = "+name+".")
		}
	}
	legend = append(legend, "– = too few answers to show.")
	fmt.Fprintln(w, wrap(strings.Join(legend, " "), 78, ""))
	var widest *score.Gap
	for i, g := range r.Gaps[attr] {
		if widest == nil || g.Gap > widest.Gap {
			widest = &r.Gaps[attr][i]
		}
	}
	if widest != nil {
		fmt.Fprintln(w, wrap(fmt.Sprintf("Widest gap: %s, %.1f points between %s (highest) and %s (lowest).",
			f.Competency(widest.Competency).Name, widest.Gap, valueText(widest.High), valueText(widest.Low)), 78, ""))
	}
	return nil
}

// writeResultCSV writes one row per competency overall, then one per shown
// group and competency, for spreadsheets and scripts. The overall rows also
// carry the stage range and the paired comparison with the weakest (§4.10).
func writeResultCSV(w io.Writer, f *cxm.Framework, r *score.Result) error {
	cw := csvsafe.NewWriter(w) // group values come from the input file
	cw.Write([]string{"attribute", "group", "group_n", "competency", "n", "score", "sd", "ci_low", "ci_high", "alpha", "rwg", "stage",
		"stage_low", "stage_high", "weakest", "vs_weakest_m", "vs_weakest_diff", "vs_weakest_p", "tied_with_weakest"})
	cmp := map[string]score.Comparison{}
	for _, c := range r.Overall.Comparisons {
		cmp[c.Competency] = c
	}
	tied := map[string]bool{}
	for _, id := range r.Overall.TiedWith {
		tied[id] = true
	}
	for _, c := range r.Competencies {
		lo, hi := ciBounds(c.CI)
		row := []string{"", "", strconv.Itoa(r.Respondents), c.ID, strconv.Itoa(c.N), full(&c.Score), full(c.SD), lo, hi, full(c.Alpha), full(c.Rwg), c.Stage}
		slo, shi := "", ""
		if c.StageRange != nil {
			slo, shi = c.StageRange[0], c.StageRange[1]
		}
		row = append(row, slo, shi, strconv.FormatBool(c.ID == r.Overall.Weakest))
		if x, ok := cmp[c.ID]; ok {
			row = append(row, strconv.Itoa(x.M), full(x.Diff), full(x.P), strconv.FormatBool(tied[c.ID]))
		} else {
			row = append(row, "", "", "", "")
		}
		cw.Write(row)
	}
	for _, attr := range r.GroupBy {
		for _, g := range r.Groups[attr] {
			for _, c := range g.Competencies {
				lo, hi := ciBounds(c.CI)
				cw.Write([]string{attr, g.Value, strconv.Itoa(g.N), c.ID, strconv.Itoa(c.N), full(c.Score), full(c.SD), lo, hi, "", "", c.Stage,
					"", "", "", "", "", "", ""})
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

func ciBounds(ci *[2]float64) (string, string) {
	if ci == nil {
		return "", ""
	}
	return full(&ci[0]), full(&ci[1])
}

func full(x *float64) string {
	if x == nil {
		return ""
	}
	return strconv.FormatFloat(*x, 'g', -1, 64)
}

func num(x *float64, decimals int) string {
	if x == nil {
		return "–"
	}
	return strconv.FormatFloat(*x, 'f', decimals, 64)
}

func ciText(ci *[2]float64) string {
	if ci == nil {
		return "–"
	}
	return fmt.Sprintf("%.1f–%.1f", ci[0], ci[1])
}

func agreementText(rwg *float64) string {
	if rwg == nil {
		return "–"
	}
	return fmt.Sprintf("%s (%.2f)", score.Agreement(rwg), *rwg)
}

func valueText(v string) string {
	if v == "" {
		return "(not given)"
	}
	return v
}

// abbrev shortens a competency name to its initials for narrow tables.
func abbrev(name string) string {
	var b strings.Builder
	for _, w := range strings.Fields(name) {
		r := []rune(w)
		if len(r) > 0 && (r[0] >= 'A' && r[0] <= 'Z' || r[0] >= '0' && r[0] <= '9') {
			b.WriteRune(r[0])
		}
	}
	if b.Len() < 2 {
		return name
	}
	return b.String()
}
