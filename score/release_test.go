package score

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cxmhq/cxm"
)

// TestRelease: no release below k; a release is stamped with when it was
// made, k and its respondents; an item fewer than k answered shows neither
// its distribution nor its mean.
func TestRelease(t *testing.T) {
	f := tiny(cxm.RuleWeakestLink)
	s, err := New(f, Options{Attributes: []string{"dept"}, GroupBy: []string{"dept"}, MinGroup: 3})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 29, 10, 0, 0, 0, time.FixedZone("CET", 3600))
	// d2 is answered by two respondents only, d1 by three.
	rows := [][]int{{4, 4, 2, 2, 3, 3, 1, 1}, {5, 5, 2, 3, 1, 2, 2, 5}, {3, 3, 3, 3, 3, 3, 3, X}, {2, 2, 2, 2, 2, 2, X, X}}
	for i, r := range rows {
		if i == 2 {
			if rel := s.Release(at); rel != nil {
				t.Fatalf("a release of 2 respondents with k = 3: %+v", rel)
			}
		}
		if err := s.Add(Response{Answers: r, Attrs: []string{"Sales"}}); err != nil {
			t.Fatal(err)
		}
	}
	rel := s.Release(at)
	if rel == nil || rel.Release == nil || *rel.Release != (Release{At: at.UTC(), K: 3, Respondents: 4}) || rel.Withheld {
		t.Fatalf("release stamp %+v", rel)
	}
	byID := map[string]Item{}
	for _, it := range rel.Items {
		byID[it.ID] = it
	}
	if d1 := byID["d1"]; d1.N != 3 || !reflect.DeepEqual(d1.Counts, []int{1, 1, 1, 0, 0}) || d1.Index == nil || *d1.Index != 25 {
		t.Errorf("d1, answered by 3: %+v", d1)
	}
	if d2 := byID["d2"]; d2.N != 2 || d2.Counts != nil || d2.Index != nil {
		t.Errorf("d2, answered by 2 of k = 3: %+v", d2)
	}
	if rel.Competency("a").N != 4 || len(rel.Groups["dept"]) != 1 {
		t.Errorf("figures: %+v", rel)
	}
}

// TestOnly: views pick breakdowns out of a release, in the order asked,
// and never one it does not have.
func TestOnly(t *testing.T) {
	f := tiny(cxm.RuleWeakestLink)
	s, err := New(f, Options{Attributes: []string{"dept", "level"}, GroupBy: []string{"dept", "level"}, MinGroup: 3})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 6 {
		s.Add(Response{Answers: []int{4, 4, 2, 2, 3, 3, 1, 1}, Attrs: []string{[]string{"Sales", "Ops"}[i%2], "Staff"}})
	}
	rel := s.Release(time.Unix(0, 0))
	got, err := rel.Only([]string{"level", "dept"})
	if err != nil || !reflect.DeepEqual(got.GroupBy, []string{"level", "dept"}) || len(got.Groups) != 2 || !reflect.DeepEqual(got.Groups["dept"], rel.Groups["dept"]) {
		t.Errorf("Only(level, dept): %+v, %v", got, err)
	}
	none, err := rel.Only(nil)
	if err != nil || len(none.Groups) != 0 || len(none.Suppressed) != 0 || len(none.Gaps) != 0 || len(none.GroupBy) != 0 || none.Respondents != 6 {
		t.Errorf("Only(nil): %+v, %v", none, err)
	}
	if len(rel.Groups) != 2 {
		t.Error("Only changed the release")
	}
	if _, err := rel.Only([]string{"dept", "region"}); err == nil || !strings.Contains(err.Error(), `"region"`) {
		t.Errorf("an attribute the release lacks: %v", err)
	}
	if _, err := rel.Only([]string{"dept", "dept"}); err == nil {
		t.Error("an attribute twice was accepted")
	}
}

// TestParticipationOf: "fewer than k" for 1..k−1, 0 kept, declared order,
// values given in byte order for an attribute without declared values.
func TestParticipationOf(t *testing.T) {
	attrs := []cxm.Attribute{{Name: "department", Values: []string{"Sales", "Legal", "Ops"}}, {Name: "site"}}
	p := ParticipationOf(5, 12, 20, attrs, map[string]map[string]int{
		"department": {"Sales": 7, "Legal": 4}, "site": {"Paris": 5, "Lyon": 1},
	})
	want := map[string][]ValueCount{
		"department": {{"Sales", 7}, {"Legal", "fewer than 5"}, {"Ops", 0}},
		"site":       {{"Lyon", "fewer than 5"}, {"Paris", 5}},
	}
	if p.Responses != 12 || p.Invited != 20 || p.Rate == nil || *p.Rate != 0.6 || !reflect.DeepEqual(p.By, want) {
		t.Errorf("participation %+v", p)
	}
	if p := ParticipationOf(5, 3, 0, nil, nil); p.Rate != nil || len(p.By) != 0 {
		t.Errorf("nobody invited: %+v", p)
	}
}
