package respond

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/i18n"
)

// The respondent's language (docs/workflow.md): the one chosen with the
// language switch (?lang=, then kept in a cookie on /r/ that holds only the
// language code), else the browser's Accept-Language, else English. The
// choice is also carried in the form and the redirects, so it holds without
// cookies. Only the respondent's pages are translated.

// LangCookie holds the language chosen with the switch.
const LangCookie = "cxm_lang"

// Lang returns the language of a respondent's request and whether the
// respondent chose it.
func Lang(r *http.Request) (i18n.Printer, bool) {
	if l := r.URL.Query().Get("lang"); i18n.Supported(l) {
		return i18n.For(l), true
	}
	if r.Method == http.MethodPost {
		if l := r.PostFormValue("lang"); i18n.Supported(l) {
			return i18n.For(l), true
		}
	}
	if c, err := r.Cookie(LangCookie); err == nil && i18n.Supported(c.Value) {
		return i18n.For(c.Value), true
	}
	return i18n.For(i18n.Match(r.Header.Get("Accept-Language"))), false
}

// keepLang stores a language chosen with the switch for the respondent's
// next pages. The cookie says nothing about who answers: every German
// respondent's is the same.
func (s *Survey) keepLang(w http.ResponseWriter, r *http.Request) {
	l := r.URL.Query().Get("lang")
	if !i18n.Supported(l) {
		return
	}
	http.SetCookie(w, &http.Cookie{Name: LangCookie, Value: l, Path: "/r/", MaxAge: 90 * 24 * 3600,
		HttpOnly: true, Secure: s.SecureCookies, SameSite: http.SameSiteLaxMode})
}

// withLang adds the chosen language to a respondent's address.
func withLang(path string, l i18n.Printer, chosen bool) string {
	if !chosen {
		return path
	}
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	return path + sep + "lang=" + l.Lang()
}

// LangLink is one entry of the language switch.
type LangLink struct {
	Code, Name, Href string
	Current          bool
}

// langSwitch links the page at path (with its query, less lang) in every
// language.
func langSwitch(path string, query url.Values, current string) []LangLink {
	var out []LangLink
	for _, code := range i18n.Languages {
		q := url.Values{}
		for k, v := range query {
			if k != "lang" && k != "flash" {
				q[k] = v
			}
		}
		q.Set("lang", code)
		out = append(out, LangLink{Code: code, Name: i18n.Autonym(code), Href: path + "?" + q.Encode(), Current: code == current})
	}
	return out
}

// Error is a failure whose message is in the respondent's language; the
// server maps it to its own error with the status.
type Error struct {
	Status  int
	Message string
}

func (e *Error) Error() string { return e.Message }

// localErr is an error whose message is in the respondent's language.
func localErr(status int, l i18n.Printer, key string, args ...any) *Error {
	return &Error{Status: status, Message: l.T(key, args...)}
}

// Chrome is what a respondent's page has besides its data: the
// language switch and a translated flash.
type Chrome struct {
	Chosen bool // the language was chosen with the switch: keep it in forms
	Switch []LangLink
	Flash  string
}

// renderRespondent writes a respondent's page in the respondent's
// language. The pages vary by language header and cookie.
func (s *Survey) renderRespondent(w http.ResponseWriter, r *http.Request, status int, page, title string, data any) error {
	l, chosen := Lang(r)
	c := &Chrome{Chosen: chosen, Switch: langSwitch(r.URL.Path, r.URL.Query(), l.Lang())}
	switch r.URL.Query().Get("flash") {
	case "saved":
		c.Flash = l.T("flash.saved")
	case "preview-submitted":
		c.Flash = l.T("preview.submitted")
	}
	w.Header().Set("Vary", "Accept-Language, Cookie")
	return s.Host.Render(w, status, page, title, l, c, data)
}

// ErrorPage is the error page of the respondent's routes: in the
// respondent's language, and without the words meant for users (a message
// not localized is only shown in English, and never for a 5xx).
func (s *Survey) ErrorPage(w http.ResponseWriter, r *http.Request, status int, message string, localized bool) {
	l, _ := Lang(r)
	msg := message
	if !localized && (l.Lang() != "en" || status >= 500) {
		msg = l.T("err.generic")
	}
	head := "h.other"
	switch status {
	case http.StatusBadRequest, http.StatusNotFound, http.StatusConflict:
		head = fmt.Sprintf("h.%d", status)
	}
	type errView struct{ Heading, Message string }
	if err := s.renderRespondent(w, r, status, "survey_error.html", l.T(head), errView{l.T(head), msg}); err != nil {
		http.Error(w, msg, status)
	}
}

// localizedScale returns the answer options in the respondent's language:
// the framework's translation, else the survey's own words for a common
// English label, else the framework's label.
func localizedScale(f *cxm.Framework, loc cxm.Localized, l i18n.Printer) []option {
	fallback := map[int]bool{}
	for _, v := range loc.LabelsFallback {
		fallback[v] = true
	}
	var out []option
	for v := f.Scale.Min; v <= f.Scale.Max; v++ {
		label := loc.Labels[v]
		if fallback[v] && f.Lang() == "en" {
			label, _ = l.ScaleLabel(label)
		}
		out = append(out, option{Value: fmt.Sprint(v), Label: label})
	}
	return out
}

// fallbackLang is the framework's language when a text has no translation
// into the page's: marked on the element, so that screen readers read it
// in the right language. "" when the text is in the page's language.
func fallbackLang(f *cxm.Framework, tr cxm.Texts, l i18n.Printer) string {
	if _, ok := tr[l.Lang()]; ok || l.Lang() == f.Lang() {
		return ""
	}
	return f.Lang()
}
