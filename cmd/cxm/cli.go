package main

import (
	"fmt"
	"io"
	"os"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// plainBool is a bool flag's value that help shows as "--help" rather than
// pflag 1.1's "--help[=true|false]": the flag works the same (NoOptDefVal
// is "true", so --help and --help=false both parse, and Type is "bool"
// for cobra's GetBool).
type plainBool struct{ pflag.Value }

// plainBoolFlags rewraps every bool flag of cmd and its subcommands,
// help and version included (which cobra adds lazily, so they are added
// here first).
func plainBoolFlags(cmd *cobra.Command) {
	cmd.InitDefaultHelpFlag()
	if cmd.Version != "" {
		cmd.InitDefaultVersionFlag()
	}
	for _, fs := range []*pflag.FlagSet{cmd.Flags(), cmd.PersistentFlags()} {
		fs.VisitAll(func(f *pflag.Flag) {
			if _, done := f.Value.(plainBool); !done && f.Value.Type() == "bool" {
				f.Value = plainBool{f.Value}
			}
		})
	}
	for _, sub := range cmd.Commands() {
		plainBoolFlags(sub)
	}
}

// versionText is what cxm --version prints: the version set at build time
// (-ldflags "-X main.version=v1.2.0"), else the module's version when
// installed with go install, else the commit and its time when built from
// a checkout, else "dev".
func versionText(set string, info *debug.BuildInfo, ok bool) string {
	if set != "" && set != "dev" {
		return set
	}
	if !ok || info == nil {
		return "dev"
	}
	vcs := map[string]string{}
	for _, s := range info.Settings {
		vcs[s.Key] = s.Value
	}
	rev := vcs["vcs.revision"]
	// A tagged release (go install …@v1.2.0, or a build at a clean tag)
	// says its version; a checkout's pseudo-version
	// (v0.0.0-20261130002739-757b8c6ad03e+dirty) says it less well than
	// the commit and its time.
	if v := info.Main.Version; v != "" && v != "(devel)" && (rev == "" || !pseudoVersion.MatchString(v)) {
		return v
	}
	if rev == "" {
		return "dev"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	out := "dev, commit " + rev
	if t, err := time.Parse(time.RFC3339, vcs["vcs.time"]); err == nil {
		out += " of " + t.UTC().Format("2006-01-02 15:04 UTC")
	}
	if vcs["vcs.modified"] == "true" {
		out += ", with uncommitted changes"
	}
	return out
}

// pseudoVersion matches the versions Go makes up from a commit, and the
// +dirty of a build with uncommitted changes.
var pseudoVersion = regexp.MustCompile(`(^v\d+\.\d+\.\d+-(0\.)?\d{14}-[0-9a-f]{12})|\+dirty$`)

func buildVersion() string {
	info, ok := debug.ReadBuildInfo()
	return versionText(version, info, ok)
}

// usageHint is the line after a usage error: the help of the command that
// was run ("cxm score --help"), or of cxm itself.
func usageHint(cmd *cobra.Command) string {
	path := "cxm"
	if cmd != nil {
		path = cmd.CommandPath()
	}
	return fmt.Sprintf("Run '%s --help' for usage.", path)
}

// termWidth is the width to wrap text to: $COLUMNS, else the terminal's
// when w is one, else 80; never below 40.
func termWidth(w io.Writer) int {
	width := 80
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n > 0 {
		width = n
	} else if f, ok := w.(*os.File); ok {
		if n := terminalColumns(f); n > 0 {
			width = n
		}
	}
	return max(width, 40)
}

// hang writes text after prefix, wrapped at width (counted in runes), the
// lines after the first indented by indent.
func hang(prefix, text string, width int, indent string) string {
	var b strings.Builder
	b.WriteString(prefix)
	line := utf8.RuneCountInString(prefix)
	start := line
	for _, word := range strings.Fields(text) {
		n := utf8.RuneCountInString(word)
		switch {
		case line == start:
		case line+1+n > width:
			b.WriteString("\n" + indent)
			line = utf8.RuneCountInString(indent)
			start = line
		default:
			b.WriteByte(' ')
			line++
		}
		b.WriteString(word)
		line += n
	}
	return b.String()
}
