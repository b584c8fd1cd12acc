package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/feedback"
	"github.com/cxmhq/cxm/internal/csvsafe"
	"github.com/cxmhq/cxm/journey"
	"github.com/cxmhq/cxm/listen"
	"github.com/cxmhq/cxm/sentiment"
	"github.com/spf13/cobra"
)

func newListenCmd() *cobra.Command {
	var journeyRef, sourceID, from, to string
	var by []string
	cmd := &cobra.Command{
		Use:   "listen --journey ID|FILE --source ID [flags] FILE...|-",
		Short: "Customer figures per journey stage straight from feedback files",
		Long: `Read feedback files of one source of a journey (CSV, NDJSON or a Qualtrics
export, as the journey's source says) and print, per stage of the journey,
NPS, CSAT and customer effort with their 95% intervals and the sentiment of
the comments (listening.md §4, §7.2), with no database. The files are
streamed: memory grows with stages and days, not with records.

--by stage (the default) gives one line per stage; add a period (day, week,
month or quarter) for a trend per stage and the change of the last period
against the one before. A figure over fewer answers than the journey's
min_n shows its count only. --format json prints the summary object of the
API (listening.md §11).

Every record is checked first (listening.md §2): on any error nothing is
printed but the errors, each with its line and column, and the exit status
is 1. Exit status 2 is wrong usage.`,
		Example: `  cxm listen --journey online-grocer --source reviews ../shared/data/fine-foods-reviews.csv
  cxm listen --journey my-journey.yaml --source support-survey --by stage,month export.csv
  cxm listen --journey my-journey.yaml --source chat --from 2026-10-01 --to 2026-11-01 --format json chats.ndjson`,
		Args: args(cobra.MinimumNArgs(1)),
	}
	cmd.Flags().StringVar(&journeyRef, "journey", "", "built-in journey id or journey file (required)")
	cmd.Flags().StringVar(&sourceID, "source", "", "the journey's source the files come from (required)")
	cmd.Flags().StringSliceVar(&by, "by", []string{"stage"}, "stage, and optionally one period: day, week, month or quarter")
	cmd.Flags().StringVar(&from, "from", "", "count records at or after this time (RFC 3339, or a date in the journey's time zone)")
	cmd.Flags().StringVar(&to, "to", "", "count records before this time (RFC 3339, or a date in the journey's time zone)")
	format := addFormat(cmd, "table", "json", "csv")
	cmd.RunE = func(cmd *cobra.Command, files []string) error {
		if journeyRef == "" || sourceID == "" {
			return usagef("--journey and --source are required: which journey, and which of its sources the files come from")
		}
		period, err := listenPeriod(by)
		if err != nil {
			return err
		}
		j, err := journey.Resolve(journeyRef)
		if err != nil {
			return err
		}
		if j.Source(sourceID) == nil {
			return usagef("journey %s has no source %q", j.ID, sourceID)
		}
		span, err := listenSpan(from, to, j.Location)
		if err != nil {
			return err
		}
		cfg := listenConfig(j)
		slices := listen.NewSlices(j.Location)
		for _, name := range files {
			if err := listenFile(cmd, j, sourceID, name, cfg, span, slices); err != nil {
				return err
			}
		}
		stages := make([]string, len(j.Stages))
		for i, s := range j.Stages {
			stages[i] = s.ID
		}
		sum, err := cfg.Summarize(slices, stages, period)
		if err != nil {
			return err
		}
		out := bufio.NewWriter(cmd.OutOrStdout())
		defer out.Flush()
		switch format.value {
		case "json":
			return writeJSON(out, listenJSON{Journey: ref{j.ID, j.Version}, Source: sourceID, From: span.from, To: span.to, JourneySummary: sum})
		case "csv":
			return writeListenCSV(out, j, sum)
		}
		return writeListenTable(out, j, sum)
	}
	return cmd
}

type ref struct {
	ID      string `json:"id"`
	Version int    `json:"version"`
}

// listenJSON is the summary object of listening.md §11.
type listenJSON struct {
	Journey ref        `json:"journey"`
	Source  string     `json:"source"`
	From    *time.Time `json:"from"`
	To      *time.Time `json:"to"`
	listen.JourneySummary
}

