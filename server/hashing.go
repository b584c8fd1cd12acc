package server

import (
	"context"
	"errors"
	"runtime"
	"sync/atomic"
	"time"
)

// Password hashing is bounded: argon2id takes 64 MiB for each check, so
// without a bound 100 concurrent logins take 6.4 GiB. At most slots checks
// run at once; up to queue more wait their turn, each for at most maxWait;
// beyond that the request is refused with 503 and Retry-After.
type hashLimiter struct {
	slots   chan struct{}
	queue   int64
	maxWait time.Duration
	waiting atomic.Int64

	// Counters for tests and operators.
	active, peak, done atomic.Int64
}

// Defaults: as many checks at once as the machine has processors, at most 4
// (256 MiB); eight waiting per slot; three seconds in the queue.
const (
	maxHashSlots   = 4
	hashQueuePer   = 8
	hashMaxWait    = 3 * time.Second
	hashRetryAfter = "2" // seconds, for the 503
)

var errHashBusy = errors.New("too many password checks at once")

// defaultHashSlots is GOMAXPROCS, at most maxHashSlots.
func defaultHashSlots() int { return max(1, min(runtime.GOMAXPROCS(0), maxHashSlots)) }

func newHashLimiter(slots int) *hashLimiter {
	if slots <= 0 {
		slots = defaultHashSlots()
	}
	return &hashLimiter{slots: make(chan struct{}, slots), queue: int64(hashQueuePer * slots), maxWait: hashMaxWait}
}

// do runs fn (a hash) when a slot is free: at once, after waiting in the
// queue, or not at all (errHashBusy, or the request's end).
func (l *hashLimiter) do(ctx context.Context, fn func()) error {
	select {
	case l.slots <- struct{}{}:
	default:
		if err := l.wait(ctx); err != nil {
			return err
		}
	}
	defer func() { <-l.slots }()
	n := l.active.Add(1)
	for p := l.peak.Load(); n > p && !l.peak.CompareAndSwap(p, n); p = l.peak.Load() {
	}
	defer func() { l.active.Add(-1); l.done.Add(1) }()
	fn()
	return nil
}

// wait queues for a slot; a full queue or a long wait is errHashBusy.
// Waiting senders on a channel are served in order.
func (l *hashLimiter) wait(ctx context.Context) error {
	if l.waiting.Add(1) > l.queue {
		l.waiting.Add(-1)
		return errHashBusy
	}
	defer l.waiting.Add(-1)
	t := time.NewTimer(l.maxWait)
	defer t.Stop()
	select {
	case l.slots <- struct{}{}:
		return nil
	case <-t.C:
		return errHashBusy
	case <-ctx.Done():
		return ctx.Err()
	}
}

// checkPassword checks password against hash within the bound.
func (s *Server) checkPassword(ctx context.Context, hash, password string) (ok bool, err error) {
	err = s.hashes.do(ctx, func() { ok = CheckPassword(hash, password) })
	return ok, err
}

// hashPassword checks the password rule and hashes within the bound.
func (s *Server) hashPassword(ctx context.Context, password string) (string, error) {
	if err := CheckPasswordRule(password); err != nil {
		return "", badField("password", "%v", err)
	}
	var h string
	if err := s.hashes.do(ctx, func() { h = hashPassword(password) }); err != nil {
		return "", busy(err)
	}
	return h, nil
}

// busy is the 503 of a full hashing queue.
func busy(err error) error {
	if errors.Is(err, errHashBusy) {
		return &Error{Status: 503, Message: "the server is checking too many passwords at once: try again in a few seconds", RetryAfter: hashRetryAfter}
	}
	return err
}
