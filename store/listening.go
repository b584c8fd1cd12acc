package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/journey"
	"github.com/cxmhq/cxm/listen"
	"github.com/cxmhq/cxm/sentiment"
)

// The listening pillar's storage (issue 9, migration 0013): journeys, their
// feedback records and listen.Totals per journey, stage, source, local day
// and attribute value. A record's totals are added as it is stored and
// subtracted, from its stored values, when it is replaced or erased, in
// the same transaction; totals are integers, so the stored sums always
// equal a recomputation from the records stored at that moment.

// ErrListenInput refuses a call the caller should have checked: a
// record of an unknown source, an erasure naming no customer, a filter
// that totals cannot answer.
var ErrListenInput = errors.New("invalid listening input")

// SaveJourney stores a journey file under its id and version. Versions are
// kept; storing the same file again is a no-op, a different file under a
// stored version is cxm.ErrConflict (bump the version).
func (db *DB) SaveJourney(ctx context.Context, source []byte) (*cxm.Journey, error) {
	j, err := journey.Parse("journey", source)
	if err != nil {
		return nil, err
	}
	err = db.withWriter(ctx, func() error {
		res, err := db.w.ExecContext(ctx, `INSERT INTO journeys (journey_id, version, name, source, created_at)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (journey_id, version) DO NOTHING`,
			j.ID, j.Version, j.Name, source, now())
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			return err
		}
		var old []byte
		err = db.w.QueryRowContext(ctx, "SELECT source FROM journeys WHERE journey_id = $1 AND version = $2", j.ID, j.Version).Scan(&old)
		if err == nil && !bytes.Equal(old, source) {
			err = fmt.Errorf("%w: journey %s version %d is stored with other content; bump the version", cxm.ErrConflict, j.ID, j.Version)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return j, nil
}

// Journey returns the latest stored version of a journey and its source.
func (db *DB) Journey(ctx context.Context, id string) (*cxm.Journey, []byte, error) {
	var src []byte
	err := db.readRow(ctx, "SELECT source FROM journeys WHERE journey_id = $1 ORDER BY version DESC LIMIT 1", []any{id},
		func(sc scanner) error { return sc.Scan(&src) })
	if err != nil {
		return nil, nil, notFound(err)
	}
	j, err := journey.Parse("journey", src)
	return j, src, err
}

// ListenConfig is what the figures need from a journey.
func ListenConfig(j *cxm.Journey) listen.Config {
	return listen.Config{MinN: j.MinN,
		CSAT: listen.Scale{Min: j.Scales.CSAT.Min, Max: j.Scales.CSAT.Max, From: j.Scales.CSAT.SatisfiedFrom},
		CES:  listen.Scale{Min: j.Scales.CES.Min, Max: j.Scales.CES.Max, From: j.Scales.CES.EasyFrom}}
}

// totalsKey places a record's totals: attribute "" is the unbroken row.
type totalsKey struct {
	stage, source, day, attribute, value string
}

// delta collects the changes of one transaction's totals, so that each
// totals row is written once.
type delta map[totalsKey]*listen.Totals

// add adds (sign 1) or subtracts (sign −1) t under the record's rows.
func (d delta) add(stage, source, day string, attrs map[string]string, t listen.Totals, sign int) {
	put := func(k totalsKey) {
		cur := d[k]
		if cur == nil {
			cur = new(listen.Totals)
			d[k] = cur
		}
		if sign > 0 {
			cur.Add(t)
		} else {
			cur.Sub(t)
		}
	}
	put(totalsKey{stage: stage, source: source, day: day})
	for name, v := range attrs {
		put(totalsKey{stage, source, day, name, v})
	}
}

// storedRecord is what a record's totals and rows need from its stored row.
type storedRecord struct {
	stage, source, day string
	nps, csat, ces     sql.NullInt64
	compound           sql.NullFloat64
	attrsJSON          string
}

// totals recomputes a stored record's totals with cfg.
func (s *storedRecord) totals(cfg listen.Config) (listen.Totals, map[string]string, error) {
	v := func(n sql.NullInt64) int {
		if !n.Valid {
			return cxm.NoAnswer
		}
		return int(n.Int64)
	}
	var attrs map[string]string
	if err := json.Unmarshal([]byte(s.attrsJSON), &attrs); err != nil {
		return listen.Totals{}, nil, err
	}
	t, err := cfg.OfValues(v(s.nps), v(s.csat), v(s.ces), s.compound.Valid, s.compound.Float64)
	return t, attrs, err
}

// StoreResult counts the records stored: new ones and replaced ones.
type StoreResult struct {
	Stored   int `json:"stored"`
	Replaced int `json:"replaced"`
}

// StoreRecords stores records of a journey (checked by the feedback
// readers) in one transaction, replacing a record of the same source and
// id, and keeps the totals in the same transaction: the replaced record's
// totals are subtracted, the new one's added. The comment's sentiment is
// computed here. Figures use the latest journey version's scales.
//
// Records are handled in (source, id) order and the totals rows in key
// order, so concurrent batches on PostgreSQL lock rows in one order and do
// not deadlock; a record inserted by a concurrent batch is waited for and
// then replaced, its totals subtracted.
func (db *DB) StoreRecords(ctx context.Context, journeyID string, recs []cxm.Record) (StoreResult, error) {
	var res StoreResult
	j, _, err := db.Journey(ctx, journeyID)
	if err != nil {
		return res, err
	}
	cfg := ListenConfig(j)
	order := make([]int, len(recs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if c := strings.Compare(recs[a].Source, recs[b].Source); c != 0 {
			return c
		}
		return strings.Compare(recs[a].ID, recs[b].ID)
	})
	err = db.tx(ctx, func(tx *sql.Tx) error {
		res = StoreResult{}
		// Prepared once a batch: parsing the INSERT was 40% of the time.
		insert, err := tx.PrepareContext(ctx, insertRecordSQL)
		if err != nil {
			return err
		}
		defer insert.Close()
		d := delta{}
		for _, i := range order {
			replaced, err := db.storeRecord(ctx, tx, insert, j, cfg, &recs[i], d)
			if err != nil {
				return fmt.Errorf("record %s/%s: %w", recs[i].Source, recs[i].ID, err)
			}
			if replaced {
				res.Replaced++
			} else {
				res.Stored++
			}
		}
		return db.applyDelta(ctx, tx, journeyID, d)
	})
	return res, err
}

// recordRow is a record's column values, in recordColumns order after the key.
func recordRow(j *cxm.Journey, r *cxm.Record) ([]any, string, map[string]string, error) {
	src := j.Source(r.Source)
	if src == nil {
		return nil, "", nil, fmt.Errorf("%w: journey %s has no source %q", ErrListenInput, j.ID, r.Source)
	}
	opt := func(v int) any {
		if v == cxm.NoAnswer {
			return nil
		}
		return v
	}
	optF := func(v float64) any {
		if math.IsNaN(v) {
			return nil
		}
		return v
	}
	measures := map[string]float64{}
	for i, m := range src.Measures {
		if i < len(r.Measures) && !math.IsNaN(r.Measures[i]) {
			measures[m.Name] = r.Measures[i]
		}
	}
	attrs := map[string]string{}
	for i, name := range src.Attributes {
		if i < len(r.Attributes) && r.Attributes[i] != "" {
			attrs[name] = r.Attributes[i]
		}
	}
	mj, err := json.Marshal(measures)
	if err != nil {
		return nil, "", nil, err
	}
	aj, _ := json.Marshal(attrs)
	var compound any
	if r.Comment != "" {
		compound = sentiment.Compound(r.Comment)
	}
	day := listen.DayKey(r.At, j.Location)
	return []any{ts(r.At), day, r.Customer, r.Employee, r.Stage, opt(r.NPS), opt(r.CSAT), opt(r.CES),
		r.Comment, compound, string(mj), string(aj), r.Event, optF(r.Value)}, day, attrs, nil
}

const insertRecordSQL = `INSERT INTO records (journey_id, source, record_id, at, day, customer, employee,
	stage, nps, csat, ces, comment, compound, measures, attributes, event, value)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
	ON CONFLICT (journey_id, source, record_id) DO NOTHING`

// storeRecord inserts or replaces one record in tx and notes its totals in d.
func (db *DB) storeRecord(ctx context.Context, tx *sql.Tx, insert *sql.Stmt, j *cxm.Journey, cfg listen.Config, r *cxm.Record, d delta) (bool, error) {
	vals, day, attrs, err := recordRow(j, r)
	if err != nil {
		return false, err
	}
	var compound float64
	if c, ok := vals[9].(float64); ok {
		compound = c
	}
	t, err := cfg.OfValues(r.NPS, r.CSAT, r.CES, r.Comment != "", compound)
	if err != nil {
		return false, err
	}
	args := append([]any{j.ID, r.Source, r.ID}, vals...)
	d.add(r.Stage, r.Source, day, attrs, t, 1)
	// A concurrent erasure may delete the row between the insert that met
	// it and the read that locks it: then the insert is tried again.
	for range 3 {
		ins, err := insert.ExecContext(ctx, args...)
		if err != nil {
			return false, err
		}
		if n, err := ins.RowsAffected(); err != nil || n == 1 {
			return false, err
		}
		replaced, err := db.replaceRecord(ctx, tx, cfg, args, d)
		if !errors.Is(err, sql.ErrNoRows) {
			return replaced, err
		}
	}
	return false, fmt.Errorf("record %s/%s is being erased and stored at once; send it again", r.Source, r.ID)
}

// replaceRecord overwrites a stored record (perhaps just committed by a
// concurrent batch) with args after locking it and taking its totals off;
// sql.ErrNoRows when it is gone.
func (db *DB) replaceRecord(ctx context.Context, tx *sql.Tx, cfg listen.Config, args []any, d delta) (bool, error) {
	old := storedRecord{source: args[1].(string)}
	err := tx.QueryRowContext(ctx, `SELECT stage, day, nps, csat, ces, compound, attributes FROM records
		WHERE journey_id = $1 AND source = $2 AND record_id = $3`+db.lockFor("UPDATE"), args[:3]...).
		Scan(&old.stage, &old.day, &old.nps, &old.csat, &old.ces, &old.compound, &old.attrsJSON)
	if err != nil {
		return false, err
	}
	ot, oattrs, err := old.totals(cfg)
	if err != nil {
		return false, err
	}
	d.add(old.stage, old.source, old.day, oattrs, ot, -1)
	_, err = tx.ExecContext(ctx, `UPDATE records SET at = $4, day = $5, customer = $6, employee = $7, stage = $8,
		nps = $9, csat = $10, ces = $11, comment = $12, compound = $13, measures = $14, attributes = $15,
		event = $16, value = $17 WHERE journey_id = $1 AND source = $2 AND record_id = $3`, args...)
	return true, err
}

// applyDelta upserts the changed totals rows, in key order.
func (db *DB) applyDelta(ctx context.Context, tx *sql.Tx, journeyID string, d delta) error {
	keys := make([]totalsKey, 0, len(d))
	for k := range d {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b totalsKey) int {
		return strings.Compare(strings.Join([]string{a.attribute, a.value, a.stage, a.source, a.day}, "\x00"),
			strings.Join([]string{b.attribute, b.value, b.stage, b.source, b.day}, "\x00"))
	})
	q := upsertTotalsSQL()
	args := make([]any, 6+listen.Width)
	for _, k := range keys {
		t := d[k]
		if *t == (listen.Totals{}) {
			continue
		}
		args[0], args[1], args[2], args[3], args[4], args[5] = journeyID, k.stage, k.source, k.day, k.attribute, k.value
		for i, v := range t {
			args[6+i] = v
		}
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return err
		}
		// A row that lost records may have none left: drop it (every
		// count belongs to a record, so it is all zeros).
		if t[listen.IRecords] < 0 {
			if _, err := tx.ExecContext(ctx, `DELETE FROM listen_totals WHERE journey_id = $1 AND stage = $2 AND source = $3
				AND day = $4 AND attribute = $5 AND value = $6 AND records = 0`, args[:6]...); err != nil {
				return err
			}
		}
	}
	return nil
}

