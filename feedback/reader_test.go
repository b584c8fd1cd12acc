package feedback

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/journey"
)

const testJourney = `
id: shop
version: 1
name: Shop
timezone: Europe/Amsterdam
stages:
  - {id: buy, name: Buy}
  - {id: deliver, name: Deliver}
  - {id: help, name: Help}
sources:
  - id: survey
    channel: survey
    stage: buy
    columns: {id: rid, at: when, customer: cust, nps: q1, csat: q2, ces: q3, comment: text}
    measures: {speed: q4}
    attributes: [region]
  - id: qx
    channel: survey
    format: qualtrics
    columns: {id: ResponseId, at: EndDate, nps: Q1, comment: Q2}
  - id: api
    channel: chat
    format: ndjson
    measures: [wait]
    attributes: [region]
  - id: subs
    channel: customers
    columns: {id: id, at: at, customer: customer, event: event, value: value}
  - id: reviews
    channel: review
    columns: {id: id, comment: review}
    attributes: [label]
routes:
  - {source: survey, comment_matches: "(?i)courier", stage: deliver}
  - {attribute: {region: Help}, stage: help}
`

func testJ(t testing.TB) *cxm.Journey {
	j, err := journey.Parse("j.yaml", []byte(testJourney))
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func readAll(t *testing.T, source, data string) ([]cxm.Record, error) {
	t.Helper()
	rd, err := NewReader("f", strings.NewReader(data), testJ(t), source, Options{Now: time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)})
	if err != nil {
		return nil, err
	}
	var out []cxm.Record
	err = rd.Each(func(r *cxm.Record) error {
		c := *r
		c.Measures = append([]float64(nil), r.Measures...)
		c.Attributes = append([]string(nil), r.Attributes...)
		out = append(out, c)
		return nil
	})
	return out, err
}

func TestCSV(t *testing.T) {
	data := "\xEF\xBB\xBFrid,when,cust,q1,q2,q3,text,q4,region,extra\n" +
		"r1,2026-11-02T14:03:00Z,c1,9,5,7,Great,3.5,EU,x\n" +
		"r2,2026-11-02 10:00,,,,,\"The courier, late\",,,\n" +
		"r3,2026-11-03,c3,0,,,,,Help,\n"
	recs, err := readAll(t, "survey", data)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 {
		t.Fatalf("got %d records", len(recs))
	}
	r := recs[0]
	if r.ID != "r1" || r.NPS != 9 || r.CSAT != 5 || r.CES != 7 || r.Comment != "Great" || r.Measures[0] != 3.5 ||
		r.Attributes[0] != "EU" || r.Stage != "buy" || r.Customer != "c1" || !r.At.Equal(time.Date(2026, 11, 2, 14, 3, 0, 0, time.UTC)) {
		t.Errorf("record 1: %+v", r)
	}
	if r.At.Location().String() != "Europe/Amsterdam" {
		t.Errorf("location %s", r.At.Location())
	}
	r = recs[1]
	if r.Stage != "deliver" || r.NPS != cxm.NoAnswer || !math.IsNaN(r.Measures[0]) || r.At.UTC().Hour() != 9 {
		t.Errorf("record 2: %+v (at %s)", r, r.At.UTC())
	}
	if recs[2].Stage != "help" || recs[2].NPS != 0 {
		t.Errorf("record 3: %+v", recs[2])
	}
}

func TestCSVErrors(t *testing.T) {
	data := "rid,when,cust,q1,q2,q3,text,q4,region\n" +
		"r1,2026-11-02T14:03:00Z,c1,11,6,0,ok,fast,EU\n" +
		",yesterday,,,,,,,\n" +
		"r3,2026-02-30,,,,,,,\n" +
		"r4,2026-11-02,,7,,,,,\n" +
		"r4,2026-11-02,,7,,,,,\n" +
		"r6,2026-11-02,,7\n"
	_, err := readAll(t, "survey", data)
	want := `f:2:28: row 2, column q1: nps must be a whole number from 0 to 10, not 11
f:2:31: row 2, column q2: csat must be a whole number from 1 to 5, not 6
f:2:33: row 2, column q3: ces must be a whole number from 1 to 7, not 0
f:2:38: row 2, column q4: measure speed must be a finite number such as 12 or 3.5, not "fast"
f:3:1: row 3, column rid: id is missing: every record needs one (1 to 200 characters)
f:3:2: row 3, column when: at: "yesterday" is not a time in RFC 3339 (e.g. 2026-11-02T14:03:00Z) or a date (2026-11-02); set the source's time_format for other forms
f:4:4: row 4, column when: at: "2026-02-30" is not a time in RFC 3339 (e.g. 2026-11-02T14:03:00Z) or a date (2026-11-02); set the source's time_format for other forms
f:6:1: row 6, column rid: id "r4" is already used in row 5 (ids are unique within a source)
f:7:1: row 7: has 4 columns, the header has 9`
	if err == nil || err.Error() != want {
		t.Errorf("got\n%v\nwant\n%s", err, want)
	}
}

