package server

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/csv"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/internal/csvsafe"
	"github.com/cxmhq/cxm/mail"
	"github.com/cxmhq/cxm/store"
)

// Invitations come two ways (api.md). Links: cxm makes N tokens and shows
// them once to the facilitator, who hands them out; whoever holds an unused
// link can answer with it. Sealed invitations: cxm mails one link to each
// address itself; the addresses are stored apart from the tokens' hashes
// and nobody sees which link went to whom (store/sealed.go, mail).

// MaxInvitations is the most invitations one request creates.
const MaxInvitations = 10000

// Mailer is the mail worker as the server sees it (mail.Worker).
type Mailer interface {
	// Nudge asks it to look at the queue now.
	Nudge()
}

// invitationLink is one created link: shown once, never again (only its
// hash is stored).
type invitationLink struct {
	Token string `json:"token"`
	URL   string `json:"url"`
}

// createLinks makes count invitation links.
func (s *Server) createLinks(r *http.Request, a cxm.Assessment, count int) ([]invitationLink, error) {
	if a.Status != cxm.StatusOpen {
		return nil, cxm.ErrClosed
	}
	if count < 1 || count > MaxInvitations {
		return nil, badField("count", "create from 1 to %d links at a time", MaxInvitations)
	}
	links := make([]invitationLink, count)
	batch := make([]store.NewInvitation, count)
	for i := range links {
		tok := NewToken()
		links[i] = invitationLink{Token: tok, URL: s.baseURL(r) + "/r/" + tok}
		batch[i] = store.NewInvitation{TokenHash: HashToken(tok)}
	}
	if err := s.db.CreateInvitations(r.Context(), a.ID, batch); err != nil {
		return nil, err
	}
	return links, nil
}

// errNoMail refuses what needs mail when no SMTP server is configured.
func errNoMail(field string) *Error {
	return &Error{Status: http.StatusConflict, Field: field,
		Message: "this server sends no mail: start cxm serve with --smtp and --mail-from to send sealed invitations and reminders; invitation links ({\"count\": N}) remain available"}
}

// queueSealed checks the addresses and queues one sealed invitation to
// each; it returns how many.
func (s *Server) queueSealed(r *http.Request, a cxm.Assessment, raw []string) (int, error) {
	if s.cfg.Mail == nil {
		return 0, errNoMail("emails")
	}
	if a.Status != cxm.StatusOpen {
		return 0, cxm.ErrClosed
	}
	if len(raw) > MaxInvitations {
		return 0, badField("emails", "send at most %d sealed invitations at a time", MaxInvitations)
	}
	seen := map[string]bool{}
	addrs := make([]string, 0, len(raw))
	for i, e := range raw {
		addr, err := mail.ParseAddress(e)
		if err != nil {
			return 0, badField(fmt.Sprintf("emails[%d]", i), "%v", err)
		}
		if seen[addr] {
			return 0, badField(fmt.Sprintf("emails[%d]", i), "%s is listed twice", addr)
		}
		seen[addr] = true
		addrs = append(addrs, addr)
	}
	// The addresses of one request are told apart from other requests' (by
	// when they were written), and so are the hashes minted for them: the
	// request is the crowd its respondents hide in, so it must be at least
	// as large as the smallest group shown.
	if least := max(a.MinGroup, 2); len(addrs) < least {
		return 0, badField("emails", "send sealed invitations to at least %d addresses at once (this assessment's smallest group): "+
			"a smaller batch would let someone who reads the database files tell whose answers are whose; add these addresses to a larger batch or create links", least)
	}
	if _, err := s.db.QueueSealedInvitations(r.Context(), a.ID, addrs, s.cfg.Now()); err != nil {
		var ae *store.AddressError
		if errors.As(err, &ae) {
			return 0, &Error{Status: http.StatusConflict, Field: fmt.Sprintf("emails[%d]", ae.Index), Message: ae.Error()}
		}
		return 0, err
	}
	s.cfg.Mail.Nudge()
	return len(addrs), nil
}

