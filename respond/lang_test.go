package respond

import (
	"strings"
	"testing"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/framework"
	"github.com/cxmhq/cxm/i18n"
)

// TestLocalizedScale: a label the framework translates is its translation;
// a common English label it does not is the survey's own translation; any
// other label, and every label of a framework not written in English, is
// left as written.
func TestLocalizedScale(t *testing.T) {
	parse := func(src string) *cxm.Framework {
		t.Helper()
		f, err := framework.Parse("f.yaml", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	const rest = `
stages: [{id: low, name: Low, from: 0}, {id: high, name: High, from: 50}]
competencies: [{id: c, name: C, items: [{id: i1, text: One}, {id: i2, text: Two}]}]
`
	en := parse("id: f\nversion: 1\nname: F\nscale: {min: 1, max: 4, labels: {1: {en: Strongly disagree, fr: Pas du tout}, 2: Agree, 3: Fully embedded}}" + rest)
	labels := func(f *cxm.Framework, lang string) string {
		var s []string
		for _, o := range localizedScale(f, f.Localize(lang), i18n.For(lang)) {
			s = append(s, o.Value+"="+o.Label)
		}
		return strings.Join(s, "|")
	}
	if got := labels(en, "fr"); got != "1=Pas du tout|2=D’accord|3=Fully embedded|4=" {
		t.Errorf("fr: %s", got)
	}
	if got := labels(en, "en"); got != "1=Strongly disagree|2=Agree|3=Fully embedded|4=" {
		t.Errorf("en: %s", got)
	}
	de := parse("id: f\nversion: 1\nname: F\nlanguage: de\nscale: {min: 1, max: 2, labels: {1: Nie, 2: Agree}}" + rest)
	if got := labels(de, "nl"); got != "1=Nie|2=Agree" {
		t.Errorf("a German framework for nl: %s", got)
	}
}
