package server

import (
	"bytes"
	"html"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/internal/testdb"
	"github.com/cxmhq/cxm/respond"
)

// getAs fetches a respondent's page with an Accept-Language header and
// cookies, without following redirects.
func (e *env) getAs(path, accept string, cookies ...*http.Cookie) (*http.Response, string) {
	e.t.Helper()
	req, _ := http.NewRequest("GET", e.ts.URL+path, nil)
	if accept != "" {
		req.Header.Set("Accept-Language", accept)
	}
	for _, c := range cookies {
		req.AddCookie(c)
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, html.UnescapeString(string(b))
}

func mustContain(t *testing.T, what, page string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(page, w) {
			t.Errorf("%s: no %q", what, w)
		}
	}
}

func mustNotContain(t *testing.T, what, page string, bad ...string) {
	t.Helper()
	for _, w := range bad {
		if strings.Contains(page, w) {
			t.Errorf("%s: has %q", what, w)
		}
	}
}

// TestRespondentLanguage: the survey speaks the language the browser
// prefers most among the five, the switch overrides it and is kept (cookie
// on /r/ and the form), errors and the thank-you page follow, and a
// framework's own translations are used where it has them.
func TestRespondentLanguage(t *testing.T) {
	for _, engine := range testdb.Engines {
		t.Run(engine, func(t *testing.T) { respondentLanguage(t, newEnv(t, engine)) })
	}
}

func respondentLanguage(t *testing.T, e *env) {
	id := e.newAssessment(map[string]any{"name": "Welle 1", "framework": "temkin-four", "min_group": 3,
		"attributes": []any{map[string]any{"name": "Bereich", "values": []string{"Vertrieb", "Service"}}}})
	tok := e.invite(id, 1)[0]
	path := "/r/" + tok

	// German from the header (a regional variant, with quality values);
	// the built-in has no German statements: they stay English, with a
	// note, but the common scale labels are German.
	resp, page := e.getAs(path+"?part=1", "fr;q=0.4, de-CH, en;q=0.5")
	mustContain(t, "de", page, `<html lang="de">`, "Teil 2 von 5", "Speichern und weiter", "Zurück", "Zum Inhalt springen",
		"Stimme überhaupt nicht zu", "Teils, teils", "Weiß nicht", "0 von 24 Aussagen beantwortet.",
		"Einige Aussagen dieser Umfrage gibt es nicht auf Deutsch; sie werden auf Englisch gezeigt.",
		`<h1 lang="en">Purposeful Leadership</h1>`, `<legend lang="en">Our leaders make decisions that are consistent`, `aria-current="true">Deutsch</a>`)
	mustNotContain(t, "de", page, "Save and continue", "Strongly disagree", "Part 2", "Skip to content")
	if resp.Header.Get("Set-Cookie") != "" || !strings.Contains(resp.Header.Get("Vary"), "Accept-Language") {
		t.Errorf("a header's language sets no cookie and varies: %q %q", resp.Header.Get("Set-Cookie"), resp.Header.Get("Vary"))
	}
	_, page = e.getAs(path, "fr;q=0.3, nl;q=0.8, it")
	mustContain(t, "nl", page, `<html lang="nl">`, "Over u", "Zeg ik liever niet", "Deel 1 van 5", "Groepen van minder dan 3 personen")
	_, page = e.getAs(path, "ja, pt-BR")
	mustContain(t, "none of the five", page, `<html lang="en">`, "About you", "Prefer not to say")
	mustNotContain(t, "en", page, "not available in English")

	// The switch: ?lang= sets a cookie on /r/ holding only the code, which
	// then beats the header.
	resp, page = e.getAs(path+"?part=0&lang=es", "de")
	mustContain(t, "es", page, `<html lang="es">`, "Sobre usted", "Prefiero no decirlo", `name="lang" value="es"`)
	c := resp.Cookies()
	if len(c) != 1 || c[0].Name != langCookie || c[0].Value != "es" || c[0].Path != "/r/" || !c[0].HttpOnly || c[0].SameSite != http.SameSiteLaxMode {
		t.Fatalf("cookie %+v", c)
	}
	_, page = e.getAs(path+"?part=1", "de", c[0])
	mustContain(t, "cookie", page, `<html lang="es">`, "Guardar y continuar", "Totalmente de acuerdo")
	_, page = e.getAs(path+"?part=1&lang=xx", "nl", c[0])
	mustContain(t, "an unknown ?lang", page, `<html lang="es">`)
	// Each switch link keeps the part and changes only the language.
	mustContain(t, "switch", page, `href="/r/`+tok+`?lang=fr&part=1" lang="fr" hreflang="fr">Français</a>`)

	// The form carries the choice, so it holds without cookies too; an
	// error is in the language chosen.
	anon := e.cookieClient("")
	r := e.form(anon, path, url.Values{"part": {"0"}, "attr.Bereich": {"Vertrieb"}, "action": {"next"}, "lang": {"fr"}}, nil)
	if loc := r.Header.Get("Location"); loc != path+"?part=1&lang=fr" {
		t.Errorf("next: %s", loc)
	}
	if r := e.form(anon, path, url.Values{"part": {"0"}, "attr.Bereich": {"HR"}, "action": {"next"}}, http.Header{"Accept-Language": {"de"}}); r.StatusCode != http.StatusBadRequest {
		t.Errorf("a value not offered: %d", r.StatusCode)
	}
	st, page := e.postAs(path, "de", url.Values{"part": {"0"}, "attr.Bereich": {"HR"}, "action": {"next"}})
	mustContain(t, "attribute error", page, "Wählen Sie bei „Bereich“ eine der aufgeführten Antworten oder „Keine Angabe“.",
		`href="/r/`+tok+`?lang=es&part=0"`)
	st2, page2 := e.postAs(path, "nl", url.Values{"part": {"9"}, "action": {"next"}})
	if st != http.StatusBadRequest || st2 != http.StatusBadRequest {
		t.Errorf("statuses %d %d", st, st2)
	}
	mustContain(t, "unknown part", page2, `<html lang="nl">`, "Er klopt iets niet aan het verzoek", "Dit deel van de vragenlijst bestaat niet.")

	// Submitting with a chosen language: the thank-you page follows it.
	r = e.form(anon, path, url.Values{"part": {"4"}, "item.cc-1": {"4"}, "action": {"submit"}, "lang": {"nl"}}, nil)
	if loc := r.Header.Get("Location"); r.StatusCode != http.StatusSeeOther || loc != "/thanks?lang=nl" {
		t.Fatalf("submit: %d %s", r.StatusCode, loc)
	}
	_, page = e.getAs("/thanks?lang=nl", "de")
	mustContain(t, "thanks", page, `<html lang="nl">`, "Dank u wel", "Uw antwoorden zijn verstuurd.", "U kunt deze pagina sluiten.")
	_, page = e.getAs("/thanks", "es-AR")
	mustContain(t, "thanks", page, "<title>Gracias · cxm</title>", "Sus respuestas se han enviado.")

	// Errors: a used link, a wrong one, in the browser's language.
	resp, page = e.getAs(path, "fr-FR")
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("used: %d", resp.StatusCode)
	}
	mustContain(t, "used", page, "Ce lien n’accepte plus de réponses", "Vos réponses ont déjà été envoyées. Merci ! Une invitation ne peut servir qu’une fois.")
	resp, page = e.getAs("/r/not-a-token", "de")
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("wrong token: %d", resp.StatusCode)
	}
	mustContain(t, "wrong token", page, "Seite nicht gefunden", "Dieser Einladungslink ist ungültig. Prüfen Sie, ob er vollständig kopiert wurde.")
	mustNotContain(t, "wrong token", page, "Log in", "assessments")
}

