package respond

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/i18n"
	"github.com/cxmhq/cxm/store"
)

// Package respond is the respondent's side of cxm: the pages at /r/{token}
// and /thanks, in the respondent's language. The server keeps the route
// table and gives the survey what it needs through Host.
//
// The respondent's pages: /r/{token}. The token is the only credential; the
// survey is split into parts (about you, then one competency a part), and
// every step saves a draft with the invitation so the respondent can come
// back. Submitting stores the answers without any link to the invitation.
// Plain HTML forms: no JavaScript needed.

// Host is what the survey needs from the server.
type Host interface {
	// Invitation resolves a token to its invitation, assessment and
	// framework (cxm.ErrNotFound when there is none).
	Invitation(ctx context.Context, token string) (cxm.Invitation, cxm.Assessment, *cxm.Framework, error)
	// AttributeValue checks an answer to a closed attribute and returns
	// the value as the list spells it, "" for none.
	AttributeValue(at cxm.Attribute, v string) (string, error)
	// CheckComment checks a respondent's comment: trimmed, "" for none.
	CheckComment(question, comment string) (string, error)
	// Submit validates and stores the answers of an invitation, then
	// queues its comment; cxm.ErrConflict when the invitation is used.
	Submit(ctx context.Context, inv cxm.Invitation, a cxm.Assessment, f *cxm.Framework, attrs map[string]string, answers map[string]*int, comment string) error
	// Render writes a page of the server's layout.
	Render(w http.ResponseWriter, status int, page, title string, l i18n.Printer, c *Chrome, data any) error
}

// Survey serves the respondent's pages.
type Survey struct {
	DB            *store.DB
	Host          Host
	SecureCookies bool // the language cookie is sent over HTTPS only
	MaxComment    int  // a comment's most characters, shown on the last part
}

// surveyPart is one page of the survey.
type surveyPart struct {
	Title      string
	TitleLang  string // the title's language when it is not the page's (no translation)
	Intro      string
	Attributes []attributeQuestion
	Statements []statementQuestion
}

// attributeQuestion is one closed list: the respondent picks one value
// or none ("Prefer not to say"); there is never a text box.
type attributeQuestion struct {
	cxm.Attribute
	Index int    // in the assessment's attributes, for element ids
	Value string // the draft's answer, "" for none
}

type statementQuestion struct {
	ID, Text string
	Lang     string // the statement's language when it is not the page's
	Answer   string // "", "dk" or the number
}

type option struct {
	Value, Label string
}

type surveyView struct {
	Token      string
	Framework  string
	Assessment string
	Part       surveyPart
	Index      int // 0-based part shown
	Parts      int
	Answered   int
	Total      int
	Options    []option
	DontKnow   bool
	Last       bool
	Error      string
	Welcome    []string // the assessment's welcome text, on the first part
	Preview    bool     // the facilitator's preview: nothing is stored
	ID         int64    // the assessment, for the preview's form
	// The open question, asked on the last part (comments.go): "" for none.
	Question   string
	Comment    string
	MaxComment int
	K          int // the assessment's smallest group
	// Fallback names, in the respondent's language, the framework's
	// language some statements are shown in for want of a translation.
	Fallback string
}

// parts splits the survey into its pages, in the respondent's language
// (loc: the framework's texts in it, l: the survey's own words).
func (s *Survey) parts(f *cxm.Framework, loc cxm.Localized, l i18n.Printer, a cxm.Assessment, d cxm.Draft) []surveyPart {
	var out []surveyPart
	p := surveyPart{Title: l.T("about"), Intro: l.T("about_intro", a.MinGroup)}
	for i, at := range a.Attributes {
		if len(at.Values) > 0 { // a free-text attribute from before v2 is not asked
			p.Attributes = append(p.Attributes, attributeQuestion{Attribute: at, Index: i, Value: d.Attributes[at.Name]})
		}
	}
	if len(p.Attributes) > 0 {
		out = append(out, p)
	}
	dk := map[string]bool{}
	for _, id := range d.DontKnow {
		dk[id] = true
	}
	for _, c := range f.Competencies {
		p := surveyPart{Title: loc.Comps[c.ID], TitleLang: fallbackLang(f, c.NameTr, l)}
		for _, it := range c.Items {
			q := statementQuestion{ID: it.ID, Text: loc.Items[it.ID], Lang: fallbackLang(f, it.TextTr, l)}
			if v, ok := d.Answers[it.ID]; ok {
				q.Answer = strconv.Itoa(v)
			} else if dk[it.ID] {
				q.Answer = "dk"
			}
			p.Statements = append(p.Statements, q)
		}
		out = append(out, p)
	}
	return out
}

