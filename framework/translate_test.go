package framework

import (
	"reflect"
	"strings"
	"testing"

	"github.com/cxmhq/cxm"
)

// translatedYAML is validYAML with German translations of every text a
// respondent sees; the language key comes last on purpose.
//
//	 1 id: demo
//	 2 version: 1
//	 3 name: {en: Demo, de: Vorführung}
//	 4 scale:
//	 5   min: 1
//	 6   max: 5
//	 7   labels: {1: {en: Never, de: Nie}, 5: {en: Always, de: Immer}}
//	 8 stages:
//	 9   - {id: low, name: Low, from: 0}
//	10   - {id: mid, name: Mid, from: 40}
//	11   - {id: high, name: High, from: 70}
//	12 competencies:
//	13   - id: comp-a
//	14     name: {en: A, de: Ä}
//	15     items:
//	16       - {id: a-1, text: {en: A one, de: Ä eins}}
//	17       - {id: a-2, text: {en: A two, de: Ä zwei}, reverse: true}
//	18   - id: comp-b
//	19     name: {en: B, de: B (de)}
//	20     items:
//	21       - id: b-1
//	22         text:
//	23           en: B one
//	24           de: B eins
//	25       - {id: b-2, text: {de: B zwei, en: B two}}
//	26 language: en
const translatedYAML = `id: demo
version: 1
name: {en: Demo, de: Vorführung}
scale:
  min: 1
  max: 5
  labels: {1: {en: Never, de: Nie}, 5: {en: Always, de: Immer}}
stages:
  - {id: low, name: Low, from: 0}
  - {id: mid, name: Mid, from: 40}
  - {id: high, name: High, from: 70}
competencies:
  - id: comp-a
    name: {en: A, de: Ä}
    items:
      - {id: a-1, text: {en: A one, de: Ä eins}}
      - {id: a-2, text: {en: A two, de: Ä zwei}, reverse: true}
  - id: comp-b
    name: {en: B, de: B (de)}
    items:
      - id: b-1
        text:
          en: B one
          de: B eins
      - {id: b-2, text: {de: B zwei, en: B two}}
language: en
`

func TestParseTranslations(t *testing.T) {
	f, warns, err := Lint("f.yaml", []byte(translatedYAML))
	if err != nil || len(warns) != 0 {
		t.Fatalf("err %v, warnings %v", err, warns)
	}
	if f.Name != "Demo" || f.Lang() != "en" || !reflect.DeepEqual(f.NameTr, cxm.Texts{"de": "Vorführung"}) {
		t.Errorf("name %q %v, language %q", f.Name, f.NameTr, f.Lang())
	}
	if !reflect.DeepEqual(f.Scale.Labels, map[int]string{1: "Never", 5: "Always"}) ||
		!reflect.DeepEqual(f.Scale.LabelTr, map[string]map[int]string{"de": {1: "Nie", 5: "Immer"}}) {
		t.Errorf("labels %v, translations %v", f.Scale.Labels, f.Scale.LabelTr)
	}
	b := f.Competencies[1]
	if b.Name != "B" || b.NameTr["de"] != "B (de)" || b.Items[0].Text != "B one" || b.Items[0].TextTr["de"] != "B eins" ||
		b.Items[1].Text != "B two" || b.Items[1].TextTr["de"] != "B zwei" {
		t.Errorf("competency b: %+v", b)
	}
	de := f.Localize("de")
	want := cxm.Localized{Lang: "de", Name: "Vorführung", Comps: map[string]string{"comp-a": "Ä", "comp-b": "B (de)"},
		Items:  map[string]string{"a-1": "Ä eins", "a-2": "Ä zwei", "b-1": "B eins", "b-2": "B zwei"},
		Labels: map[int]string{1: "Nie", 5: "Immer"}}
	if !reflect.DeepEqual(de, want) {
		t.Errorf("Localize(de):\n got %+v\nwant %+v", de, want)
	}
	fr := f.Localize("fr")
	if fr.Missing != 6 || fr.Items["a-1"] != "A one" || len(fr.LabelsFallback) != 2 || fr.Name != "Demo" {
		t.Errorf("Localize(fr) falls back to English for all 6 statements and names and 2 labels: %+v", fr)
	}
	if en := f.Localize("en"); en.Missing != 0 || en.Items["b-2"] != "B two" || en.Labels[5] != "Always" || en.LabelsFallback != nil {
		t.Errorf("Localize(en): %+v", en)
	}
}

