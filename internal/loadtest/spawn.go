package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"
)

// shutdownClean is Report.Shutdown when the spawned server exited 0 after
// SIGTERM.
const shutdownClean = "clean (exit 0 after SIGTERM)"

// spawned is a cxm serve started by the load test.
type spawned struct {
	URL   string // where it listens
	Token string // an admin's API token
	DSN   string

	cmd    *exec.Cmd
	done   chan struct{} // closed when the process has exited
	err    error         // its exit status, set before done closes
	mu     sync.Mutex
	tail   []string // its last log lines
	errors int      // level=ERROR lines
}

var servingURL = regexp.MustCompile(`msg="cxm is serving".* url=(\S+)`)

// spawnServer creates an admin and an API token in dsn with the cxm binary,
// then starts `cxm serve --db dsn` on a free port of 127.0.0.1 and waits
// until it listens. Stop it with stop.
func spawnServer(ctx context.Context, binary, dsn string) (*spawned, error) {
	email := "loadtest-" + randomHex(6) + "@example.com"
	password := randomHex(16)
	add := exec.CommandContext(ctx, binary, "user", "add", "--db", dsn, "--email", email, "--role", "admin", "--password-stdin")
	add.Stdin = strings.NewReader(password + "\n")
	if out, err := add.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("%s user add: %v: %s", binary, err, bytes.TrimSpace(out))
	}
	var stderr bytes.Buffer
	tok := exec.CommandContext(ctx, binary, "token", "create", "--db", dsn, "--email", email, "--name", "loadtest")
	tok.Stderr = &stderr
	out, err := tok.Output()
	if err != nil {
		return nil, fmt.Errorf("%s token create: %v: %s", binary, err, bytes.TrimSpace(stderr.Bytes()))
	}
	s := &spawned{Token: strings.TrimSpace(string(out)), DSN: dsn, done: make(chan struct{})}
	if s.Token == "" {
		return nil, errors.New("cxm token create printed no token")
	}

	s.cmd = exec.Command(binary, "serve", "--db", dsn, "--addr", "127.0.0.1:0", "--log-level", "info")
	logs, err := s.cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	s.cmd.Stdout = io.Discard
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s serve: %w", binary, err)
	}
	listening := make(chan string, 1)
	logsDone := make(chan struct{})
	go func() {
		defer close(logsDone)
		sc := bufio.NewScanner(logs)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			s.mu.Lock()
			s.tail = append(s.tail, line)
			if len(s.tail) > 20 {
				s.tail = s.tail[1:]
			}
			if strings.Contains(line, "level=ERROR") {
				s.errors++
			}
			s.mu.Unlock()
			if m := servingURL.FindStringSubmatch(line); m != nil {
				select {
				case listening <- m[1]:
				default:
				}
			}
		}
		io.Copy(io.Discard, logs)
	}()
	go func() {
		<-logsDone // Wait closes the pipe: read it to the end first
		s.err = s.cmd.Wait()
		close(s.done)
	}()

	select {
	case s.URL = <-listening:
		return s, nil
	case <-s.done:
		return nil, fmt.Errorf("cxm serve exited before listening (%v):\n%s", s.err, s.logTail())
	case <-time.After(60 * time.Second):
	case <-ctx.Done():
	}
	s.cmd.Process.Kill()
	<-s.done
	return nil, fmt.Errorf("cxm serve did not start listening:\n%s", s.logTail())
}

// stop sends SIGTERM and waits for the server to drain and exit; it
// describes how it stopped (shutdownClean when it exited 0).
func (s *spawned) stop() string {
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		select {
		case <-s.done:
			return fmt.Sprintf("had already exited (%v)", s.err)
		default:
		}
		s.cmd.Process.Kill()
		<-s.done
		return fmt.Sprintf("SIGTERM failed (%v): killed", err)
	}
	select {
	case <-s.done:
	case <-time.After(45 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
		return "still running 45 s after SIGTERM: killed"
	}
	if s.err != nil {
		return fmt.Sprintf("exit after SIGTERM: %v", s.err)
	}
	return shutdownClean
}

// errorLines counts the level=ERROR lines the server logged.
func (s *spawned) errorLines() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.errors
}

// logTail is the server's last log lines.
func (s *spawned) logTail() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Join(s.tail, "\n")
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
