package server

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/internal/testdb"
)

// TestPreviewAndImportInBrowser: a facilitator in headless Chromium sets a
// welcome text, creates links (the page says how many, and that it is the
// only copy), previews the survey part by part without storing anything,
// imports a paper round (a bad file first, its problems listed with line
// and character; then a good one) and sees the import's audit line.
// Screenshots at 1280 and 390 px: links-*, preview-*, import-errors-*,
// dashboard-imported-*.
func TestPreviewAndImportInBrowser(t *testing.T) {
	browser := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			browser = p
			break
		}
	}
	if browser == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("the browser test needs Chromium or Chrome on PATH")
		}
		t.Skip("skipped: no Chromium or Chrome on PATH")
	}
	shots := os.Getenv("CXM_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	} else if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, testdb.SQLite)
	id := e.newAssessment(map[string]any{"name": "Paper round 2027", "framework": "temkin-four", "min_group": 3,
		"attributes": []any{attr("department", "Sales", "Customer Service", "Operations")}})
	items := temkinItems(t)
	dir := t.TempDir()
	header := "respondent,department," + strings.Join(items, ",")
	badFile := filepath.Join(dir, "paper-bad.csv")
	os.WriteFile(badFile, []byte(header+"\n"+
		strings.Replace(responseRow("p1,Sales", len(items), "4"), "Sales,4", "Sales,6", 1)+"\n"+
		responseRow("p2,Marketing", len(items), "3")+"\n"), 0o644)
	goodFile := filepath.Join(dir, "paper.csv")
	os.WriteFile(goodFile, []byte(header+"\n"+
		responseRow("p1,sales", len(items), "4")+"\n"+
		responseRow("p2,Customer service", len(items), "3")+"\n"+
		responseRow("p3,", len(items), "2")+"\n"), 0o644)

	bctx, cancel := context.WithTimeout(t.Context(), 120*time.Second)
	defer cancel()
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(bctx,
		chromedp.ExecPath(browser), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900),
	)
	defer cancelAlloc()
	tab, cancelTab := chromedp.NewContext(allocCtx)
	defer cancelTab()
	b := &browserTab{t: t, tab: tab, base: e.ts.URL, shots: shots}

	b.do(chromedp.EmulateViewport(1280, 900), chromedp.Navigate(e.ts.URL+"/login"))
	b.do(chromedp.SendKeys(chromedp.CSS("#email"), "facilitator@example.com"), chromedp.SendKeys(chromedp.CSS("#password"), testPassword))
	b.click(`main form button[type=submit]`, http.StatusOK)
	dashboard := fmt.Sprintf("/assessments/%d", id)

	// The welcome text, then links.
	b.open(dashboard)
	b.do(chromedp.SendKeys(chromedp.CSS("#welcome"), "Dear colleagues at <Acme>,\nthank you for ten minutes.\n\nNobody sees who answered what."))
	b.click(`form[action$="/welcome"] button`, http.StatusOK)
	b.contains("The welcome text is saved")
	b.do(chromedp.SetValue(chromedp.CSS("#inv-count"), "5"))
	b.click(`form[action$="/invitations"] button`, http.StatusOK)
	b.contains("5 links created")
	b.contains("Download them now: this page is the only copy.")
	if n := e2eValue[int](b, `document.querySelectorAll('ol.link-list li').length`); n != 5 {
		t.Fatalf("the links page lists %d links", n)
	}
	b.both("links", false)

	// The preview: parts, buttons, nothing stored.
	b.open(dashboard)
	before := e.tableRows()
	b.click(`nav.actions a[href$="/preview"]`, http.StatusOK)
	b.contains("Preview — nothing is stored.")
	b.contains("Dear colleagues at <Acme>,\nthank you for ten minutes.")
	b.contains("Part 1 of 5")
	b.do(chromedp.Click(chromedp.CSS(`input[name="attr.department"][value="Sales"]`)))
	b.both("preview", true)
	b.click(`button[value=next]`, http.StatusOK)
	b.contains("Part 2 of 5")
	b.do(chromedp.Click(chromedp.CSS(`input[name="item.pl-1"][value="4"]`)))
	b.click(`button[value=back]`, http.StatusOK)
	b.contains("Part 1 of 5")
	b.open(fmt.Sprintf("/assessments/%d/preview?part=4", id))
	b.click(`button[value=submit]`, http.StatusOK)
	b.contains("This is a preview: nothing was stored.")
	b.contains("Part 5 of 5")
	b.both("preview-submitted", true)
	if after := e.tableRows(); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatalf("the preview stored something:\nbefore %v\nafter  %v", before, after)
	}

	// Import: a bad file, then a good one.
	b.open(dashboard)
	b.do(chromedp.Click(chromedp.CSS("details.manage summary")))
	b.do(chromedp.SetUploadFiles(chromedp.CSS("#import-file"), []string{badFile}))
	b.click(`form[action$="/responses"] button`, http.StatusBadRequest)
	b.contains("The file is not imported: nothing was stored. Fix the 2 problem(s) below")
	b.contains("row 2, column pl-1: \"6\" is not an integer from 1 to 5")
	b.contains("row 3, column department: \"Marketing\" is not one of the values of department")
	b.both("import-errors", true)
	b.open(dashboard)
	b.do(chromedp.Click(chromedp.CSS("details.manage summary")))
	b.do(chromedp.SetUploadFiles(chromedp.CSS("#import-file"), []string{goodFile}))
	b.click(`form[action$="/responses"] button`, http.StatusOK)
	b.contains("The responses are imported")
	b.contains("3 responses imported by facilitator@example.com on ")
	b.contains("3 responses of 8 invited")
	if p, _ := e.db.Participation(context.Background(), id); p.Responses != 3 || p.By["department"]["Customer Service"] != 1 {
		t.Fatalf("participation after the import: %+v", p)
	}
	b.do(chromedp.Click(chromedp.CSS("details.manage summary")))
	b.both("dashboard-imported", false)
	_ = cxm.NoAnswer
}

