package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cxmhq/cxm/journey"
)

func TestJourneyCommands(t *testing.T) {
	dir := t.TempDir()
	src, _ := journey.BuiltinSource("online-grocer")
	good := filepath.Join(dir, "good.yaml")
	os.WriteFile(good, src, 0o644)
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("id: x\nversion: 1\nname: X\nstages: [{id: a, name: A}]\nsources: [{id: s, channel: fax, columns: {id: i}}]\n"), 0o644)

	o := runCxm(t, "", "journey", "lint", good)
	if o.code != 0 || o.stdout != good+": ok (online-grocer version 1: 6 stages, 4 sources, 3 routes)\n" {
		t.Errorf("lint good: %d %q %q", o.code, o.stdout, o.stderr)
	}
	o = runCxm(t, "", "journey", "lint", good, bad)
	wantErr := bad + `:5:28: channel must be one of survey, support, review, social, chat, call, email, operations, customers, other, not "fax"` + "\ncxm: 1 error(s); nothing was written\n"
	if o.code != 1 || o.stderr != wantErr {
		t.Errorf("lint bad: %d %q", o.code, o.stderr)
	}
	o = runCxm(t, "", "journey", "lint", "--format", "json", bad)
	var reports []struct {
		File   string
		OK     bool
		Errors []string
	}
	if err := json.Unmarshal([]byte(o.stdout), &reports); err != nil || o.code != 1 || len(reports) != 1 || reports[0].OK || len(reports[0].Errors) != 1 {
		t.Errorf("lint json: %d %s %v", o.code, o.stdout, err)
	}
	if o = runCxm(t, "", "journey", "lint"); o.code != 2 {
		t.Errorf("lint without files: %d", o.code)
	}
	o = runCxm(t, "", "journey", "show", "online-grocer")
	if o.code != 0 || !strings.Contains(o.stdout, "  5. Get help (get-help) — support-lead@grocer.example\n") ||
		!strings.Contains(o.stdout, "  detractors: within 24h (Mon-Fri 09:00-17:00), owner stage\n") {
		t.Errorf("show: %d %s %s", o.code, o.stdout, o.stderr)
	}
	o = runCxm(t, "", "journey", "show", "online-grocer", "--format", "yaml")
	if o.code != 0 || o.stdout != string(src) {
		t.Errorf("show yaml: %d", o.code)
	}
	o = runCxm(t, "", "journey", "show", good, "-f", "json")
	var j struct {
		ID       string
		Timezone string
		FollowUp []struct{ Within string } `json:"follow_up"`
	}
	if err := json.Unmarshal([]byte(o.stdout), &j); err != nil || j.ID != "online-grocer" || j.Timezone != "America/Chicago" || j.FollowUp[0].Within != "24h" {
		t.Errorf("show json: %v %+v", err, j)
	}
	if o = runCxm(t, "", "journey", "show", "nope"); o.code != 1 || !strings.Contains(o.stderr, `no built-in journey "nope" and no such file (built-ins: online-grocer)`) {
		t.Errorf("show unknown: %d %s", o.code, o.stderr)
	}
	if o = runCxm(t, "", "journey", "show", "online-grocer", "-f", "xml"); o.code != 2 {
		t.Errorf("show bad format: %d", o.code)
	}
	if o = runCxm(t, "", "journey", "--help"); o.code != 0 || !strings.Contains(o.stdout, "lint") {
		t.Errorf("help: %d", o.code)
	}
}
