package server

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cxmhq/cxm/internal/browsertest"

	"github.com/chromedp/chromedp"

	"github.com/cxmhq/cxm/internal/smtptest"
	"github.com/cxmhq/cxm/internal/testdb"
	"github.com/cxmhq/cxm/mail"
)

// TestSealedInvitationsInBrowser: a facilitator pastes addresses into the
// dashboard in headless Chromium and sends sealed invitations; a real SMTP
// server receives one invitation each; the dashboard counts them and the
// reminder button mails everyone again, without a link.
func TestSealedInvitationsInBrowser(t *testing.T) {
	browser := browsertest.Find(t)
	shots, _ := browsertest.ShotsDir(t)
	e := newEnv(t, testdb.SQLite)
	smtpSrv := smtptest.Start(t, smtptest.Options{})
	client, err := mail.NewClient(smtpSrv.URL())
	if err != nil {
		t.Fatal(err)
	}
	w := mail.NewWorker(e.db, client, mail.Config{From: "cx@example.org", Poll: 50 * time.Millisecond,
		Link: func(tok string) string { return e.ts.URL + "/r/" + tok },
		Mint: func() (string, []byte) { tok := NewToken(); return tok, HashToken(tok) }})
	e.srv.cfg.Mail = w
	wctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); w.Run(wctx) }()
	defer func() { stop(); <-done }()
	id := e.newAssessment(map[string]any{"name": "Spring check", "framework": "temkin-four", "min_group": 3})

	allocCtx := browsertest.Start(t, t.Context(), browser, 1280, 900)
	tab, cancelTab := chromedp.NewContext(allocCtx)
	defer cancelTab()
	do := func(steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(tab, steps...); err != nil {
			t.Fatal(err)
		}
	}
	text := func() string {
		t.Helper()
		s, err := chromedp.Run(tab, chromedp.Evaluate[string](`document.body.innerText`))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	click := func(sel string, status int64) {
		t.Helper()
		res, err := chromedp.RunResponse(tab, chromedp.Click(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("clicking %s: %v", sel, err)
		}
		if res.Status != status {
			t.Fatalf("clicking %s: status %d, want %d:\n%s", sel, res.Status, status, text())
		}
	}
	shot := func(name string) {
		t.Helper()
		png, err := chromedp.Run(tab, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(shots, name), png, 0o644)
	}

	do(chromedp.EmulateViewport(1280, 900), chromedp.Navigate(e.ts.URL+"/login"))
	do(chromedp.SendKeys(chromedp.CSS("#email"), "facilitator@example.com"), chromedp.SendKeys(chromedp.CSS("#password"), testPassword))
	click(`main form button[type=submit]`, http.StatusOK)
	do(chromedp.Navigate(e.ts.URL + "/assessments/" + itoa64(id)))
	if !strings.Contains(text(), "Whoever holds an unused link can answer with it") {
		t.Fatalf("the links form does not warn about unused links:\n%s", text())
	}
	do(chromedp.SendKeys(chromedp.CSS("#inv-emails"), "ann@example.org\nbo@example.org\nCy <cy@example.org>"))
	shot("invitations-desktop.png")
	click(`form[enctype="multipart/form-data"] button[type=submit]`, http.StatusOK)
	if !strings.Contains(text(), "The sealed invitations are queued") {
		t.Fatalf("after sending: %s", text())
	}
	if got := smtpSrv.Wait(3, 10*time.Second); len(got) != 3 {
		t.Fatalf("%d invitations arrived, want 3", len(got))
	}
	do(chromedp.Reload())
	if _, err := chromedp.Run(tab, chromedp.Evaluate[bool](`document.querySelector('details.manage').open = true`)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text(), "Sealed invitations: 3 sent") {
		t.Fatalf("the dashboard does not count the invitations sent:\n%s", text())
	}
	click(`form[action$="/reminders"] button`, http.StatusOK)
	if !strings.Contains(text(), "A reminder is queued for everyone invited by mail") {
		t.Fatalf("after the reminder: %s", text())
	}
	msgs := smtpSrv.Wait(6, 10*time.Second)
	if len(msgs) != 6 {
		t.Fatalf("%d messages, want 3 invitations and 3 reminders", len(msgs))
	}
	for _, m := range msgs[3:] {
		if _, body, _ := m.Parsed(); strings.Contains(body, "/r/") {
			t.Fatalf("a reminder carries a link: %q", body)
		}
	}
	do(chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile), chromedp.Reload())
	chromedp.Run(tab, chromedp.Evaluate[bool](`document.querySelector('details.manage').open = true`))
	sizes, err := chromedp.Run(tab, chromedp.Evaluate[[]int](`[document.documentElement.scrollWidth, document.documentElement.clientWidth]`))
	if err != nil || sizes[0] > sizes[1] {
		t.Errorf("the dashboard scrolls sideways on a phone: %v %v", sizes, err)
	}
	shot("invitations-phone.png")
}