// browserTab is one tab with the few steps these tests take.
type browserTab struct {
	t     *testing.T
	tab   context.Context
	base  string
	shots string
}

func e2eValue[T any](b *browserTab, js string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.tab, chromedp.Evaluate[T](js))
	if err != nil {
		b.t.Fatal(err)
	}
	return v
}

func (b *browserTab) do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.tab, steps...); err != nil {
		b.t.Fatal(err)
	}
}

func (b *browserTab) text() string { return e2eValue[string](b, `document.body.innerText`) }

func (b *browserTab) contains(s string) {
	b.t.Helper()
	if txt := b.text(); !strings.Contains(txt, s) {
		b.t.Fatalf("the page does not say %q; it says:\n%s", s, txt)
	}
}

func (b *browserTab) click(sel string, status int64) {
	b.t.Helper()
	res, err := chromedp.RunResponse(b.tab, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("clicking %s: %v", sel, err)
	}
	if res.Status != status {
		b.t.Fatalf("clicking %s: status %d, want %d:\n%s", sel, res.Status, status, b.text())
	}
}

func (b *browserTab) open(path string) {
	b.t.Helper()
	res, err := chromedp.Run(b.tab, chromedp.NavigateResponse(b.base+path))
	if err != nil {
		b.t.Fatal(err)
	}
	if res.Status != http.StatusOK {
		b.t.Fatalf("GET %s: %d\n%s", path, res.Status, b.text())
	}
}

func (b *browserTab) shot(name string) {
	b.t.Helper()
	png, err := chromedp.Run(b.tab, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(b.shots, name), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// both checks the page at 1280 and 390 px and saves name-desktop.png and
// name-phone.png; reload says whether the page may be loaded again (not
// the answer to a POST).
func (b *browserTab) both(name string, reload bool) {
	b.t.Helper()
	for _, size := range []struct {
		suffix string
		view   chromedp.Action[chromedp.Void]
	}{
		{"desktop", chromedp.EmulateViewport(1280, 900)},
		{"phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile)},
	} {
		b.do(size.view)
		if reload {
			b.do(chromedp.Reload())
		}
		w := e2eValue[[]int](b, `[document.documentElement.scrollWidth, document.documentElement.clientWidth]`)
		if w[0] > w[1] {
			b.t.Errorf("%s at %s scrolls sideways: %d px of content in %d px", name, size.suffix, w[0], w[1])
		}
		b.shot(name + "-" + size.suffix + ".png")
	}
	b.do(chromedp.EmulateViewport(1280, 900))
	if reload {
		b.do(chromedp.Reload())
	}
}