// apiCreateInvitations: POST /api/v1/assessments/{id}/invitations.
// {"count":N} → 201 with the links; {"emails":[...]} → 202 {"queued":N}.
func (s *Server) apiCreateInvitations(w http.ResponseWriter, r *http.Request) error {
	a, err := s.assessment(r)
	if err != nil {
		return err
	}
	var in struct {
		Count  int      `json:"count"`
		Emails []string `json:"emails"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	if in.Emails != nil {
		if in.Count != 0 {
			return badField("count", "give a count (links) or a list of emails (sealed invitations), not both")
		}
		n, err := s.queueSealed(r, a, in.Emails)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusAccepted, map[string]int{"queued": n})
		return nil
	}
	links, err := s.createLinks(r, a, in.Count)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"invitations": links})
	return nil
}

// queueReminders queues a reminder to every address invited (sealed).
func (s *Server) queueReminders(r *http.Request) (int, error) {
	if s.cfg.Mail == nil {
		return 0, errNoMail("")
	}
	a, err := s.assessment(r)
	if err != nil {
		return 0, err
	}
	n, err := s.db.QueueReminders(r.Context(), a.ID, s.cfg.Now())
	if err != nil {
		return 0, err
	}
	if n == 0 {
		return 0, errorf(http.StatusConflict, "no sealed invitation of this assessment has been sent yet: there is nobody to remind")
	}
	s.cfg.Mail.Nudge()
	return n, nil
}

// apiReminders: POST /api/v1/assessments/{id}/reminders → 202 {"queued":N}.
func (s *Server) apiReminders(w http.ResponseWriter, r *http.Request) error {
	n, err := s.queueReminders(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, map[string]int{"queued": n})
	return nil
}

// remindersForm: POST /assessments/{id}/reminders (the dashboard's button).
func (s *Server) remindersForm(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.queueReminders(r); err != nil {
		return err
	}
	return redirect(w, r, "/assessments/"+r.PathValue("id"), "reminded")
}

// invitationsForm: POST /assessments/{id}/invitations. action=links
// answers with a page holding the new links, the only copy (renderLinks);
// action=sealed queues sealed invitations to the addresses pasted
// or uploaded.
func (s *Server) invitationsForm(w http.ResponseWriter, r *http.Request) error {
	a, err := s.assessment(r)
	if err != nil {
		return err
	}
	if err := r.ParseMultipartForm(4 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return errorf(http.StatusBadRequest, "unreadable form: %v", err)
	}
	if r.FormValue("action") == "sealed" {
		text := r.FormValue("emails")
		if file, _, err := r.FormFile("emails_file"); err == nil {
			defer file.Close()
			b, err := io.ReadAll(io.LimitReader(file, 4<<20))
			if err != nil {
				return errorf(http.StatusBadRequest, "unreadable file: %v", err)
			}
			text += "\n" + string(b)
		}
		emails, err := readEmails(text)
		if err != nil {
			return err
		}
		if _, err := s.queueSealed(r, a, emails); err != nil {
			return err
		}
		return redirect(w, r, fmt.Sprintf("/assessments/%d", a.ID), "sealed")
	}
	count, _ := strconv.Atoi(r.FormValue("count"))
	links, err := s.createLinks(r, a, count)
	if err != nil {
		return err
	}
	return s.renderLinks(w, r, a, links)
}

// linksView is the page that hands over new links: the only copy.
type linksView struct {
	A        cxm.Assessment
	Links    []invitationLink
	CSV      template.URL // the download, inside the page: nothing kept to serve it later
	Filename string
}

// renderLinks answers the "Create links" form with a page that says how
// many were made and that it is the only copy: the links are in this one
// response (a list, and a CSV download as a data: address inside the page)
// and nowhere else, since only their hashes are stored.
func (s *Server) renderLinks(w http.ResponseWriter, r *http.Request, a cxm.Assessment, links []invitationLink) error {
	var buf bytes.Buffer
	cw := csvsafe.NewWriter(&buf)
	cw.Write([]string{"link"}) // one column: nothing pairs a link with a person
	for _, l := range links {
		cw.Write([]string{l.URL})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	v := linksView{A: a, Links: links, Filename: fmt.Sprintf("links-%d.csv", a.ID),
		CSV: template.URL("data:text/csv;charset=utf-8;base64," + base64.StdEncoding.EncodeToString(buf.Bytes()))}
	return s.render(w, r, http.StatusOK, "links.html", fmt.Sprintf("%d links created", len(links)), v)
}

// addressHeaders are column names that hold addresses, compared without
// case, spaces, dashes or underscores ("E-mail", "Email address").
var addressHeaders = map[string]bool{"email": true, "emailaddress": true, "mail": true, "address": true,
	"courriel": true, "emailadresse": true, "correo": true, "correoelectronico": true}

func headerKey(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, s)
}

// readEmails reads a list of addresses pasted or uploaded: one a line, or
// separated by commas or semicolons, or a CSV (comma, semicolon or tab)
// whose header names the address column ("E-mail", "Email address", …) or,
// without a header, whose first column holding an "@" is taken.
func readEmails(text string) ([]string, error) {
	text = strings.TrimPrefix(strings.TrimSpace(text), "\ufeff")
	if text == "" {
		return nil, badField("emails", "no address given: paste one address a line, or upload a CSV with an email column")
	}
	first, _, _ := strings.Cut(text, "\n")
	cr := csv.NewReader(strings.NewReader(text))
	cr.Comma = sniffComma(first)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	rows, err := cr.ReadAll()
	if err != nil {
		return nil, badField("emails", "the list is not a readable CSV: %v", err)
	}
	col, start := -1, 0
	for i, h := range rows[0] {
		if addressHeaders[headerKey(h)] {
			col, start = i, 1
			break
		}
	}
	var out []string
	if col < 0 {
		// No header: every cell that holds an "@" when all do (a plain
		// list), else the first column that does.
		all := true
		for _, row := range rows {
			for _, c := range row {
				if c = strings.TrimSpace(c); c != "" && !strings.Contains(c, "@") {
					all = false
				}
			}
		}
		if all {
			for _, row := range rows {
				for _, c := range row {
					for _, a := range strings.FieldsFunc(c, func(r rune) bool { return r == ',' || r == ';' }) {
						if a = strings.TrimSpace(a); a != "" {
							out = append(out, a)
						}
					}
				}
			}
			return out, nil
		}
		for i, c := range rows[0] {
			if strings.Contains(c, "@") {
				col = i
				break
			}
		}
		if col < 0 {
			return nil, badField("emails", "no column of addresses found: name it \"email\" in the first line, or put the addresses first")
		}
	}
	for i, row := range rows[start:] {
		if col >= len(row) || strings.TrimSpace(row[col]) == "" {
			if len(row) == 1 && strings.TrimSpace(row[0]) == "" {
				continue // a blank line
			}
			return nil, badField("emails", "line %d of the list has no address", i+start+1)
		}
		out = append(out, strings.TrimSpace(row[col]))
	}
	if len(out) == 0 {
		return nil, badField("emails", "the list holds no address")
	}
	return out, nil
}

// sniffComma picks the CSV separator from the first line.
func sniffComma(line string) rune {
	best, n := ',', strings.Count(line, ",")
	for _, c := range []rune{';', '\t'} {
		if k := strings.Count(line, string(c)); k > n {
			best, n = c, k
		}
	}
	return best
}

// mailView is what the dashboard shows about sealed invitations.
type mailView struct {
	Enabled bool // an SMTP server is configured
	Status  store.MailStatus
	Least   int // the fewest addresses one sealed request takes
}

func (s *Server) mailView(ctx context.Context, a cxm.Assessment) (mailView, error) {
	v := mailView{Enabled: s.cfg.Mail != nil, Least: max(a.MinGroup, 2)}
	var err error
	v.Status, err = s.db.MailStatusOf(ctx, a.ID)
	return v, err
}
