package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cxmhq/cxm/internal/browsertest"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/server"
)

// TestGermanRespondentOnPhone: a respondent whose browser asks for German
// answers, on a 390 px phone, an assessment of a framework with German
// statements (examples/frameworks/temkin-four-de.yaml): every part is in
// German, the language switch changes it and is kept, and the answers are
// stored. Screenshots survey-de-*.png.
func TestGermanRespondentOnPhone(t *testing.T) {
	browser := browsertest.Find(t)
	shots, _ := browsertest.ShotsDir(t)
	ctx := t.Context()
	db, _, ts := startServer(t)
	user, err := db.CreateUser(ctx, "lead@example.com", cxm.RoleAdmin, "unused")
	if err != nil {
		t.Fatal(err)
	}
	token := server.NewToken()
	if _, err := db.CreateAPIToken(ctx, user.ID, "e2e", server.HashToken(token)); err != nil {
		t.Fatal(err)
	}
	api := func(path, contentType string, body []byte) []byte {
		t.Helper()
		req, _ := http.NewRequestWithContext(ctx, "POST", ts.URL+path, bytes.NewReader(body))
		req.Header.Set("Content-Type", contentType)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		out, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("POST %s: %d %s", path, res.StatusCode, out)
		}
		return out
	}
	src, err := os.ReadFile("../examples/frameworks/temkin-four-de.yaml")
	if err != nil {
		t.Fatal(err)
	}
	api("/api/v1/frameworks", "application/yaml", src)
	js, _ := json.Marshal(map[string]any{"name": "CX-Check Frühjahr", "framework": "temkin-four-de", "min_group": 5,
		"attributes": []any{map[string]any{"name": "Abteilung", "values": []string{"Vertrieb", "Kundenservice", "Betrieb", "IT"}}}})
	var created struct{ ID int64 }
	json.Unmarshal(api("/api/v1/assessments", "application/json", js), &created)
	var invs struct{ Invitations []struct{ URL string } }
	json.Unmarshal(api(fmt.Sprintf("/api/v1/assessments/%d/invitations", created.ID), "application/json", []byte(`{"count": 1}`)), &invs)
	link := invs.Invitations[0].URL

	allocCtx := browsertest.Start(t, ctx, browser, 390, 844)
	tctx, cancel := chromedp.NewContext(allocCtx)
	defer cancel()
	b := &e2eTab{t: t, ctx: tctx, shots: shots}
	b.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile),
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{
				Headers: network.Headers{"Accept-Language": "de-DE,de;q=0.9,en-US;q=0.8,en;q=0.7"}})
			return err
		}))
	phone := func(shot string) {
		t.Helper()
		b.noHorizontalScroll()
		b.bigTargets()
		if lang := e2eRun(b, chromedp.Evaluate[string](`document.documentElement.lang`)); lang != "de" {
			t.Errorf("%s: html lang %q", b.path(), lang)
		}
		if shot != "" {
			b.shot(shot)
		}
	}

	b.navigate(link, http.StatusOK)
	b.contains("Über Sie")
	b.contains("Teil 1 von 5")
	b.contains("24 Aussagen darüber, wie Ihre Organisation arbeitet, in 5 kurzen Teilen.")
	labels := e2eRun(b, chromedp.Evaluate[[]string](`[...document.querySelectorAll('.attr-choice label')].map(l => l.innerText.trim())`))
	if strings.Join(labels, "|") != "Vertrieb|Kundenservice|Betrieb|IT|Keine Angabe" {
		t.Errorf("attribute choices %q", labels)
	}
	phone("survey-de-390-about.png")
	b.do(chromedp.Click(chromedp.CSS(`input[name="attr.Abteilung"][value="Kundenservice"]`)))
	b.submit(`button[value=next]`, http.StatusOK)

	// The first competency, all in German: name, statements, labels.
	b.contains("Teil 2 von 5")
	b.contains("Zielgerichtete Führung")
	b.contains("Unsere Führungskräfte treffen Entscheidungen, die zu den Werten passen, zu denen wir uns bekennen.")
	scale := e2eRun(b, chromedp.Evaluate[[]string](`[...document.querySelectorAll('fieldset.statement')[0].querySelectorAll('label')].map(l => l.innerText.replace(/\s+/g, ' ').trim())`))
	if strings.Join(scale, "|") != "1 Stimme überhaupt nicht zu|2 Stimme nicht zu|3 Teils, teils|4 Stimme zu|5 Stimme voll und ganz zu|? Weiß nicht" {
		t.Errorf("the scale reads %q", scale)
	}
	if txt := b.text(); strings.Contains(txt, "Einige Aussagen") || strings.Contains(txt, "Purposeful") || strings.Contains(txt, "Strongly") {
		t.Errorf("English or a fallback note on a fully translated part:\n%s", txt)
	}
	for i, v := range []string{"4", "5", "3", "4", "dk", "2"} {
		b.do(chromedp.Click(chromedp.CSS(fmt.Sprintf(`input[name="item.pl-%d"][value="%s"]`, i+1, v))))
	}
	phone("survey-de-390-part.png")
	b.submit(`button[value=next]`, http.StatusOK)
	b.contains("6 von 24 Aussagen beantwortet.")

	// The switch: French has no statements in this framework, so they stay
	// English with a note; the choice is kept over the browser's German.
	b.submit(`.lang-switch a[lang=fr]`, http.StatusOK)
	b.contains("Partie 3 sur 5")
	b.contains("elles sont affichées en anglais")
	b.contains("I know what our brand promises to customers.")
	b.noHorizontalScroll()
	b.shot("survey-fr-390-fallback.png")
	b.navigate(link+"?part=2", http.StatusOK)
	b.contains("Partie 3 sur 5")
	b.submit(`.lang-switch a[lang=de]`, http.StatusOK)
	b.contains("Überzeugende Markenwerte")
	b.contains("Ich weiß, was unsere Marke den Kunden verspricht.")
	b.do(chromedp.EmulateViewport(1280, 900), chromedp.Reload())
	b.shot("survey-de-1280-part.png")
	b.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile), chromedp.Reload())
	for _, part := range []string{"cbv", "ee"} {
		for i := 1; i <= 6; i++ {
			b.do(chromedp.Click(chromedp.CSS(fmt.Sprintf(`input[name="item.%s-%d"][value="4"]`, part, i))))
		}
		b.submit(`button[value=next]`, http.StatusOK)
	}
	b.contains("Teil 5 von 5")
	b.contains("Kundennähe")
	b.contains("Leer gelassene Aussagen gelten als nicht beantwortet.")
	b.do(chromedp.Click(chromedp.CSS(`input[name="item.cc-1"][value="5"]`)))
	phone("survey-de-390-last.png")
	b.submit(`button[value=submit]`, http.StatusOK)
	b.at("/thanks?lang=de")
	b.contains("Vielen Dank")
	b.contains("Ihre Antworten sind abgesendet.")
	phone("survey-de-390-thanks.png")
	b.navigate(link, http.StatusConflict)
	b.contains("Dieser Link nimmt keine Antworten mehr an")
	b.contains("Ihre Antworten wurden bereits abgesendet. Vielen Dank! Eine Einladung kann nur einmal verwendet werden.")
	phone("survey-de-390-used.png")
	b.do(chromedp.EmulateViewport(1280, 900), chromedp.Reload())
	b.shot("survey-de-1280-used.png")

	// The framework page tells the facilitator who can answer in German.
	sess, csrf := server.NewToken(), server.NewToken()
	if err := db.CreateSession(ctx, server.HashToken(sess), user.ID, csrf, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	b.do(chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{Name: "cxm_session", Value: sess, URL: ts.URL})
		return err
	}))
	b.navigate(ts.URL+"/frameworks/temkin-four-de/1", http.StatusOK)
	b.contains("Translations for respondents: German (24 of 24 statements). The dashboard and the report use English.")
	b.noHorizontalScroll()
	if err := os.WriteFile(filepath.Join(shots, "framework-de-1280-top.png"), e2eRun(b, chromedp.CaptureScreenshot()), 0o644); err != nil {
		t.Fatal(err)
	}
	b.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile), chromedp.Reload())
	b.noHorizontalScroll()
	// The top of the page only: the whole framework is too long to look at.
	if err := os.WriteFile(filepath.Join(shots, "framework-de-390-top.png"), e2eRun(b, chromedp.CaptureScreenshot()), 0o644); err != nil {
		t.Fatal(err)
	}

	var got []cxm.StoredResponse
	db.EachResponse(ctx, created.ID, func(r cxm.StoredResponse) error {
		got = append(got, cxm.StoredResponse{Attributes: r.Attributes, Answers: append([]int{}, r.Answers...)})
		return nil
	})
	if len(got) != 1 || got[0].Attributes["Abteilung"] != "Kundenservice" || got[0].Answers[0] != 4 || got[0].Answers[4] != cxm.NoAnswer ||
		got[0].Answers[6] != 4 || got[0].Answers[18] != 5 || got[0].Answers[19] != cxm.NoAnswer {
		t.Errorf("stored %+v", got)
	}
}
