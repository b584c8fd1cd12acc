// Command loadtest measures how many respondents' submissions a running
// cxm serve sustains, and checks that none is lost.
//
// It creates an assessment of a built-in framework (with the attributes
// department and level) and one invitation per response through the JSON
// API, then --respondents workers submit one response per invitation (POST
// /api/v1/responses/{token}) as fast as the server answers, over one shared
// HTTP client with a keep-alive connection per worker. It prints the
// responses sent, the 201s, the errors by status, the rate and the latency
// distribution, then asks the server how many responses it stored: every
// 201 must be counted. It exits 1 when a response was lost or any
// submission was not answered 201.
//
// Against a server that is already running:
//
//	cxm user add --db cxm.db --email me@example.com --role admin --password-stdin
//	cxm token create --db cxm.db --email me@example.com
//	go run ./internal/loadtest --url http://127.0.0.1:8080 --token TOKEN
//
// Or let it start the server itself (it adds an admin and a token to the
// database, serves on a free port and stops the server with SIGTERM at the
// end, which checks the graceful shutdown too):
//
//	go build -o /tmp/cxm ./cmd/cxm
//	go run ./internal/loadtest --spawn-binary /tmp/cxm --db /tmp/load.db
//	go run ./internal/loadtest --spawn-binary /tmp/cxm --db 'postgres://user@host/db?sslmode=disable'
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"
)

func main() {
	os.Exit(mainErr(os.Args[1:], os.Stdout, os.Stderr))
}

// options are the command line.
type options struct {
	Config
	timeout     time.Duration
	format      string
	spawnBinary string
	db          string
}

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.URL, "url", "", "base URL of a running cxm serve, e.g. http://127.0.0.1:8080")
	fs.StringVar(&o.Token, "token", os.Getenv("CXM_TOKEN"), "API token of an admin or facilitator, from cxm token create (default $CXM_TOKEN)")
	fs.StringVar(&o.spawnBinary, "spawn-binary", "", "instead of --url/--token: start cxm serve of this binary on a free port of 127.0.0.1\nwith --db, after adding an admin and a token to the database; stopped with SIGTERM at the end")
	fs.StringVar(&o.db, "db", "", "with --spawn-binary: the database, an SQLite file or a postgres:// URL")
	fs.IntVar(&o.Respondents, "respondents", 200, "concurrent respondents (workers, one connection each)")
	fs.IntVar(&o.Responses, "responses", 20000, "responses to submit in all (one invitation each)")
	fs.Float64Var(&o.Rate, "rate", 0, "responses offered per second, spread over the respondents; latency then counts\nfrom each response's due moment (0: every respondent submits again as soon as answered)")
	fs.StringVar(&o.Framework, "framework", "temkin-four", "built-in framework of the assessment")
	fs.IntVar(&o.Readers, "readers", 0, "users reading the assessment's dashboard page in a loop while the responses come in")
	fs.DurationVar(&o.RequestTimeout, "request-timeout", 30*time.Second, "timeout of one submission")
	fs.DurationVar(&o.timeout, "timeout", 10*time.Minute, "timeout of the whole run")
	fs.Uint64Var(&o.Seed, "seed", 0, "seed of the random answers (0: from the clock)")
	fs.StringVar(&o.format, "format", "text", "output: text or json")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: go run ./internal/loadtest [flags]

Load test of cxm serve: --respondents concurrent respondents submit --responses
responses (one invitation each, created through the API) as fast as the server
answers, or at --rate responses per second. Prints the rate and latencies, then checks that the server counts every
response answered 201. Exit status 1 when anything was lost or any submission
was not answered 201 (or the spawned server did not shut down cleanly); 2 on a
usage error or when the run could not be carried out.

Either point it at a running server (--url and --token) or let it start one
(--spawn-binary and --db).

Flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	switch {
	case o.spawnBinary != "" && (o.URL != "" || o.db == ""):
		return nil, errors.New("--spawn-binary takes --db and no --url")
	case o.spawnBinary == "" && (o.URL == "" || o.Token == ""):
		return nil, errors.New("give --url and --token, or --spawn-binary and --db")
	case o.spawnBinary == "" && o.db != "":
		return nil, errors.New("--db goes with --spawn-binary")
	case o.Rate < 0:
		return nil, errors.New("--rate must not be negative")
	case o.Readers < 0:
		return nil, errors.New("--readers must not be negative")
	case o.Respondents < 1 || o.Responses < 1:
		return nil, errors.New("--respondents and --responses must be at least 1")
	case o.format != "text" && o.format != "json":
		return nil, fmt.Errorf("--format is text or json, not %q", o.format)
	}
	return o, nil
}

