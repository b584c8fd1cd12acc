package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/cxmhq/cxm/internal/browsertest"

	"github.com/chromedp/chromedp"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/server"
)

// TestEditInBrowser edits in headless Chromium what a new user wants to
// change on day one: the organization's name (the report's cover title),
// industry and size; an assessment's name; archiving it and finding it
// again; deleting one after typing its name; a reset link for a colleague.
// The pages are looked at at 1280 and 390 px (screenshots as in
// TestEndToEnd: every one with $CXM_SCREENSHOTS set).
func TestEditInBrowser(t *testing.T) {
	browser := browsertest.Find(t)
	shots, all := browsertest.ShotsDir(t)
	ctx := t.Context()
	db, _, ts := startServer(t)

	const email, password = "consultant@example.com", "edit password 2027"
	hash, err := server.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	user, err := db.CreateUser(ctx, email, cxm.RoleAdmin, hash)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateUser(ctx, "colleague@example.com", cxm.RoleFacilitator, hash); err != nil {
		t.Fatal(err)
	}
	token := server.NewToken()
	if _, err := db.CreateAPIToken(ctx, user.ID, "edit e2e", server.HashToken(token)); err != nil {
		t.Fatal(err)
	}
	api := apiCaller(t, ctx, ts.URL, token)
	create := func(name string) int64 {
		t.Helper()
		status, out := api("POST", "/api/v1/assessments", map[string]any{"name": name, "framework": "temkin-four", "min_group": 3,
			"attributes": []any{map[string]any{"name": "department", "values": []string{"Sales", "Operations"}}}})
		if status != http.StatusCreated {
			t.Fatalf("create %s: %d %s", name, status, out)
		}
		var c struct{ ID int64 }
		json.Unmarshal(out, &c)
		return c.ID
	}
	// A released assessment with six responses, and an open one.
	released := create("Baseline 2026")
	status, out := api("POST", fmt.Sprintf("/api/v1/assessments/%d/invitations", released), map[string]any{"count": 6})
	if status != http.StatusCreated {
		t.Fatalf("invitations: %d %s", status, out)
	}
	var invs struct{ Invitations []struct{ Token string } }
	json.Unmarshal(out, &invs)
	for i, inv := range invs.Invitations {
		a := workshopE2EAnswers()[i]
		in := map[string]any{"attributes": map[string]string{"department": a["attr.department"]}, "answers": map[string]any{}}
		for k, v := range a {
			if id, ok := strings.CutPrefix(k, "item."); ok {
				var n int
				fmt.Sscan(v, &n)
				in["answers"].(map[string]any)[id] = n
			}
		}
		if status, out := api("POST", "/api/v1/responses/"+inv.Token, in); status != http.StatusCreated {
			t.Fatalf("respondent %d: %d %s", i+1, status, out)
		}
	}
	if status, out := api("POST", fmt.Sprintf("/api/v1/assessments/%d/close", released), nil); status != http.StatusOK {
		t.Fatalf("close: %d %s", status, out)
	}
	pilot := create("Pilot, do not use")

	allocCtx := browsertest.Start(t, ctx, browser, 1280, 900)
	tab, cancelTab := chromedp.NewContext(allocCtx)
	defer cancelTab()
	b := &e2eTab{t: t, ctx: tab, shots: shots, all: all}
	b.do(chromedp.EmulateViewport(1280, 900))
	// both looks at the page at 1280 and at 390 px, without reloading it
	// (a page that answers a form would post it again).
	both := func(name string) {
		t.Helper()
		b.noHorizontalScroll()
		b.look(name + "-desktop.png")
		b.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile))
		b.noHorizontalScroll()
		b.look(name + "-phone.png")
		b.do(chromedp.EmulateViewport(1280, 900))
	}

	// retype empties a field and types text into it.
	retype := func(sel, text string) {
		t.Helper()
		e2eRun(b, chromedp.Evaluate[bool](`(document.querySelector('`+sel+`').value = '') === ''`))
		b.do(chromedp.SendKeys(chromedp.CSS(sel), text))
	}

	b.navigate(ts.URL+"/login", http.StatusOK)
	b.do(chromedp.SendKeys(chromedp.CSS("#email"), email), chromedp.SendKeys(chromedp.CSS("#password"), password))
	b.submit(`main form button[type=submit]`, http.StatusOK)
	b.at("/assessments")
	// The list tells the assessments apart.
	b.contains("My organization")
	b.contains("released")
	b.contains("open")
	both("assessments")
	if n := e2eRun(b, chromedp.Evaluate[int](`document.querySelectorAll('table.assessments-list tbody tr').length`)); n != 2 {
		t.Fatalf("%d rows in the list, want 2", n)
	}

	// The organization: renamed, with an industry and a size.
	b.navigate(ts.URL+"/organizations", http.StatusOK)
	b.do(chromedp.Click(chromedp.CSS(`main table a`)), chromedp.WaitVisible(chromedp.CSS("#o-name")))
	both("organization-edit")
	retype("#o-name", "Northwind Traders")
	b.do(chromedp.SendKeys(chromedp.CSS("#o-ind"), "retail"), chromedp.SendKeys(chromedp.CSS("#o-size"), "250-999"))
	b.submit(`main form button[type=submit]`, http.StatusOK)
	b.at("/organizations?flash=saved")
	b.contains("Northwind Traders\tRetail\t250-999")
	both("organizations")
	b.navigate(fmt.Sprintf("%s/assessments/%d/report", ts.URL, released), http.StatusOK)
	if h := e2eRun(b, chromedp.Evaluate[string](`document.querySelector('h1').innerText`)); h != "Northwind Traders" {
		t.Errorf("the report's cover title is %q, want the new name", h)
	}

	// The assessment: renamed from its settings, reached from the dashboard.
	b.navigate(fmt.Sprintf("%s/assessments/%d", ts.URL, released), http.StatusOK)
	b.do(chromedp.Click(chromedp.CSS(`details.manage summary`)), chromedp.Click(chromedp.CSS(`.settings-link a`)), chromedp.WaitVisible(chromedp.CSS("#s-name")))
	b.at(fmt.Sprintf("/assessments/%d/settings", released))
	b.contains("Deleting Baseline 2026 removes for good its 6 responses")
	both("settings")
	retype("#s-name", "Baseline, autumn 2026")
	b.submit(`form[action$="/rename"] button`, http.StatusOK)
	b.at(fmt.Sprintf("/assessments/%d/settings?flash=saved", released))
	b.contains("Settings of Baseline, autumn 2026")

	// Archived: out of the list, behind the filter, still readable.
	b.submit(`form[action$="/archive"] button`, http.StatusOK)
	b.at("/assessments?flash=archived")
	if strings.Contains(b.text(), "Baseline, autumn 2026") {
		t.Fatal("an archived assessment is still in the list")
	}
	b.do(chromedp.Click(chromedp.CSS(`a[href="/assessments?show=archived"]`)), chromedp.WaitVisible(chromedp.CSS("table.assessments-list")))
	b.contains("Archived assessments")
	b.contains("Baseline, autumn 2026")
	b.contains("archived")
	both("assessments-archived")
	b.navigate(fmt.Sprintf("%s/assessments/%d", ts.URL, released), http.StatusOK)
	b.contains("Baseline, autumn 2026")
	if n := e2eRun(b, chromedp.Evaluate[int](`document.querySelectorAll('.meta .badge.archived').length`)); n != 1 {
		t.Errorf("the dashboard of an archived assessment has %d archived badges, want 1", n)
	}
	both("dashboard-archived")

	// Deleting the pilot: the name must be typed.
	b.navigate(fmt.Sprintf("%s/assessments/%d/settings", ts.URL, pilot), http.StatusOK)
	b.do(chromedp.SendKeys(chromedp.CSS("#s-confirm"), "Pilot"))
	b.submit(`form[action$="/delete"] button`, http.StatusBadRequest)
	b.contains("To delete it, type the assessment's name exactly: “Pilot, do not use”.")
	both("settings-delete-refused")
	retype("#s-confirm", "Pilot, do not use")
	b.submit(`form[action$="/delete"] button`, http.StatusOK)
	b.at("/assessments?flash=deleted")
	b.contains("The assessment is deleted")
	if status, _ := api("GET", fmt.Sprintf("/api/v1/assessments/%d", pilot), nil); status != http.StatusNotFound {
		t.Errorf("the deleted assessment answers %d", status)
	}

	// A reset link for a colleague, shown once; the account page.
	b.navigate(ts.URL+"/users", http.StatusOK)
	b.submit(`form[action$="/reset-link"] button`, http.StatusOK)
	b.contains("Password reset link for colleague@example.com")
	link := e2eRun(b, chromedp.Evaluate[string](`document.querySelector('#reset-url').textContent`))
	if !strings.HasPrefix(link, ts.URL+"/reset/") {
		t.Fatalf("reset link %q", link)
	}
	both("users-reset-link")
	b.navigate(ts.URL+"/account", http.StatusOK)
	b.contains("Change your password")
	both("account")
	b.navigate(link, http.StatusOK)
	b.contains("For colleague@example.com.")
	both("reset")
}
