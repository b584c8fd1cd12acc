package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cxmhq/cxm/internal/testdb"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/framework"
	"github.com/cxmhq/cxm/server"
	"github.com/cxmhq/cxm/store"
	_ "github.com/jackc/pgx/v5/stdlib" // driver "pgx"
)

// postgresDSN is a schema of its own in the test PostgreSQL, dropped when
// the test ends (internal/testdb).
func postgresDSN(t testing.TB) string { return testdb.DSN(t, testdb.Postgres) }

// buildCxm builds cmd/cxm into a temporary directory.
func buildCxm(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "cxm")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/cxmhq/cxm/cmd/cxm")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestLoad starts the real cxm serve on each engine and has 50 respondents
// submit 2,000 responses: every one must be answered 201 and counted, and
// the server must stop cleanly on SIGTERM. The throughput target is
// measured by hand (docs/benchmarks.md), not asserted here.
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("starts cxm serve and submits 4,000 responses: skipped with -short")
	}
	bin := buildCxm(t)
	for _, engine := range []string{store.SQLite, store.Postgres} {
		t.Run(engine, func(t *testing.T) {
			dsn := filepath.Join(t.TempDir(), "load test.db")
			if engine == store.Postgres {
				dsn = postgresDSN(t)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			srv, err := spawnServer(ctx, bin, dsn)
			if err != nil {
				t.Fatal(err)
			}
			rep, err := run(ctx, Config{URL: srv.URL, Token: srv.Token, Respondents: 50, Responses: 2000,
				Framework: "temkin-four", RequestTimeout: 30 * time.Second, Seed: 1, Readers: 2})
			shutdown := srv.stop()
			if err != nil {
				t.Fatalf("%v\nserver log:\n%s", err, srv.logTail())
			}
			rep.Shutdown, rep.ServerErrors = shutdown, srv.errorLines()
			var buf bytes.Buffer
			printReport(&buf, rep)
			t.Logf("\n%s", buf.String())
			if rep.Engine != engine {
				t.Errorf("the server says its database is %q, want %q", rep.Engine, engine)
			}
			if rep.Readers != 2 || rep.Reads == 0 || rep.ReadLatency == nil {
				t.Errorf("dashboard readers: %d readers, %d reads", rep.Readers, rep.Reads)
			}
			if !rep.OK() || rep.Created != 2000 || rep.Stored != 2000 {
				t.Errorf("problems: %s\nserver log:\n%s", strings.Join(rep.Problems(), "; "), srv.logTail())
			}
		})
	}
}

// TestAnswerGen: generated submissions are valid JSON the API accepts:
// known items, answers on the scale or null, attributes among the choices.
func TestAnswerGen(t *testing.T) {
	f, _ := framework.Builtin("temkin-four")
	items := map[string]bool{}
	for _, c := range f.Competencies {
		for _, it := range c.Items {
			items[it.ID] = true
		}
	}
	g := newAnswerGen(f, 1, 2)
	nulls, answered := 0, 0
	for range 1000 {
		var s struct {
			Attributes map[string]string `json:"attributes"`
			Answers    map[string]*int   `json:"answers"`
		}
		b := g.appendSubmission(nil)
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&s); err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		for id, v := range s.Answers {
			if !items[id] {
				t.Fatalf("unknown item %q", id)
			}
			if v == nil {
				nulls++
				continue
			}
			answered++
			if *v < f.Scale.Min || *v > f.Scale.Max {
				t.Fatalf("answer %d off the scale", *v)
			}
		}
		for name, v := range s.Attributes {
			var choices []string
			switch name {
			case "department":
				choices = departments
			case "level":
				choices = levels
			default:
				t.Fatalf("unknown attribute %q", name)
			}
			if !contains(choices, v) {
				t.Fatalf("%s %q is not a choice", name, v)
			}
		}
	}
	if share := float64(nulls) / float64(nulls+answered); share < 0.01 || share > 0.06 {
		t.Errorf("%.3f of the answers are null, want about 0.03", share)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestDistribution(t *testing.T) {
	var lat []time.Duration
	for i := 100; i >= 1; i-- {
		lat = append(lat, time.Duration(i)*time.Millisecond)
	}
	got := distribution(lat)
	want := Latency{P50: 50, P90: 90, P99: 99, Max: 100, Mean: 50.5}
	if got != want {
		t.Errorf("distribution = %+v, want %+v", got, want)
	}
}

func TestFlags(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"--url", "http://x"},
		{"--spawn-binary", "cxm"},
		{"--spawn-binary", "cxm", "--db", "x.db", "--url", "http://x"},
		{"--url", "http://x", "--token", "t", "--format", "xml"},
		{"--url", "http://x", "--token", "t", "--respondents", "0"},
	} {
		if _, err := parseFlags(args, io.Discard); err == nil {
			t.Errorf("%q: no error", args)
		}
	}
	o, err := parseFlags([]string{"--spawn-binary", "cxm", "--db", "x.db", "--responses", "7"}, io.Discard)
	if err != nil || o.Responses != 7 || o.Respondents != 200 || o.Framework != "temkin-four" {
		t.Errorf("parseFlags: %+v, %v", o, err)
	}
}

