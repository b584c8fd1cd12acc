package mail

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	stdmail "net/mail"
	"slices"
	"sync"
	"time"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/store"
)

// Sender sends one message; *Client is one.
type Sender interface {
	Send(ctx context.Context, from, to string, msg []byte) error
}

// Config is what a Worker needs besides the database and a Sender.
type Config struct {
	From string                    // the From address (--mail-from)
	Link func(token string) string // a respondent's page for a token
	// Mint makes a new invitation token and its stored hash.
	Mint func() (token string, hash []byte)
	// Lease is how long a batch stays this worker's without renewal; it
	// must exceed the Sender's timeout for one message (DefaultLease).
	Lease       time.Duration
	Poll        time.Duration // how often the queue is looked at (DefaultPoll)
	MaxAttempts int           // tries per address before giving up (DefaultMaxAttempts)
	// Backoff is the wait after the n-th failed try (n from 1).
	Backoff func(n int) time.Duration
	Now     func() time.Time
	Log     *slog.Logger
}

// claimsPerStep is the most batches a worker takes in one round.
const claimsPerStep = 2

// Defaults of Config.
const (
	DefaultLease       = 2 * time.Minute
	DefaultPoll        = 5 * time.Second
	DefaultMaxAttempts = 8
)

// DefaultBackoff waits 30 s after the first failure, doubling up to an hour:
// eight tries span about two hours.
func DefaultBackoff(n int) time.Duration {
	d := 30 * time.Second << min(n-1, 7)
	return min(d, time.Hour)
}

// Worker sends the mail queued in the database. Several workers (one per
// cxm serve) may share a database: each batch is sent by the one holding
// its lease. The tokens of sealed invitations exist only in the memory of
// the worker that minted them; a worker that takes over a batch whose
// holder died mints new ones for the addresses still unsent.
type Worker struct {
	db    *store.DB
	send  Sender
	cfg   Config
	owner string
	nudge chan struct{}

	envelope  string     // the bare address of From, for MAIL FROM
	mu        sync.Mutex // one Step at a time
	held      map[int64]*heldBatch
	lastPurge time.Time
}

// heldBatch is a batch this worker holds the lease of.
type heldBatch struct {
	batch  store.MailBatch
	name   string           // the assessment's name
	tokens map[int64]string // recipient id -> token, only in memory
	sent   map[int64]bool   // accepted by the server, not yet recorded
}