func TestQualtrics(t *testing.T) {
	data := "StartDate,EndDate,ResponseId,Q1,Q2\n" +
		"Start Date,End Date,Response ID,How likely are you to recommend us?,Why?\n" +
		`"{""ImportId"":""startDate"",""timeZone"":""America/Denver""}","{""ImportId"":""endDate"",""timeZone"":""America/Denver""}","{""ImportId"":""_recordId""}","{""ImportId"":""QID1""}","{""ImportId"":""QID2_TEXT""}"` + "\n" +
		"2026-11-02 08:00:00,2026-11-02 08:05:00,R_1,10,Lovely\n" +
		"2026-11-02 08:00:00,2026-11-02 08:05:00,R_2,x,\n"
	_, err := readAll(t, "qx", data)
	want := "f:5:45: row 5, column Q1: nps must be a whole number from 0 to 10, not \"x\""
	if err == nil || err.Error() != want {
		t.Fatalf("got %v, want %s", err, want)
	}
	recs, err := readAll(t, "qx", strings.Replace(data, ",x,", ",3,", 1))
	if err != nil || len(recs) != 2 {
		t.Fatalf("%v %d", err, len(recs))
	}
	// 08:05 in Denver (MST, UTC-7) is 15:05 UTC.
	if got := recs[0].At.UTC().Format(time.RFC3339); got != "2026-11-02T15:05:00Z" || recs[0].NPS != 10 || recs[0].Stage != "" {
		t.Errorf("at %s, %+v", got, recs[0])
	}
	// An older export with two header rows: the third row is data.
	old := "EndDate,ResponseId,Q1,Q2\nEnd Date,Response ID,NPS,Why\n2026-11-02 08:05:00,R_1,7,\n"
	recs, err = readAll(t, "qx", old)
	if err != nil || len(recs) != 1 || recs[0].NPS != 7 || recs[0].At.UTC().Hour() != 7 {
		t.Fatalf("%v %+v", err, recs)
	}
}

func TestNDJSON(t *testing.T) {
	data := `{"source":"api","id":"a1","at":"2026-11-02T14:03:00+01:00","nps":7,"measures":{"wait":12},"attributes":{"region":"Help"}}` + "\n\n" +
		`{"id":"a2","at":"2026-11-02","comment":"hi","stage":"deliver","nps":null,"csat":"4"}` + "\r\n"
	recs, err := readAll(t, "api", data)
	if err != nil || len(recs) != 2 {
		t.Fatalf("%v %d", err, len(recs))
	}
	if recs[0].Measures[0] != 12 || recs[0].Stage != "help" || recs[0].NPS != 7 || recs[0].At.UTC().Hour() != 13 {
		t.Errorf("%+v", recs[0])
	}
	if recs[1].Stage != "deliver" || recs[1].CSAT != 4 || recs[1].NPS != cxm.NoAnswer {
		t.Errorf("%+v", recs[1])
	}
	bad := `{"id":"a1","at":"2026-11-02","nps":[1],"colour":"red","measures":{"speed":1},"event":"lost"}` + "\n" +
		`{"id":"a2","at":"2026-11-02","nps":` + "\n" +
		`{"id":"a1","at":"2026-11-02","nps":3,"nps":4}` + "\n" +
		"{\"id\":\"a4\",\"at\":\"2026-11-02\",\"comment\":\"\xff\"}\n" +
		`[1]` + "\n" +
		`{"id":"a6","at":"2026-11-02","source":"survey","stage":"nowhere","comment":"x"}` + "\n"
	_, err = readAll(t, "api", bad)
	want := `f:1:30: field nps: must be a string or a number, not [1]
f:1:40: field colour: unknown field "colour" (fields: source, id, at, customer, employee, stage, nps, csat, ces, comment, measures, attributes, event, value)
f:1:55: field measures.speed: "speed" is not a measure of source api (measures: wait)
f:1:78: field event: event is only for sources of channel customers
f:2:36: not valid JSON: the line ends before the object is closed
f:3:38: field nps: appears twice in the record
f:4:1: the line is not valid UTF-8 text (save the file as UTF-8)
f:5:1: each line must be one JSON object {"id": ..., "at": ..., ...}
f:6:30: field source: the record is of source "survey", but source api is being read
f:6:48: field stage: stage "nowhere" is not a stage of journey shop`
	if err == nil || err.Error() != want {
		t.Errorf("got\n%v\nwant\n%s", err, want)
	}
}

