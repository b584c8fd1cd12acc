package server

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cxmhq/cxm/internal/browsertest"

	"github.com/chromedp/chromedp"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/framework"
	"github.com/cxmhq/cxm/internal/testdb"
)

// TestPolishInBrowser looks at the pages of the polish round in headless
// Chromium at 1280 and 390 px: the dashboard (breakdown drawn on a phone,
// radar and ladder side by side on a desktop, a reverse-keyed statement's
// swapped colors), the plan, the report, the frameworks page and its
// guide, the setup link once set up, and a page that does not exist. No
// page scrolls sideways. Screenshots go to $CXM_SCREENSHOTS (or a
// temporary directory).
func TestPolishInBrowser(t *testing.T) {
	browser := browsertest.Find(t)
	shots, _ := browsertest.ShotsDir(t)
	e := newEnv(t, testdb.SQLite)
	id := polishAssessment(t, e)
	link, err := e.srv.CreateSetupLink(context.Background(), e.ts.URL)
	if err != nil {
		t.Fatal(err)
	}

	allocCtx := browsertest.Start(t, t.Context(), browser, 1280, 900)
	tab, cancelTab := chromedp.NewContext(allocCtx)
	defer cancelTab()
	b := &polishTab{t: t, tab: tab, base: e.ts.URL, shots: shots}

	b.do(chromedp.EmulateViewport(1280, 900), chromedp.Navigate(e.ts.URL+"/login"))
	b.do(chromedp.SendKeys(chromedp.CSS("#email"), "facilitator@example.com"), chromedp.SendKeys(chromedp.CSS("#password"), testPassword))
	if _, err := chromedp.RunResponse(tab, chromedp.Click(chromedp.CSS(`main form button[type=submit]`))); err != nil {
		t.Fatal(err)
	}

	dash := "/assessments/" + itoa64(id)
	b.open(dash, http.StatusOK)
	b.both("dashboard", func(phone bool) {
		if phone {
			// The breakdown is drawn: the narrow heatmap is shown, with a
			// cell per group and competency (3 groups × 4 competencies).
			n := b.eval(`[...document.querySelectorAll('.for-narrow svg[aria-labelledby^="heat-department-n"] .cxm-cell')].filter(c => c.getBoundingClientRect().width > 0).length`)
			if n != 12 {
				t.Errorf("phone: %d heatmap cells visible, want 12", n)
			}
			return
		}
		// Radar and ladder side by side: same top, the ladder to the right.
		pos := b.evalInts(`[...document.querySelectorAll('.chart-pair > .chart-box')].flatMap(s => [Math.round(s.getBoundingClientRect().top), Math.round(s.getBoundingClientRect().left)])`)
		if len(pos) != 4 || pos[0] != pos[2] || pos[3] <= pos[1] {
			t.Errorf("radar and ladder are not side by side at 1280 px: %v", pos)
		}
	})
	// An open assessment: participation, and the invitation forms opened.
	open := e.newAssessment(map[string]any{"name": "Pulse 2028", "framework": "temkin-four", "min_group": 3,
		"attributes": []any{map[string]any{"name": "department", "values": []string{"Sales", "Service", "Finance"}}}})
	e.invite(open, 5)
	b.open("/assessments/"+itoa64(open), http.StatusOK)
	b.both("dashboard-open", func(phone bool) {
		b.eval(`(document.querySelector('details.manage').open = true) ? 1 : 0`)
		w := b.evalInts(`[document.documentElement.scrollWidth, document.documentElement.clientWidth]`)
		if w[0] > w[1] {
			t.Errorf("open dashboard with its forms (phone=%v) scrolls sideways: %v", phone, w)
		}
	})
	b.open(dash+"/plan", http.StatusOK)
	b.both("plan", func(phone bool) {
		// The owner field is wide enough for a name.
		w := b.eval(`Math.round(document.querySelector('td.owner input').getBoundingClientRect().width)`)
		if w < 170 {
			t.Errorf("phone=%v: the owner field is %d px wide", phone, w)
		}
		// Every column is seen: the table does not scroll in its box.
		if d := b.eval(`(t => t.scrollWidth - t.clientWidth)(document.querySelector('.table-wrap'))`); d > 0 {
			t.Errorf("phone=%v: the plan table is %d px wider than the page", phone, d)
		}
	})
	b.open(dash+"/report", http.StatusOK)
	b.both("report", func(phone bool) {
		// The breakdown: the grid on a desktop, a table per competency on a phone.
		wide := b.eval(`[...document.querySelectorAll('figure.for-wide .cxm-cell')].filter(c => c.getBoundingClientRect().width > 0).length`)
		narrow := b.eval(`[...document.querySelectorAll('figure.for-narrow .cxm-cell')].filter(c => c.getBoundingClientRect().width > 0).length`)
		if phone && (wide != 0 || narrow != 12) || !phone && (wide != 12 || narrow != 0) {
			t.Errorf("report breakdown (phone=%v): %d wide cells, %d narrow cells shown", phone, wide, narrow)
		}
	})
	b.open("/frameworks", http.StatusOK)
	b.both("frameworks", nil)
	b.open("/frameworks/guide", http.StatusOK)
	b.both("framework-guide", nil)
	b.open(strings.TrimPrefix(link, e.ts.URL), http.StatusOK)
	if !strings.Contains(b.text(), "Setup is done") {
		t.Errorf("setup link: %s", b.text())
	}
	b.both("setup-done", nil)
	b.open("/no/such/page", http.StatusNotFound)
	if !strings.Contains(b.text(), "Page not found") {
		t.Errorf("404: %s", b.text())
	}
	b.both("not-found", nil)
	t.Logf("screenshots in %s", shots)
}