// upsertTotalsSQL adds a row of totals to the stored ones.
func upsertTotalsSQL() string {
	cols := listen.ColumnNames()
	var b strings.Builder
	b.WriteString("INSERT INTO listen_totals (journey_id, stage, source, day, attribute, value, ")
	b.WriteString(strings.Join(cols, ", "))
	b.WriteString(") VALUES (")
	for i := range 6 + len(cols) {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "$%d", i+1)
	}
	b.WriteString(") ON CONFLICT (journey_id, attribute, value, stage, source, day) DO UPDATE SET ")
	for i, c := range cols {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s = listen_totals.%s + excluded.%s", c, c, c)
	}
	return b.String()
}

// EraseCustomer deletes every record of a customer in a journey and
// subtracts their totals, in one transaction; it returns how many records
// were deleted.
func (db *DB) EraseCustomer(ctx context.Context, journeyID, customer string) (int, error) {
	if customer == "" {
		return 0, fmt.Errorf("%w: no customer named", ErrListenInput)
	}
	j, _, err := db.Journey(ctx, journeyID)
	if err != nil {
		return 0, err
	}
	cfg := ListenConfig(j)
	n := 0
	err = db.tx(ctx, func(tx *sql.Tx) error {
		n = 0
		if err := db.lockCustomer(ctx, tx, journeyID, customer); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `DELETE FROM records WHERE journey_id = $1 AND customer = $2
			RETURNING source, stage, day, nps, csat, ces, compound, attributes`, journeyID, customer)
		if err != nil {
			return err
		}
		var olds []storedRecord
		for rows.Next() {
			var o storedRecord
			if err := rows.Scan(&o.source, &o.stage, &o.day, &o.nps, &o.csat, &o.ces, &o.compound, &o.attrsJSON); err != nil {
				rows.Close()
				return err
			}
			olds = append(olds, o)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if err := rows.Err(); err != nil {
			return err
		}
		d := delta{}
		for _, o := range olds {
			t, attrs, err := o.totals(cfg)
			if err != nil {
				return err
			}
			d.add(o.stage, o.source, o.day, attrs, t, -1)
		}
		n = len(olds)
		return db.applyDelta(ctx, tx, journeyID, d)
	})
	return n, err
}

