// Command largecsv writes the large benchmark data set as files, so the
// speed of the real binary can be measured end to end:
//
//	go run ./internal/synth/largecsv -o /tmp/large
//	time cxm score --framework /tmp/large/framework.yaml --group-by unit /tmp/large/responses.csv
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/cxmhq/cxm/internal/synth"
)

func main() {
	dir := flag.String("o", ".", "directory to write framework.yaml and responses.csv into")
	flag.Parse()
	if err := write(*dir); err != nil {
		fmt.Fprintln(os.Stderr, "largecsv:", err)
		os.Exit(1)
	}
}

func write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f := synth.LargeFramework()
	if err := os.WriteFile(filepath.Join(dir, "framework.yaml"), synth.FrameworkYAML(f), 0o644); err != nil {
		return err
	}
	fh, err := os.Create(filepath.Join(dir, "responses.csv"))
	if err != nil {
		return err
	}
	w := bufio.NewWriter(fh)
	if err := synth.WriteCSV(w, f, synth.LargeSpec(f)); err != nil {
		fh.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		fh.Close()
		return err
	}
	return fh.Close()
}