// TestParseGermanFramework: a framework written in German (language: de)
// with English translations; plain texts are German.
func TestParseGermanFramework(t *testing.T) {
	src := edit(t, "name: Demo\n", "name: {de: Vorführung, en: Demo}\nlanguage: de\n", "text: A one", "text: {de: Ä eins, en: A one}")
	f, warns, err := Lint("f.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if f.Name != "Vorführung" || f.NameTr["en"] != "Demo" || f.Competencies[0].Items[0].Text != "Ä eins" || f.Lang() != "de" {
		t.Errorf("got %q %v %q", f.Name, f.NameTr, f.Competencies[0].Items[0].Text)
	}
	if len(warns) != 7 { // 2 competency names, 3 statements, 2 labels lack English
		t.Errorf("got %d warnings: %v", len(warns), warns)
	}
	if got := f.Localize("en"); got.Items["a-1"] != "A one" || got.Items["a-2"] != "A two" || got.Missing != 5 {
		t.Errorf("Localize(en): %+v", got)
	}
}

func TestTranslationErrors(t *testing.T) {
	tr := func(t *testing.T, pairs ...string) string {
		t.Helper()
		return editOf(t, translatedYAML, pairs...)
	}
	fr := func(pos, what string) string {
		return "f.yaml:" + pos + ": " + what + " has no text in the framework's language (fr), which the dashboard and the report show: add fr: ..."
	}
	tests := []struct {
		name string
		yaml func(t *testing.T) string
		want []string
	}{
		{"unknown language code", func(t *testing.T) string { return tr(t, "de: Ä eins", "it: A uno") },
			[]string{`f.yaml:16:37: item text: "it" is not a language cxm's survey speaks (en, de, fr, es, nl)`}},
		{"a region", func(t *testing.T) string { return tr(t, "de: Ä eins", "de-CH: Ä eins") },
			[]string{`f.yaml:16:37: item text: write the language alone and in lower case, "de", not "de-CH"`}},
		{"upper case", func(t *testing.T) string { return tr(t, "de: Vorführung", "DE: Vorführung") },
			[]string{`f.yaml:3:18: name: write the language alone and in lower case, "de", not "DE"`}},
		{"unknown framework language", func(t *testing.T) string { return tr(t, "language: en", "language: english") },
			[]string{`f.yaml:26:11: language: "english" is not a language cxm's survey speaks (en, de, fr, es, nl)`}},
		{"the framework's language missing", func(t *testing.T) string { return tr(t, "{en: A two, de: Ä zwei}", "{de: Ä zwei}") },
			[]string{`f.yaml:17:25: item text has no text in the framework's language (en), which the dashboard and the report show: add en: ...`}},
		{"the framework's language has no texts", func(t *testing.T) string { return tr(t, "language: en", "language: fr", "{en: A, de: Ä}", "Ä") },
			[]string{fr("3:7", "name"), fr("7:15", "label"), fr("7:40", "label"), fr("16:25", "item text"), fr("17:25", "item text"),
				fr("19:11", "competency name"), fr("23:11", "item text"), fr("25:25", "item text")}},
		{"a language twice", func(t *testing.T) string { return tr(t, "de: B eins", "de: B eins\n          de: B 1") },
			[]string{`f.yaml:25:11: item text has language "de" twice (first at line 24)`}},
		{"empty translation", func(t *testing.T) string { return tr(t, "de: Ä zwei", `de: ""`) },
			[]string{`f.yaml:17:41: item text (de) must not be empty`}},
		{"empty mapping", func(t *testing.T) string { return tr(t, "{en: A one, de: Ä eins}", "{}") },
			[]string{`f.yaml:16:25: item text has no text: give a text, or a mapping of languages to texts such as {en: ..., de: ...}`}},
		{"a translation too long", func(t *testing.T) string { return tr(t, "de: Nie", "de: "+strings.Repeat("n", MaxName+1)) },
			[]string{`f.yaml:7:31: label (de) is 201 characters long; at most 200 are allowed`}},
		{"a text that cannot be translated", func(t *testing.T) string {
			return tr(t, "{id: low, name: Low,", "{id: low, name: {en: Low, de: Niedrig},")
		},
			[]string{`f.yaml:9:21: stage name must be a single text: only the framework's name, competency names, item texts and scale labels can be translated`}},
		{"a list as a translation", func(t *testing.T) string { return tr(t, "de: Ä eins", "de: [Ä, eins]") },
			[]string{`f.yaml:16:41: item text (de) must be a single value`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := tc.yaml(t)
			f, err := Parse("f.yaml", []byte(src))
			if got := errorStrings(t, err); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("errors:\n got: %q\nwant: %q\nfile:\n%s", got, tc.want, src)
			}
			if f != nil {
				t.Error("got a framework along with errors")
			}
		})
	}
}

