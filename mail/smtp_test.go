package mail

import (
	"context"
	"crypto/tls"
	"strings"
	"testing"
	"time"

	"github.com/cxmhq/cxm/internal/smtptest"
	"github.com/emersion/go-smtp"
)

func TestNewClient(t *testing.T) {
	for raw, want := range map[string]string{
		"smtp://u:p@mail.example.org": "smtp://mail.example.org:587",
		"smtps://mail.example.org":    "smtps://mail.example.org:465",
		"smtp://127.0.0.1:2525":       "smtp://127.0.0.1:2525",
		"smtps://u:p%40ss@[::1]:1465": "smtps://[::1]:1465",
	} {
		c, err := NewClient(raw)
		if err != nil || c.String() != want {
			t.Errorf("NewClient(%q) = %v, %v; want %s", raw, c, err, want)
		}
	}
	for _, raw := range []string{"http://mail.example.org", "smtp://", "smtp://h/path", "mail.example.org:587", "smtp://u:secret@h?x=1"} {
		_, err := NewClient(raw)
		if err == nil {
			t.Errorf("NewClient(%q) accepted", raw)
		} else if strings.Contains(err.Error(), "secret") {
			t.Errorf("the error shows the password: %v", err)
		}
	}
}

func sendTo(t *testing.T, s *smtptest.Server, tlsRoots bool) error {
	t.Helper()
	c, err := NewClient(s.URL())
	if err != nil {
		t.Fatal(err)
	}
	c.Timeout = 5 * time.Second
	if tlsRoots {
		c.TLS = &tls.Config{RootCAs: s.Roots}
	}
	msg, err := Message{From: "cx@example.org", To: "ann@example.org", Subject: "Hi", Body: "Hello", Date: time.Now()}.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return c.Send(context.Background(), "cx@example.org", "ann@example.org", msg)
}

func TestClientSends(t *testing.T) {
	for name, opts := range map[string]smtptest.Options{
		"plain to loopback with a password": {User: "cxm", Password: "pa ss"},
		"STARTTLS":                          {User: "cxm", Password: "pw", StartTLS: true},
		"TLS on connect":                    {User: "cxm", Password: "pw", ImplicitTLS: true},
	} {
		t.Run(name, func(t *testing.T) {
			s := smtptest.Start(t, opts)
			if err := sendTo(t, s, true); err != nil {
				t.Fatal(err)
			}
			got := s.Messages()
			if len(got) != 1 || got[0].From != "cx@example.org" || len(got[0].To) != 1 || got[0].To[0] != "ann@example.org" {
				t.Fatalf("server got %+v", got)
			}
			if _, body, _ := got[0].Parsed(); body != "Hello\r\n" {
				t.Fatalf("body %q", body)
			}
		})
	}
}

func TestClientFailures(t *testing.T) {
	t.Run("wrong password is permanent", func(t *testing.T) {
		s := smtptest.Start(t, smtptest.Options{User: "cxm", Password: "right"})
		c, _ := NewClient("smtp://cxm:wrong@" + s.Addr)
		msg, _ := Message{From: "cx@example.org", To: "a@example.org", Date: time.Now()}.Bytes()
		err := c.Send(context.Background(), "cx@example.org", "a@example.org", msg)
		if !IsPermanent(err) {
			t.Fatalf("error %v is not permanent", err)
		}
	})
	t.Run("refused recipient is permanent", func(t *testing.T) {
		s := smtptest.Start(t, smtptest.Options{Refuse: func(string) error {
			return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
		}})
		if err := sendTo(t, s, false); !IsPermanent(err) || !strings.Contains(err.Error(), "no such user") {
			t.Fatalf("error %v", err)
		}
	})
	t.Run("busy recipient is temporary", func(t *testing.T) {
		s := smtptest.Start(t, smtptest.Options{Refuse: func(string) error {
			return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try later"}
		}})
		if err := sendTo(t, s, false); err == nil || IsPermanent(err) {
			t.Fatalf("error %v", err)
		}
	})
	t.Run("untrusted certificate", func(t *testing.T) {
		s := smtptest.Start(t, smtptest.Options{ImplicitTLS: true})
		if err := sendTo(t, s, false); err == nil || !strings.Contains(err.Error(), "certificate") {
			t.Fatalf("error %v", err)
		}
	})
	t.Run("nobody listening is temporary", func(t *testing.T) {
		c, _ := NewClient("smtp://127.0.0.1:1")
		err := c.Send(context.Background(), "cx@example.org", "a@example.org", []byte("x"))
		if err == nil || IsPermanent(err) {
			t.Fatalf("error %v", err)
		}
	})
}
