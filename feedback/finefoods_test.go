package feedback

import (
	"os"
	"testing"
	"time"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/journey"
)

// TestFineFoodsReviews reads the 4,000 real Amazon fine-foods reviews
// (../shared/data) as the example journey's review source.
func TestFineFoodsReviews(t *testing.T) {
	fh, err := os.Open("../../shared/data/fine-foods-reviews.csv")
	if err != nil {
		t.Skip("the shared data is not here:", err)
	}
	defer fh.Close()
	j, _ := journey.Builtin("online-grocer")
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	rd, err := NewReader("fine-foods-reviews.csv", fh, j, "product-reviews", Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	labels, stages := map[string]int{}, map[string]int{}
	err = rd.Each(func(r *cxm.Record) error {
		labels[r.Attributes[1]]++
		stages[r.Stage]++
		if !r.At.Equal(now) || r.Comment == "" || r.Attributes[0] == "" {
			t.Errorf("record %s: %+v", r.ID, r)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("labels %v, stages %v", labels, stages)
	// 804 reviews speak of shipping, delivery or packaging: routed to deliver.
	if rd.Rows() != 4000 || labels["great"] != 2600 || labels["other"] != 1400 || stages["enjoy"] != 3196 || stages["deliver"] != 804 {
		t.Errorf("rows %d labels %v stages %v", rd.Rows(), labels, stages)
	}
}
