package main

import (
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"testing"
	"time"
)

// TestMain lets a test run this binary as cxm itself (CXM_TEST_AS_CXM=1),
// to measure what starting a cxm process costs.
func TestMain(m *testing.M) {
	if os.Getenv("CXM_TEST_AS_CXM") == "1" {
		main()
	}
	os.Exit(m.Run())
}

var initLine = regexp.MustCompile(`(?m)^init (\S+) @\S+ ms, ([0-9.]+) ms clock, ([0-9]+) bytes`)

// TestNoWorkAtLoad: package initialisation does no real work (it used to
// hash a dummy password: 0.19 s and 64 MiB for every cxm process, even
// cxm --version). Measured with GODEBUG=inittrace=1 over every package,
// and the whole cxm --version by the clock; the best of three runs, as the
// machine is shared and a clock can stall.
func TestNoWorkAtLoad(t *testing.T) {
	clock := map[string]float64{}
	bytes := map[string]int64{}
	best := time.Hour
	for range 3 {
		cmd := exec.Command(os.Args[0], "--version")
		cmd.Env = append(os.Environ(), "CXM_TEST_AS_CXM=1", "GODEBUG=inittrace=1")
		start := time.Now()
		out, err := cmd.CombinedOutput()
		best = min(best, time.Since(start))
		if err != nil {
			t.Fatalf("cxm --version: %v\n%s", err, out)
		}
		for _, m := range initLine.FindAllStringSubmatch(string(out), -1) {
			c, _ := strconv.ParseFloat(m[2], 64)
			b, _ := strconv.ParseInt(m[3], 10, 64)
			if old, ok := clock[m[1]]; !ok || c < old {
				clock[m[1]] = c
			}
			bytes[m[1]] = b // the same every run
		}
	}
	var totalClock float64
	var totalBytes int64
	for pkg, c := range clock {
		totalClock += c
		totalBytes += bytes[pkg]
		if c > 10 || bytes[pkg] > 4<<20 {
			t.Errorf("package %s takes %.1f ms and %d bytes to initialise", pkg, c, bytes[pkg])
		}
	}
	t.Logf("cxm --version: %v in all; package init %.1f ms, %.1f MiB", best, totalClock, float64(totalBytes)/(1<<20))
	if totalClock > 25 || totalBytes > 8<<20 {
		t.Errorf("package initialisation takes %.1f ms and %d bytes, want under 25 ms and 8 MiB", totalClock, totalBytes)
	}
	if best > 150*time.Millisecond { // typically 10-15 ms; it was 190 ms
		t.Errorf("cxm --version took %v", best)
	}
}
