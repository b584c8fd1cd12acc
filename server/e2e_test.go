package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/cxmhq/cxm/internal/browsertest"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/framework"
	"github.com/cxmhq/cxm/server"
	"github.com/cxmhq/cxm/store"
)

// TestEndToEnd drives the web application in a real browser (headless
// Chromium), against a real server on a real SQLite file: the first admin is
// created through the setup link, logs out and in, starts an assessment and
// creates invitations; a respondent answers on a phone, by touch and by
// keyboard; two more answer through the API; the dashboard then shows the
// verdict, the scores, the charts and the breakdowns.
//
// Screenshots go to $CXM_SCREENSHOTS, for people to look at: of every page
// when it is set; otherwise only those of the survey, the thank-you page and
// the dashboard, to a temporary directory.
func TestEndToEnd(t *testing.T) {
	browser := browsertest.Find(t)
	shots, all := browsertest.ShotsDir(t)
	ctx := t.Context()
	_, srv, ts := startServer(t)
	setupLink, err := srv.CreateSetupLink(ctx, ts.URL)
	if err != nil {
		t.Fatal(err)
	}

	// One browser; the admin in its default context, the respondent later
	// in a fresh browser context that shares no cookies with it.
	allocCtx := browsertest.Start(t, ctx, browser, 1280, 900)
	admin, cancelAdmin := chromedp.NewContext(allocCtx)
	defer cancelAdmin()
	b := &e2eTab{t: t, ctx: admin, shots: shots, all: all}
	b.do(chromedp.EmulateViewport(1280, 900))

	const email, password = "lead@example.com", "correct horse battery"

	// The first admin, through the one-time setup link.
	b.do(chromedp.Navigate(setupLink))
	b.contains("Create the first administrator")
	b.look("setup-desktop.png")
	b.do(chromedp.SendKeys(chromedp.CSS("#email"), email), chromedp.SendKeys(chromedp.CSS("#password"), password))
	b.submit(`main form button[type=submit]`, http.StatusOK)
	b.at("/assessments?flash=welcome")
	b.contains("Welcome. Your account is ready.")

	// Log out, look at the login page, log in.
	b.submit(`form.logout button`, http.StatusOK)
	b.at("/login?flash=logged-out")
	b.contains("You are logged out.")
	b.noHorizontalScroll()
	b.look("login-desktop.png")
	if b.all {
		b.phone(func() { b.look("login-phone.png") })
	}
	b.do(chromedp.SendKeys(chromedp.CSS("#password"), "wrong password"))
	b.do(chromedp.SendKeys(chromedp.CSS("#email"), email))
	b.submit(`main form button[type=submit]`, http.StatusUnauthorized)
	b.contains("That email and password do not match an account.")
	b.look("login-error-desktop.png")
	if v := e2eRun(b, chromedp.Value(chromedp.CSS("#email"))); v != email {
		t.Errorf("after a failed login the email field holds %q, want %q", v, email)
	}
	b.do(chromedp.SendKeys(chromedp.CSS("#password"), password))
	b.submit(`main form button[type=submit]`, http.StatusOK)
	b.at("/assessments")
	b.contains("No assessment yet.")
	b.contains(email)

	// 1. Start an assessment.
	b.do(
		chromedp.SendKeys(chromedp.CSS("#a-name"), "Spring 2027 CX check"),
		chromedp.SetValue(chromedp.CSS("#a-framework"), "temkin-four@1"),
		chromedp.SendKeys(chromedp.CSS("#a-attrs"), "department: Sales, Operations\nlevel: Staff, Manager"),
		chromedp.SetValue(chromedp.CSS("#a-min"), "3"),
	)
	b.submit(`form[action="/assessments"] button[type=submit]`, http.StatusOK)
	m := regexp.MustCompile(`^/assessments/(\d+)\?flash=created$`).FindStringSubmatch(b.path())
	if m == nil {
		t.Fatalf("after creating an assessment the browser is at %s", b.path())
	}
	dashboard := ts.URL + "/assessments/" + m[1]
	b.contains("Spring 2027 CX check")
	b.contains("Four CX Core Competencies")
	b.contains("Results will appear once the assessment is closed with at least 3 responses (0 so far).")
	b.contains("0 responses of 0 invited")
	b.look("dashboard-empty-desktop.png")

	// 2. Invitations: the form answers with a CSV download; post it the same
	// way with the browser's session cookie and the page's CSRF token.
	cookies, err := chromedp.Call(admin, network.GetCookies, network.GetCookiesParams{URLs: []string{ts.URL}})
	if err != nil {
		t.Fatal(err)
	}
	var session *http.Cookie
	for _, c := range cookies.Cookies {
		if c.Name == "cxm_session" {
			session = &http.Cookie{Name: c.Name, Value: c.Value}
			if !c.HTTPOnly {
				t.Error("the session cookie is readable by scripts (not HttpOnly)")
			}
		}
	}
	if session == nil {
		t.Fatalf("no session cookie in the browser: %+v", cookies.Cookies)
	}
	csrf := e2eRun(b, chromedp.Evaluate[string](`document.querySelector('form[action$="/invitations"] input[name=csrf]').value`))
	invite := func(form url.Values) *http.Response {
		req, _ := http.NewRequestWithContext(ctx, "POST", dashboard+"/invitations", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(session)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	if res := invite(url.Values{"action": {"links"}, "count": {"3"}}); res.StatusCode != http.StatusForbidden {
		res.Body.Close()
		t.Fatalf("invitations without the CSRF token: status %d, want 403", res.StatusCode)
	} else {
		res.Body.Close()
	}
	res := invite(url.Values{"action": {"links"}, "count": {"3"}, "csrf": {csrf}})
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("invitations: status %d, %s: %s", res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	rows := server.LinksFromPage(t, string(body))
	if len(rows) != 4 || strings.Join(rows[0], ",") != "link" { // one column: nothing pairs a link with a person
		t.Fatalf("invitations CSV: %q", rows)
	}
	var links []string
	for _, r := range rows[1:] {
		if !strings.HasPrefix(r[0], ts.URL+"/r/") {
			t.Fatalf("invitation link %q is not on %s/r/", r[0], ts.URL)
		}
		links = append(links, r[0])
	}

	// 3. A respondent on a phone, in a browser context of their own.
	f, ok := framework.Builtin("temkin-four")
	if !ok {
		t.Fatal("no built-in temkin-four")
	}
	answers := respondentAnswers()
	respCtx, cancelResp := chromedp.NewContext(admin, chromedp.WithNewBrowserContext())
	defer cancelResp()
	p := &e2eTab{t: t, ctx: respCtx, shots: shots, all: all}
	p.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch))
	p.navigate(links[0], http.StatusOK)
	if c, err := chromedp.Call(respCtx, network.GetCookies, network.GetCookiesParams{URLs: []string{ts.URL}}); err != nil || len(c.Cookies) != 0 {
		t.Fatalf("the respondent's browser context has cookies (%v): %+v", err, c.Cookies)
	}
	p.contains("About you")
	p.contains("Part 1 of 5")
	p.contains("Groups with fewer than 3 people are never shown")
	p.noHorizontalScroll()
	p.do(chromedp.Click(chromedp.CSS(fmt.Sprintf(`input[name="attr.department"][value=%q]`, answers[0]["attr.department"]))))
	p.look("survey-about-phone.png")
	p.submit(`button[value=next]`, http.StatusOK)
	for i, c := range f.Competencies {
		p.contains(fmt.Sprintf("Part %d of 5", i+2))
		if h := e2eRun(p, chromedp.Evaluate[string](`document.querySelector('h1').textContent`)); h != c.Name {
			t.Fatalf("part %d is %q, want %q", i+2, h, c.Name)
		}
		for j, it := range c.Items {
			v := answers[0]["item."+it.ID]
			if i == 0 && j == 0 {
				// The keyboard: focus a radio, Space selects it, an arrow
				// key moves to the next answer and selects that.
				p.do(
					chromedp.Focus(chromedp.CSS(`input[name="item.`+it.ID+`"][value="3"]`)),
					chromedp.KeyEvent(" "),
				)
				if got := p.checked(it.ID); got != "3" {
					t.Fatalf("Space on a focused radio: %s is %q, want 3", it.ID, got)
				}
				p.do(chromedp.KeyEvent(kb.ArrowRight))
				if got := p.checked(it.ID); got != v {
					t.Fatalf("arrow key: %s is %q, want %s", it.ID, got, v)
				}
				continue
			}
			p.do(chromedp.Tap(chromedp.CSS(`label:has(> input[name="item.` + it.ID + `"][value="` + v + `"])`)))
		}
		for _, it := range c.Items {
			if got, want := p.checked(it.ID), answers[0]["item."+it.ID]; got != want {
				t.Errorf("%s: the page has %q checked, want %q", it.ID, got, want)
			}
		}
		if i == 0 {
			p.noHorizontalScroll()
			p.bigTargets()
			p.shot("survey-phone.png")
		}
		if i < len(f.Competencies)-1 {
			p.submit(`button[value=next]`, http.StatusOK)
		}
	}
	p.contains("Once submitted, answers cannot be changed.")
	p.look("survey-last-phone.png")
	if p.all {
		p.do(chromedp.EmulateViewport(1280, 900))
		p.look("survey-desktop.png")
		p.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch))
	}
	p.submit(`button[value=submit]`, http.StatusOK)
	p.at("/thanks")
	p.contains("Thank you")
	p.noHorizontalScroll()
	p.shot("thanks-phone.png")
	p.navigate(links[0], http.StatusConflict)
	p.contains("already submitted")
	p.look("used-link-phone.png")
	p.navigate(links[0]+"x", http.StatusNotFound)
	p.contains("Page not found")
	p.look("bad-link-phone.png")

	// 4. Two more respondents through the API.
	for i, link := range links[1:] {
		in := map[string]any{"attributes": map[string]string{}, "answers": map[string]any{}}
		for k, v := range answers[i+1] {
			if name, ok := strings.CutPrefix(k, "attr."); ok {
				in["attributes"].(map[string]string)[name] = v
			} else if n, err := strconv.Atoi(v); err == nil {
				in["answers"].(map[string]any)[strings.TrimPrefix(k, "item.")] = n
			}
		}
		js, _ := json.Marshal(in)
		res, err := http.Post(ts.URL+"/api/v1/responses/"+path.Base(link), "application/json", bytes.NewReader(js))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("respondent %d through the API: status %d: %s", i+2, res.StatusCode, body)
		}
	}

	// 5. The dashboard with three responses: participation only while
	// open; closing makes the release.
	b.navigate(dashboard, http.StatusOK)
	b.contains("3 responses of 3 invited (100%)")
	b.contains("Results will appear when the assessment is closed: it has 3 responses, enough for results (at least 3 are needed).")
	b.contains("so that nobody can work out the latest answers by reading results as they come in")
	b.look("dashboard-open-desktop.png")
	b.phone(func() {
		b.noHorizontalScroll()
		b.look("dashboard-open-phone.png")
	})
	b.do(chromedp.Click(chromedp.CSS("details.manage summary")))
	b.submit(`form.close-form button[type=submit]`, http.StatusOK)
	b.contains("its results are made now, once, and are final")
	scores := map[string]float64{}
	weakest := ""
	for _, c := range f.Competencies {
		scores[c.Name] = expectedScore(f, c, answers)
		if weakest == "" || scores[c.Name] < scores[weakest] {
			weakest = c.Name
		}
	}
	if weakest != "Customer Connectedness" {
		t.Fatalf("the answers were meant to make Customer Connectedness the weakest link, not %s", weakest)
	}
	b.contains(fmt.Sprintf("Customer Connectedness is the weakest link at %.1f", scores[weakest]))
	b.contains("Weak in Customer Connectedness, an organization is Disappointing")
	table := e2eRun(b, chromedp.Evaluate[[][]string](`[...[...document.querySelectorAll('table')]
		.find(t => t.tHead.innerText.includes('95% CI')).tBodies[0].rows]
		.map(r => [...r.cells].map(c => c.innerText.trim()))`))
	if len(table) != 4 {
		t.Fatalf("the score table has %d rows, want 4: %q", len(table), table)
	}
	for i, c := range f.Competencies {
		row := table[i]
		if !strings.HasPrefix(row[0], c.Name) {
			t.Errorf("score row %d is %q, want %s", i+1, row[0], c.Name)
			continue
		}
		if want := fmt.Sprintf("%.1f", scores[c.Name]); row[2] != want {
			t.Errorf("%s: the page shows score %s, want %s", c.Name, row[2], want)
		}
		if row[1] != "3" {
			t.Errorf("%s: n is %s, want 3", c.Name, row[1])
		}
		if got := strings.Contains(row[0], "weakest link"); got != (c.Name == weakest) {
			t.Errorf("%s: weakest-link badge %v", c.Name, got)
		}
	}
	charts := e2eRun(b, chromedp.Evaluate[[]string](`[...document.querySelectorAll('svg[role=img]')].map(s => s.getAttribute('aria-labelledby').split('-title')[0])`))
	for _, want := range []string{"scores", "radar", "ladder", "heat-department", "dist-purposeful-leadership", "dist-customer-connectedness"} {
		if !slices.Contains(charts, want) {
			t.Errorf("no chart %s on the dashboard; charts: %q", want, charts)
		}
	}
	bars := e2eRun(b, chromedp.Evaluate[string](`document.querySelector('svg[aria-labelledby^="scores-title"]').textContent`))
	for _, c := range f.Competencies {
		if !strings.Contains(bars, c.Name) {
			t.Errorf("the bar chart does not name %s", c.Name)
		}
	}
	// Everyone is in Sales, so its group of 3 is shown; by level, one did
	// not say and two are Staff: both groups are below 3 and withheld.
	b.contains("By department")
	b.contains("By level")
	b.contains("2 group(s) hidden for some or all competencies: fewer than 3 respondents")
	b.contains("No group is large enough to show.")
	// Three respondents: the stage is uncertain and alpha rests on too few.
	b.contains("within the margin of error: between Ignore and Drive")
	b.contains("How sure is the weakest link?")
	b.contains("Alpha: 4 competencies to read with care")
	b.noHorizontalScroll()
	b.shot("dashboard-desktop.png")
	b.phone(func() {
		b.noHorizontalScroll()
		b.shot("dashboard-phone.png")
	})
	if b.all {
		b.print(func() { b.look("dashboard-print.png") })
	}

	// The other pages, for the eye.
	b.navigate(ts.URL+"/assessments", http.StatusOK)
	b.contains("Spring 2027 CX check")
	b.look("assessments-desktop.png")
	b.phone(func() {
		b.noHorizontalScroll()
		b.look("assessments-phone.png")
	})
	b.navigate(ts.URL+"/frameworks", http.StatusOK)
	b.contains("temkin-four")
	b.look("frameworks-desktop.png")
	b.navigate(ts.URL+"/frameworks/temkin-four/1", http.StatusOK)
	b.contains("Purposeful Leadership")
	b.look("framework-desktop.png")
	b.phone(func() {
		b.noHorizontalScroll()
		b.look("framework-phone.png")
	})
	if b.all {
		b.navigate(ts.URL+"/organizations", http.StatusOK)
		b.look("organizations-desktop.png")
		b.navigate(ts.URL+"/users", http.StatusOK)
		b.look("users-desktop.png")
	}
	b.navigate(ts.URL+"/assessments/999999", http.StatusNotFound)
	b.contains("There is nothing at this address.")
	b.look("error-desktop.png")
	if b.all {
		b.phone(func() { b.look("error-phone.png") })
	}
	t.Logf("screenshots in %s", shots)
}

