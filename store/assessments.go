package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cxmhq/cxm"
)

// assessmentCols are an assessment's columns without and with its counts
// (read from its counters, counts.go: no row is counted).
const (
	assessmentCols = `a.id, a.organization_id, a.name, a.framework_id, a.framework_version, a.attributes,
	a.min_group, a.status, a.previous_id, a.created_at, a.closed_at, ` + releasedArchived + `, 0, 0`
	assessmentCountCols = `a.id, a.organization_id, a.name, a.framework_id, a.framework_version, a.attributes,
	a.min_group, a.status, a.previous_id, a.created_at, a.closed_at, ` + releasedArchived + `, ` + countsSQL
)

// releasedArchived: whether the assessment has its release, and when it
// was archived.
const releasedArchived = "EXISTS (SELECT 1 FROM releases r WHERE r.assessment_id = a.id), a.archived_at"

func scanAssessment(sc scanner, a *cxm.Assessment) error {
	var attrs, status string
	var prev sql.NullInt64
	err := sc.Scan(&a.ID, &a.OrganizationID, &a.Name, &a.FrameworkID, &a.FrameworkVersion, &attrs,
		&a.MinGroup, &status, &prev, (*timeCol)(&a.CreatedAt), nullTimeCol{&a.ClosedAt},
		&a.Released, nullTimeCol{&a.ArchivedAt}, &a.Invited, &a.Responses)
	if err != nil {
		return err
	}
	a.Status = cxm.Status(status)
	a.PreviousID = prev.Int64
	if err := json.Unmarshal([]byte(attrs), &a.Attributes); err != nil {
		return fmt.Errorf("assessment %d: stored attributes: %w", a.ID, err)
	}
	return nil
}

