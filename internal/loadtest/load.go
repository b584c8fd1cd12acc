package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/framework"
)

// maxInvitationsPerRequest is the most invitations the API creates in one
// request (server.MaxInvitations).
const maxInvitationsPerRequest = 10000

// Config is one load test run against a running cxm serve.
type Config struct {
	URL            string        // base URL of cxm serve, e.g. http://127.0.0.1:8080
	Token          string        // API token of an admin or facilitator
	Respondents    int           // concurrent respondents (workers)
	Rate           float64       // responses offered per second; 0: as fast as the server answers
	Responses      int           // responses submitted in all
	Framework      string        // built-in framework id
	RequestTimeout time.Duration // per request
	Seed           uint64        // answers are random from this seed
	Progress       io.Writer     // progress lines; nil: none
	Readers        int           // users reading the assessment's dashboard page in a loop while responses come in
}

// Departments and levels: the attributes of the load test's assessment.
var (
	departments = []string{"Sales", "Customer Support", "Marketing", "Product", "Engineering", "Finance", "Operations", "Human Resources"}
	levels      = []string{"Individual contributor", "Team lead", "Manager", "Director", "Executive"}
)

// Report is the outcome of a run.
type Report struct {
	URL         string  `json:"url"`
	Engine      string  `json:"engine"`
	Framework   string  `json:"framework"`
	Assessment  int64   `json:"assessment"`
	Respondents int     `json:"respondents"`
	Planned     int     `json:"planned"`
	OfferedRate float64 `json:"offered_rate,omitempty"` // responses/s offered; 0: as fast as answered

	InviteSeconds float64 `json:"invite_seconds"` // creating the invitations, not part of the rate

	Sent           int            `json:"sent"`
	Created        int            `json:"created"` // 201 answers
	Errors         map[string]int `json:"errors"`  // by HTTP status, or "transport" for no answer
	FirstError     string         `json:"first_error,omitempty"`
	ElapsedSeconds float64        `json:"elapsed_seconds"`
	PerSecond      float64        `json:"responses_per_second"` // 201s per second of the submitting phase
	Latency        Latency        `json:"latency_ms"`
	Seconds        []int          `json:"per_second"`     // 201s completed in each second of the run
	SlowestSecond  int            `json:"slowest_second"` // fewest 201s in a whole second of the run (the last, partial one left out)

	// With readers: the dashboard page reads during the submitting phase.
	Readers     int      `json:"readers,omitempty"`
	Reads       int      `json:"reads,omitempty"`
	ReadErrors  int      `json:"read_errors,omitempty"` // answers other than 200, or none
	ReadLatency *Latency `json:"read_latency_ms,omitempty"`

	Stored int `json:"stored"` // "responses" of GET /api/v1/assessments/{id} afterwards
	Lost   int `json:"lost"`   // 201s the server does not count
	Extra  int `json:"extra"`  // responses counted beyond the 201s (e.g. a timed-out request that was stored)

	Shutdown     string `json:"shutdown,omitempty"`      // with --spawn-binary: how the server stopped
	ServerErrors int    `json:"server_errors,omitempty"` // with --spawn-binary: level=ERROR lines it logged
}

// Latency is a latency distribution in milliseconds, over every request
// of the submitting phase whatever its answer: from sending to the end of
// the answer or, with an offered rate, from the moment it was due.
type Latency struct {
	P50  float64 `json:"p50"`
	P90  float64 `json:"p90"`
	P99  float64 `json:"p99"`
	Max  float64 `json:"max"`
	Mean float64 `json:"mean"`
}

// OK reports whether every response was accepted with 201 and is counted
// by the server: nothing lost, nothing failed, nothing extra.
func (r *Report) OK() bool {
	return r.Sent == r.Planned && r.Created == r.Sent && len(r.Errors) == 0 &&
		r.Lost == 0 && r.Extra == 0 && r.ServerErrors == 0 && r.ReadErrors == 0 &&
		(r.Shutdown == "" || r.Shutdown == shutdownClean)
}

// Problems lists why the report is not OK.
func (r *Report) Problems() []string {
	var p []string
	if r.Sent != r.Planned {
		p = append(p, fmt.Sprintf("%d of %d responses sent", r.Sent, r.Planned))
	}
	if r.Created != r.Sent || len(r.Errors) > 0 {
		p = append(p, fmt.Sprintf("%d of %d submissions were not answered 201", r.Sent-r.Created, r.Sent))
	}
	if r.Lost > 0 {
		p = append(p, fmt.Sprintf("%d responses lost: answered 201 but not counted", r.Lost))
	}
	if r.Extra > 0 {
		p = append(p, fmt.Sprintf("%d responses counted that were not answered 201", r.Extra))
	}
	if r.ReadErrors > 0 {
		p = append(p, fmt.Sprintf("%d dashboard reads were not answered 200", r.ReadErrors))
	}
	if r.ServerErrors > 0 {
		p = append(p, fmt.Sprintf("the server logged %d errors", r.ServerErrors))
	}
	if r.Shutdown != "" && r.Shutdown != shutdownClean {
		p = append(p, "server shutdown: "+r.Shutdown)
	}
	return p
}