func TestCustomersAndReviews(t *testing.T) {
	_, err := readAll(t, "subs", "id,at,customer,event,value\n1,2026-11-02,c1,gained,1200\n2,2026-11-02,,quit,-1\n")
	want := `f:3:14: row 3, column customer: a record of channel customers needs a customer
f:3:15: row 3, column event: event must be gained or lost, not "quit"
f:3:20: row 3, column value: value must not be negative, not -1`
	if err == nil || err.Error() != want {
		t.Errorf("got\n%v\nwant\n%s", err, want)
	}
	_, err = readAll(t, "reviews", "id,product,review,label\nt1,B0,Tasty,great\nt2,B1,,other\n")
	if err == nil || err.Error() != "f:3: row 3: the record carries none of nps, csat, ces, comment or a measure" {
		t.Errorf("got %v", err)
	}
	recs, err := readAll(t, "reviews", "id,product,review,label\nt1,B0,Tasty,great\n")
	if err != nil || len(recs) != 1 || recs[0].Attributes[0] != "great" || recs[0].At.UTC().Format(time.RFC3339) != "2026-11-30T12:00:00Z" {
		t.Errorf("%v %+v", err, recs)
	}
}

func TestQuarantine(t *testing.T) {
	data := "id,product,review,label\nt1,B0,Tasty,great\nt2,B1,,other\nt1,B2,Again,great\nt4,B3,\"Fine, \"\"really\"\"\",other\n"
	rd, err := NewReader("f", strings.NewReader(data), testJ(t), "reviews", Options{})
	if err != nil {
		t.Fatal(err)
	}
	var ok []string
	var rejected []string
	err = rd.EachPartial(func(r *cxm.Record) error { ok = append(ok, r.ID); return nil }, func(r *Rejected) error {
		rejected = append(rejected, r.Text+" | "+r.Problems[0].Msg)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(ok, ",") != "t1,t4" || len(rejected) != 2 || rejected[0] != "t2,B1,,other | the record carries none of nps, csat, ces, comment or a measure" ||
		rejected[1] != `t1,B2,Again,great | id "t1" is already used in row 2 (ids are unique within a source)` {
		t.Errorf("ok %v rejected %q", ok, rejected)
	}
	if rd.Offset() != int64(len(data)) {
		t.Errorf("offset %d of %d", rd.Offset(), len(data))
	}
	if errs, more := rd.Errors(); len(errs) != 2 || more != 0 {
		t.Errorf("errors %v", errs)
	}
}

func TestErrorCap(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,product,review,label\n")
	for i := 0; i < 80; i++ {
		b.WriteString("x,,,\n")
	}
	_, err := readAll(t, "reviews", b.String())
	list := err.(cxm.ErrorList)
	if len(list) != MaxErrors+1 || list[MaxErrors].Error() != "f: … and 30 more errors" {
		t.Errorf("%d errors, last %v", len(list), list[len(list)-1])
	}
}

// TestTimeFormatAndExample reads the example journey's help desk export,
// whose times are written "11/2/2026 2:03 PM" in America/Chicago.
func TestTimeFormatAndExample(t *testing.T) {
	j, _ := journey.Builtin("online-grocer")
	data := "ticket,closed,customer,agent,rating,feedback,first_response,queue\n" +
		"T1,11/2/2026 2:03 PM,c1,agent-7,2,Slow answer,75,Billing\n" +
		"T2,11/2/2026 9:10 AM,c2,agent-7,,,12,Cancellations\n" +
		"T3,2026-11-02 09:10,c3,agent-8,5,,,\n"
	rd, err := NewReader("desk.csv", strings.NewReader(data), j, "help-desk", Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	err = rd.Each(func(r *cxm.Record) error {
		got = append(got, r.ID+" "+r.At.UTC().Format(time.RFC3339)+" "+r.Stage+" "+r.Employee)
		return nil
	})
	want := `desk.csv:4:4: row 4, column closed: at: "2026-11-02 09:10" does not match time format "%m/%d/%Y %I:%M %p" (expected "/")`
	if err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
	// CST is UTC-6 in November: 2:03 PM is 20:03 UTC.
	if strings.Join(got, "|") != "T1 2026-11-02T20:03:00Z get-help agent-7|T2 2026-11-02T15:10:00Z renew agent-7" {
		t.Errorf("got %q", got)
	}
}

func TestQuarantineFile(t *testing.T) {
	j := testJ(t)
	write := func(source, data string) string {
		rd, err := NewReader("f", strings.NewReader(data), j, source, Options{Now: time.Unix(0, 0)})
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		q := NewQuarantine(&b, rd)
		if err := rd.EachPartial(func(*cxm.Record) error { return nil }, q.Add); err != nil {
			t.Fatal(err)
		}
		if err := q.Flush(); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	got := write("qx", "EndDate,ResponseId,Q1,Q2\nEnd Date,Response ID,NPS,Why\n"+`"{""ImportId"":""endDate""}","{""ImportId"":""_recordId""}","{""ImportId"":""QID1""}","{""ImportId"":""QID2_TEXT""}"`+"\n"+
		"2026-11-02 08:05:00,R_1,12,\"Too, slow\"\n2026-11-02 08:05:00,R_2,9,Fine\n2026-11-02 08:05:00,R_3\n")
	want := "EndDate,ResponseId,Q1,Q2,cxm_line,cxm_errors\nEnd Date,Response ID,NPS,Why,,\n" + `"{""ImportId"":""endDate""}","{""ImportId"":""_recordId""}","{""ImportId"":""QID1""}","{""ImportId"":""QID2_TEXT""}",,` + "\n" +
		"2026-11-02 08:05:00,R_1,12,\"Too, slow\",4,\"row 4, column Q1: nps must be a whole number from 0 to 10, not 12\"\n" +
		"2026-11-02 08:05:00,R_3,,,6,\"row 6: has 2 columns, the header has 4\"\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	// The quarantine file, fixed, imports as the same source.
	fixed := strings.Replace(strings.Replace(got, ",12,", ",10,", 1), "R_3,,,", "R_3,8,,", 1)
	if recs, err := readAll(t, "qx", fixed); err != nil || len(recs) != 2 || recs[0].NPS != 10 || recs[1].NPS != 8 {
		t.Errorf("re-import: %v %+v", err, recs)
	}
	got = write("api", `{"id":"a1","at":"2026-11-02","nps":11}`+"\n"+`{"id":"a2","at":"2026-11-02","nps":1}`+"\n")
	want = `{"line":1,"errors":["field nps: nps must be a whole number from 0 to 10, not 11"],"record":"{\"id\":\"a1\",\"at\":\"2026-11-02\",\"nps\":11}"}` + "\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// TestFormatOverride reads an NDJSON source posted as CSV (columns named
// after the fields) and a CSV source posted as NDJSON.
func TestFormatOverride(t *testing.T) {
	j := testJ(t)
	read := func(source string, f cxm.Format, data string) ([]cxm.Record, error) {
		rd, err := NewReader("f", strings.NewReader(data), j, source, Options{Format: f})
		if err != nil {
			return nil, err
		}
		var out []cxm.Record
		err = rd.Each(func(r *cxm.Record) error {
			c := *r
			c.Measures = append([]float64(nil), r.Measures...)
			out = append(out, c)
			return nil
		})
		return out, err
	}
	recs, err := read("api", cxm.FormatCSV, "id,at,nps,wait,note\na1,2026-11-02,7,30,x\n")
	if err != nil || len(recs) != 1 || recs[0].NPS != 7 || recs[0].Measures[0] != 30 {
		t.Errorf("%v %+v", err, recs)
	}
	if _, err := read("api", cxm.FormatCSV, "id,nps\na1,7\n"); err == nil || err.Error() != "f:1:1: header: source api needs column(s) the file does not have: at (for at)" {
		t.Errorf("got %v", err)
	}
	recs, err = read("survey", cxm.FormatNDJSON, `{"id":"r1","at":"2026-11-02","measures":{"speed":2}}`+"\n")
	if err != nil || len(recs) != 1 || recs[0].Measures[0] != 2 || recs[0].Stage != "buy" {
		t.Errorf("%v %+v", err, recs)
	}
}

func TestNDJSONOffset(t *testing.T) {
	data := `{"id":"a1","at":"2026-11-02","nps":7}` + "\r\n\n" + `{"id":"a2","at":"2026-11-02","nps":8}`
	rd, _ := NewReader("f", strings.NewReader(data), testJ(t), "api", Options{})
	var offsets []int64
	if err := rd.Each(func(*cxm.Record) error { offsets = append(offsets, rd.Offset()); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(offsets) != 2 || offsets[0] != 39 || offsets[1] != int64(len(data)) || rd.Rows() != 2 {
		t.Errorf("offsets %v rows %d", offsets, rd.Rows())
	}
}
