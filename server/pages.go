package server

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strings"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/i18n"
	"github.com/cxmhq/cxm/respond"
	"github.com/cxmhq/cxm/score"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFS embed.FS

func staticFiles() http.Handler {
	sub, _ := fs.Sub(staticFS, "static")
	fsrv := http.StripPrefix("/static/", http.FileServer(http.FS(sub)))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		fsrv.ServeHTTP(w, r)
	})
}

// pages holds one template set per page, each the layout plus the page, so
// pages can define the same blocks without clashing.
type pages struct {
	sets map[string]*template.Template
}

var funcs = template.FuncMap{
	"num": func(x *float64) string {
		if x == nil {
			return "–"
		}
		return fmt.Sprintf("%.1f", *x)
	},
	"fixed1": func(x float64) string { return fmt.Sprintf("%.1f", x) },
	// ciText shows an interval cut at the ends of the scale: with few
	// respondents mean ± t·sd/√n can pass 0 or 100, where no score can be.
	// The API keeps the exact interval.
	"ciText": func(ci *[2]float64) string {
		if ci == nil {
			return "–"
		}
		return fmt.Sprintf("%.1f–%.1f", max(ci[0], 0), min(ci[1], 100))
	},
	"fixed2": func(x *float64) string { return ptrFormat(x, "%.2f") },
	// signed shows a change with its sign: +8.2, −3.1, 0.0.
	"signed": func(x *float64) string {
		switch {
		case x == nil:
			return "–"
		case fmt.Sprintf("%.1f", *x) == "0.0" || fmt.Sprintf("%.1f", *x) == "-0.0":
			return "0.0"
		case *x > 0:
			return fmt.Sprintf("+%.1f", *x)
		}
		return fmt.Sprintf("−%.1f", -*x)
	},
	"agreement": score.Agreement,
	"pct": func(a, b int) string {
		if b == 0 {
			return "–"
		}
		return fmt.Sprintf("%.0f%%", 100*float64(a)/float64(b))
	},
	"add":       func(a, b int) int { return a + b },
	"join":      strings.Join,
	"canRun":    func(u *cxm.User) bool { return u != nil && u.Role.CanRun() },
	"isAdmin":   func(u *cxm.User) bool { return u != nil && u.Role == cxm.RoleAdmin },
	"valueText": valueText,
	"langName":  func(code string) string { return i18n.For("en").LanguageName(code) },
	"compName": func(c *cxm.Competency) string {
		if c == nil {
			return ""
		}
		return c.Name
	},
}

func ptrFormat(x *float64, format string) string {
	if x == nil {
		return "–"
	}
	return fmt.Sprintf(format, *x)
}

func newPages() *pages {
	p := &pages{sets: map[string]*template.Template{}}
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		panic(err)
	}
	for _, name := range names {
		if name != "templates/layout.html" {
			p.add(templateFiles, name)
		}
	}
	// The survey's pages are package respond's, in the same layout.
	names, err = fs.Glob(respond.Templates, "templates/*.html")
	if err != nil {
		panic(err)
	}
	for _, name := range names {
		p.add(respond.Templates, name)
	}
	return p
}

// add parses the page name of files with the layout.
func (p *pages) add(files fs.FS, name string) {
	// A template error is a programming error caught by every test.
	t := template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFiles, "templates/layout.html"))
	p.sets[strings.TrimPrefix(name, "templates/")] = template.Must(t.ParseFS(files, name))
}

// view is what every page template receives.
type view struct {
	Title string
	User  *cxm.User // nil for respondents and logged-out visitors
	CSRF  string
	Flash string
	Data  any

	// The respondent's pages: their language (i18n; the zero Printer
	// speaks English, as every other page does) and the language switch.
	Lang       string
	L          i18n.Printer
	Respondent *respond.Chrome
}

// render writes a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, page, title string, data any) error {
	v := view{Title: title, Data: data, Flash: flashes[r.URL.Query().Get("flash")]}
	if p := principalFrom(r.Context()); p != nil {
		v.User, v.CSRF = &p.user, p.csrf
	}
	return s.write(w, status, page, v)
}

// write renders a page's view. It renders into a buffer first so that a
// template error becomes a clean 500, not half a page.
func (s *Server) write(w http.ResponseWriter, status int, page string, v view) error {
	if v.Lang == "" {
		v.Lang = "en"
	}
	var buf bytes.Buffer
	set := s.pages.sets[page]
	if set == nil {
		return fmt.Errorf("no template %s", page)
	}
	if err := set.ExecuteTemplate(&buf, "layout.html", v); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

func (s *Server) renderError(w http.ResponseWriter, r *http.Request, e *Error) {
	msg := e.Message
	if msg == "not found" { // the bare message of asError, not a handler's own words
		msg = "There is nothing at this address. The link may be mistyped or incomplete, or what it pointed to was deleted."
	}
	if err := s.render(w, r, e.Status, "error.html", http.StatusText(e.Status), msg); err != nil {
		http.Error(w, msg, e.Status)
	}
}

func urlEscape(s string) string { return url.QueryEscape(s) }

// flashes are the messages a redirect can ask the next page to show. Only
// these keys are accepted, so a crafted link cannot put words on a page.
var flashes = map[string]string{
	"created":        "Created.",
	"saved":          "Saved.",
	"closed":         "The assessment is closed: it accepts no more responses. With enough responses its results are made now, once, and are final.",
	"reopened":       "The assessment is open again.",
	"sealed":         "The sealed invitations are queued: cxm sends them now. Nobody, you included, sees which link goes to whom.",
	"reminded":       "A reminder is queued for everyone invited by mail.",
	"logged-out":     "You are logged out.",
	"welcome":        "Welcome. Your account is ready.",
	"user-created":   "The user can now log in.",
	"uploaded":       "The framework is stored and can be used in assessments.",
	"step-added":     "The step is added at the end of the plan.",
	"plan-generated": "The plan is generated again from the framework. Steps added by hand are kept, and steps proposed again keep their owner, due date and status.",
	"next-wave":      "The next wave is open: invite respondents to answer again. Its results will be compared with the previous wave's.",
	"decided":        "Decision recorded as a plan step.",
	// Editing (edit.go, accounts.go)
	"archived":         "The assessment is archived: it is listed under Archived, and stays readable.",
	"unarchived":       "The assessment is back in the list.",
	"deleted":          "The assessment is deleted, with its responses, invitations, plan and results.",
	"password-changed": "Your password is changed. Your other sessions have ended.",
	"password-set":     "Your new password is set. Log in with it.",
	// Preview, welcome text, imports (preview.go, imports.go)
	"imported":          "The responses are imported: they count like submitted ones.",
	"preview-submitted": "In the survey this button submits the answers and shows the thank-you page. This is a preview: nothing was stored.",
	"welcome-saved":     "The welcome text is saved: respondents see it at the top of the survey.",

	// A framework uploaded with lint warnings (framework.Lint).
	"uploaded-untranslated": "The framework is stored and can be used in assessments. Some of its texts lack a translation that others have: respondents in that language see them in the framework's language. cxm framework lint lists them.",
}

// redirect after a successful form POST (post/redirect/get), with one of
// the flashes shown on the next page.
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
