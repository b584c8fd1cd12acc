package score

import (
	"fmt"
	"sort"

	"github.com/cxmhq/cxm"
)

// Participation is all that is shown of an open assessment (scoring.md
// 4.12): counts of who answered, never a figure. It is live, so it must not
// single anyone out: a value chosen by 1 to k − 1 respondents reads "fewer
// than k" instead of its count.
type Participation struct {
	Responses int                     `json:"responses"`
	Invited   int                     `json:"invited"`
	Rate      *float64                `json:"rate"` // responses / invited; null when nobody is invited
	By        map[string][]ValueCount `json:"by"`
}

// ValueCount is one attribute value's responses: an int, or the words
// "fewer than k".
type ValueCount struct {
	Value     string `json:"value"`
	Responses any    `json:"responses"`
}

// ParticipationOf builds the participation of an assessment with
// anonymity threshold k from its counters: by maps attribute name → value →
// responses. Every attribute is listed, in order; its declared values in
// their order, 0 included (a value nobody chose singles nobody out, and
// tells the facilitator whom to remind); an attribute without declared
// values lists the values given, in byte order. A blank value is not
// listed.
func ParticipationOf(k, responses, invited int, attrs []cxm.Attribute, by map[string]map[string]int) Participation {
	p := Participation{Responses: responses, Invited: invited, By: map[string][]ValueCount{}}
	if invited > 0 {
		r := float64(responses) / float64(invited)
		p.Rate = &r
	}
	for _, at := range attrs {
		values := at.Values
		if len(values) == 0 {
			for v := range by[at.Name] {
				values = append(values, v)
			}
			sort.Strings(values)
		}
		list := []ValueCount{}
		for _, v := range values {
			list = append(list, ValueCount{Value: v, Responses: maskCount(by[at.Name][v], k)})
		}
		p.By[at.Name] = list
	}
	return p
}

// maskCount is n, or "fewer than k" when 1 ≤ n < k.
func maskCount(n, k int) any {
	if n > 0 && n < k {
		return fmt.Sprintf("fewer than %d", k)
	}
	return n
}