// TestTranslationWarnings: a language some texts have and others lack is a
// warning, positioned at the text that lacks it; the framework is usable.
func TestTranslationWarnings(t *testing.T) {
	src := editOf(t, translatedYAML, "{en: A two, de: Ä zwei}", "A two", "{en: B, de: B (de)}", "{en: B, fr: B (fr)}")
	f, warns, err := Lint("f.yaml", []byte(src))
	if err != nil || f == nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range warns {
		got = append(got, w.Error())
	}
	want := []string{
		`f.yaml:3:7: warning: name has no translation into fr, which other texts of this file have: those respondents see it in en`,
		`f.yaml:7:15: warning: label has no translation into fr, which other texts of this file have: those respondents see it in en`,
		`f.yaml:7:40: warning: label has no translation into fr, which other texts of this file have: those respondents see it in en`,
		`f.yaml:14:11: warning: competency name has no translation into fr, which other texts of this file have: those respondents see it in en`,
		`f.yaml:16:25: warning: item text has no translation into fr, which other texts of this file have: those respondents see it in en`,
		`f.yaml:17:25: warning: item text has no translation into de, fr, which other texts of this file have: those respondents see it in en`,
		`f.yaml:19:11: warning: competency name has no translation into de, which other texts of this file have: those respondents see it in en`,
		`f.yaml:23:11: warning: item text has no translation into fr, which other texts of this file have: those respondents see it in en`,
		`f.yaml:25:25: warning: item text has no translation into fr, which other texts of this file have: those respondents see it in en`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("warnings:\n got %q\nwant %q", got, want)
	}
	if de := f.Localize("de"); de.Missing != 2 || de.Items["a-2"] != "A two" || de.Comps["comp-b"] != "B" {
		t.Errorf("Localize(de): %+v", de)
	}
	// A framework without translations has no warnings.
	if _, warns, err := Lint("f.yaml", []byte(validYAML)); err != nil || warns != nil {
		t.Errorf("plain framework: %v %v", warns, err)
	}
}

func editOf(t *testing.T, base string, pairs ...string) string {
	t.Helper()
	s := base
	for i := 0; i+1 < len(pairs); i += 2 {
		if n := strings.Count(s, pairs[i]); n != 1 {
			t.Fatalf("edit: %q occurs %d times", pairs[i], n)
		}
		s = strings.Replace(s, pairs[i], pairs[i+1], 1)
	}
	return s
}

// TestGermanExample keeps the worked example of docs/frameworks.md valid:
// the built-in temkin-four, unchanged but for its id and name, with German
// for every text a respondent sees and no warnings.
func TestGermanExample(t *testing.T) {
	f, warns, err := LoadLint("../examples/frameworks/temkin-four-de.yaml")
	if err != nil || len(warns) != 0 {
		t.Fatalf("err %v, warnings %v", err, warns)
	}
	b, _ := Builtin("temkin-four")
	if f.ID != "temkin-four-de" || f.Lang() != "en" || f.NameTr["de"] != "Vier Kernkompetenzen der Customer Experience" {
		t.Errorf("id %s, language %s, name %v", f.ID, f.Lang(), f.NameTr)
	}
	de := f.Localize("de")
	if de.Missing != 0 || len(de.LabelsFallback) != 0 || de.Labels[1] != "Stimme überhaupt nicht zu" || de.Labels[3] != "Teils, teils" {
		t.Errorf("Localize(de): %d missing, labels %v", de.Missing, de.Labels)
	}
	// Apart from the translations, it is the built-in.
	strip := *f
	strip.ID, strip.Name, strip.NameTr, strip.Scale.LabelTr = b.ID, b.Name, nil, nil
	strip.Competencies = nil
	for _, c := range f.Competencies {
		c.NameTr = nil
		c.Items = append([]cxm.Item(nil), c.Items...)
		for i := range c.Items {
			c.Items[i].TextTr = nil
		}
		strip.Competencies = append(strip.Competencies, c)
	}
	if !reflect.DeepEqual(&strip, b) {
		t.Error("the example differs from temkin-four beyond its id, name and translations")
	}
	if got := de.Items["ee-3"]; got != "Wer sich für Kunden besonders einsetzt, erfährt hier Anerkennung." {
		t.Errorf("ee-3 in German: %q", got)
	}
}