// openInvitation resolves the token and refuses used invitations and
// closed assessments with a page that says so.
func (s *Survey) openInvitation(r *http.Request) (cxm.Invitation, cxm.Assessment, *cxm.Framework, error) {
	l, _ := Lang(r)
	inv, a, f, err := s.Host.Invitation(r.Context(), r.PathValue("token"))
	if errors.Is(err, cxm.ErrNotFound) {
		return inv, a, f, localErr(http.StatusNotFound, l, "err.invalid")
	}
	if err != nil {
		return inv, a, f, err
	}
	if inv.Used {
		return inv, a, f, localErr(http.StatusConflict, l, "err.used")
	}
	if a.Status != cxm.StatusOpen {
		return inv, a, f, localErr(http.StatusConflict, l, "err.closed")
	}
	return inv, a, f, nil
}

func (s *Survey) draft(r *http.Request, inv cxm.Invitation) (cxm.Draft, error) {
	d, err := s.DB.Draft(r.Context(), inv.ID, store.DraftKey(r.PathValue("token")))
	if errors.Is(err, cxm.ErrNotFound) {
		return cxm.Draft{Attributes: map[string]string{}, Answers: map[string]int{}}, nil
	}
	if d.Attributes == nil {
		d.Attributes = map[string]string{}
	}
	if d.Answers == nil {
		d.Answers = map[string]int{}
	}
	return d, err
}

// Page: GET /r/{token}, one part of the survey.
func (s *Survey) Page(w http.ResponseWriter, r *http.Request) error {
	inv, a, f, err := s.openInvitation(r)
	if err != nil {
		return err
	}
	d, err := s.draft(r, inv)
	if err != nil {
		return err
	}
	s.keepLang(w, r)
	l, _ := Lang(r)
	parts := s.parts(f, f.Localize(l.Lang()), l, a, d)
	i, _ := strconv.Atoi(r.URL.Query().Get("part"))
	if i < 0 || i >= len(parts) {
		i = 0
	}
	return s.Show(w, r, http.StatusOK, f, a, d, i, "")
}

// Show renders part i of the survey (also the facilitator's preview, with
// no token in the path).
func (s *Survey) Show(w http.ResponseWriter, r *http.Request, status int, f *cxm.Framework, a cxm.Assessment, d cxm.Draft, i int, msg string) error {
	l, _ := Lang(r)
	loc := f.Localize(l.Lang())
	parts := s.parts(f, loc, l, a, d)
	v := surveyView{
		Token: r.PathValue("token"), Framework: loc.Name, Assessment: a.Name,
		Part: parts[i], Index: i, Parts: len(parts), Answered: len(d.Answers) + len(d.DontKnow), Total: f.NumItems(),
		Options: localizedScale(f, loc, l), DontKnow: f.Scale.AllowUnknown, Last: i == len(parts)-1, Error: msg,
		Preview: r.PathValue("token") == "", ID: a.ID,
		Question: a.OpenQuestion, Comment: d.Comment, MaxComment: s.MaxComment, K: a.MinGroup,
	}
	if i == 0 {
		text, err := s.DB.Welcome(r.Context(), a.ID)
		if err != nil {
			return err
		}
		v.Welcome = WelcomeParagraphs(text)
	}
	if loc.Missing > 0 {
		v.Fallback = l.LanguageName(f.Lang())
	}
	// The language switch links this part, also after a POST.
	u := *r.URL
	q := u.Query()
	q.Set("part", strconv.Itoa(i))
	u.RawQuery = q.Encode()
	r = r.WithContext(r.Context())
	r.URL = &u
	return s.renderRespondent(w, r, status, "respond.html", a.Name, v)
}

// Save: POST /r/{token}. It takes one part's answers, saves the draft,
// and moves on, back, or submits.
func (s *Survey) Save(w http.ResponseWriter, r *http.Request) error {
	inv, a, f, err := s.openInvitation(r)
	if err != nil {
		return err
	}
	err = r.ParseForm()
	l, chosen := Lang(r) // the form may carry the chosen language
	if err != nil {
		return localErr(http.StatusBadRequest, l, "err.form")
	}
	d, err := s.draft(r, inv)
	if err != nil {
		return err
	}
	parts := s.parts(f, f.Localize(l.Lang()), l, a, d)
	i, err := strconv.Atoi(r.PostForm.Get("part"))
	if err != nil || i < 0 || i >= len(parts) {
		return localErr(http.StatusBadRequest, l, "err.part")
	}
	if i == len(parts)-1 && a.OpenQuestion != "" {
		d.Comment = r.PostForm.Get("comment")
	}
	if msg := s.applyPart(f, l, a, &d, parts[i], r); msg != "" {
		return s.Show(w, r, http.StatusBadRequest, f, a, d, i, msg)
	}
	if err := s.DB.SaveDraft(r.Context(), inv.ID, store.DraftKey(r.PathValue("token")), d); err != nil {
		return err
	}
	token := r.PathValue("token")
	to := func(part int) string { return withLang(fmt.Sprintf("/r/%s?part=%d", token, part), l, chosen) }
	switch r.PostForm.Get("action") {
	case "back":
		return redirect(w, r, to(max(i-1, 0)), "")
	case "submit":
		return s.submit(w, r, inv, a, f, d)
	case "save":
		return redirect(w, r, to(i), "saved")
	}
	return redirect(w, r, to(min(i+1, len(parts)-1)), "")
}

