package i18n

import (
	"regexp"
	"sort"
	"testing"
)

var verbs = regexp.MustCompile(`%[a-z]`)

// TestCatalogueComplete: every key in every language, none empty, with the
// same verbs in the same order as English, and really translated (not the
// English words) except the few that are the same in both languages.
func TestCatalogueComplete(t *testing.T) {
	if len(catalogue) != len(Languages) {
		t.Fatalf("catalogue has %d languages, want %d", len(catalogue), len(Languages))
	}
	en := catalogue["en"]
	same := map[string]bool{"lang.nl/nl": true} // "Nederlands" in Dutch; nothing else may stay English
	for _, lang := range Languages {
		msgs, ok := catalogue[lang]
		if !ok {
			t.Fatalf("no messages in %s", lang)
		}
		for key, want := range en {
			got, ok := msgs[key]
			switch {
			case !ok:
				t.Errorf("%s: key %q is missing", lang, key)
			case got == "":
				t.Errorf("%s: key %q is empty", lang, key)
			case join(verbs.FindAllString(got, -1)) != join(verbs.FindAllString(want, -1)):
				t.Errorf("%s: %q has verbs %v, English has %v", lang, key, verbs.FindAllString(got, -1), verbs.FindAllString(want, -1))
			case lang != "en" && got == want && !same[key+"/"+lang]:
				t.Errorf("%s: %q is the English text %q", lang, key, got)
			}
		}
		for key := range msgs {
			if _, ok := en[key]; !ok {
				t.Errorf("%s: key %q is not in English", lang, key)
			}
		}
		if Autonym(lang) == "" {
			t.Errorf("%s has no name of its own", lang)
		}
	}
}

func join(s []string) string {
	out := ""
	for _, x := range s {
		out += x
	}
	return out
}

func TestMatch(t *testing.T) {
	for _, c := range []struct{ header, want string }{
		{"", "en"},
		{"de", "de"},
		{"de-DE,de;q=0.9,en-US;q=0.8,en;q=0.7", "de"},
		{"de-CH", "de"},
		{"fr-BE, nl;q=0.9", "fr"},
		{"nl-BE,nl;q=0.9,fr;q=0.8", "nl"},
		{"es-MX,es;q=0.9", "es"},
		{"en;q=0.5, es;q=0.8", "es"},      // the quality decides, not the order
		{"de;q=0, fr;q=0.1", "fr"},        // q=0 refuses
		{"it-IT,it;q=0.9,de;q=0.5", "de"}, // the best of the five the browser accepts
		{"ja, zh;q=0.9", "en"},            // none of the five
		{"pt-BR", "en"},
		{"*", "en"},
		{"de;q=1.5;;;,,", "en"}, // unreadable
		{"EN-gb", "en"},
	} {
		if got := Match(c.header); got != c.want {
			t.Errorf("Match(%q) = %q, want %q", c.header, got, c.want)
		}
	}
}

func TestPrinter(t *testing.T) {
	if got := For("de").T("part_of", 2, 5); got != "Teil 2 von 5" {
		t.Errorf("got %q", got)
	}
	if got := For("it").T("back"); got != "Back" {
		t.Errorf("an unsupported language speaks English: got %q", got)
	}
	if got := (Printer{}).T("back"); got != "Back" {
		t.Errorf("zero Printer: got %q", got)
	}
	if got := For("fr").LanguageName("de"); got != "allemand" {
		t.Errorf("got %q", got)
	}
	for _, c := range []struct{ lang, label, want string }{
		{"de", "Strongly agree", "Stimme voll und ganz zu"},
		{"nl", " neither agree nor disagree ", "Niet mee eens, niet mee oneens"},
		{"es", "Often", "A menudo"},
		{"en", "Agree", "Agree"},
	} {
		got, ok := For(c.lang).ScaleLabel(c.label)
		if !ok || got != c.want {
			t.Errorf("ScaleLabel(%s, %q) = %q, %v; want %q", c.lang, c.label, got, ok, c.want)
		}
	}
	if got, ok := For("de").ScaleLabel("Fully embedded"); ok || got != "Fully embedded" {
		t.Errorf("an unknown label is kept: got %q, %v", got, ok)
	}
	langs := append([]string(nil), Languages...)
	sort.Strings(langs)
	if len(langs) != 5 || Languages[0] != "en" {
		t.Errorf("Languages = %v", Languages)
	}
}