// client is the HTTP side of a run: one shared client, keep-alive
// connections for every worker.
type client struct {
	base, token string
	http        *http.Client
}

func newClient(cfg Config) *client {
	tr := &http.Transport{
		MaxIdleConns:        cfg.Respondents + 16,
		MaxIdleConnsPerHost: cfg.Respondents + 16,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	return &client{
		base:  strings.TrimRight(cfg.URL, "/"),
		token: cfg.Token,
		http:  &http.Client{Transport: tr},
	}
}

// apiCall sends an authenticated JSON request and decodes the answer into
// out, failing unless the status is want.
func (c *client) apiCall(ctx context.Context, method, path string, in any, want int, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("%s %s: reading the answer: %w", method, path, err)
	}
	if resp.StatusCode != want {
		return fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, bytes.TrimSpace(data))
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("%s %s: %w", method, path, err)
		}
	}
	return nil
}

// run runs one load test: it creates an assessment and cfg.Responses
// invitations through the API, then cfg.Respondents workers submit one
// response per invitation as fast as the server answers; afterwards it asks
// the server how many responses it counts. An error means the run could not
// be carried out (setup or the final count failed); what happened to the
// submissions is in the report.
func run(ctx context.Context, cfg Config) (*Report, error) {
	if cfg.Respondents < 1 || cfg.Responses < 1 {
		return nil, errors.New("respondents and responses must be at least 1")
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = 30 * time.Second
	}
	if cfg.Framework == "" {
		cfg.Framework = "temkin-four"
	}
	f, ok := framework.Builtin(cfg.Framework)
	if !ok {
		return nil, fmt.Errorf("no built-in framework %q", cfg.Framework)
	}
	progress := cfg.Progress
	if progress == nil {
		progress = io.Discard
	}
	c := newClient(cfg)
	defer c.http.CloseIdleConnections()
	rep := &Report{URL: c.base, Framework: f.ID, Respondents: cfg.Respondents, Planned: cfg.Responses, OfferedRate: cfg.Rate, Errors: map[string]int{}}
	if err := c.setUp(ctx, f, rep); err != nil {
		return nil, err
	}
	fmt.Fprintf(progress, "assessment %d created (%s); creating %d invitations\n", rep.Assessment, f.ID, cfg.Responses)
	tokens, err := c.invite(ctx, rep)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(progress, "%d invitations in %.2f s; %d respondents submitting\n", cfg.Responses, rep.InviteSeconds, cfg.Respondents)

	start := time.Now()
	jobs := dispatch(ctx, tokens, cfg.Rate, start)
	stopReading := make(chan struct{})
	readsDone := c.readDashboards(ctx, rep.Assessment, cfg.Readers, stopReading, rep)
	results := make([]result, cfg.Respondents)
	var wg sync.WaitGroup
	for w := range cfg.Respondents {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[w] = c.respond(ctx, cfg, newAnswerGen(f, cfg.Seed, uint64(w)), jobs, start)
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(stopReading)
	<-readsDone
	rep.tally(results, elapsed)

	// The count afterwards, with a fresh context: an interrupted run still
	// says what it stored.
	countCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	var a struct {
		Responses int `json:"responses"`
	}
	if err := c.apiCall(countCtx, "GET", fmt.Sprintf("/api/v1/assessments/%d", rep.Assessment), nil, http.StatusOK, &a); err != nil {
		return rep, fmt.Errorf("counting the stored responses: %w", err)
	}
	rep.Stored = a.Responses
	rep.Lost = max(0, rep.Created-rep.Stored)
	rep.Extra = max(0, rep.Stored-rep.Created)
	if err := ctx.Err(); err != nil {
		return rep, fmt.Errorf("interrupted after %d of %d responses: %w", rep.Sent, rep.Planned, err)
	}
	return rep, nil
}

// setUp checks the server answers and creates the run's assessment.
func (c *client) setUp(ctx context.Context, f *cxm.Framework, rep *Report) error {
	var health struct {
		Database string `json:"database"`
	}
	if err := c.apiCall(ctx, "GET", "/healthz", nil, http.StatusOK, &health); err != nil {
		return err
	}
	rep.Engine = health.Database
	type attr struct {
		Name   string   `json:"name"`
		Values []string `json:"values"`
	}
	var created struct {
		ID int64 `json:"id"`
	}
	err := c.apiCall(ctx, "POST", "/api/v1/assessments", map[string]any{
		"name":       fmt.Sprintf("Load test %s", time.Now().UTC().Format(time.RFC3339)),
		"framework":  f.ID,
		"attributes": []attr{{"department", departments}, {"level", levels}},
	}, http.StatusCreated, &created)
	rep.Assessment = created.ID
	return err
}

// invite creates one invitation per planned response, in requests of at
// most maxInvitationsPerRequest, and returns their tokens.
func (c *client) invite(ctx context.Context, rep *Report) (<-chan string, error) {
	inviteStart := time.Now()
	tokens := make(chan string, rep.Planned)
	for left := rep.Planned; left > 0; {
		n := min(left, maxInvitationsPerRequest)
		var out struct {
			Invitations []struct {
				Token string `json:"token"`
			} `json:"invitations"`
		}
		path := fmt.Sprintf("/api/v1/assessments/%d/invitations", rep.Assessment)
		if err := c.apiCall(ctx, "POST", path, map[string]int{"count": n}, http.StatusCreated, &out); err != nil {
			return nil, err
		}
		if len(out.Invitations) != n {
			return nil, fmt.Errorf("asked for %d invitations, got %d", n, len(out.Invitations))
		}
		for _, inv := range out.Invitations {
			tokens <- inv.Token
		}
		left -= n
	}
	close(tokens)
	rep.InviteSeconds = time.Since(inviteStart).Seconds()
	return tokens, nil
}

// job is one invitation to answer, due at a moment when a rate is set.
type job struct {
	token string
	due   time.Time
}

// dispatch hands the invitations to the workers: at once, or at their due
// moments when a rate is set. With a rate, a response's latency counts
// from its due moment, so when the server falls behind and every worker is
// busy, the wait for a free worker is counted too (no coordinated
// omission).
func dispatch(ctx context.Context, tokens <-chan string, rate float64, start time.Time) <-chan job {
	jobs := make(chan job)
	go func() {
		defer close(jobs)
		var interval time.Duration
		if rate > 0 {
			interval = time.Duration(float64(time.Second) / rate)
		}
		i := 0
		for tok := range tokens {
			var due time.Time
			if interval > 0 {
				due = start.Add(time.Duration(i) * interval)
				if wait := time.Until(due); wait > 0 {
					select {
					case <-time.After(wait):
					case <-ctx.Done():
						return
					}
				}
			}
			select {
			case jobs <- job{tok, due}:
			case <-ctx.Done():
				return
			}
			i++
		}
	}()
	return jobs
}

// result is what one respondent worker saw.
type result struct {
	sent, created int
	errors        map[string]int
	firstError    string
	latencies     []time.Duration
	perSecond     []int // 201s by the second of the run they completed in
}

// respond is one respondent worker: it submits an answer for each job
// until there are none left.
func (c *client) respond(ctx context.Context, cfg Config, gen *answerGen, jobs <-chan job, start time.Time) result {
	res := result{errors: map[string]int{}, latencies: make([]time.Duration, 0, cfg.Responses/cfg.Respondents+1)}
	for j := range jobs {
		// A new buffer each time: the transport may still hold the
		// previous body after Do returns.
		body := gen.appendSubmission(make([]byte, 0, 1024))
		t0 := j.due
		if t0.IsZero() {
			t0 = time.Now()
		}
		status, err := c.submit(ctx, j.token, body, cfg.RequestTimeout)
		res.latencies = append(res.latencies, time.Since(t0))
		res.sent++
		switch {
		case err != nil:
			res.errors["transport"]++
			if res.firstError == "" {
				res.firstError = err.Error()
			}
		case status == http.StatusCreated:
			res.created++
			sec := int(time.Since(start) / time.Second)
			for len(res.perSecond) <= sec {
				res.perSecond = append(res.perSecond, 0)
			}
			res.perSecond[sec]++
		default:
			res.errors[strconv.Itoa(status)]++
			if res.firstError == "" {
				res.firstError = fmt.Sprintf("HTTP %d", status)
			}
		}
	}
	return res
}

// tally adds the workers' results up into the report.
func (rep *Report) tally(results []result, elapsed time.Duration) {
	var lat []time.Duration
	for _, r := range results {
		rep.Sent += r.sent
		rep.Created += r.created
		for k, v := range r.errors {
			rep.Errors[k] += v
		}
		if rep.FirstError == "" {
			rep.FirstError = r.firstError
		}
		lat = append(lat, r.latencies...)
		for sec, n := range r.perSecond {
			for len(rep.Seconds) <= sec {
				rep.Seconds = append(rep.Seconds, 0)
			}
			rep.Seconds[sec] += n
		}
	}
	rep.ElapsedSeconds = elapsed.Seconds()
	rep.PerSecond = float64(rep.Created) / elapsed.Seconds()
	if full := int(elapsed / time.Second); full > 0 {
		for len(rep.Seconds) < full { // seconds in which nothing completed
			rep.Seconds = append(rep.Seconds, 0)
		}
		rep.SlowestSecond = slices.Min(rep.Seconds[:full])
	}
	rep.Latency = distribution(lat)
}

// submit posts one response and returns the status; the body is read to the
// end so the connection is reused.
func (c *client) submit(ctx context.Context, token string, body []byte, timeout time.Duration) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "POST", c.base+"/api/v1/responses/"+token, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}

