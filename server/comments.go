package server

import (
	"context"
	crand "crypto/rand"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/report"
	"github.com/cxmhq/cxm/store"
)

// Open comments (issue 8): an assessment may ask one open question, shown
// at the end of the survey. A respondent's answer is stored apart from
// their response (store/comments.go) and shown only in the release
// (scoring.md 4.12): never while open, never by group, in the order shuffled
// when the release was made, and only when there are at least k of them.

const (
	// DefaultOpenQuestion is the question a new assessment asks unless told otherwise.
	DefaultOpenQuestion = "What one thing should we change?"
	maxQuestionChars    = 300  // an open question, in characters
	maxCommentChars     = 2000 // a comment, in characters (respond/templates/respond.html says "2,000")
)

// openQuestionInput is the open question of a new or edited assessment:
// nil (not given) is the default question, "" (after trimming) none.
func openQuestionInput(q *string) (string, error) {
	if q == nil {
		return DefaultOpenQuestion, nil
	}
	s := strings.TrimSpace(*q)
	if n := utf8.RuneCountInString(s); n > maxQuestionChars {
		return "", badField("open_question", "the open question may have at most %d characters, not %d", maxQuestionChars, n)
	}
	return s, nil
}

// commentInput checks a respondent's comment: trimmed, "" when none, at
// most maxCommentChars; a comment to an assessment that asks no open
// question is refused.
func commentInput(question, comment string) (string, error) {
	c := strings.TrimSpace(comment)
	if c == "" {
		return "", nil
	}
	if question == "" {
		return "", badField("comment", "this assessment asks no open question: leave comment out")
	}
	if n := utf8.RuneCountInString(c); n > maxCommentChars {
		return "", badField("comment", "a comment may have at most %d characters, not %d: shorten it", maxCommentChars, n)
	}
	return c, nil
}

// Comments are not written when they come: a comment's row written just
// after its response would be tied to it by the order of transactions
// (PostgreSQL's xmin, SQLite's WAL commits). They wait in memory, per
// assessment, until k of them are waiting, and are then written together
// in one transaction, shuffled: the row of a comment can only be placed
// among k responses. Closing takes the waiting comments straight into the
// release (never written as rows), and a clean stop writes what waits.
// A crash loses the waiting comments (at most k-1 per assessment).

// commentPool holds the comments waiting to be written.
type commentPool struct {
	mu      sync.Mutex
	pending map[int64][]string
}

// add queues a comment and returns the batch to write when k are waiting.
func (p *commentPool) add(id int64, text string, k int) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.pending == nil {
		p.pending = map[int64][]string{}
	}
	p.pending[id] = append(p.pending[id], text)
	if len(p.pending[id]) < k {
		return nil
	}
	batch := p.pending[id]
	delete(p.pending, id)
	return batch
}

// take removes and returns an assessment's waiting comments.
func (p *commentPool) take(id int64) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	batch := p.pending[id]
	delete(p.pending, id)
	return batch
}

// putBack returns comments that could not be written to the queue.
func (p *commentPool) putBack(id int64, texts []string) {
	if len(texts) == 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.pending == nil {
		p.pending = map[int64][]string{}
	}
	p.pending[id] = append(p.pending[id], texts...)
}