// respondentAnswers are the three respondents' answers, as form fields.
// The first answers in the browser, the others through the API.
// Customer Connectedness is meant to be the weakest link; "dk" is "don't
// know".
func respondentAnswers() []map[string]string {
	items := func(m map[string]string, prefix string, vals ...string) {
		for i, v := range vals {
			m[fmt.Sprintf("item.%s-%d", prefix, i+1)] = v
		}
	}
	var out []map[string]string
	for _, a := range []struct {
		dept, level     string
		pl, cbv, ee, cc [6]string
	}{
		{"Sales", "", [6]string{"4", "4", "3", "5", "4", "2"}, [6]string{"4", "3", "4", "4", "2", "3"}, [6]string{"3", "3", "4", "2", "3", "3"}, [6]string{"2", "2", "1", "2", "4", "dk"}},
		{"Sales", "Staff", [6]string{"3", "4", "3", "4", "3", "3"}, [6]string{"3", "3", "3", "4", "3", "3"}, [6]string{"4", "3", "3", "3", "2", "4"}, [6]string{"2", "3", "2", "2", "3", "2"}},
		{"Sales", "Staff", [6]string{"5", "4", "4", "5", "4", "1"}, [6]string{"4", "5", "4", "4", "1", "4"}, [6]string{"4", "4", "5", "4", "2", "4"}, [6]string{"3", "2", "3", "3", "4", "3"}},
	} {
		m := map[string]string{"attr.department": a.dept, "attr.level": a.level}
		items(m, "pl", a.pl[:]...)
		items(m, "cbv", a.cbv[:]...)
		items(m, "ee", a.ee[:]...)
		items(m, "cc", a.cc[:]...)
		out = append(out, m)
	}
	return out
}

