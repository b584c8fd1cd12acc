// Package mail sends cxm's mail: an SMTP client on the standard library's
// net/smtp, the messages of sealed invitations and reminders, and a worker
// that sends the queue kept in the database (package store) with leases,
// retries and backoff, and survives restarts.
package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"net/textproto"
	"net/url"
	"strings"
	"time"
)

// Client sends messages to one SMTP server, one connection a message.
type Client struct {
	host, addr string
	implicit   bool // smtps://: TLS from the first byte
	user, pass string
	// TLS is the TLS configuration (nil: the system's roots, the URL's
	// host as the server name). Tests set RootCAs.
	TLS *tls.Config
	// Timeout bounds one message, from dialing to QUIT.
	Timeout time.Duration
	// Hello is the name given in EHLO.
	Hello string
}

// DefaultTimeout bounds one message; the worker's lease is longer.
const DefaultTimeout = 30 * time.Second

// NewClient reads an SMTP URL: smtp://user:pass@host:587 (STARTTLS,
// required unless the host is the loopback interface), smtps://host:465
// (TLS on connect). The credentials are optional.
func NewClient(raw string) (*Client, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("the SMTP address %q is not a URL: write smtp://user:password@host:587 or smtps://host:465", redact(raw))
	}
	c := &Client{Timeout: DefaultTimeout, Hello: "localhost"}
	port := "587"
	switch u.Scheme {
	case "smtp":
	case "smtps":
		c.implicit, port = true, "465"
	default:
		return nil, fmt.Errorf("the SMTP address must start with smtp:// or smtps://, not %q", u.Scheme+"://")
	}
	if u.Hostname() == "" {
		return nil, errors.New("the SMTP address has no host: write smtp://user:password@host:587")
	}
	if u.Path != "" && u.Path != "/" || u.RawQuery != "" {
		return nil, errors.New("the SMTP address takes no path or query: write smtp://user:password@host:587")
	}
	if u.Port() != "" {
		port = u.Port()
	}
	c.host, c.addr = u.Hostname(), net.JoinHostPort(u.Hostname(), port)
	if u.User != nil {
		c.user = u.User.Username()
		c.pass, _ = u.User.Password()
	}
	return c, nil
}

// redact hides a password in an SMTP URL for error messages.
func redact(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.User != nil {
		return u.Redacted()
	}
	return raw
}

// String is the server's address without the password.
func (c *Client) String() string {
	scheme := "smtp"
	if c.implicit {
		scheme = "smtps"
	}
	return scheme + "://" + c.addr
}

// PermanentError is a refusal a retry will not change (an SMTP 5xx reply).
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// IsPermanent reports whether err is a PermanentError.
func IsPermanent(err error) bool {
	var p *PermanentError
	return errors.As(err, &p)
}

func (c *Client) tlsConfig() *tls.Config {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if c.TLS != nil {
		cfg = c.TLS.Clone()
	}
	if cfg.ServerName == "" {
		cfg.ServerName = c.host
	}
	return cfg
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Send sends one message from an envelope sender to one recipient. A 5xx
// reply is a *PermanentError; anything else may succeed later.
func (c *Client) Send(ctx context.Context, from, to string, msg []byte) error {
	ctx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", c.addr)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", c, err)
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Now()) })
	defer stop()
	if c.implicit {
		tc := tls.Client(conn, c.tlsConfig())
		if err := tc.HandshakeContext(ctx); err != nil {
			return fmt.Errorf("TLS with %s: %w", c, err)
		}
		conn = tc
	}
	sc, err := smtp.NewClient(conn, c.host)
	if err != nil {
		return c.wrap("greeting", err)
	}
	defer sc.Close()
	if err := sc.Hello(c.Hello); err != nil {
		return c.wrap("EHLO", err)
	}
	if !c.implicit {
		if ok, _ := sc.Extension("STARTTLS"); ok {
			if err := sc.StartTLS(c.tlsConfig()); err != nil {
				return fmt.Errorf("STARTTLS with %s: %w", c, err)
			}
		} else if !isLoopback(c.host) {
			// Links and passwords must not cross the network in clear.
			return &PermanentError{fmt.Errorf("%s does not offer STARTTLS: use a server that does, or smtps://", c)}
		}
	}
	if c.user != "" {
		if err := sc.Auth(smtp.PlainAuth("", c.user, c.pass, c.host)); err != nil {
			return c.wrap("authentication", err)
		}
	}
	if err := sc.Mail(from); err != nil {
		return c.wrap("MAIL FROM", err)
	}
	if err := sc.Rcpt(to); err != nil {
		return c.wrap("RCPT TO", err)
	}
	w, err := sc.Data()
	if err != nil {
		return c.wrap("DATA", err)
	}
	if _, err := w.Write(msg); err != nil {
		return c.wrap("DATA", err)
	}
	if err := w.Close(); err != nil {
		return c.wrap("end of DATA", err) // the server's verdict on the message
	}
	sc.Quit() // accepted already: a failed QUIT changes nothing
	return nil
}

// wrap names the step that failed and marks 5xx replies permanent.
func (c *Client) wrap(step string, err error) error {
	err = fmt.Errorf("%s at %s: %w", step, c, err)
	var te *textproto.Error
	if errors.As(err, &te) && te.Code >= 500 {
		return &PermanentError{err}
	}
	if strings.Contains(err.Error(), "unencrypted connection") { // net/smtp's PlainAuth refusal
		return &PermanentError{err}
	}
	return err
}