// polishAssessment is a closed temkin-four assessment with a department
// breakdown (three groups of four) and a result: twelve respondents who
// mostly agree, reverse-keyed statements included.
func polishAssessment(t *testing.T, e *env) int64 {
	t.Helper()
	f, err := framework.Resolve("temkin-four")
	if err != nil {
		t.Fatal(err)
	}
	id := e.newAssessment(map[string]any{"name": "CX check 2027", "framework": "temkin-four", "min_group": 3,
		"attributes": []any{map[string]any{"name": "department", "values": []string{"Sales", "Service", "Finance"}}}})
	depts := []string{"Sales", "Service", "Finance"}
	for i, tok := range e.invite(id, 12) {
		answers := map[string]int{}
		k := 0
		for _, c := range f.Competencies {
			for _, it := range c.Items {
				v := 1 + i%3 + (i+k+k/6)%3 // departments differ; statements too
				if it.Reverse {
					v = 6 - v
				}
				answers[it.ID] = v
				k++
			}
		}
		body := map[string]any{"answers": answers, "attributes": map[string]string{"department": depts[i%3]}}
		if st, out := e.call("", "POST", "/api/v1/responses/"+tok, body); st != http.StatusCreated {
			t.Fatalf("submit: %d %v", st, out)
		}
	}
	if st, out := e.call(cxm.RoleFacilitator, "POST", "/api/v1/assessments/"+itoa64(id)+"/close", nil); st != http.StatusOK {
		t.Fatalf("close: %d %v", st, out)
	}
	return id
}

// polishTab is a browser tab with the few steps this test needs.
type polishTab struct {
	t     *testing.T
	tab   context.Context
	base  string
	shots string
}

func (b *polishTab) do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.tab, steps...); err != nil {
		b.t.Fatal(err)
	}
}

func (b *polishTab) open(path string, status int64) {
	b.t.Helper()
	res, err := chromedp.Run(b.tab, chromedp.NavigateResponse(b.base+path))
	if err != nil {
		b.t.Fatal(err)
	}
	if res.Status != status {
		b.t.Fatalf("GET %s: %d, want %d", path, res.Status, status)
	}
}

func (b *polishTab) text() string {
	b.t.Helper()
	s, err := chromedp.Run(b.tab, chromedp.Evaluate[string](`document.body.innerText`))
	if err != nil {
		b.t.Fatal(err)
	}
	return s
}

func (b *polishTab) eval(js string) int {
	b.t.Helper()
	n, err := chromedp.Run(b.tab, chromedp.Evaluate[int](js))
	if err != nil {
		b.t.Fatal(err)
	}
	return n
}

func (b *polishTab) evalInts(js string) []int {
	b.t.Helper()
	n, err := chromedp.Run(b.tab, chromedp.Evaluate[[]int](js))
	if err != nil {
		b.t.Fatal(err)
	}
	return n
}

// both looks at the page at 1280 and at 390 px: no sideways scrolling, a
// screenshot each, and check (given whether it is the phone) when set.
func (b *polishTab) both(name string, check func(phone bool)) {
	b.t.Helper()
	for _, phone := range []bool{false, true} {
		if phone {
			b.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile), chromedp.Reload())
		} else {
			b.do(chromedp.EmulateViewport(1280, 900), chromedp.Reload())
		}
		w := b.evalInts(`[document.documentElement.scrollWidth, document.documentElement.clientWidth]`)
		if w[0] > w[1] {
			b.t.Errorf("%s (phone=%v) scrolls sideways: %d px of content in %d px", name, phone, w[0], w[1])
		}
		if check != nil {
			check(phone)
		}
		png, err := chromedp.Run(b.tab, chromedp.FullScreenshot(100))
		if err != nil {
			b.t.Fatal(err)
		}
		suffix := "-1280.png"
		if phone {
			suffix = "-390.png"
		}
		if err := os.WriteFile(filepath.Join(b.shots, fmt.Sprintf("polish-%s%s", name, suffix)), png, 0o644); err != nil {
			b.t.Fatal(err)
		}
	}
	b.do(chromedp.EmulateViewport(1280, 900), chromedp.Reload())
}