func mainErr(args []string, stdout, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "loadtest:", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	if o.format == "text" {
		o.Progress = stderr
	}
	if o.Seed == 0 {
		o.Seed = uint64(time.Now().UnixNano())
	}

	var srv *spawned
	if o.spawnBinary != "" {
		srv, err = spawnServer(ctx, o.spawnBinary, o.db)
		if err != nil {
			fmt.Fprintln(stderr, "loadtest:", err)
			return 2
		}
		fmt.Fprintf(stderr, "started %s serve at %s\n", o.spawnBinary, srv.URL)
		o.URL, o.Token = srv.URL, srv.Token
	}
	rep, err := run(ctx, o.Config)
	if srv != nil {
		shutdown := srv.stop()
		if rep != nil {
			rep.Shutdown = shutdown
			rep.ServerErrors = srv.errorLines()
		}
		if err != nil || rep == nil || !rep.OK() {
			fmt.Fprintf(stderr, "last lines of the server's log:\n%s\n", srv.logTail())
		}
	}
	if rep != nil {
		if o.format == "json" {
			enc := json.NewEncoder(stdout)
			enc.SetIndent("", "  ")
			enc.Encode(rep)
		} else {
			printReport(stdout, rep)
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, "loadtest:", err)
		return 2
	}
	if !rep.OK() {
		fmt.Fprintln(stderr, "loadtest: FAILED:", strings.Join(rep.Problems(), "; "))
		return 1
	}
	return 0
}

func printReport(w io.Writer, r *Report) {
	fmt.Fprintf(w, "server:          %s (%s), assessment %d of %s\n", r.URL, r.Engine, r.Assessment, r.Framework)
	if r.OfferedRate > 0 {
		fmt.Fprintf(w, "respondents:     %d concurrent, %.0f responses/s offered\n", r.Respondents, r.OfferedRate)
	} else {
		fmt.Fprintf(w, "respondents:     %d concurrent, each submitting again as soon as answered\n", r.Respondents)
	}
	fmt.Fprintf(w, "invitations:     %d created in %.2f s (not part of the rate)\n", r.Planned, r.InviteSeconds)
	fmt.Fprintf(w, "responses sent:  %d\n", r.Sent)
	fmt.Fprintf(w, "201 Created:     %d\n", r.Created)
	if len(r.Errors) == 0 {
		fmt.Fprintf(w, "errors:          none\n")
	} else {
		keys := make([]string, 0, len(r.Errors))
		for k := range r.Errors {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = fmt.Sprintf("%s: %d", k, r.Errors[k])
		}
		fmt.Fprintf(w, "errors:          %s (first: %s)\n", strings.Join(parts, ", "), r.FirstError)
	}
	fmt.Fprintf(w, "elapsed:         %.2f s\n", r.ElapsedSeconds)
	fmt.Fprintf(w, "responses/s:     %.0f (slowest whole second: %d)\n", r.PerSecond, r.SlowestSecond)
	l := r.Latency
	fmt.Fprintf(w, "latency (ms):    p50 %.1f  p90 %.1f  p99 %.1f  max %.1f  mean %.1f\n", l.P50, l.P90, l.P99, l.Max, l.Mean)
	if l := r.ReadLatency; l != nil {
		fmt.Fprintf(w, "dashboard reads: %d by %d readers, %d not 200; latency (ms) p50 %.1f  p99 %.1f  max %.1f\n", r.Reads, r.Readers, r.ReadErrors, l.P50, l.P99, l.Max)
	}
	fmt.Fprintf(w, "stored:          %d (GET /api/v1/assessments/%d)\n", r.Stored, r.Assessment)
	fmt.Fprintf(w, "lost:            %d\n", r.Lost)
	if r.Extra > 0 {
		fmt.Fprintf(w, "extra:           %d (stored without a 201)\n", r.Extra)
	}
	if r.Shutdown != "" {
		fmt.Fprintf(w, "server shutdown: %s; %d error lines logged\n", r.Shutdown, r.ServerErrors)
	}
}
