package store

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

var testRules = []ThrottleRule{
	{Key: "pair", Free: 5, Base: time.Second, Cap: 15 * time.Minute, Forget: time.Hour, Refuse: true},
	{Key: "client", Free: 50, Base: time.Second, Cap: 15 * time.Minute, Forget: time.Hour, Refuse: true},
	{Key: "account", Free: 20, Base: time.Second, Cap: 10 * time.Second, Forget: time.Hour},
}

func TestThrottleDelay(t *testing.T) {
	r := testRules[0]
	for f, want := range map[int]time.Duration{0: 0, 4: 0, 5: time.Second, 6: 2 * time.Second, 9: 16 * time.Second,
		14: 512 * time.Second, 15: 15 * time.Minute, 1000: 15 * time.Minute} {
		if got := r.Delay(f); got != want {
			t.Errorf("Delay(%d) = %v, want %v", f, got, want)
		}
	}
}

// TestBeginLogin walks one counter through its rules: free failures,
// refusals with the time left, the doubling delay, forgetting, and
// EndLogin's reset and undo.
func TestBeginLogin(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
		begin := func(at time.Time) Attempt {
			t.Helper()
			a, err := db.BeginLogin(ctx, at, testRules)
			must(t, err)
			return a
		}
		for i := range 5 {
			if a := begin(now); !a.Allowed || a.Wait != 0 {
				t.Fatalf("attempt %d: %+v, want allowed without waiting", i+1, a)
			}
		}
		if a := begin(now.Add(400 * time.Millisecond)); a.Allowed || a.RetryAfter != 600*time.Millisecond || a.Refused != "pair" {
			t.Fatalf("6th attempt 0.4 s later: %+v, want refused by pair for 0.6 s", a)
		}
		if n, _ := db.LoginFailures(ctx, "pair"); n != 5 {
			t.Fatalf("a refused attempt was charged: %d failures, want 5", n)
		}
		if a := begin(now.Add(time.Second)); !a.Allowed {
			t.Fatalf("6th attempt after the 1 s delay: %+v", a)
		}
		if a := begin(now.Add(2 * time.Second)); a.Allowed || a.RetryAfter != time.Second {
			t.Fatalf("7th attempt 1 s after the 6th: %+v, want refused for 1 s more (2 s delay)", a)
		}
		// The owner's right password: the pair is cleared, the client's
		// charge is taken back.
		must(t, db.EndLogin(ctx, []string{"pair", "account"}, []string{"client"}, now.Add(-time.Hour)))
		for key, want := range map[string]int{"pair": 0, "account": 0, "client": 5} {
			if n, _ := db.LoginFailures(ctx, key); n != want {
				t.Errorf("after EndLogin %s has %d failures, want %d", key, n, want)
			}
		}
		// An hour of quiet forgets the client's counter; EndLogin prunes it.
		later := now.Add(2 * time.Hour)
		if a := begin(later); !a.Allowed {
			t.Fatalf("after an hour: %+v", a)
		}
		if n, _ := db.LoginFailures(ctx, "client"); n != 1 {
			t.Errorf("client after an hour of quiet: %d failures, want 1", n)
		}
		must(t, db.EndLogin(ctx, nil, nil, later.Add(time.Minute)))
		if n, _ := db.LoginFailures(ctx, "client"); n != 0 {
			t.Errorf("pruned counter still has %d failures", n)
		}
	})
}

// TestBeginLoginSlowsDown: a rule that does not refuse only makes the
// attempt wait.
func TestBeginLoginSlowsDown(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
		rule := []ThrottleRule{{Key: "account", Free: 2, Base: time.Second, Cap: 10 * time.Second, Forget: time.Hour}}
		var waits []time.Duration
		for range 8 {
			a, err := db.BeginLogin(ctx, now, rule)
			must(t, err)
			if !a.Allowed {
				t.Fatalf("a slowing rule refused: %+v", a)
			}
			waits = append(waits, a.Wait)
		}
		want := []time.Duration{0, 0, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 10 * time.Second, 10 * time.Second}
		for i := range want {
			if waits[i] != want[i] {
				t.Fatalf("waits %v, want %v", waits, want)
			}
		}
	})
}

// TestBeginLoginConcurrent: 100 attempts at once, from two instances over
// one database, pass exactly as many times as the rules allow.
func TestBeginLoginConcurrent(t *testing.T) {
	for _, engine := range []string{SQLite, Postgres} {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			dsn := freshDSN(t, engine)
			first := openDB(t, dsn)
			if _, err := first.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			instances := []*DB{first, openDB(t, dsn)}
			now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
			var allowed, refused atomic.Int64
			var wg sync.WaitGroup
			for i := range 100 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					a, err := instances[i%2].BeginLogin(ctx, now, testRules)
					if err != nil {
						t.Error(err)
						return
					}
					if a.Allowed {
						allowed.Add(1)
					} else {
						refused.Add(1)
					}
				}()
			}
			wg.Wait()
			if allowed.Load() != 5 || refused.Load() != 95 {
				t.Fatalf("%d allowed, %d refused; want 5 and 95", allowed.Load(), refused.Load())
			}
			for key, want := range map[string]int{"pair": 5, "client": 5, "account": 5} {
				if n, _ := first.LoginFailures(ctx, key); n != want {
					t.Errorf("%s: %d failures, want %d", key, n, want)
				}
			}
		})
	}
}

// TestLoginThrottleNoDeadlock: logins and their settlements, on
// overlapping counters some of which are stale, run at once without a
// deadlock or any other error.
func TestLoginThrottleNoDeadlock(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		old := time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC)
		now := old.Add(2 * time.Hour)
		rules := func(i int) []ThrottleRule {
			r := slices.Clone(testRules)
			r[0].Key = fmt.Sprintf("pair%d", i%5)
			r[1].Key = fmt.Sprintf("client%d", i%3)
			return r
		}
		for i := range 15 {
			_, err := db.BeginLogin(ctx, old, rules(i))
			must(t, err)
		}
		var wg sync.WaitGroup
		for i := range 60 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := rules(i)
				var err error
				if i%2 == 0 {
					_, err = db.BeginLogin(ctx, now, r)
				} else {
					err = db.EndLogin(ctx, []string{r[0].Key, r[2].Key}, []string{r[1].Key}, now.Add(-time.Hour))
				}
				if err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
	})
}