// expectedScore is scoring.md §4.1–4.3, worked out here independently of
// package score: reverse-keyed values, each respondent's weighted mean on
// 0–100, the mean over respondents.
func expectedScore(f *cxm.Framework, c cxm.Competency, answers []map[string]string) float64 {
	var sum float64
	n := 0
	for _, a := range answers {
		var s, w float64
		k := 0
		for _, it := range c.Items {
			x, err := strconv.Atoi(a["item."+it.ID])
			if err != nil {
				continue // "dk" or not answered
			}
			if it.Reverse {
				x = f.Scale.Min + f.Scale.Max - x
			}
			wt := it.Weight
			if wt == 0 {
				wt = 1
			}
			s += wt * float64(x)
			w += wt
			k++
		}
		if 2*k < len(c.Items) {
			continue
		}
		sum += 100 * (s/w - float64(f.Scale.Min)) / float64(f.Scale.Max-f.Scale.Min)
		n++
	}
	return sum / float64(n)
}

// e2eTab is one browser tab with the test's assertions.
type e2eTab struct {
	t     *testing.T
	ctx   context.Context
	shots string // where screenshots go
	all   bool   // take the screenshots of look too
}

func e2eRun[T any](b *e2eTab, a chromedp.Action[T]) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, a)
	if err != nil {
		b.t.Fatal(err)
	}
	return v
}

