package server

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/internal/synth"
	"github.com/cxmhq/cxm/internal/testdb"
	"github.com/cxmhq/cxm/score"
	"github.com/cxmhq/cxm/store"
)

// BenchmarkRelease100k: the views of a released assessment of 100,000
// respondents (synth.LargeFramework, 40 items; attributes of 20, 8 and 50
// values) read its release, so their cost does not grow with the
// responses. Target: at most 20 ms each on both engines (issue 7). The
// release is built once per engine (the responses inserted in bulk through
// store, then closed as the API does).
//
//	go test ./server -run '^$' -bench Release100k -benchtime 50x
func BenchmarkRelease100k(b *testing.B) {
	for _, engine := range testdb.Engines {
		b.Run(engine, func(b *testing.B) {
			h, id, token := release100k(b, engine)
			for _, v := range []struct{ name, path string }{
				{"results", "/api/v1/assessments/%d/results?group_by=department,level,region"}, {"dashboard", "/assessments/%d"},
				{"report", "/api/v1/assessments/%d/report"}, {"xlsx", "/api/v1/assessments/%d/export.xlsx"},
				{"assessment", "/api/v1/assessments/%d"}, {"list", "/api/v1/assessments?%d"}, {"participation", "/api/v1/assessments/%d/participation"},
			} {
				path := fmt.Sprintf(v.path, id)
				b.Run(v.name, func(b *testing.B) {
					for b.Loop() {
						req := httptest.NewRequest("GET", path, nil)
						req.Header.Set("Authorization", "Bearer "+token)
						rec := httptest.NewRecorder()
						h.ServeHTTP(rec, req)
						if rec.Code != http.StatusOK {
							b.Fatalf("%s: %d %s", path, rec.Code, rec.Body.String())
						}
					}
				})
			}
		})
	}
}

// release100k builds the released assessment and returns the application,
// its id and an API token of a viewer.
func release100k(b *testing.B, engine string) (http.Handler, int64, string) {
	ctx := context.Background()
	db, err := store.Open(ctx, testdb.DSN(b, engine))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	srv := New(db, slog.New(slog.DiscardHandler), Config{})
	if err := srv.SeedFrameworks(ctx); err != nil {
		b.Fatal(err)
	}
	f := synth.LargeFramework()
	if err := db.SaveFramework(ctx, f.ID, f.Version, f.Name, synth.FrameworkYAML(f), false); err != nil {
		b.Fatal(err)
	}
	values := func(prefix string, n int) synth.Attribute {
		at := synth.Attribute{Name: prefix}
		for i := range n {
			at.Values = append(at.Values, fmt.Sprintf("%s %02d", prefix, i+1))
			at.Weights = append(at.Weights, float64(1+i%5))
		}
		return at
	}
	attrs := []synth.Attribute{values("department", 20), values("level", 8), values("region", 50)}
	a := cxm.Assessment{Name: "100k", FrameworkID: f.ID, FrameworkVersion: f.Version, MinGroup: 5}
	for _, at := range attrs {
		a.Attributes = append(a.Attributes, cxm.Attribute{Name: at.Name, Values: at.Values})
	}
	id, err := db.CreateAssessment(ctx, &a)
	if err != nil {
		b.Fatal(err)
	}
	var batch []cxm.StoredResponse
	flush := func() {
		if err := db.AddResponses(ctx, id, batch); err != nil {
			b.Fatal(err)
		}
		batch = batch[:0]
	}
	spec := synth.Spec{Respondents: 100_000, Attributes: attrs, MissingRate: 0.03, Seed: 7}
	err = synth.Generate(f, spec, func(r score.Response) error {
		sr := cxm.StoredResponse{Attributes: map[string]string{}, Answers: append([]int{}, r.Answers...)}
		for i, at := range attrs {
			sr.Attributes[at.Name] = r.Attrs[i]
		}
		if batch = append(batch, sr); len(batch) == 5000 {
			flush()
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	flush()
	start := time.Now()
	a, err = db.Assessment(ctx, id)
	if err != nil {
		b.Fatal(err)
	}
	if err := srv.closeAssessment(ctx, a); err != nil {
		b.Fatal(err)
	}
	took := time.Since(start)
	rel, err := db.Release(ctx, id)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: release of 100,000 respondents made in %v: %d bytes of JSON", engine, took, len(rel.Result))
	u, err := db.CreateUser(ctx, "viewer@example.com", cxm.RoleViewer, testHash())
	if err != nil {
		b.Fatal(err)
	}
	tok := NewToken()
	if _, err := db.CreateAPIToken(ctx, u.ID, "bench", HashToken(tok)); err != nil {
		b.Fatal(err)
	}
	return srv.Handler(), id, tok
}
