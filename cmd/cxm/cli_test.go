package main

import (
	"runtime/debug"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// TestHelpFlagText: every help screen shows "-h, --help   help for X",
// never pflag's "[=true|false]", and --help=false still parses.
func TestHelpFlagText(t *testing.T) {
	var walk func(c *cobra.Command)
	var paths [][]string
	walk = func(c *cobra.Command) {
		p := strings.Fields(c.CommandPath())[1:]
		paths = append(paths, append(p, "--help"))
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	started := false
	walk(newRoot(nil, nil, nil, &started))
	if len(paths) < 15 {
		t.Fatalf("only %d commands", len(paths))
	}
	for _, args := range paths {
		o := runCxm(t, "", args...)
		name := "cxm"
		if len(args) > 1 {
			name = args[len(args)-2]
		}
		if o.code != 0 || strings.Contains(o.stdout, "[=true|false]") || !strings.Contains(o.stdout, "  -h, --help ") ||
			!strings.Contains(o.stdout, "help for "+name+"\n") {
			t.Errorf("%v: exit %d\n%s", args, o.code, o.stdout)
		}
	}
	o := runCxm(t, "", "--help")
	for _, want := range []string{"  -h, --help      help for cxm\n", "  -v, --version   version for cxm\n"} {
		if !strings.Contains(o.stdout, want) {
			t.Errorf("cxm --help lacks %q:\n%s", want, o.stdout)
		}
	}
	if o := runCxm(t, "", "score", "--help=false"); o.code != 2 || !strings.Contains(o.stderr, "which responses?") {
		t.Errorf("--help=false: %d %q", o.code, o.stderr)
	}
	if o := runCxm(t, "", "framework", "show", "a", "b"); o.code != 2 || o.stderr != "cxm: accepts 1 arg(s), received 2\nRun 'cxm framework show --help' for usage.\n" {
		t.Errorf("framework show a b: %d %q", o.code, o.stderr)
	}
}

// TestVersionText: a version set at build time, a release's module
// version, a checkout's commit and time, or dev.
func TestVersionText(t *testing.T) {
	checkout := &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261130002739-757b8c6ad03e+dirty"}, Settings: []debug.BuildSetting{
		{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: "757b8c6ad03e50763a7c6fd5409f72593dc52abc"},
		{Key: "vcs.time", Value: "2026-11-30T00:27:39Z"}, {Key: "vcs.modified", Value: "true"}}}
	clean := &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "757b8c6ad03e50763a7c6fd5409f72593dc52abc"}, {Key: "vcs.time", Value: "2026-11-30T00:27:39Z"}, {Key: "vcs.modified", Value: "false"}}}
	for _, c := range []struct {
		set  string
		info *debug.BuildInfo
		ok   bool
		want string
	}{
		{"v1.4.0", checkout, true, "v1.4.0"},
		{"dev", &debug.BuildInfo{Main: debug.Module{Version: "v1.3.2"}}, true, "v1.3.2"},
		{"dev", &debug.BuildInfo{Main: debug.Module{Version: "v1.3.2"}, Settings: clean.Settings}, true, "v1.3.2"},
		{"dev", checkout, true, "dev, commit 757b8c6ad03e of 2026-11-30 00:27 UTC, with uncommitted changes"},
		{"dev", clean, true, "dev, commit 757b8c6ad03e of 2026-11-30 00:27 UTC"},
		{"dev", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, true, "dev"},
		{"dev", nil, false, "dev"},
	} {
		if got := versionText(c.set, c.info, c.ok); got != c.want {
			t.Errorf("versionText(%q, %v) = %q, want %q", c.set, c.info, got, c.want)
		}
	}
	if o := runCxm(t, "", "--version"); o.code != 0 || o.stdout != "cxm version "+buildVersion()+"\n" {
		t.Errorf("--version: %d %q", o.code, o.stdout)
	}
}

// TestFrameworkShowWraps: every paragraph of framework show fits the
// width ($COLUMNS, else 80), with hanging indents.
func TestFrameworkShowWraps(t *testing.T) {
	for _, cols := range []string{"", "60"} {
		t.Setenv("COLUMNS", cols)
		limit := 79
		if cols == "60" {
			limit = 59
		}
		for _, id := range []string{"temkin-four", "bliss-five", "understand-decide-deliver-scale"} {
			o := runCxm(t, "", "framework", "show", id)
			if o.code != 0 {
				t.Fatalf("%s: %d %s", id, o.code, o.stderr)
			}
			for _, l := range strings.Split(o.stdout, "\n") {
				if n := len([]rune(l)); n > limit {
					t.Errorf("COLUMNS=%q %s: a line of %d: %q", cols, id, n, l)
				}
			}
		}
	}
	t.Setenv("COLUMNS", "")
	o := runCxm(t, "", "framework", "show", "temkin-four")
	for _, want := range []string{
		"  from   0  Ignore — Customer experience is not on the agenda; decisions are\n            made around products, costs and internal convenience. Problems that\n",
		"  R pl-6     Leaders say customers come first but reward something else.\n",
		"When weak: Stagnant. Without a shared purpose set from the top, departments\n  pull",
	} {
		if !strings.Contains(o.stdout, want) {
			t.Errorf("framework show lacks %q", want)
		}
	}
}

// TestHang: wrapping with a prefix and a hanging indent, in runes.
func TestHang(t *testing.T) {
	if got := hang("  - ", "Put the values in plain words [ignore, explore]", 24, "    "); got != "  - Put the values in\n    plain words [ignore,\n    explore]" {
		t.Errorf("%q", got)
	}
	if got := hang("", "Understand · Decide · Deliver", 12, ""); got != "Understand ·\nDecide ·\nDeliver" {
		t.Errorf("%q", got)
	}
}