func (b *e2eTab) do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatal(err)
	}
}

// navigate loads a page and checks its status.
func (b *e2eTab) navigate(u string, status int64) {
	b.t.Helper()
	res, err := chromedp.Run(b.ctx, chromedp.NavigateResponse(u))
	if err != nil {
		b.t.Fatal(err)
	}
	if res.Status != status {
		b.t.Fatalf("GET %s: status %d, want %d", b.path(), res.Status, status)
	}
}

// submit clicks a submit button and waits for the page it leads to.
func (b *e2eTab) submit(sel string, status int64) {
	b.t.Helper()
	res, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("clicking %s: %v", sel, err)
	}
	if res.Status != status {
		b.t.Fatalf("clicking %s led to %s with status %d, want %d:\n%s", sel, b.path(), res.Status, status, b.text())
	}
}

// path is the current address without the server's origin.
func (b *e2eTab) path() string {
	b.t.Helper()
	u, err := url.Parse(e2eRun(b, chromedp.Location()))
	if err != nil {
		b.t.Fatal(err)
	}
	return u.RequestURI()
}

func (b *e2eTab) at(want string) {
	b.t.Helper()
	if got := b.path(); got != want {
		b.t.Fatalf("the browser is at %s, want %s", got, want)
	}
}

func (b *e2eTab) text() string {
	b.t.Helper()
	return e2eRun(b, chromedp.Evaluate[string](`document.body.innerText`))
}

