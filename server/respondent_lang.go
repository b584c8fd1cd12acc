package server

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

const langCookie = "cxm_lang"

// respondentLang returns the language of a respondent's request and
// whether the respondent chose it.
func respondentLang(r *http.Request) (i18n.Printer, bool) {
	if l := r.URL.Query().Get("lang"); i18n.Supported(l) {
		return i18n.For(l), true
	}
	if r.Method == http.MethodPost {
		if l := r.PostFormValue("lang"); i18n.Supported(l) {
			return i18n.For(l), true
		}
	}
	if c, err := r.Cookie(langCookie); err == nil && i18n.Supported(c.Value) {
		return i18n.For(c.Value), true
	}
	return i18n.For(i18n.Match(r.Header.Get("Accept-Language"))), false
}

// keepLang stores a language chosen with the switch for the respondent's
// next pages. The cookie says nothing about who answers: every German
// respondent's is the same.
func (s *Server) keepLang(w http.ResponseWriter, r *http.Request) {
	l := r.URL.Query().Get("lang")
	if !i18n.Supported(l) {
		return
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: l, Path: "/r/", MaxAge: 90 * 24 * 3600,
		HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode})
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

// langLink is one entry of the language switch.
type langLink struct {
	Code, Name, Href string
	Current          bool
}

// langSwitch links the page at path (with its query, less lang) in every
// language.
func langSwitch(path string, query url.Values, current string) []langLink {
	var out []langLink
	for _, code := range i18n.Languages {
		q := url.Values{}
		for k, v := range query {
			if k != "lang" && k != "flash" {
				q[k] = v
			}
		}
		q.Set("lang", code)
		out = append(out, langLink{Code: code, Name: i18n.Autonym(code), Href: path + "?" + q.Encode(), Current: code == current})
	}
	return out
}

// localErr is an error whose message is in the respondent's language.
func localErr(status int, l i18n.Printer, key string, args ...any) *Error {
	return &Error{Status: status, Message: l.T(key, args...), Localized: true}
}

// respondentChrome is what a respondent's page has besides its data: the
// language switch and a translated flash.
type respondentChrome struct {
	Chosen bool // the language was chosen with the switch: keep it in forms
	Switch []langLink
	Flash  string
}

// renderRespondent writes a respondent's page in the respondent's
// language. The pages vary by language header and cookie.
func (s *Server) renderRespondent(w http.ResponseWriter, r *http.Request, status int, page, title string, data any) error {
	l, chosen := respondentLang(r)
	c := &respondentChrome{Chosen: chosen, Switch: langSwitch(r.URL.Path, r.URL.Query(), l.Lang())}
	switch r.URL.Query().Get("flash") {
	case "saved":
		c.Flash = l.T("flash.saved")
	case "preview-submitted":
		c.Flash = l.T("preview.submitted")
	}
	w.Header().Set("Vary", "Accept-Language, Cookie")
	return s.write(w, status, page, view{Title: title, Lang: l.Lang(), L: l, Respondent: c, Data: data})
}

// renderSurveyError is the error page of the respondent's routes: in the
// respondent's language, and without the words meant for users.
func (s *Server) renderSurveyError(w http.ResponseWriter, r *http.Request, e *Error) {
	l, _ := respondentLang(r)
	msg := e.Message
	if !e.Localized && (l.Lang() != "en" || e.Status >= 500) {
		msg = l.T("err.generic")
	}
	head := "h.other"
	switch e.Status {
	case http.StatusBadRequest, http.StatusNotFound, http.StatusConflict:
		head = fmt.Sprintf("h.%d", e.Status)
	}
	type errView struct{ Heading, Message string }
	if err := s.renderRespondent(w, r, e.Status, "survey_error.html", l.T(head), errView{l.T(head), msg}); err != nil {
		http.Error(w, msg, e.Status)
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
