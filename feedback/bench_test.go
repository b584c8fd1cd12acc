package feedback

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/journey"
)

const benchJourney = `
id: bench
version: 1
name: Bench
timezone: Europe/Amsterdam
stages:
  - {id: discover, name: Discover}
  - {id: buy, name: Buy}
  - {id: deliver, name: Deliver}
  - {id: get-help, name: Get help}
sources:
  - id: all
    channel: survey
    stage: buy
    columns: {id: id, at: time, customer: customer, stage: stage, nps: nps, csat: csat, ces: ces,
              employee: employee, comment: comment}
    attributes: [channel, unit]
routes:
  - {attribute: {channel: chat}, stage: get-help}
  - {comment_matches: "(?i)courier|parcel", stage: deliver}
`

var benchWords = strings.Fields(`the order arrived late and the courier was rude but the food tasted great
thank you for the quick help with my refund the app kept crashing when I paid parcel was
damaged fresh bread lovely service slow answer easy to find what I needed price too high`)

// writeBenchFile writes n synthetic records of 11 columns (about 140 bytes
// a row): id, time, channel, customer, stage (empty in half the rows, so
// the routes run), nps, csat, ces, employee, unit, a comment of 3 to 20
// words.
func writeBenchFile(tb testing.TB, path string, n int) {
	fh, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriterSize(fh, 1<<20)
	r := rand.New(rand.NewPCG(1, 2))
	channels := []string{"survey", "chat", "email", "call"}
	stages := []string{"", "", "discover", "buy", "deliver", "get-help"}
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	fmt.Fprintln(w, "id,time,channel,customer,stage,nps,csat,ces,employee,unit,comment")
	for i := 0; i < n; i++ {
		at := start.Add(time.Duration(r.Int64N(int64(700 * 24 * time.Hour))))
		fmt.Fprintf(w, "R%08d,%s,%s,C%06d,%s,%d,%d,%d,agent-%03d,unit-%02d,", i, at.Format(time.RFC3339),
			channels[r.IntN(len(channels))], r.IntN(300000), stages[r.IntN(len(stages))], r.IntN(11), 1+r.IntN(5), 1+r.IntN(7), r.IntN(400), r.IntN(40))
		words := 3 + r.IntN(18)
		for k := 0; k < words; k++ {
			if k > 0 {
				w.WriteByte(' ')
			}
			w.WriteString(benchWords[r.IntN(len(benchWords))])
		}
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	fh.Close()
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
