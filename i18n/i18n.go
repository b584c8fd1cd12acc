// Package i18n holds the words of the respondent's pages in the languages
// cxm speaks to respondents (English, German, French, Spanish, Dutch), and
// picks one from the browser's Accept-Language header. The rest of cxm (the
// dashboard, the report) stays in English.
package i18n

import (
	"fmt"
	"strings"

	"golang.org/x/text/language"
)

// Languages are the codes of the supported languages, English first: it is
// the fallback.
var Languages = []string{"en", "de", "fr", "es", "nl"}

// autonyms name each language in itself, for the language switch.
var autonyms = map[string]string{"en": "English", "de": "Deutsch", "fr": "Français", "es": "Español", "nl": "Nederlands"}

var matcher = language.NewMatcher([]language.Tag{language.English, language.German, language.French, language.Spanish, language.Dutch})

// Supported reports whether code is one of Languages.
func Supported(code string) bool {
	_, ok := autonyms[code]
	return ok
}

// Autonym is the language's name in that language ("Deutsch").
func Autonym(code string) string { return autonyms[code] }

// Match picks the language for an Accept-Language header: the one the
// browser prefers most (quality values count; q=0 refuses), a regional
// variant counting for its language (de-CH is German); English when none
// of the five is acceptable or the header is unreadable.
func Match(accept string) string {
	tags, _, err := language.ParseAcceptLanguage(accept)
	if err != nil || len(tags) == 0 {
		return "en"
	}
	_, i, conf := matcher.Match(tags...)
	if conf == language.No {
		return "en"
	}
	return Languages[i]
}

// Printer gives the messages of one language. The zero value speaks
// English.
type Printer struct {
	lang string
}

// For returns the printer of a supported language, English otherwise.
func For(code string) Printer {
	if !Supported(code) {
		code = "en"
	}
	return Printer{code}
}

// Lang is the printer's language code.
func (p Printer) Lang() string {
	if p.lang == "" {
		return "en"
	}
	return p.lang
}

// T returns the message key, formatted with args. A key missing from the
// catalogue (a programming error, caught by the tests) shows as itself.
func (p Printer) T(key string, args ...any) string {
	s, ok := catalogue[p.Lang()][key]
	if !ok {
		s, ok = catalogue["en"][key]
	}
	if !ok {
		return key
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

// LanguageName names a language in the printer's language ("Englisch").
func (p Printer) LanguageName(code string) string { return p.T("lang." + code) }

// ScaleLabel translates a common English answer label ("Strongly agree",
// "Often") into the printer's language; other labels come back unchanged,
// with false.
func (p Printer) ScaleLabel(english string) (string, bool) {
	key, ok := scaleKeys[strings.ToLower(strings.TrimSpace(english))]
	if !ok {
		return english, false
	}
	return p.T(key), true
}

// scaleKeys finds the key of a common English label.
var scaleKeys = func() map[string]string {
	m := map[string]string{}
	for k, v := range catalogue["en"] {
		if strings.HasPrefix(k, "scale.") {
			m[strings.ToLower(v)] = k
		}
	}
	return m
}()