// shuffled is texts in a random order (crypto-seeded).
func shuffled(texts []string) []string {
	var seed [32]byte
	crand.Read(seed[:])
	out := slices.Clone(texts)
	rand.New(rand.NewChaCha8(seed)).Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// storeComment queues a comment whose response is committed, and writes
// the batch it completes (store.AddComments). The response stands whatever
// happens here: a batch that comes after the release is dropped, and one
// that fails to be written waits for the next.
func (s *Server) storeComment(ctx context.Context, a cxm.Assessment, comment string) {
	if comment == "" {
		return
	}
	batch := s.comments.add(a.ID, comment, max(a.MinGroup, 1))
	if batch == nil {
		return
	}
	err := s.db.AddComments(context.WithoutCancel(ctx), a.ID, shuffled(batch))
	switch {
	case errors.Is(err, cxm.ErrClosed):
		s.log.Warn("comments came after the release and were dropped", "assessment", a.ID, "comments", len(batch))
	case err != nil:
		s.comments.putBack(a.ID, batch)
		s.log.Warn("comments were not stored; they wait for the next batch", "assessment", a.ID, "error", err)
	}
}

// FlushComments writes every waiting comment, a batch per assessment:
// cxm serve calls it when it stops, after the last request.
func (s *Server) FlushComments(ctx context.Context) error {
	s.comments.mu.Lock()
	pending := s.comments.pending
	s.comments.pending = nil
	s.comments.mu.Unlock()
	var errs []error
	for id, batch := range pending {
		if err := s.db.AddComments(ctx, id, shuffled(batch)); err != nil && !errors.Is(err, cxm.ErrClosed) {
			errs = append(errs, fmt.Errorf("comments of assessment %d: %w", id, err))
		}
	}
	return errors.Join(errs...)
}

// commentsJSON is GET /comments's answer.
type commentsJSON struct {
	Question *string  `json:"question"`           // null: the assessment asked none
	Comments []string `json:"comments"`           // in the release's stored order
	Withheld *string  `json:"withheld,omitempty"` // "fewer than 5 comments: not shown"
}

// releasedComments is what an assessment's release shows of its comments.
// ok is false when it has no release (the API answers 409).
func (s *Server) releasedComments(ctx context.Context, a cxm.Assessment) (out commentsJSON, ok bool, err error) {
	out.Comments = []string{}
	rel, err := s.db.Release(ctx, a.ID)
	if errors.Is(err, cxm.ErrNotFound) {
		return out, false, nil
	}
	if err != nil || rel.Comments == nil {
		return out, err == nil, err
	}
	if q := rel.Comments.Question; q != "" {
		out.Question = &q
	}
	if rel.Comments.Withheld {
		w := fmt.Sprintf("fewer than %d comments: not shown", rel.Comments.K)
		out.Withheld = &w
		return out, true, nil
	}
	out.Comments = append(out.Comments, rel.Comments.Texts...)
	return out, true, nil
}

// apiComments serves GET /api/v1/assessments/{id}/comments: the answers to
// the open question as taken into the release; no release yet is 409.
func (s *Server) apiComments(w http.ResponseWriter, r *http.Request) error {
	a, err := s.assessment(r)
	if err != nil {
		return err
	}
	out, ok, err := s.releasedComments(r.Context(), a)
	if err != nil {
		return err
	}
	if !ok {
		return &Error{Status: http.StatusConflict, Field: "status", Message: fmt.Sprintf(
			"comments are shown only in the results, which are made when the assessment is closed with at least %d responses", a.MinGroup)}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// setOpenQuestion changes the open question of the request's assessment.
func (s *Server) setOpenQuestion(r *http.Request, q *string) (cxm.Assessment, error) {
	a, err := s.assessment(r)
	if err != nil {
		return a, err
	}
	text, err := openQuestionInput(q)
	if err != nil {
		return a, err
	}
	err = s.db.SetOpenQuestion(r.Context(), a.ID, text)
	if errors.Is(err, store.ErrQuestionLocked) {
		return a, &Error{Status: http.StatusConflict, Field: "open_question", Message: "the open question can change only while the assessment is open and nobody has answered: respondents must all read the same question"}
	}
	a.OpenQuestion = text
	return a, err
}

// apiSetOpenQuestion serves PUT /api/v1/assessments/{id}/open-question:
// {"open_question": "..."} ("" for none) → 200 with the assessment.
func (s *Server) apiSetOpenQuestion(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		OpenQuestion *string `json:"open_question"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	if in.OpenQuestion == nil {
		return badField("open_question", `give "open_question": the question's text, or "" for none`)
	}
	a, err := s.setOpenQuestion(r, in.OpenQuestion)
	if err != nil {
		return err
	}
	out := assessmentJSON(a)
	out["open_question"] = a.OpenQuestion
	writeJSON(w, http.StatusOK, out)
	return nil
}

// openQuestionForm serves POST /assessments/{id}/open-question, the
// dashboard's form (an empty field removes the question).
func (s *Server) openQuestionForm(w http.ResponseWriter, r *http.Request) error {
	q := r.PostFormValue("open_question")
	a, err := s.setOpenQuestion(r, &q)
	if err != nil {
		return err
	}
	return redirect(w, r, fmt.Sprintf("/assessments/%d", a.ID), "saved")
}

// reportComments are the release's comments for the exports; nil when it
// has none (no release, or no open question).
func (s *Server) reportComments(ctx context.Context, a cxm.Assessment) (*report.Comments, error) {
	rel, err := s.db.Release(ctx, a.ID)
	if errors.Is(err, cxm.ErrNotFound) || (err == nil && (rel.Comments == nil || rel.Comments.Question == "")) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	c := rel.Comments
	return &report.Comments{Question: c.Question, K: c.K, Withheld: c.Withheld, Texts: c.Texts}, nil
}