// applyPart copies the form's answers for one part into the draft, checking
// each against the scale and the attribute's choices.
func (s *Survey) applyPart(f *cxm.Framework, l i18n.Printer, a cxm.Assessment, d *cxm.Draft, p surveyPart, r *http.Request) string {
	for _, q := range p.Attributes {
		v, err := s.Host.AttributeValue(q.Attribute, r.PostForm.Get("attr."+q.Name))
		if err != nil {
			return l.T("err.attr", q.Name)
		}
		d.Attributes[q.Name] = v
	}
	dk := map[string]bool{}
	for _, id := range d.DontKnow {
		dk[id] = true
	}
	for _, q := range p.Statements {
		v := r.PostForm.Get("item." + q.ID)
		delete(d.Answers, q.ID)
		delete(dk, q.ID)
		switch {
		case v == "":
		case v == "dk" && f.Scale.AllowUnknown:
			dk[q.ID] = true
		default:
			n, err := strconv.Atoi(v)
			if err != nil || n < f.Scale.Min || n > f.Scale.Max {
				return l.T("err.scale", q.Text)
			}
			d.Answers[q.ID] = n
		}
	}
	d.DontKnow = d.DontKnow[:0]
	for _, c := range f.Competencies {
		for _, it := range c.Items {
			if dk[it.ID] {
				d.DontKnow = append(d.DontKnow, it.ID)
			}
		}
	}
	return ""
}

func (s *Survey) submit(w http.ResponseWriter, r *http.Request, inv cxm.Invitation, a cxm.Assessment, f *cxm.Framework, d cxm.Draft) error {
	l, chosen := Lang(r)
	last := len(s.parts(f, f.Localize(l.Lang()), l, a, d)) - 1
	if len(d.Answers) == 0 {
		// Nothing stored, the link stays usable (issue 8).
		return s.Show(w, r, http.StatusBadRequest, f, a, d, last, l.T("err.empty"))
	}
	comment, err := s.Host.CheckComment(a.OpenQuestion, d.Comment)
	if err != nil {
		return s.Show(w, r, http.StatusBadRequest, f, a, d, last,
			l.T("err.comment_long", utf8.RuneCountInString(strings.TrimSpace(d.Comment)), s.MaxComment))
	}
	attrs, answers := map[string]string{}, map[string]*int{}
	for _, at := range a.Attributes {
		if v := d.Attributes[at.Name]; len(at.Values) > 0 && v != "" { // a draft from before v2 may hold free text
			attrs[at.Name] = v
		}
	}
	for id, v := range d.Answers {
		answers[id] = &v
	}
	if err := s.Host.Submit(r.Context(), inv, a, f, attrs, answers, comment); err != nil {
		if errors.Is(err, cxm.ErrConflict) {
			return localErr(http.StatusConflict, l, "err.used")
		}
		return err
	}
	// The thank-you page has no token in its address: nothing to bookmark,
	// nothing to link back. A chosen language goes along: the cookie is
	// only sent to /r/.
	return redirect(w, r, withLang("/thanks", l, chosen), "")
}

// redirect after a POST (post/redirect/get), with a flash the next page
// shows (the server's redirect, for the survey's own flashes).
func redirect(w http.ResponseWriter, r *http.Request, path, flash string) error {
	if flash != "" {
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		path += sep + "flash=" + url.QueryEscape(flash)
	}
	http.Redirect(w, r, path, http.StatusSeeOther)
	return nil
}

// WelcomeParagraphs splits a welcome text into paragraphs at blank lines;
// the template escapes each and keeps its line breaks.
func WelcomeParagraphs(text string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Thanks: GET /thanks.
func (s *Survey) Thanks(w http.ResponseWriter, r *http.Request) error {
	l, _ := Lang(r)
	return s.renderRespondent(w, r, http.StatusOK, "thanks.html", l.T("thanks.title"), nil)
}

// Parts is how many parts the survey of a has for the request's language.
func (s *Survey) Parts(r *http.Request, f *cxm.Framework, a cxm.Assessment, d cxm.Draft) int {
	l, _ := Lang(r)
	return len(s.parts(f, f.Localize(l.Lang()), l, a, d))
}
