package feedback

import (
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/internal/synth"
	"github.com/cxmhq/cxm/journey"
)

var benchJourney = synth.FeedbackJourney

func writeBenchFile(tb testing.TB, path string, n int) {
	fh, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer fh.Close()
	if err := synth.WriteFeedback(fh, n, 1); err != nil {
		tb.Fatal(err)
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkReadCSV reads one million records with validation and routes:
// go test ./feedback -run '^$' -bench ReadCSV -benchtime 3x
func BenchmarkReadCSV(b *testing.B) {
	const n = 1_000_000
	path := filepath.Join(b.TempDir(), "records.csv")
	writeBenchFile(b, path, n)
	st, _ := os.Stat(path)
	j, err := journey.Parse("bench.yaml", []byte(benchJourney))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	cpu0 := cpuTime()
	b.ResetTimer()
	var peak uint64
	for i := 0; i < b.N; i++ {
		fh, _ := os.Open(path)
		rd, err := NewReader(path, fh, j, "all", Options{})
		if err != nil {
			b.Fatal(err)
		}
		count, routed := 0, 0
		err = rd.Each(func(r *cxm.Record) error {
			count++
			if count%100_000 == 0 {
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapInuse)
			}
			if r.Stage == "get-help" || r.Stage == "deliver" {
				routed++
			}
			return nil
		})
		fh.Close()
		if err != nil || count != n || routed == 0 {
			b.Fatalf("%d records, %v", count, err)
		}
	}
	// On a shared machine the wall clock counts the time other processes
	// held the cores; the CPU time this process used does not.
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(float64(n)*float64(b.N)/(cpuTime()-cpu0).Seconds(), "records/cpu-s")
	b.ReportMetric(float64(peak)/(1<<20), "heap-MB")
	b.ReportMetric(float64(st.Size())/(1<<20), "file-MB")
}
