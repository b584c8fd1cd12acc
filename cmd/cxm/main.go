// Command cxm assesses an organization against customer-experience
// competency frameworks: it scores response files on the command line and
// (cxm serve) runs assessments as a web application.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/cxmhq/cxm"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// version is set at build time with -ldflags "-X main.version=…";
// otherwise the build information gives it (buildVersion).
var version = "dev"

// Exit statuses (shared/spec/scoring.md §7).
const (
	exitOK       = 0
	exitBadInput = 1
	exitUsage    = 2
)

// usageError is wrong use of the command line: exit status 2.
type usageError struct{ error }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run executes the command line and returns the exit status; tests call it
// directly, and end long-running commands by cancelling ctx.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	started := false // set once flags and arguments were accepted
	root := newRoot(stdin, stdout, stderr, &started)
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return exitOK
	}
	var list cxm.ErrorList
	var usage usageError
	switch {
	case errors.As(err, &list):
		for _, e := range list {
			fmt.Fprintln(stderr, e.Error())
		}
		fmt.Fprintf(stderr, "cxm: %d error(s); nothing was written\n", len(list))
	default:
		fmt.Fprintln(stderr, "cxm:", err)
	}
	if errors.As(err, &usage) || !started {
		fmt.Fprintln(stderr, usageHint(cmd))
		return exitUsage
	}
	return exitBadInput
}

func newRoot(stdin io.Reader, stdout, stderr io.Writer, started *bool) *cobra.Command {
	root := &cobra.Command{
		Use:   "cxm",
		Short: "Customer-experience maturity, measured and acted on",
		Long: `cxm assesses an organization against customer-experience competency
frameworks, scores the answers of many anonymous respondents with honest
statistics (weakest-link maturity, agreement, breakdowns by department) and
says in words where the organization stands.

Every flag can also be set by an environment variable CXM_<FLAG>, e.g.
CXM_MIN_GROUP=7 for --min-group.`,
		Version:       buildVersion(),
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			*started = true
			return flagsFromEnv(cmd)
		},
	}
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(newFrameworkCmd(), newJourneyCmd(), newListenCmd(), newScoreCmd(), newServeCmd(), newMigrateCmd(), newUserCmd(), newTokenCmd(), newBackupCmd(), newBenchmarkCmd())
	root.InitDefaultHelpCmd()
	plainBoolFlags(root)
	return root
}

// flagsFromEnv sets every flag the user did not give from CXM_<NAME>, so
// deployments can configure cxm by environment.
func flagsFromEnv(cmd *cobra.Command) error {
	var err error
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if f.Changed || err != nil || f.Name == "help" || f.Name == "version" {
			return
		}
		env := "CXM_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v, ok := os.LookupEnv(env); ok {
			if e := cmd.Flags().Set(f.Name, v); e != nil {
				err = usagef("%s=%q: %v", env, v, e)
			}
		}
	})
	return err
}

// args wraps a cobra argument check so that its failure is a usage error.
func args(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, a []string) error {
		if err := check(cmd, a); err != nil {
			return usageError{err}
		}
		return nil
	}
}

// format is the --format flag: one of a fixed set of output formats.
type format struct {
	value   string
	allowed []string
}

func (f *format) String() string { return f.value }
func (f *format) Type() string   { return "format" }
func (f *format) Set(s string) error {
	for _, a := range f.allowed {
		if s == a {
			f.value = s
			return nil
		}
	}
	return fmt.Errorf("must be one of %s", strings.Join(f.allowed, ", "))
}

func addFormat(cmd *cobra.Command, allowed ...string) *format {
	f := &format{value: allowed[0], allowed: allowed}
	cmd.Flags().VarP(f, "format", "f", "output format: "+strings.Join(allowed, ", "))
	cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(allowed, cobra.ShellCompDirectiveNoFileComp))
	return f
}
