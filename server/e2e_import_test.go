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
	browser := browsertest.Find(t)
	shots, _ := browsertest.ShotsDir(t)
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

	allocCtx := browsertest.Start(t, t.Context(), browser, 1280, 900)
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