// listenPeriod reads --by: stage, and at most one period.
func listenPeriod(by []string) (*listen.Period, error) {
	var period *listen.Period
	for _, b := range by {
		if b == "stage" {
			continue
		}
		p, err := listen.ParsePeriod(b)
		if err != nil {
			return nil, usagef("--by takes stage and one period (day, week, month or quarter), not %q", b)
		}
		if period != nil {
			return nil, usagef("--by takes one period, not %s and %s", *period, p)
		}
		period = &p
	}
	return period, nil
}

// timeSpan is the [from, to) of the records counted; nil ends are open.
type timeSpan struct{ from, to *time.Time }

func (s timeSpan) holds(t time.Time) bool {
	return (s.from == nil || !t.Before(*s.from)) && (s.to == nil || t.Before(*s.to))
}

func listenSpan(from, to string, loc *time.Location) (timeSpan, error) {
	var s timeSpan
	for _, x := range []struct {
		flag, v string
		dst     **time.Time
	}{{"--from", from, &s.from}, {"--to", to, &s.to}} {
		if x.v == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339, x.v)
		if err != nil {
			if t, err = time.ParseInLocation("2006-01-02", x.v, loc); err != nil {
				return s, usagef("%s %q is not a time: write 2026-11-01 or 2026-11-01T00:00:00Z", x.flag, x.v)
			}
		}
		*x.dst = &t
	}
	if s.from != nil && s.to != nil && !s.from.Before(*s.to) {
		return s, usagef("--from must be before --to")
	}
	return s, nil
}

func listenConfig(j *cxm.Journey) listen.Config {
	sc := j.Scales
	return listen.Config{MinN: j.MinN,
		CSAT: listen.Scale{Min: sc.CSAT.Min, Max: sc.CSAT.Max, From: sc.CSAT.SatisfiedFrom},
		CES:  listen.Scale{Min: sc.CES.Min, Max: sc.CES.Max, From: sc.CES.EasyFrom}}
}

// listenFile streams one file's records into the slices: every record is
// checked, and nothing of the file counts unless all of it is valid.
func listenFile(cmd *cobra.Command, j *cxm.Journey, sourceID, name string, cfg listen.Config, span timeSpan, slices *listen.Slices) error {
	var in io.Reader = cmd.InOrStdin()
	label := "standard input"
	var size int64
	if name != "-" {
		fh, err := os.Open(name)
		if err != nil {
			return err
		}
		defer fh.Close()
		if st, err := fh.Stat(); err == nil {
			size = st.Size()
		}
		in, label = fh, name
	}
	rd, err := feedback.NewReader(label, progressReader(in, cmd.ErrOrStderr(), size), j, sourceID, feedback.Options{})
	if err != nil {
		return err
	}
	file, err := countRecords(rd, j.Location, cfg, span)
	if err != nil {
		return err
	}
	slices.Merge(file)
	return nil
}

// answer is what the figures need of one record; its strings may be kept
// (feedback.Reader reuses only the record and its slices).
type answer struct {
	stage          string
	at             time.Time
	nps, csat, ces int
	comment        string
}

// countRecords reads the records on this goroutine and scores their
// comments and adds their totals up on others, in batches, so that reading
// and sentiment share the machine's cores (totals add up in any order).
func countRecords(rd *feedback.Reader, loc *time.Location, cfg listen.Config, span timeSpan) (*listen.Slices, error) {
	const batch = 1024
	workers := max(1, runtime.GOMAXPROCS(0))
	batches := make(chan []answer, 2*workers)
	parts := make([]*listen.Slices, workers)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		parts[w] = listen.NewSlices(loc)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range batches {
				if errs[w] == nil {
					errs[w] = addAnswers(parts[w], cfg, b)
				}
			}
		}()
	}
	cur := make([]answer, 0, batch)
	err := rd.Each(func(r *cxm.Record) error {
		if !span.holds(r.At) {
			return nil
		}
		cur = append(cur, answer{r.Stage, r.At, r.NPS, r.CSAT, r.CES, r.Comment})
		if len(cur) == batch {
			batches <- cur
			cur = make([]answer, 0, batch)
		}
		return nil
	})
	if len(cur) > 0 {
		batches <- cur
	}
	close(batches)
	wg.Wait()
	if err == nil {
		err = errors.Join(errs...)
	}
	for _, p := range parts[1:] {
		parts[0].Merge(p)
	}
	return parts[0], err
}