// distribution summarizes latencies (nearest-rank percentiles).
func distribution(lat []time.Duration) Latency {
	if len(lat) == 0 {
		return Latency{}
	}
	slices.Sort(lat)
	ms := func(d time.Duration) float64 { return math.Round(float64(d)/1e4) / 100 }
	pct := func(p float64) float64 {
		i := int(math.Ceil(p*float64(len(lat)))) - 1
		return ms(lat[min(max(i, 0), len(lat)-1)])
	}
	var sum time.Duration
	for _, d := range lat {
		sum += d
	}
	return Latency{P50: pct(0.50), P90: pct(0.90), P99: pct(0.99), Max: ms(lat[len(lat)-1]), Mean: ms(sum / time.Duration(len(lat)))}
}

// answerGen writes realistic submissions: each respondent has a leaning
// and answers around it on the framework's scale; about 3% of statements
// are answered null ("don't know") and 2% left out; department is always
// given, level by nine respondents in ten.
type answerGen struct {
	f     *cxm.Framework
	items []string
	rng   *rand.Rand
}

func newAnswerGen(f *cxm.Framework, seed, stream uint64) *answerGen {
	g := &answerGen{f: f, rng: rand.New(rand.NewPCG(seed, stream))}
	for _, c := range f.Competencies {
		for _, it := range c.Items {
			g.items = append(g.items, it.ID)
		}
	}
	return g
}

