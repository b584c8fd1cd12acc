package score

import (
	"fmt"
	"testing"
	"time"

	"github.com/cxmhq/cxm"
)

// TestUnknownGroupByIsCheap: 100,000 attributes and a breakdown by 100,000
// unknown names cost linear time and a short message (it was quadratic:
// every attribute was listed in the message, built by concatenation).
func TestUnknownGroupByIsCheap(t *testing.T) {
	attrs := make([]string, 100_000)
	for i := range attrs {
		attrs[i] = fmt.Sprint("a", i)
	}
	start := time.Now()
	_, err := New(tiny(cxm.RuleWeakestLink), Options{Attributes: attrs, GroupBy: []string{"a99999", "nope"}})
	want := `cannot break down by "nope": the responses have no such attribute (they have: "a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9", "a10", "a11", "a12", "a13", "a14", "a15", "a16", "a17", "a18", "a19" and 99980 more)`
	if err == nil || err.Error() != want {
		t.Errorf("got %v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("took %v", d)
	}
	if s, err := New(tiny(cxm.RuleWeakestLink), Options{Attributes: []string{"x", "dept", "dept"}, GroupBy: []string{"dept"}}); err != nil || s.groupBy[0] != 1 {
		t.Errorf("the first of equal names: %v", err)
	}
}
