package feedback

import (
	"bytes"
	"errors"
	"io"
	"math"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/cxmhq/cxm"
)

// fuzzRead reads data as the file of source and checks the promises of
// §2: never a panic; every record handed over is valid; errors are a
// positioned ErrorList of at most MaxErrors and a count; quarantine hands
// over or rejects every record exactly once.
func fuzzRead(t *testing.T, j *cxm.Journey, source string, data []byte) {
	rd, err := NewReader("f", bytes.NewReader(data), j, source, Options{Now: time.Unix(0, 0)})
	if err != nil {
		var list cxm.ErrorList
		if rd != nil || !errors.As(err, &list) {
			t.Fatalf("header: %v", err)
		}
		return
	}
	src := rd.Source()
	ids := map[string]bool{}
	n := 0
	err = rd.Each(func(r *cxm.Record) error {
		n++
		checkRecord(t, j, src, r)
		if ids[r.ID] {
			t.Fatalf("id %q handed over twice", r.ID)
		}
		ids[r.ID] = true
		return nil
	})
	if err != nil {
		var list cxm.ErrorList
		if !errors.As(err, &list) || len(list) == 0 || len(list) > MaxErrors+1 {
			t.Fatalf("errors: %T %v", err, err)
		}
		for _, e := range list {
			if e.Msg == "" || !utf8.ValidString(e.Msg) && utf8.ValidString(string(data)) {
				t.Fatalf("bad error %+v", e)
			}
		}
	}
	rows := rd.Rows()
	rd2, _ := NewReader("f", bytes.NewReader(data), j, source, Options{Now: time.Unix(0, 0)})
	good, bad := 0, 0
	q := NewQuarantine(io.Discard, rd2)
	perr := rd2.EachPartial(func(r *cxm.Record) error {
		good++
		checkRecord(t, j, src, r)
		return nil
	}, func(r *Rejected) error {
		bad++
		if len(r.Problems) == 0 {
			t.Fatal("rejected without a reason")
		}
		return q.Add(r)
	})
	if err := q.Flush(); err != nil {
		t.Fatal(err)
	}
	if perr == nil && good+bad != rows {
		t.Fatalf("quarantine: %d good + %d rejected, %d rows", good, bad, rows)
	}
	if err == nil && (bad != 0 || good != n) {
		t.Fatalf("all good once, %d good and %d rejected in quarantine", good, bad)
	}
}

func checkRecord(t *testing.T, j *cxm.Journey, src *cxm.Source, r *cxm.Record) {
	if r.ID == "" || utf8.RuneCountInString(r.ID) > MaxID || r.At.IsZero() || r.Source != src.ID {
		t.Fatalf("bad record %+v", r)
	}
	if r.NPS != cxm.NoAnswer && (r.NPS < 0 || r.NPS > 10) ||
		r.CSAT != cxm.NoAnswer && (r.CSAT < j.Scales.CSAT.Min || r.CSAT > j.Scales.CSAT.Max) ||
		r.CES != cxm.NoAnswer && (r.CES < j.Scales.CES.Min || r.CES > j.Scales.CES.Max) {
		t.Fatalf("answer off its scale %+v", r)
	}
	if !utf8.ValidString(r.Comment) || utf8.RuneCountInString(r.Comment) > MaxComment {
		t.Fatalf("bad comment")
	}
	for _, m := range r.Measures {
		if math.IsInf(m, 0) {
			t.Fatalf("infinite measure")
		}
	}
	if r.Stage != "" && j.StageIndex(r.Stage) < 0 {
		t.Fatalf("stage %q", r.Stage)
	}
	if src.Channel == cxm.ChannelCustomers {
		if r.Customer == "" || r.Event != cxm.EventGained && r.Event != cxm.EventLost || !math.IsNaN(r.Value) && r.Value < 0 {
			t.Fatalf("bad customers record %+v", r)
		}
	} else if !r.HasFeedback() {
		t.Fatalf("record without feedback %+v", r)
	}
}

func FuzzCSV(f *testing.F) {
	f.Add([]byte("\xEF\xBB\xBFrid,when,cust,q1,q2,q3,text,q4,region\nr1,2026-11-02T14:03:00Z,c1,9,5,7,Great,3.5,EU\nr2,2026-11-02,,,,,\"The courier, late\",,\n"))
	f.Add([]byte("rid,when,cust,q1,q2,q3,text,q4,region\n,yesterday,,11,,,,NaN,\nr1,2026-02-30,,7.0,,,,1e400,Help\nr1,2026-11-02,,7,,,\"x\n"))
	f.Add([]byte("rid,when,rid\n"))
	j := testJ(f)
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, j, "survey", data) })
}

func FuzzCustomersCSV(f *testing.F) {
	f.Add([]byte("id,at,customer,event,value\n1,2026-11-02,c1,gained,1200\n2,2026-11-02,,quit,-1\n"))
	j := testJ(f)
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, j, "subs", data) })
}

func FuzzQualtrics(f *testing.F) {
	f.Add([]byte("StartDate,EndDate,ResponseId,Q1,Q2\nStart Date,End Date,Response ID,NPS,Why?\n" +
		`"{""ImportId"":""startDate"",""timeZone"":""America/Denver""}","{""ImportId"":""endDate"",""timeZone"":""America/Denver""}","{""ImportId"":""_recordId""}","{""ImportId"":""QID1""}","{""ImportId"":""QID2_TEXT""}"` + "\n" +
		"2026-11-02 08:00:00,2026-11-02 08:05:00,R_1,10,Lovely\n"))
	f.Add([]byte("EndDate,ResponseId,Q1,Q2\nEnd Date,Response ID,NPS,Why\n2026-11-02 08:05:00,R_1,7,\n"))
	j := testJ(f)
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, j, "qx", data) })
}

func FuzzNDJSON(f *testing.F) {
	f.Add([]byte(`{"source":"api","id":"a1","at":"2026-11-02T14:03:00+01:00","nps":7,"measures":{"wait":12},"attributes":{"region":"Help"}}` + "\n\n" +
		`{"id":"a2","at":"2026-11-02","comment":"hi","stage":"deliver","nps":null,"csat":"4"}` + "\r\n"))
	f.Add([]byte(`{"id":"a1","at":"2026-11-02","nps":[1],"colour":"red","measures":{"speed":1},"event":"lost"}` + "\n" +
		`{"id":"a2","at":"2026-11-02","nps":` + "\n" + `{"id":"a1","at":"2026-11-02","nps":3,"nps":4}` + "\n[1]\n"))
	j := testJ(f)
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, j, "api", data) })
}