func (b *e2eTab) contains(s string) {
	b.t.Helper()
	if txt := b.text(); !strings.Contains(txt, s) {
		b.t.Fatalf("%s does not say %q; it says:\n%s", b.path(), s, txt)
	}
}

// checked is the value of the checked radio of a statement, "" if none.
func (b *e2eTab) checked(item string) string {
	b.t.Helper()
	return e2eRun(b, chromedp.Evaluate[string](`(document.querySelector('input[name="item.`+item+`"]:checked') || {value: ""}).value`))
}

func (b *e2eTab) noHorizontalScroll() {
	b.t.Helper()
	w := e2eRun(b, chromedp.Evaluate[[]int](`[document.documentElement.scrollWidth, document.documentElement.clientWidth]`))
	if w[0] > w[1] {
		b.t.Errorf("%s scrolls sideways: %d px of content in %d px", b.path(), w[0], w[1])
	}
}

// bigTargets checks that every answer on the survey is a touch target of
// at least 44×44 CSS pixels (WCAG 2.5.5).
func (b *e2eTab) bigTargets() {
	b.t.Helper()
	small := e2eRun(b, chromedp.Evaluate[[]string](`[...document.querySelectorAll('.scale label, .survey button')]
		.map(e => [e, e.getBoundingClientRect()]).filter(([e, r]) => r.width < 44 || r.height < 44)
		.map(([e, r]) => e.innerText.trim() + ' ' + Math.round(r.width) + '×' + Math.round(r.height))`))
	if len(small) > 0 {
		b.t.Errorf("touch targets smaller than 44×44 px on %s: %q", b.path(), small)
	}
}

