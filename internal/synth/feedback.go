package synth

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"time"
)

// FeedbackJourney is the journey of WriteFeedback's records: one source
// "all" with eleven columns, routes by channel and by comment.
const FeedbackJourney = `id: bench
version: 1
name: Bench
timezone: Europe/Amsterdam
stages:
  - {id: discover, name: Discover}
  - {id: buy, name: Buy}
  - {id: deliver, name: Deliver}
  - {id: get-help, name: Get help}
sources:
  - id: all
    channel: survey
    stage: buy
    columns: {id: id, at: time, customer: customer, stage: stage, nps: nps, csat: csat, ces: ces,
              employee: employee, comment: comment}
    attributes: [channel, unit]
routes:
  - {attribute: {channel: chat}, stage: get-help}
  - {comment_matches: "(?i)courier|parcel", stage: deliver}
`

var feedbackWords = strings.Fields(`the order arrived late and the courier was rude but the food tasted great
thank you for the quick help with my refund the app kept crashing when I paid parcel was
damaged fresh bread lovely service slow answer easy to find what I needed price too high`)

// WriteFeedback writes n feedback records as CSV for FeedbackJourney's
// source: id, time (two years from 2025), channel, customer, stage (a third
// left blank for the routes), nps, csat, ces, employee, unit and a comment
// of 3–20 words; deterministic for a seed.
func WriteFeedback(out io.Writer, n int, seed uint64) error {
	w := bufio.NewWriterSize(out, 1<<20)
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	channels := []string{"survey", "chat", "email", "call"}
	stages := []string{"", "", "discover", "buy", "deliver", "get-help"}
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	fmt.Fprintln(w, "id,time,channel,customer,stage,nps,csat,ces,employee,unit,comment")
	for i := 0; i < n; i++ {
		at := start.Add(time.Duration(r.Int64N(int64(700 * 24 * time.Hour))))
		fmt.Fprintf(w, "R%08d,%s,%s,C%06d,%s,%d,%d,%d,agent-%03d,unit-%02d,", i, at.Format(time.RFC3339),
			channels[r.IntN(len(channels))], r.IntN(300000), stages[r.IntN(len(stages))], r.IntN(11), 1+r.IntN(5), 1+r.IntN(7), r.IntN(400), r.IntN(40))
		words := 3 + r.IntN(18)
		for k := 0; k < words; k++ {
			if k > 0 {
				w.WriteByte(' ')
			}
			w.WriteString(feedbackWords[r.IntN(len(feedbackWords))])
		}
		w.WriteByte('\n')
	}
	return w.Flush()
}
