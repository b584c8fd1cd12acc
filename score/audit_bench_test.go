package score_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/cxmhq/cxm/internal/synth"
	"github.com/cxmhq/cxm/score"
)

// The release target (issue 7): scoring plus the disclosure audit of
// 100,000 respondents broken down by three attributes of 20, 8 and 50
// values together takes under 1 s.
var auditAttrs = []string{"region", "level", "team"}

type auditData struct {
	answers [][]int
	attrs   [][]string
}

var (
	auditOnce sync.Once
	auditSet  *auditData
)

// loadAuditBench draws the 100,000 respondents once. Unequal weights make
// the 8,000 cells range from empty to hundreds, so many hold 1 to 4
// respondents and the audit has work to do.
func loadAuditBench(tb testing.TB) *auditData {
	tb.Helper()
	auditOnce.Do(func() {
		f := synth.LargeFramework()
		spec := synth.LargeSpec(f)
		spec.Attributes = nil
		for a, n := range []int{20, 8, 50} {
			at := synth.Attribute{Name: auditAttrs[a]}
			for v := 0; v < n; v++ {
				at.Values = append(at.Values, fmt.Sprintf("%s-%02d", auditAttrs[a], v))
				at.Weights = append(at.Weights, float64(1+(v*7)%13))
			}
			spec.Attributes = append(spec.Attributes, at)
		}
		spec.Shifts = nil
		d := &auditData{}
		err := synth.Generate(f, spec, func(r score.Response) error {
			d.answers = append(d.answers, append([]int(nil), r.Answers...))
			d.attrs = append(d.attrs, append([]string(nil), r.Attrs...))
			return nil
		})
		if err != nil {
			panic(err)
		}
		auditSet = d
	})
	return auditSet
}

func (d *auditData) score(tb testing.TB) *score.Result {
	s, err := score.New(synth.LargeFramework(), score.Options{Attributes: auditAttrs, GroupBy: auditAttrs, Withhold: true})
	if err != nil {
		tb.Fatal(err)
	}
	for i := range d.answers {
		if err := s.Add(score.Response{Answers: d.answers[i], Attrs: d.attrs[i]}); err != nil {
			tb.Fatal(err)
		}
	}
	return s.Result()
}

// BenchmarkRelease100kThreeAttributes is scoring and the audit together,
// the responses already in memory.
func BenchmarkRelease100kThreeAttributes(b *testing.B) {
	d := loadAuditBench(b)
	b.ReportAllocs()
	var res *score.Result
	for b.Loop() {
		res = d.score(b)
	}
	b.ReportMetric(float64(len(res.Groups["team"])), "teams")
}

// TestRelease100kBudget guards the target against a gross regression only
// (the machine is shared); the benchmark gives the figure.
func TestRelease100kBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("scores 100,000 respondents; skipped with -short")
	}
	d := loadAuditBench(t)
	start := time.Now()
	res := d.score(t)
	elapsed := time.Since(start)
	if res.Respondents != 100000 || len(res.Groups["region"]) != 20 || len(res.Groups["level"]) != 8 || len(res.Groups["team"]) != 50 {
		t.Fatalf("respondents %d, groups %d/%d/%d", res.Respondents, len(res.Groups["region"]), len(res.Groups["level"]), len(res.Groups["team"]))
	}
	t.Logf("scored and audited in %v; suppressed %v", elapsed, res.Suppressed)
	if elapsed > 5*time.Second {
		t.Errorf("scoring and auditing took %v; the target is 1 s", elapsed)
	}
}
