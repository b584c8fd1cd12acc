// Command feedbackcsv writes a journey file and a large feedback CSV for
// benchmarks of cxm listen and the import:
//
//	go run ./internal/synth/feedbackcsv -o /tmp/feedback -n 1000000
//	cxm listen --journey /tmp/feedback/journey.yaml --source all /tmp/feedback/records.csv
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/cxmhq/cxm/internal/synth"
)

func main() {
	dir := flag.String("o", "feedback", "directory to write journey.yaml and records.csv to")
	n := flag.Int("n", 1_000_000, "records")
	seed := flag.Uint64("seed", 1, "seed of the random records")
	flag.Parse()
	if err := write(*dir, *n, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "feedbackcsv:", err)
		os.Exit(1)
	}
}

func write(dir string, n int, seed uint64) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "journey.yaml"), []byte(synth.FeedbackJourney), 0o644); err != nil {
		return err
	}
	fh, err := os.Create(filepath.Join(dir, "records.csv"))
	if err != nil {
		return err
	}
	if err := synth.WriteFeedback(fh, n, seed); err != nil {
		fh.Close()
		return err
	}
	return fh.Close()
}
