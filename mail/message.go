package mail

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"time"
	"unicode"
)

// Message is one plain-text message to one recipient.
type Message struct {
	From    string // an address, with or without a display name
	To      string // an address
	Subject string
	Body    string
	Date    time.Time
}

// ParseAddress reads one address (a@b.org or Name <a@b.org>) and returns it
// as the bare, lowercased address; text that could end a header line or
// holds more than one address is refused.
func ParseAddress(s string) (string, error) {
	s = strings.TrimSpace(s)
	if strings.ContainsAny(s, "\r\n\x00") {
		return "", errors.New("an address may not contain line breaks")
	}
	a, err := mail.ParseAddress(s)
	if err != nil {
		return "", fmt.Errorf("%q is not an email address", s)
	}
	if len(a.Address) > 254 {
		return "", fmt.Errorf("%q is longer than an address may be", s)
	}
	return strings.ToLower(a.Address), nil
}

// oneLine makes user text safe for a header: control characters (line
// breaks among them) become spaces, runs of space one.
func oneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// Bytes is the message as sent: RFC 5322 headers (the subject encoded as
// RFC 2047 words when it is not ASCII), a quoted-printable UTF-8 body, CRLF
// line ends.
func (m Message) Bytes() ([]byte, error) {
	if strings.ContainsAny(m.From, "\r\n") {
		return nil, errors.New("the sender may not contain line breaks")
	}
	from, err := mail.ParseAddress(m.From)
	if err != nil {
		return nil, fmt.Errorf("the sender %q is not an email address", m.From)
	}
	to, err := ParseAddress(m.To)
	if err != nil {
		return nil, err
	}
	id := make([]byte, 16)
	rand.Read(id)
	_, domain, _ := strings.Cut(from.Address, "@")
	var b bytes.Buffer
	header := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	header("From", from.String())
	header("To", (&mail.Address{Address: to}).String())
	header("Subject", mime.QEncoding.Encode("utf-8", oneLine(m.Subject)))
	header("Date", m.Date.Format(time.RFC1123Z))
	header("Message-ID", "<"+hex.EncodeToString(id)+"@"+oneLine(domain)+">")
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "quoted-printable")
	header("Auto-Submitted", "auto-generated")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	if _, err := qp.Write([]byte(m.Body)); err != nil {
		return nil, err
	}
	if err := qp.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Invitation is the text of a sealed invitation.
func Invitation(assessment, link string) (subject, body string) {
	name := oneLine(assessment)
	return "Your invitation: " + name, fmt.Sprintf(`Hello,

You are invited to answer "%s".

Your answers are anonymous. This link is yours alone: nobody saw it before
you, and nothing that is kept ties it, or your answers, to you or to this
address.

%s

The link works once. Do not forward it: whoever holds it can answer with it.
`, name, link)
}

// Reminder is the text of a reminder. It carries no link: nobody, cxm
// included, knows who has answered, so everyone invited receives it.
func Reminder(assessment, invitedOn string) (subject, body string) {
	name := oneLine(assessment)
	day := invitedOn
	if t, err := time.Parse(time.DateOnly, invitedOn); err == nil {
		day = t.Format("2 January 2006")
	}
	return "Reminder: " + name, fmt.Sprintf(`Hello,

This is a reminder about "%s". Please use the link in the invitation
you received on %s.

If you have already answered, thank you, and please ignore this message:
nobody, cxm included, knows who has answered, so everyone invited receives it.
`, name, day)
}