// look saves a screenshot that is only for people to look at: only when
// CXM_SCREENSHOTS names a directory, to keep the test fast otherwise.
func (b *e2eTab) look(name string) {
	b.t.Helper()
	if b.all {
		b.shot(name)
	}
}

func (b *e2eTab) shot(name string) {
	b.t.Helper()
	png := e2eRun(b, chromedp.FullScreenshot(100))
	if err := os.WriteFile(filepath.Join(b.shots, name), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// phone runs fn with the tab shown as on a phone (390×844), then restores
// the desktop size.
func (b *e2eTab) phone(fn func()) {
	b.t.Helper()
	b.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile), chromedp.Reload())
	fn()
	b.do(chromedp.EmulateViewport(1280, 900), chromedp.Reload())
}

// print runs fn with the page laid out for print.
func (b *e2eTab) print(fn func()) {
	b.t.Helper()
	media := func(m string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: m})
			return err
		})
	}
	b.do(chromedp.EmulateViewport(794, 1123), media("print"))
	fn()
	b.do(media(""), chromedp.EmulateViewport(1280, 900))
}

// startServer serves a fresh SQLite installation over real HTTP until the
// test ends.
func startServer(t *testing.T) (*store.DB, *server.Server, *httptest.Server) {
	t.Helper()
	ctx := t.Context()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "cxm.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	srv := server.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)), server.Config{})
	if err := srv.SeedFrameworks(ctx); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return db, srv, ts
}