// NewWorker returns a worker over db sending with s.
func NewWorker(db *store.DB, s Sender, cfg Config) *Worker {
	if cfg.Lease == 0 {
		cfg.Lease = DefaultLease
	}
	if cfg.Poll == 0 {
		cfg.Poll = DefaultPoll
	}
	if cfg.MaxAttempts == 0 {
		cfg.MaxAttempts = DefaultMaxAttempts
	}
	if cfg.Backoff == nil {
		cfg.Backoff = DefaultBackoff
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	id := make([]byte, 12)
	rand.Read(id)
	w := &Worker{db: db, send: s, cfg: cfg, owner: hex.EncodeToString(id), nudge: make(chan struct{}, 1), held: map[int64]*heldBatch{}}
	if a, err := stdmail.ParseAddress(cfg.From); err == nil {
		w.envelope = a.Address
	}
	return w
}

// Nudge asks the worker to look at the queue now (new mail was queued).
func (w *Worker) Nudge() {
	select {
	case w.nudge <- struct{}{}:
	default:
	}
}

// Run sends mail until ctx ends. Tokens it holds die with it: another
// worker mints new ones once the lease expires.
func (w *Worker) Run(ctx context.Context) {
	t := time.NewTicker(w.cfg.Poll)
	defer t.Stop()
	defer w.release()
	for {
		if err := w.Step(ctx); err != nil && ctx.Err() == nil {
			w.cfg.Log.Warn("mail: the queue could not be processed; trying again", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-w.nudge:
		case <-t.C:
		}
	}
}

// release gives up every lease held, so that another instance takes the
// batches over at once; the tokens held die with this worker.
func (w *Worker) release() {
	w.mu.Lock()
	defer w.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, h := range w.held {
		if err := w.db.ReleaseMailLease(ctx, h.batch.ID, w.owner); err != nil {
			w.cfg.Log.Warn("mail: a lease could not be released; it expires by itself", "batch", h.batch.ID, "err", err)
		}
		w.drop(h, "stopping")
	}
}

// Step does one round: keeps its leases, takes free batches, and sends
// every message due. Tests call it directly.
func (w *Worker) Step(ctx context.Context) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	now := w.cfg.Now()
	if now.Sub(w.lastPurge) >= time.Minute {
		if _, err := w.db.PurgeClosedAddresses(ctx); err != nil {
			return err
		}
		w.lastPurge = now
	}
	for id, h := range w.held {
		if ok, err := w.db.RenewMailLease(ctx, id, w.owner, w.cfg.Now(), w.cfg.Lease); err != nil {
			return err
		} else if !ok {
			w.drop(h, "lease lost")
		}
	}
	// A few batches a round, so that instances sharing a database share
	// the work.
	for range claimsPerStep {
		b, ok, err := w.db.ClaimMailBatch(ctx, w.owner, w.cfg.Now(), w.cfg.Lease)
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		if err := w.take(ctx, b); err != nil {
			return err
		}
	}
	ids := make([]int64, 0, len(w.held))
	for id := range w.held {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		if err := w.sendDue(ctx, w.held[id]); err != nil {
			return err
		}
	}
	return nil
}

// drop forgets a batch and the tokens it held.
func (w *Worker) drop(h *heldBatch, why string) {
	clear(h.tokens)
	delete(w.held, h.batch.ID)
	w.cfg.Log.Debug("mail: batch released", "batch", h.batch.ID, "why", why)
}

// take starts holding a claimed batch. For sealed invitations it mints one
// token per unsent address and writes their hashes, together, before any
// message goes out; the pairing with addresses stays in memory.
func (w *Worker) take(ctx context.Context, b store.MailBatch) error {
	h := &heldBatch{batch: b, tokens: map[int64]string{}, sent: map[int64]bool{}}
	w.held[b.ID] = h
	a, err := w.db.AssessmentNoCounts(ctx, b.AssessmentID)
	if err != nil {
		if errors.Is(err, cxm.ErrNotFound) {
			w.drop(h, "assessment deleted")
			return nil
		}
		return err
	}
	h.name = a.Name
	if b.Kind != store.MailInvitation {
		return nil
	}
	queued, err := w.db.QueuedRecipients(ctx, b.ID)
	if err != nil || len(queued) == 0 {
		return err
	}
	if b.Minted {
		// The previous holder stopped mid-batch: its tokens are lost. The
		// new hashes of the few addresses left form a smaller crowd
		// (docs/operations.md).
		w.cfg.Log.Warn("mail: taking over a batch whose sender stopped; minting new links for the addresses not yet sent",
			"batch", b.ID, "unsent", len(queued), "fewer_than_min_group", len(queued) < a.MinGroup)
	}
	// Tokens are independent random strings, so pairing the i-th with the
	// i-th address is a random pairing; the hashes are stored sorted,
	// which says nothing of it.
	hashes := make([][]byte, len(queued))
	for i, r := range queued {
		tok, hash := w.cfg.Mint()
		h.tokens[r.ID], hashes[i] = tok, hash
	}
	ok, err := w.db.MintSealedTokens(ctx, b.ID, w.owner, hashes, w.cfg.Now())
	if err != nil {
		w.drop(h, "minting failed")
		return err
	}
	if !ok {
		w.drop(h, "lease lost or assessment closed")
	}
	return nil
}

// sendDue sends a held batch's messages that are due, renewing the lease
// before each so that no other worker can have taken it meanwhile.
func (w *Worker) sendDue(ctx context.Context, h *heldBatch) error {
	queued, err := w.db.QueuedRecipients(ctx, h.batch.ID)
	if err != nil {
		return err
	}
	for _, r := range queued {
		if ctx.Err() != nil {
			return ctx.Err() // stopping: between messages, never in the middle of one
		}
		if h.sent[r.ID] {
			// Accepted earlier, the record failed: record it, never resend.
			if err := w.db.MarkMailSent(ctx, r.ID); err != nil {
				return err
			}
			delete(h.sent, r.ID)
			continue
		}
		if r.NextTry != nil && r.NextTry.After(w.cfg.Now()) {
			continue
		}
		ok, err := w.db.RenewMailLease(ctx, h.batch.ID, w.owner, w.cfg.Now(), w.cfg.Lease)
		if err != nil {
			return err
		}
		if !ok {
			w.drop(h, "lease lost")
			return nil
		}
		if err := w.sendOne(context.WithoutCancel(ctx), h, r); err != nil {
			return err
		}
	}
	if done, err := w.db.FinishMailBatch(ctx, h.batch.ID, w.owner); err != nil {
		return err
	} else if done {
		w.drop(h, "done")
	}
	return nil
}

// sendOne sends one message and records the outcome.
func (w *Worker) sendOne(ctx context.Context, h *heldBatch, r store.MailRecipient) error {
	var subject, body string
	if h.batch.Kind == store.MailInvitation {
		tok, ok := h.tokens[r.ID]
		if !ok {
			return w.db.MarkMailFailed(ctx, h.batch.ID, r.ID, "no token was minted for this address")
		}
		subject, body = Invitation(h.name, w.cfg.Link(tok))
	} else {
		subject, body = Reminder(h.name, r.InvitedOn)
	}
	msg, err := Message{From: w.cfg.From, To: r.Address, Subject: subject, Body: body, Date: w.cfg.Now()}.Bytes()
	if err == nil {
		err = w.send.Send(ctx, w.envelope, r.Address, msg)
	}
	if err == nil {
		delete(h.tokens, r.ID) // the token now lives only in the recipient's mailbox
		h.sent[r.ID] = true
		if err := w.db.MarkMailSent(ctx, r.ID); err != nil {
			return err
		}
		delete(h.sent, r.ID)
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if IsPermanent(err) || r.Attempts+1 >= w.cfg.MaxAttempts {
		w.cfg.Log.Warn("mail: giving up on an address", "batch", h.batch.ID, "err", err)
		delete(h.tokens, r.ID)
		return w.db.MarkMailFailed(ctx, h.batch.ID, r.ID, err.Error())
	}
	w.cfg.Log.Info("mail: will try again", "batch", h.batch.ID, "attempt", r.Attempts+1, "err", err)
	return w.db.MarkMailRetry(ctx, r.ID, w.cfg.Now().Add(w.cfg.Backoff(r.Attempts+1)), err.Error())
}
