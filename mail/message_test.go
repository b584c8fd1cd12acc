package mail

import (
	"strings"
	"testing"
	"time"

	"github.com/cxmhq/cxm/internal/smtptest"
)

func TestMessageHeaders(t *testing.T) {
	m := Message{From: "CX Team <cx@example.org>", To: "Zoë@Example.org",
		Subject: "Évaluation\r\nBcc: victim@evil.test 2026", Body: "Line one\nhttp://x/r/abc\n.\nlast é",
		Date: time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)}
	b, err := m.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	raw := string(b)
	if strings.Contains(raw, "\nBcc:") || strings.Contains(raw, "\r\nBcc") {
		t.Fatalf("a line break in the subject made a header:\n%s", raw)
	}
	for _, line := range strings.Split(strings.TrimSuffix(raw, "\r\n"), "\r\n") {
		if strings.ContainsAny(line, "\r\n") || len(line) > 998 {
			t.Fatalf("bad line %q", line)
		}
	}
	h, body, err := smtptest.Message{Data: b}.Parsed()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"Subject": "Évaluation Bcc: victim@evil.test 2026", "To": "<zoë@example.org>", "From": `"CX Team" <cx@example.org>`,
		"Date": "Sun, 29 Nov 2026 10:00:00 +0000", "Content-Type": "text/plain; charset=utf-8", "Mime-Version": "1.0",
	}
	for k, v := range want {
		if h[k] != v {
			t.Errorf("%s: %q, want %q", k, h[k], v)
		}
	}
	if !strings.HasPrefix(h["Message-Id"], "<") || !strings.HasSuffix(h["Message-Id"], "@example.org>") {
		t.Errorf("Message-ID %q", h["Message-Id"])
	}
	if body != "Line one\r\nhttp://x/r/abc\r\n.\r\nlast é" {
		t.Errorf("body %q", body)
	}
	if !strings.Contains(raw, "Subject: =?utf-8?q?") {
		t.Errorf("the subject is not RFC 2047 encoded:\n%s", raw)
	}
}

func TestMessageRefusesInjection(t *testing.T) {
	for _, m := range []Message{
		{From: "cx@example.org", To: "a@example.org\r\nBcc: b@evil.test"},
		{From: "cx@example.org\r\nBcc: b@evil.test", To: "a@example.org"},
		{From: "cx@example.org", To: "a@example.org, b@example.org"},
		{From: "not an address", To: "a@example.org"},
	} {
		if _, err := m.Bytes(); err == nil {
			t.Errorf("%+v was accepted", m)
		}
	}
}

func TestParseAddress(t *testing.T) {
	for in, want := range map[string]string{" Ann <Ann@Example.ORG> ": "ann@example.org", "bob@x.org": "bob@x.org"} {
		if got, err := ParseAddress(in); err != nil || got != want {
			t.Errorf("ParseAddress(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "bob", "a@x.org\nb@y.org", "a@x.org, b@y.org", "<>"} {
		if _, err := ParseAddress(in); err == nil {
			t.Errorf("ParseAddress(%q) accepted", in)
		}
	}
}

func TestTexts(t *testing.T) {
	s, b := Invitation("Q1\nsurvey", "https://cxm.example/r/TOKEN")
	if s != "Your invitation: Q1 survey" || !strings.Contains(b, "\nhttps://cxm.example/r/TOKEN\n") {
		t.Errorf("invitation %q %q", s, b)
	}
	s, b = Reminder("Q1", "2026-11-03")
	if s != "Reminder: Q1" || !strings.Contains(b, "received on 3 November 2026.") || strings.Contains(b, "/r/") ||
		!strings.Contains(b, "If you have already answered, thank you") {
		t.Errorf("reminder %q %q", s, b)
	}
}
