package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const listenJourney = `id: shop
version: 1
name: Shop
timezone: Europe/Amsterdam
min_n: 3
stages:
  - {id: buy, name: Buy}
  - {id: help, name: Get help}
sources:
  - id: survey
    channel: survey
    stage: buy
    columns: {id: id, at: at, nps: nps, csat: csat, comment: comment}
routes:
  - {source: survey, comment_matches: "(?i)support", stage: help}
`

// TestListen: figures per stage straight from a file, worked by hand. Buy:
// NPS answers 10, 9, 7, 3 → 2 promoters, 1 detractor of 4: nps 25; CSAT 5,
// 4, 2, 4 → 3 of 4 satisfied: 75. Help (routed by the comment): 2 answers,
// below min_n 3: counts only. A month trend and the change come with
// --by stage,month; a bad record is exit 1 with its line and column.
func TestListen(t *testing.T) {
	dir := t.TempDir()
	jf := filepath.Join(dir, "shop.yaml")
	os.WriteFile(jf, []byte(listenJourney), 0o644)
	data := filepath.Join(dir, "survey.csv")
	os.WriteFile(data, []byte("id,at,nps,csat,comment\n"+
		"r1,2026-10-05T10:00:00Z,10,5,Great shop\n"+
		"r2,2026-10-06T10:00:00Z,9,4,\n"+
		"r3,2026-11-02T10:00:00Z,7,2,Slow\n"+
		"r4,2026-11-03T10:00:00Z,3,4,\n"+
		"r5,2026-11-04T10:00:00Z,0,1,Support never answered\n"+
		"r6,2026-11-05T10:00:00Z,10,5,Support was kind\n"), 0o644)

	o := runCxm(t, "", "listen", "--journey", jf, "--source", "survey", "--format", "json", data)
	if o.code != 0 {
		t.Fatalf("exit %d: %s", o.code, o.stderr)
	}
	var got struct {
		Journey struct{ ID string }
		Stages  []struct {
			ID      string
			Records int
			NPS     struct {
				N          int
				Value      *float64
				Promoters  *int
				Detractors *int
			}
			CSAT struct {
				N     int
				Value *float64
			}
		}
		All struct{ Records int }
	}
	if err := json.Unmarshal([]byte(o.stdout), &got); err != nil {
		t.Fatal(err)
	}
	if got.Journey.ID != "shop" || len(got.Stages) != 2 || got.All.Records != 6 {
		t.Fatalf("%+v", got)
	}
	buy, help := got.Stages[0], got.Stages[1]
	if buy.ID != "buy" || buy.Records != 4 || *buy.NPS.Value != 25 || *buy.NPS.Promoters != 2 || *buy.NPS.Detractors != 1 || *buy.CSAT.Value != 75 {
		t.Errorf("buy: %+v", buy)
	}
	if help.ID != "help" || help.Records != 2 || help.NPS.N != 2 || help.NPS.Value != nil || help.NPS.Promoters != nil {
		t.Errorf("help, below min_n: %+v", help)
	}

	o = runCxm(t, "", "listen", "--journey", jf, "--source", "survey", "--by", "stage,month", data)
	for _, want := range []string{"Buy", "2026-10", "2026-11", "25 (", "too few (n=2)", "Buy, 2026-11 against 2026-10: NPS"} {
		if !strings.Contains(o.stdout, want) {
			t.Errorf("table lacks %q:\n%s", want, o.stdout)
		}
	}
	o = runCxm(t, "", "listen", "--journey", jf, "--source", "survey", "--from", "2026-11-01", "--format", "csv", data)
	if lines := strings.Split(strings.TrimSpace(o.stdout), "\n"); o.code != 0 || len(lines) != 4 || !strings.HasPrefix(lines[3], "all,,4,") {
		t.Errorf("csv from November: %d %q", o.code, o.stdout)
	}

	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("id,at,nps,csat,comment\nr1,2026-10-05T10:00:00Z,11,5,\n"), 0o644)
	if o := runCxm(t, "", "listen", "--journey", jf, "--source", "survey", bad); o.code != 1 || !strings.Contains(o.stderr, "bad.csv:2:") || o.stdout != "" {
		t.Errorf("a bad record: %d %q %q", o.code, o.stdout, o.stderr)
	}
	for _, args := range [][]string{
		{"listen", data},
		{"listen", "--journey", jf, "--source", "nope", data},
		{"listen", "--journey", jf, "--source", "survey", "--by", "stage,month,week", data},
		{"listen", "--journey", jf, "--source", "survey", "--from", "yesterday", data},
	} {
		if o := runCxm(t, "", args...); o.code != 2 {
			t.Errorf("%v: exit %d, want 2: %s", args, o.code, o.stderr)
		}
	}
}

// TestListenReviews: the 4,000 real reviews through the example journey:
// 804 routed to deliver, 3,196 on enjoy, every one with a comment.
func TestListenReviews(t *testing.T) {
	const reviews = "../../../shared/data/fine-foods-reviews.csv"
	if _, err := os.Stat(reviews); err != nil {
		if os.Getenv("CI") == "" {
			t.Skipf("%s is absent: skipping", reviews)
		}
		t.Fatal(err)
	}
	o := runCxm(t, "", "listen", "--journey", "online-grocer", "--source", "product-reviews", "--format", "json", reviews)
	var got struct {
		Stages []struct {
			ID        string
			Records   int
			Sentiment struct{ N int }
		}
	}
	if err := json.Unmarshal([]byte(o.stdout), &got); o.code != 0 || err != nil {
		t.Fatalf("exit %d %v: %s", o.code, err, o.stderr)
	}
	n := map[string]int{}
	for _, s := range got.Stages {
		n[s.ID] = s.Records
		if s.Sentiment.N != s.Records {
			t.Errorf("%s: %d comments scored of %d records", s.ID, s.Sentiment.N, s.Records)
		}
	}
	if n["deliver"] != 804 || n["enjoy"] != 3196 {
		t.Errorf("records per stage: %v", n)
	}
}