// appendSubmission appends one submission's JSON to b.
func (g *answerGen) appendSubmission(b []byte) []byte {
	lo, hi := float64(g.f.Scale.Min), float64(g.f.Scale.Max)
	lean := lo + (hi-lo)*(0.25+0.6*g.rng.Float64())
	b = append(b, `{"attributes":{"department":`...)
	b = strconv.AppendQuote(b, departments[g.rng.IntN(len(departments))])
	if g.rng.IntN(10) > 0 {
		b = append(b, `,"level":`...)
		b = strconv.AppendQuote(b, levels[g.rng.IntN(len(levels))])
	}
	b = append(b, `},"answers":{`...)
	first := true
	for _, id := range g.items {
		r := g.rng.IntN(100)
		if r < 2 {
			continue // left out
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = strconv.AppendQuote(b, id)
		b = append(b, ':')
		if r < 5 {
			b = append(b, "null"...)
			continue
		}
		v := math.Round(lean + g.rng.NormFloat64())
		b = strconv.AppendInt(b, int64(min(max(v, lo), hi)), 10)
	}
	return append(b, "}}"...)
}

// readDashboards starts readers that load the assessment's dashboard page
// one after another until stop is closed, as people watching it would; the
// returned channel is closed when they have stopped and their figures are
// in rep.
func (c *client) readDashboards(ctx context.Context, id int64, readers int, stop <-chan struct{}, rep *Report) <-chan struct{} {
	done := make(chan struct{})
	if readers <= 0 {
		close(done)
		return done
	}
	rep.Readers = readers
	var mu sync.Mutex
	var lat []time.Duration
	var wg sync.WaitGroup
	for range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				case <-ctx.Done():
					return
				default:
				}
				t0 := time.Now()
				ok := c.readPage(ctx, fmt.Sprintf("/assessments/%d", id))
				d := time.Since(t0)
				mu.Lock()
				rep.Reads++
				if !ok {
					rep.ReadErrors++
				}
				lat = append(lat, d)
				mu.Unlock()
			}
		}()
	}
	go func() {
		wg.Wait()
		l := distribution(lat)
		rep.ReadLatency = &l
		close(done)
	}()
	return done
}

// readPage loads a page with the API token; false unless it answers 200.
func (c *client) readPage(ctx context.Context, path string) bool {
	req, err := http.NewRequestWithContext(ctx, "GET", c.base+path, nil)
	if err != nil {
		return false
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	res, err := c.http.Do(req)
	if err != nil {
		return false
	}
	defer res.Body.Close()
	_, err = io.Copy(io.Discard, res.Body)
	return err == nil && res.StatusCode == http.StatusOK
}
