package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/store"
)

// TestBenchmarkCarry exports the closed assessments of one installation
// and imports them as peers into another, as a consultant would.
func TestBenchmarkCarry(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	from, to := filepath.Join(dir, "client-a.db"), filepath.Join(dir, "client-b.db")
	db, err := openDB(ctx, from)
	if err != nil {
		t.Fatal(err)
	}
	org, _ := db.CreateOrganization(ctx, cxm.Organization{Name: "Secret Client Ltd", Industry: "Retail", Size: "250-1000"})
	for i, scores := range [][]store.CompetencyScore{
		{{Competency: "purposeful-leadership", Score: 61.25, N: 40}, {Competency: "employee-engagement", Score: 38.5, N: 40}},
		{{Competency: "purposeful-leadership", Score: 70, N: 12}},
		nil, // open: not exported
	} {
		a := cxm.Assessment{OrganizationID: org, Name: "Wave", FrameworkID: "temkin-four", FrameworkVersion: 1, MinGroup: 5}
		id, err := db.CreateAssessment(ctx, &a)
		if err != nil {
			t.Fatal(err)
		}
		if i < 2 {
			db.SetScores(ctx, id, scores)
			db.SetStatus(ctx, id, cxm.StatusClosed, a.CreatedAt)
		}
	}
	db.Close()
	file := filepath.Join(dir, "peers.csv")
	if o := runCxm(t, "", "benchmark", "export", "--db", from, "--framework", "temkin-four", "-o", file); o.code != 0 {
		t.Fatalf("export: %d %s", o.code, o.stderr)
	}
	data, _ := os.ReadFile(file)
	want := "framework,framework_version,industry,size,purposeful-leadership,compelling-brand-values,employee-engagement,customer-connectedness\n" +
		"temkin-four,1,Retail,250-1000,61.25,,38.5,\n" +
		"temkin-four,1,Retail,250-1000,70,,,\n"
	if string(data) != want {
		t.Fatalf("exported\n%s\nwant\n%s", data, want)
	}
	if strings.Contains(string(data), "Secret") {
		t.Fatal("the export names the organization")
	}
	if o := runCxm(t, "", "benchmark", "import", "--db", to, file); o.code != 0 || !strings.Contains(o.stdout, "imported 2 peer assessment(s) of temkin-four") {
		t.Fatalf("import: %d %s %s", o.code, o.stdout, o.stderr)
	}
	// A bad file is refused whole, with the place of every problem.
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte(want+"temkin-four,1,Retail,,500,,,\n"), 0o644)
	if o := runCxm(t, "", "benchmark", "import", "--db", to, bad); o.code != 1 || !strings.Contains(o.stderr, `bad.csv:4:23: row 4, column purposeful-leadership: "500" is not a score from 0 to 100`) {
		t.Fatalf("bad import: %d %s", o.code, o.stderr)
	}
	db, err = openDB(ctx, to)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	peers, err := db.Peers(ctx, store.PeerFilter{FrameworkID: "temkin-four", FrameworkVersion: 1})
	if err != nil || len(peers) != 2 || peers[0].Scores["employee-engagement"] != 38.5 {
		t.Fatalf("peers %v %v", peers, err)
	}
}