// CreateAssessment stores a new open assessment and returns its id; it also
// sets a.ID, a.Status, a.CreatedAt. OrganizationID 0 means the
// DefaultOrganization. An organization, framework version or previous wave
// that is not stored is cxm.ErrNotFound.
func (db *DB) CreateAssessment(ctx context.Context, a *cxm.Assessment) (int64, error) {
	if strings.TrimSpace(a.Name) == "" {
		return 0, errors.New("an assessment needs a name")
	}
	if a.MinGroup < 0 {
		return 0, errors.New("min_group must not be negative")
	}
	if err := cxm.CheckAttributeLimits(a.Attributes); err != nil {
		return 0, err
	}
	attrs := a.Attributes
	if attrs == nil {
		attrs = []cxm.Attribute{}
	}
	attrJSON, err := json.Marshal(attrs)
	if err != nil {
		return 0, err
	}
	org := a.OrganizationID
	if org == 0 {
		o, err := db.DefaultOrganization(ctx)
		if err != nil {
			return 0, err
		}
		org = o.ID
	}
	var prev any
	if a.PreviousID != 0 {
		prev = a.PreviousID
	}
	created := now()
	var id int64
	err = db.tx(ctx, func(tx *sql.Tx) error {
		exists := func(query string, args ...any) error {
			var n int
			if err := tx.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return cxm.ErrNotFound
			}
			return nil
		}
		if err := exists("SELECT COUNT(*) FROM organizations WHERE id = $1", org); err != nil {
			return fmt.Errorf("organization %d: %w", org, err)
		}
		if err := exists("SELECT COUNT(*) FROM frameworks WHERE id = $1 AND version = $2", a.FrameworkID, a.FrameworkVersion); err != nil {
			return fmt.Errorf("framework %s version %d: %w", a.FrameworkID, a.FrameworkVersion, err)
		}
		if a.PreviousID != 0 {
			if err := exists("SELECT COUNT(*) FROM assessments WHERE id = $1", a.PreviousID); err != nil {
				return fmt.Errorf("previous assessment %d: %w", a.PreviousID, err)
			}
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO assessments (organization_id, name, framework_id, framework_version,
				attributes, min_group, status, previous_id, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, 'open', $7, $8) RETURNING id`,
			org, a.Name, a.FrameworkID, a.FrameworkVersion, string(attrJSON), a.MinGroup, prev, created).Scan(&id); err != nil {
			return err
		}
		if a.OpenQuestion == "" {
			return nil
		}
		return putOpenQuestion(ctx, tx, id, a.OpenQuestion) // comments.go
	})
	if err != nil {
		return 0, err
	}
	a.ID, a.OrganizationID, a.Status, a.CreatedAt, a.ClosedAt = id, org, cxm.StatusOpen, created, nil
	return id, nil
}

// Assessment returns an assessment with its counts of invitations and
// responses (from its counters). The respondent's path, which needs no
// counts, uses AssessmentNoCounts.
func (db *DB) Assessment(ctx context.Context, id int64) (cxm.Assessment, error) {
	var a cxm.Assessment
	err := db.readRow(ctx, "SELECT "+assessmentCountCols+" FROM assessments a WHERE a.id = $1", []any{id},
		func(sc scanner) error { return scanAssessment(sc, &a) })
	if err != nil {
		return cxm.Assessment{}, notFound(err)
	}
	return a, nil
}

// AssessmentNoCounts is Assessment without the counts (Invited and
// Responses are 0): a lookup by primary key whose cost does not grow with
// the responses, for the respondent's page and submission.
func (db *DB) AssessmentNoCounts(ctx context.Context, id int64) (cxm.Assessment, error) {
	var a cxm.Assessment
	err := db.readRow(ctx, "SELECT "+assessmentCols+" FROM assessments a WHERE a.id = $1", []any{id},
		func(sc scanner) error { return scanAssessment(sc, &a) })
	if err != nil {
		return cxm.Assessment{}, notFound(err)
	}
	return a, nil
}

// ListAssessments returns the assessments of an organization (0: of all),
// newest first, with their counts.
func (db *DB) ListAssessments(ctx context.Context, organizationID int64) ([]cxm.Assessment, error) {
	query := "SELECT " + assessmentCountCols + " FROM assessments a ORDER BY a.created_at DESC, a.id DESC"
	var args []any
	if organizationID != 0 {
		query = "SELECT " + assessmentCountCols + " FROM assessments a WHERE a.organization_id = $1 ORDER BY a.created_at DESC, a.id DESC"
		args = []any{organizationID}
	}
	var list []cxm.Assessment
	err := db.readRows(ctx, query, args, func(rows *sql.Rows) error {
		var a cxm.Assessment
		if err := scanAssessment(rows, &a); err != nil {
			return err
		}
		list = append(list, a)
		return nil
	})
	return list, err
}

// SetStatus opens or closes an assessment. Closing sets closed_at to now
// (kept when it was closed already) and makes no release (CloseAssessment
// does); opening clears it and unarchives (an open assessment is never
// archived), and a released assessment is final: reopening it is
// ErrReleased.
func (db *DB) SetStatus(ctx context.Context, id int64, status cxm.Status, now time.Time) error {
	switch status {
	case cxm.StatusClosed:
		return db.execOne(ctx, "UPDATE assessments SET status = 'closed', closed_at = COALESCE(closed_at, $2) WHERE id = $1", id, ts(now))
	case cxm.StatusOpen:
		n, err := db.execN(ctx, `UPDATE assessments SET status = 'open', closed_at = NULL, archived_at = NULL
			WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM releases r WHERE r.assessment_id = $1)`, id)
		if err != nil || n == 1 {
			return err
		}
		if _, err := db.Release(ctx, id); err == nil {
			return ErrReleased
		}
		return cxm.ErrNotFound
	}
	return fmt.Errorf("invalid status %q", status)
}

// Invitations

// NewInvitation is an invitation to create: the hash of its token. No
// address is ever stored with it (sealed invitations: store/sealed.go).
type NewInvitation struct {
	TokenHash []byte
}

// invitationChunk is how many invitations one INSERT statement carries.
const invitationChunk = 200

// CreateInvitations stores invitations to an assessment, all or none: a
// token hash already stored or repeated in invs is cxm.ErrConflict and
// nothing is stored. An unknown assessment is cxm.ErrNotFound, a closed one
// cxm.ErrClosed.
func (db *DB) CreateInvitations(ctx context.Context, assessmentID int64, invs []NewInvitation) error {
	hashes := make([][]byte, len(invs))
	for i, inv := range invs {
		if len(inv.TokenHash) == 0 {
			return fmt.Errorf("invitation %d: empty token hash", i)
		}
		hashes[i] = inv.TokenHash
	}
	created := now()
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := checkOpen(ctx, tx, assessmentID); err != nil {
			return err
		}
		return insertInvitations(ctx, tx, assessmentID, hashes, created)
	})
}

// checkOpen is nil when the assessment is open, cxm.ErrNotFound or
// cxm.ErrClosed otherwise.
func checkOpen(ctx context.Context, tx *sql.Tx, assessmentID int64) error {
	var status string
	err := tx.QueryRowContext(ctx, "SELECT status FROM assessments WHERE id = $1", assessmentID).Scan(&status)
	if err != nil {
		return notFound(err)
	}
	if status != string(cxm.StatusOpen) {
		return cxm.ErrClosed
	}
	return nil
}

// insertInvitations writes open invitations for hashes in tx, sorted by
// hash: hashes are random, so the order the rows (and their ids) take says
// nothing of the order the tokens were made or handed out in.
func insertInvitations(ctx context.Context, tx *sql.Tx, assessmentID int64, hashes [][]byte, created time.Time) error {
	hashes = slices.Clone(hashes)
	slices.SortFunc(hashes, bytes.Compare)
	var q strings.Builder
	args := make([]any, 0, 2+invitationChunk)
	for start := 0; start < len(hashes); start += invitationChunk {
		chunk := hashes[start:min(start+invitationChunk, len(hashes))]
		q.Reset()
		q.WriteString("INSERT INTO invitations (assessment_id, created_at, token_hash) VALUES ")
		args = append(args[:0], assessmentID, created)
		for i, h := range chunk {
			if i > 0 {
				q.WriteString(", ")
			}
			fmt.Fprintf(&q, "($1, $2, $%d)", 3+i)
			args = append(args, h)
		}
		q.WriteString(" ON CONFLICT (token_hash) DO NOTHING")
		res, err := tx.ExecContext(ctx, q.String(), args...)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if n != int64(len(chunk)) {
			return fmt.Errorf("a token hash is already in use: %w", cxm.ErrConflict)
		}
		if err := addCounts(ctx, tx, shard(), assessmentID, 0, len(chunk), nil, false); err != nil { // counts.go
			return err
		}
		// Each new invitation is open until it is used.
		q.Reset()
		q.WriteString("INSERT INTO open_invitations (invitation_id) SELECT id FROM invitations WHERE token_hash IN (")
		for i := range chunk {
			if i > 0 {
				q.WriteString(", ")
			}
			fmt.Fprintf(&q, "$%d", i+1)
		}
		q.WriteString(")")
		if _, err := tx.ExecContext(ctx, q.String(), args[2:]...); err != nil {
			return err
		}
	}
	return nil
}

// invitationCols reads an invitation; it is used when it is no longer open.
const invitationCols = `i.id, i.assessment_id,
	NOT EXISTS (SELECT 1 FROM open_invitations o WHERE o.invitation_id = i.id), i.created_at`

func scanInvitation(sc scanner, inv *cxm.Invitation) error {
	return sc.Scan(&inv.ID, &inv.AssessmentID, &inv.Used, (*timeCol)(&inv.CreatedAt))
}

// InvitationByToken returns the invitation with that token hash.
func (db *DB) InvitationByToken(ctx context.Context, tokenHash []byte) (cxm.Invitation, error) {
	var inv cxm.Invitation
	err := db.readRow(ctx, "SELECT "+invitationCols+" FROM invitations i WHERE i.token_hash = $1", []any{tokenHash},
		func(sc scanner) error { return scanInvitation(sc, &inv) })
	if err != nil {
		return cxm.Invitation{}, notFound(err)
	}
	return inv, nil
}

// ListInvitations returns an assessment's invitations by id (never their
// token hashes).
func (db *DB) ListInvitations(ctx context.Context, assessmentID int64) ([]cxm.Invitation, error) {
	var list []cxm.Invitation
	err := db.readRows(ctx, "SELECT "+invitationCols+" FROM invitations i WHERE i.assessment_id = $1 ORDER BY i.id", []any{assessmentID},
		func(rows *sql.Rows) error {
			var inv cxm.Invitation
			if err := scanInvitation(rows, &inv); err != nil {
				return err
			}
			list = append(list, inv)
			return nil
		})
	return list, err
}

// Responses

// encodeResponse is a response's two stored columns: its attributes as a
// JSON object and its answers as comma-separated integers in item order,
// an empty field for cxm.NoAnswer.
func encodeResponse(r cxm.StoredResponse) (attrs, answers string, err error) {
	if len(r.Answers) == 0 {
		return "", "", errors.New("a response needs at least one answer (cxm.NoAnswer for none)")
	}
	a := r.Attributes
	if a == nil {
		a = map[string]string{}
	}
	b, err := json.Marshal(a)
	if err != nil {
		return "", "", err
	}
	buf := make([]byte, 0, 3*len(r.Answers))
	for i, v := range r.Answers {
		if i > 0 {
			buf = append(buf, ',')
		}
		if v != cxm.NoAnswer {
			buf = strconv.AppendInt(buf, int64(v), 10)
		}
	}
	return string(b), string(buf), nil
}

// parseAnswers decodes stored answers into dst[:0]. "" is one unanswered
// item.
func parseAnswers(dst []int, s []byte) ([]int, error) {
	dst = dst[:0]
	for {
		field := s
		i := bytes.IndexByte(s, ',')
		if i >= 0 {
			field = s[:i]
		}
		v, err := parseInt(field)
		if err != nil {
			return dst, err
		}
		dst = append(dst, v)
		if i < 0 {
			return dst, nil
		}
		s = s[i+1:]
	}
}

// parseInt parses one answer; empty is cxm.NoAnswer.
func parseInt(b []byte) (int, error) {
	if len(b) == 0 {
		return cxm.NoAnswer, nil
	}
	neg := b[0] == '-'
	d := b
	if neg {
		d = b[1:]
	}
	if len(d) == 0 || len(d) > 18 {
		return 0, fmt.Errorf("stored answer %q is not an integer", b)
	}
	v := 0
	for _, c := range d {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("stored answer %q is not an integer", b)
		}
		v = v*10 + int(c-'0')
	}
	if neg {
		v = -v
	}
	return v, nil
}

// AddResponse stores a response without an invitation (an import). An
// unknown assessment is cxm.ErrNotFound.
func (db *DB) AddResponse(ctx context.Context, assessmentID int64, r cxm.StoredResponse) error {
	return db.AddResponses(ctx, assessmentID, []cxm.StoredResponse{r})
}

// AddResponses stores responses without invitations (tests and bulk
// loads), all or none. An unknown assessment is cxm.ErrNotFound.
func (db *DB) AddResponses(ctx context.Context, assessmentID int64, rs []cxm.StoredResponse) error {
	encs, values, err := encodeResponses(rs)
	if err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM assessments WHERE id = $1", assessmentID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return cxm.ErrNotFound
		}
		if err := insertResponses(ctx, tx, assessmentID, encs); err != nil {
			return err
		}
		return addCounts(ctx, tx, shard(), assessmentID, len(rs), 0, values, false)
	})
}

// encodedResponse is a response as its row stores it.
type encodedResponse struct{ attrs, answers string }

// encodeResponses encodes responses for their rows and counts their
// attribute values for the participation counters.
func encodeResponses(rs []cxm.StoredResponse) ([]encodedResponse, map[[2]string]int, error) {
	encs := make([]encodedResponse, len(rs))
	values := map[[2]string]int{}
	for i, r := range rs {
		a, b, err := encodeResponse(r)
		if err != nil {
			return nil, nil, fmt.Errorf("response %d: %w", i+1, err)
		}
		encs[i] = encodedResponse{a, b}
		for k, v := range r.Attributes {
			values[[2]string{k, v}]++
		}
	}
	return encs, values, nil
}

// insertResponses writes encoded responses in tx with one prepared
// statement.
func insertResponses(ctx context.Context, tx *sql.Tx, assessmentID int64, encs []encodedResponse) error {
	stmt, err := tx.PrepareContext(ctx, submitInsert)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, e := range encs {
		if err := insertResponse(ctx, stmt, assessmentID, e.attrs, e.answers); err != nil {
			return err
		}
	}
	return nil
}

// EachResponse calls fn with every response of an assessment in the order
// they were stored, streaming them from the database (never all in memory).
// The response passed to fn, its Attributes map and its Answers slice, are
// reused for the next row: fn must neither keep nor modify them (copy what
// it keeps). fn must not use db: the stream holds one of the few reader
// connections. An error from fn stops the iteration and is returned.
func (db *DB) EachResponse(ctx context.Context, assessmentID int64, fn func(cxm.StoredResponse) error) error {
	var d responseDecoder
	return db.readRows(ctx, eachResponseSQL, []any{assessmentID},
		func(rows *sql.Rows) error { return d.next(rows, fn) })
}

// eachResponseTx is EachResponse inside a transaction.
func eachResponseTx(ctx context.Context, tx *sql.Tx, assessmentID int64, fn func(cxm.StoredResponse) error) error {
	rows, err := tx.QueryContext(ctx, eachResponseSQL, assessmentID)
	if err != nil {
		return err
	}
	defer rows.Close()
	var d responseDecoder
	for rows.Next() {
		if err := d.next(rows, fn); err != nil {
			return err
		}
	}
	return rows.Err()
}

const eachResponseSQL = "SELECT attributes, answers FROM responses WHERE assessment_id = $1 ORDER BY id"

// responseDecoder decodes response rows, reusing its buffers. Responses
// share few distinct attribute sets (department x level): each is parsed
// once and its map handed out again.
type responseDecoder struct {
	attrRaw, ansRaw sql.RawBytes
	cache           map[string]map[string]string
	scratch         map[string]string
	r               cxm.StoredResponse
}

func (d *responseDecoder) next(rows *sql.Rows, fn func(cxm.StoredResponse) error) error {
	const maxCached = 256
	if d.cache == nil {
		d.cache, d.scratch = map[string]map[string]string{}, map[string]string{}
	}
	if err := rows.Scan(&d.attrRaw, &d.ansRaw); err != nil {
		return err
	}
	m := d.cache[string([]byte(d.attrRaw))]
	if m == nil {
		var err error
		if m, err = parseAttributes(d.attrRaw, len(d.cache) < maxCached, d.scratch); err != nil {
			return err
		}
		if len(d.cache) < maxCached {
			d.cache[string(d.attrRaw)] = m
		}
	}
	d.r.Attributes = m
	var err error
	if d.r.Answers, err = parseAnswers(d.r.Answers, d.ansRaw); err != nil {
		return err
	}
	return fn(d.r)
}

// parseAttributes decodes stored attributes into a new map, or into scratch
// (cleared) when fresh is false.
func parseAttributes(raw []byte, fresh bool, scratch map[string]string) (map[string]string, error) {
	m := scratch
	if fresh {
		m = map[string]string{}
	} else {
		clear(m)
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("stored response attributes: %w", err)
	}
	if m == nil { // "null"
		m = map[string]string{}
	}
	return m, nil
}

// CountResponses counts an assessment's responses.
func (db *DB) CountResponses(ctx context.Context, assessmentID int64) (int, error) {
	return db.count(ctx, "SELECT COUNT(*) FROM responses WHERE assessment_id = $1", assessmentID)
}