// addAnswers scores each answer's comment and adds its totals to s.
func addAnswers(s *listen.Slices, cfg listen.Config, b []answer) error {
	for _, a := range b {
		compound := 0.0
		if a.comment != "" {
			compound = sentiment.Compound(a.comment)
		}
		t, err := cfg.OfValues(a.nps, a.csat, a.ces, a.comment != "", compound)
		if err != nil {
			return err
		}
		s.Add(a.stage, a.at, t)
	}
	return nil
}

// stageName is a stage's name, or "(no stage)".
func stageName(j *cxm.Journey, id string) string {
	if i := j.StageIndex(id); i >= 0 {
		return j.Stages[i].Name
	}
	return "(no stage)"
}

func writeListenTable(w io.Writer, j *cxm.Journey, sum listen.JourneySummary) error {
	fmt.Fprintf(w, "%s (%s v%d) · %d records · figures over fewer than %d answers are not shown\n\n", j.Name, j.ID, j.Version, sum.All.Records, j.MinN)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "STAGE\tPERIOD\tRECORDS\tNPS (95% CI)\tCSAT %\tCES\tNEGATIVE COMMENTS %")
	row := func(stage, period string, s listen.Summary) {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\t%s\n", stage, period, s.Records,
			figureText(s.NPS.Figure, 0), figureText(s.CSAT.Figure, 0), figureText(s.CES.Figure, 2), shareText(s.Sentiment))
	}
	for _, st := range sum.Stages {
		row(stageName(j, st.ID), "all", st.Summary)
		for _, p := range st.Trend {
			row("", p.Period, p.Summary)
		}
	}
	row("All stages", "all", sum.All)
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, st := range sum.Stages {
		if st.Change != nil && len(st.Trend) >= 2 {
			fmt.Fprintf(w, "\n%s, %s against %s: NPS %s", stageName(j, st.ID), st.Trend[len(st.Trend)-1].Period,
				st.Trend[len(st.Trend)-2].Period, listen.ChangeWords(st.Change.NPS))
		}
	}
	fmt.Fprintln(w)
	return nil
}

// figureText is "value (low–high) n=N", or "too few (n=N)".
func figureText(f listen.Figure, decimals int) string {
	if f.N == 0 {
		return "–"
	}
	if f.Value == nil {
		return fmt.Sprintf("too few (n=%d)", f.N)
	}
	s := strconv.FormatFloat(*f.Value, 'f', decimals, 64)
	if f.CI != nil {
		s += fmt.Sprintf(" (%s–%s)", strconv.FormatFloat(f.CI[0], 'f', decimals, 64), strconv.FormatFloat(f.CI[1], 'f', decimals, 64))
	}
	return s + fmt.Sprintf(" n=%d", f.N)
}

func shareText(s listen.SentimentFigure) string {
	return figureText(listen.Figure{N: s.N, Value: s.Negative, CI: s.NegativeCI}, 0)
}

// writeListenCSV writes one row per stage and period, figures in full.
func writeListenCSV(w io.Writer, j *cxm.Journey, sum listen.JourneySummary) error {
	cw := csvsafe.NewWriter(w)
	cw.Write([]string{"stage", "period", "records", "nps_n", "nps", "nps_low", "nps_high", "csat_n", "csat", "csat_low", "csat_high",
		"ces_n", "ces", "ces_low", "ces_high", "comments", "positive", "negative"})
	row := func(stage, period string, s listen.Summary) {
		rec := []string{stage, period, strconv.FormatInt(s.Records, 10)}
		for _, f := range []listen.Figure{s.NPS.Figure, s.CSAT.Figure, s.CES.Figure} {
			rec = append(rec, strconv.FormatInt(f.N, 10), full(f.Value), ciEnd(f.CI, 0), ciEnd(f.CI, 1))
		}
		rec = append(rec, strconv.FormatInt(s.Sentiment.N, 10), full(s.Sentiment.Positive), full(s.Sentiment.Negative))
		cw.Write(rec)
	}
	for _, st := range sum.Stages {
		row(st.ID, "", st.Summary)
		for _, p := range st.Trend {
			row(st.ID, p.Period, p.Summary)
		}
	}
	row("all", "", sum.All)
	cw.Flush()
	return cw.Error()
}

func ciEnd(ci *[2]float64, i int) string {
	if ci == nil {
		return ""
	}
	return strconv.FormatFloat(ci[i], 'g', -1, 64)
}
