package main

import (
	"bufio"
	"fmt"
	"os"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/benchmark"
	"github.com/cxmhq/cxm/framework"
	"github.com/cxmhq/cxm/store"
	"github.com/spf13/cobra"
)

func newBenchmarkCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "benchmark",
		Short: "Carry benchmarks between installations",
		Long: `Benchmarks compare an assessment with the closed assessments of other
organizations on the same framework version. 'export' writes the competency
scores of every closed assessment of a framework to an anonymized CSV (no
names, no organization ids, no respondents; industry and size stay so peers
can be filtered); 'import' loads such a file as peers.`,
	}
	cmd.AddCommand(newBenchmarkExportCmd(), newBenchmarkImportCmd())
	return cmd
}

func newBenchmarkExportCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "export --framework ID [--output FILE]",
		Short: "Write the anonymized scores of closed assessments as CSV",
		Args:  args(cobra.NoArgs),
	}
	dsn := dbFlag(cmd)
	fw := cmd.Flags().String("framework", "", "framework id (required)")
	output := cmd.Flags().StringP("output", "o", "-", "file to write, - for standard output")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if *fw == "" {
			return usagef("--framework is required")
		}
		db, err := openDB(cmd.Context(), *dsn)
		if err != nil {
			return err
		}
		defer db.Close()
		rows, err := db.ExportPeers(cmd.Context(), *fw)
		if err != nil {
			return err
		}
		// Columns in the order of the newest installed version.
		var order []string
		if v, err := db.LatestFrameworkVersion(cmd.Context(), *fw); err == nil {
			if f, err := installedFramework(cmd, db)(*fw, v); err == nil {
				for _, c := range f.Competencies {
					order = append(order, c.ID)
				}
			}
		}
		out := make([]benchmark.Row, len(rows))
		for i, r := range rows {
			out[i] = benchmark.Row{FrameworkVersion: r.FrameworkVersion, Industry: r.Industry, Size: r.Size, Scores: r.Scores}
		}
		w := cmd.OutOrStdout()
		var fh *os.File
		if *output != "-" {
			if fh, err = os.Create(*output); err != nil {
				return err
			}
			w = fh
		}
		bw := bufio.NewWriter(w)
		err = benchmark.Write(bw, *fw, order, out)
		if err == nil {
			err = bw.Flush()
		}
		if fh != nil {
			if cerr := fh.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(cmd.ErrOrStderr(), "exported %d closed assessment(s) of %s\n", len(out), *fw)
		return nil
	}
	return cmd
}

func newBenchmarkImportCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "import FILE",
		Short: "Load a benchmark CSV as peers (all or nothing)",
		Args:  args(cobra.ExactArgs(1)),
	}
	dsn := dbFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, a []string) error {
		db, err := openDB(cmd.Context(), *dsn)
		if err != nil {
			return err
		}
		defer db.Close()
		in, name := cmd.InOrStdin(), "standard input"
		if a[0] != "-" {
			fh, err := os.Open(a[0])
			if err != nil {
				return err
			}
			defer fh.Close()
			in, name = fh, a[0]
		}
		id, rows, err := benchmark.Read(name, in, installedFramework(cmd, db))
		if err != nil {
			return err
		}
		peers := make([]store.ExportRow, len(rows))
		for i, r := range rows {
			peers[i] = store.ExportRow{FrameworkVersion: r.FrameworkVersion, Industry: r.Industry, Size: r.Size, Scores: r.Scores}
		}
		if err := db.ImportPeers(cmd.Context(), id, peers); err != nil {
			return err
		}
		fmt.Fprintf(cmd.OutOrStdout(), "imported %d peer assessment(s) of %s\n", len(rows), id)
		return nil
	}
	return cmd
}

// installedFramework looks a framework version up in the database.
func installedFramework(cmd *cobra.Command, db *store.DB) benchmark.Lookup {
	return func(id string, version int) (*cxm.Framework, error) {
		src, err := db.FrameworkSource(cmd.Context(), id, version)
		if err != nil {
			return nil, fmt.Errorf("framework %s version %d is not installed here", id, version)
		}
		return framework.ParseStored(fmt.Sprintf("%s@%d", id, version), src)
	}
}