// BenchmarkSubmitHTTP runs the load test against the server in this process
// (server.New(...).Handler() behind httptest), so that a CPU or block
// profile of the test binary shows where the server spends its time (the
// load generator is in the profile too: focus on package server and store).
// b.N is the number of responses; 200 respondents. For example:
//
//	go test ./internal/loadtest -run '^$' -bench 'SubmitHTTP/sqlite' -benchtime 20000x -cpuprofile /tmp/cpu.out
//	go tool pprof -top -focus 'cxm/(server|store)' /tmp/cpu.out
func BenchmarkSubmitHTTP(b *testing.B) {
	for _, engine := range []string{store.SQLite, store.Postgres} {
		b.Run(engine, func(b *testing.B) {
			dsn := filepath.Join(b.TempDir(), "bench.db")
			if engine == store.Postgres {
				dsn = postgresDSN(b)
			}
			ctx := context.Background()
			db, err := store.Open(ctx, dsn)
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Migrate(ctx); err != nil {
				b.Fatal(err)
			}
			log := slog.New(slog.NewTextHandler(io.Discard, nil))
			srv := server.New(db, log, server.Config{})
			if err := srv.SeedFrameworks(ctx); err != nil {
				b.Fatal(err)
			}
			hash, err := server.HashPassword("benchmark password")
			if err != nil {
				b.Fatal(err)
			}
			u, err := db.CreateUser(ctx, "bench@example.com", cxm.RoleAdmin, hash)
			if err != nil {
				b.Fatal(err)
			}
			token := server.NewToken()
			if _, err := db.CreateAPIToken(ctx, u.ID, "bench", server.HashToken(token)); err != nil {
				b.Fatal(err)
			}
			ts := httptest.NewServer(srv.Handler())
			defer ts.Close()
			b.ResetTimer()
			rep, err := run(ctx, Config{URL: ts.URL, Token: token, Respondents: 200, Responses: b.N,
				Framework: "temkin-four", RequestTimeout: time.Minute, Seed: 1})
			b.StopTimer()
			if err != nil {
				b.Fatal(err)
			}
			if !rep.OK() {
				b.Fatal(strings.Join(rep.Problems(), "; "))
			}
			b.ReportMetric(rep.PerSecond, "responses/s")
			b.ReportMetric(rep.Latency.P50, "p50-ms")
			b.ReportMetric(rep.Latency.P99, "p99-ms")
			b.ReportMetric(rep.Latency.Max, "max-ms")
		})
	}
}

// fakeServer answers the API calls of run like cxm serve, but counts one
// response fewer than it accepted when lose is set, and answers 500 to the
// submissions of failing tokens.
func fakeServer(t *testing.T, lose bool, failing int) *httptest.Server {
	var mu sync.Mutex
	stored, issued := 0, 0
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"status":"ok","database":"fake"}`)
	})
	mux.HandleFunc("POST /api/v1/assessments", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer secret" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.WriteHeader(http.StatusCreated)
		fmt.Fprint(w, `{"id":7}`)
	})
	mux.HandleFunc("POST /api/v1/assessments/7/invitations", func(w http.ResponseWriter, r *http.Request) {
		var in struct{ Count int }
		json.NewDecoder(r.Body).Decode(&in)
		if in.Count > maxInvitationsPerRequest {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		var out struct {
			Invitations []map[string]string `json:"invitations"`
		}
		mu.Lock()
		for range in.Count {
			issued++
			out.Invitations = append(out.Invitations, map[string]string{"token": strconv.Itoa(issued)})
		}
		mu.Unlock()
		w.WriteHeader(http.StatusCreated)
		json.NewEncoder(w).Encode(out)
	})
	mux.HandleFunc("POST /api/v1/responses/{token}", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.PathValue("token"))
		if n <= failing {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		mu.Lock()
		stored++
		mu.Unlock()
		w.WriteHeader(http.StatusCreated)
	})
	mux.HandleFunc("GET /api/v1/assessments/7", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n := stored
		mu.Unlock()
		if lose {
			n--
		}
		fmt.Fprintf(w, `{"id":7,"responses":%d}`, n)
	})
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts
}

// TestRunCounts: run batches invitations, paces an offered rate, and
// reports losses and errors as failures.
func TestRunCounts(t *testing.T) {
	ctx := context.Background()
	ts := fakeServer(t, false, 0)
	rep, err := run(ctx, Config{URL: ts.URL, Token: "secret", Respondents: 20, Responses: 12000, Seed: 1})
	if err != nil || !rep.OK() || rep.Created != 12000 || rep.Stored != 12000 || rep.Engine != "fake" {
		t.Fatalf("run: %+v, %v", rep, err)
	}
	sum := 0
	for _, n := range rep.Seconds {
		sum += n
	}
	if sum != rep.Created {
		t.Errorf("per second %v sums to %d, want %d", rep.Seconds, sum, rep.Created)
	}

	start := time.Now()
	rep, err = run(ctx, Config{URL: fakeServer(t, false, 0).URL, Token: "secret", Respondents: 5, Responses: 50, Rate: 200, Seed: 1})
	if err != nil || !rep.OK() {
		t.Fatalf("run at a rate: %+v, %v", rep, err)
	}
	if d := time.Since(start); d < 240*time.Millisecond {
		t.Errorf("50 responses at 200/s took %v, want at least 245 ms", d)
	}

	rep, err = run(ctx, Config{URL: fakeServer(t, true, 3).URL, Token: "secret", Respondents: 4, Responses: 100, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK() || rep.Lost != 1 || rep.Created != 97 || rep.Errors["500"] != 3 {
		t.Errorf("a loss and 3 errors: %+v", rep)
	}
	if p := rep.Problems(); len(p) != 2 {
		t.Errorf("problems: %q", p)
	}

	if _, err := run(ctx, Config{URL: ts.URL, Token: "wrong", Respondents: 1, Responses: 1}); err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("a wrong token: %v", err)
	}
}
