package sentiment_test

import (
	"fmt"

	"github.com/cxmhq/cxm/sentiment"
)

// The values are vaderSentiment 3.3.2's (checked with the Python original).
func ExampleCompound() {
	for _, c := range []string{
		"The agent was friendly and fixed it in minutes!",
		"Waited forty minutes.<br />Nobody called back, not good at all.",
		"Delivery on Tuesday.",
	} {
		v := sentiment.Compound(c)
		fmt.Println(v, sentiment.BandOf(v))
	}
	// Output:
	// 0.5411 positive
	// -0.3412 negative
	// 0 neutral
}