// lockCustomer locks a customer's records on PostgreSQL in the order
// StoreRecords takes them (bytewise (source, id)), so an erasure and a
// batch never wait for each other in a cycle.
func (db *DB) lockCustomer(ctx context.Context, tx *sql.Tx, journeyID, customer string) error {
	if db.engine != Postgres {
		return nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT 1 FROM records WHERE journey_id = $1 AND customer = $2
		ORDER BY source COLLATE "C", record_id COLLATE "C" FOR UPDATE`, journeyID, customer)
	if err != nil {
		return err
	}
	for rows.Next() {
	}
	if err := rows.Close(); err != nil {
		return err
	}
	return rows.Err()
}

// SliceFilter selects totals: days in [From, To) (local day keys,
// "2026-11-29"; "" is open), a stage and a source ("" is any, and
// listen.NoStage cannot be asked for this way: use Stages), and at most one
// attribute value (Attribute "" is none). A combination of attribute values
// is not kept in totals.
type SliceFilter struct {
	From, To         string
	Stage, Source    string
	Attribute, Value string
}

// DayTotals are the totals of one stage and local day.
type DayTotals struct {
	Stage  string
	Day    string
	Totals listen.Totals
}

// SliceTotals returns the totals of a slice of a journey per stage and
// local day, ordered by stage and day, for listen.Slices.
func (db *DB) SliceTotals(ctx context.Context, journeyID string, f SliceFilter) ([]DayTotals, error) {
	if f.Attribute == "" && f.Value != "" {
		return nil, fmt.Errorf("%w: an attribute value without an attribute", ErrListenInput)
	}
	cols := listen.ColumnNames()
	sums := make([]string, len(cols))
	for i, c := range cols {
		sums[i] = "COALESCE(SUM(" + c + "), 0)"
	}
	q := "SELECT stage, day, " + strings.Join(sums, ", ") +
		" FROM listen_totals WHERE journey_id = $1 AND attribute = $2 AND value = $3"
	args := []any{journeyID, f.Attribute, f.Value}
	cond := func(sqlText string, v string) {
		if v != "" {
			args = append(args, v)
			q += fmt.Sprintf(sqlText, len(args))
		}
	}
	cond(" AND day >= $%d", f.From)
	cond(" AND day < $%d", f.To)
	cond(" AND stage = $%d", f.Stage)
	cond(" AND source = $%d", f.Source)
	q += " GROUP BY stage, day ORDER BY stage, day"
	var out []DayTotals
	err := db.readRows(ctx, q, args, func(rows *sql.Rows) error {
		var dt DayTotals
		dest := []any{&dt.Stage, &dt.Day}
		for i := range dt.Totals {
			dest = append(dest, &dt.Totals[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		out = append(out, dt)
		return nil
	})
	return out, err
}

// SlicesOf adds day totals into listen.Slices in the journey's time zone.
func SlicesOf(j *cxm.Journey, days []DayTotals) (*listen.Slices, error) {
	s := listen.NewSlices(j.Location)
	for _, d := range days {
		t, err := time.ParseInLocation(time.DateOnly, d.Day, j.Location)
		if err != nil {
			return nil, errors.New("stored day " + d.Day + ": " + err.Error())
		}
		s.Add(d.Stage, t.Add(12*time.Hour), d.Totals)
	}
	return s, nil
}