func (e *env) postAs(path, accept string, v url.Values) (int, string) {
	e.t.Helper()
	req, _ := http.NewRequest("POST", e.ts.URL+path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept-Language", accept)
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, html.UnescapeString(string(b))
}

// TestRespondentTranslatedFramework: a framework's German statements,
// names and labels are shown to German respondents, with no note; the
// dashboard keeps the framework's own language.
func TestRespondentTranslatedFramework(t *testing.T) {
	e := newEnv(t, "sqlite")
	src, err := os.ReadFile("../examples/frameworks/temkin-four-de.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if st, raw := e.raw(cxm.RoleFacilitator, "POST", "/api/v1/frameworks", "application/yaml", src); st != http.StatusCreated || strings.Contains(string(raw), "warnings") {
		t.Fatalf("upload: %d %s", st, raw)
	}
	// Half translated: stored, with the lint's warnings in the answer.
	half := strings.Replace(strings.Replace(string(src), "id: temkin-four-de", "id: half-de", 1),
		"          de: Wer sich für Kunden besonders einsetzt, erfährt hier Anerkennung.\n", "", 1)
	st, raw := e.raw(cxm.RoleFacilitator, "POST", "/api/v1/frameworks", "application/yaml", half) // ee-3's text is at 245:11
	if st != http.StatusCreated || !strings.Contains(string(raw), `"warnings": [
    {
      "column": 11,
      "line": 245,
      "message": "warning: item text has no translation into de, which other texts of this file have: those respondents see it in en"
    }
  ]`) {
		t.Errorf("half translated: %d %s", st, raw)
	}
	id := e.newAssessment(map[string]any{"name": "Welle 1", "framework": "temkin-four-de", "min_group": 3})
	tok := e.invite(id, 1)[0]
	_, page := e.getAs("/r/"+tok+"?part=2", "de-DE,de;q=0.9,en;q=0.8")
	mustContain(t, "de", page, "Welle 1 · Vier Kernkompetenzen der Customer Experience", "<h1>Mitarbeiterengagement</h1>",
		"<legend>Wer sich für Kunden besonders einsetzt, erfährt hier Anerkennung.</legend>", "Stimme voll und ganz zu")
	mustNotContain(t, "de", page, "Employee Engagement", "Employees who go out", "Einige Aussagen")
	_, page = e.getAs("/r/"+tok+"?part=2", "fr")
	mustContain(t, "fr", page, "Employees who go out of their way", "Tout à fait d’accord",
		"Certaines affirmations de ce questionnaire ne sont pas disponibles en français ; elles sont affichées en anglais.")
	c, _ := e.session(cxm.RoleFacilitator)
	_, page = e.get(c, "/frameworks/temkin-four-de/1")
	mustContain(t, "framework page", page, "Employees who go out of their way for customers are recognized here.",
		"Translations for respondents: German (24 of 24 statements). The dashboard and the report use English.")
}

// TestRespondentTemplatesTranslated: no words are written into the
// respondent's templates; every one comes from the catalogue (checked
// complete in package i18n). Tags, actions and comments are removed; what
// is left must be punctuation. Attributes people read (aria-label, title,
// alt, placeholder) are kept for the check.
func TestRespondentTemplatesTranslated(t *testing.T) {
	comment := regexp.MustCompile(`(?s)\{\{/\*.*?\*/\}\}`)
	action := regexp.MustCompile(`(?s)\{\{.*?\}\}`)
	readable := regexp.MustCompile(`(?i)\b(aria-label|title|alt|placeholder)="([^"]*)"`)
	tag := regexp.MustCompile(`(?s)<[^>]*>`)
	letters := regexp.MustCompile(`\p{L}{2,}`)
	for _, name := range []string{"respond.html", "thanks.html", "survey_error.html", "layout.html"} {
		var files fs.FS = respond.Templates // the survey's pages are package respond's
		if name == "layout.html" {
			files = templateFiles
		}
		data, err := fs.ReadFile(files, "templates/"+name)
		if err != nil {
			t.Fatal(err)
		}
		s := string(data)
		if name == "layout.html" { // the header of logged-in users is not a respondent's
			i, j := strings.Index(s, "{{if .User}}"), strings.Index(s, "</header>\n{{end}}")
			if i < 0 || j < 0 {
				t.Fatal("layout.html: the users' header moved; update this test")
			}
			s = s[:i] + s[j:]
		}
		s = comment.ReplaceAllString(s, "")
		for _, m := range readable.FindAllStringSubmatch(s, -1) {
			s += " " + m[2]
		}
		s = action.ReplaceAllString(s, " ")
		s = tag.ReplaceAllString(s, " ")
		s = strings.ReplaceAll(s, "cxm", "") // the product's name, in the title
		if words := letters.FindAllString(s, -1); len(words) > 0 {
			t.Errorf("%s has words outside the catalogue: %q", name, words)
		}
	}
}

// TestUploadUntranslatedForm: a framework uploaded on the Frameworks
// page with a translation some texts lack is stored, and the next page says
// so; a complete one gets the plain message.
func TestUploadUntranslatedForm(t *testing.T) {
	e := newEnv(t, "sqlite")
	c, csrf := e.session(cxm.RoleFacilitator)
	upload := func(src string) string {
		t.Helper()
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		mw.WriteField("csrf", csrf)
		fw, _ := mw.CreateFormFile("file", "f.yaml")
		fw.Write([]byte(src))
		mw.Close()
		req, _ := http.NewRequest("POST", e.ts.URL+"/frameworks", &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("upload: %d", resp.StatusCode)
		}
		return resp.Header.Get("Location")
	}
	half := strings.Replace(customFramework, "name: Custom", "name: {en: Custom, de: Eigen}", 1)
	loc := upload(half)
	if loc != "/frameworks/custom/1?flash=uploaded-untranslated" {
		t.Fatalf("redirect to %s", loc)
	}
	_, page := e.get(c, loc)
	mustContain(t, "flash", page, "Some of its texts lack a translation that others have")
	if loc := upload(strings.Replace(customFramework, "id: custom", "id: plain", 1)); loc != "/frameworks/plain/1?flash=uploaded" {
		t.Errorf("a framework without translations: %s", loc)
	}
}
