package framework

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/i18n"
)

// FuzzParse feeds arbitrary bytes to Parse. Besides the corpus in
// testdata/fuzz/FuzzParse it starts from the built-in frameworks and a few
// broken files. Parse must never panic, and must return either a framework
// that keeps the promises of spec §1 or an ErrorList of positioned errors.
func FuzzParse(f *testing.F) {
	files, err := filepath.Glob("builtin/*.yaml")
	if err != nil || len(files) == 0 {
		f.Fatalf("no built-in frameworks to seed with (%v)", err)
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(validYAML))
	f.Add([]byte(translatedYAML))
	f.Add([]byte(""))
	f.Add([]byte("id: x\n  bad: indent\n"))
	f.Add([]byte("id: &a x\nname: *a\n"))
	f.Add([]byte("[1, 2, {a: b}]\n"))
	f.Add([]byte("scale: {min: 5, max: 5}\nstages: [{id: a, name: A, from: 100}]\n"))
	f.Add([]byte("competencies: [{id: c, name: C, items: [{id: c, text: T, weight: 0}]}]\n"))

	f.Fuzz(func(t *testing.T, data []byte) {
		fw, err := Parse("fuzz.yaml", data)
		if err != nil {
			if fw != nil {
				t.Fatalf("got both a framework and an error: %v", err)
			}
			checkErrorList(t, err)
			return
		}
		if fw == nil {
			t.Fatal("got neither a framework nor an error")
		}
		checkFramework(t, fw)
	})
}

func checkErrorList(t *testing.T, err error) {
	t.Helper()
	var list cxm.ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("error is a %T, not a cxm.ErrorList: %v", err, err)
	}
	if len(list) == 0 {
		t.Fatal("empty ErrorList")
	}
	for i, e := range list {
		if e.File != "fuzz.yaml" || e.Msg == "" || e.Line < 0 || e.Column < 0 {
			t.Errorf("error %d is not positioned in the file: %#v", i, e)
		}
		if i > 0 {
			a := list[i-1]
			if a.Line > e.Line || a.Line == e.Line && a.Column > e.Column {
				t.Errorf("errors %d and %d are out of file order: %v / %v", i-1, i, a, e)
			}
		}
	}
	_ = list.Error()
}

// checkFramework checks what every valid framework promises (spec §1).
func checkFramework(t *testing.T, fw *cxm.Framework) {
	t.Helper()
	ids := map[string]bool{}
	id := func(what, s string) {
		if !slug.MatchString(s) {
			t.Errorf("%s id %q is not a slug", what, s)
		}
		if ids[s] {
			t.Errorf("%s id %q is not unique", what, s)
		}
		ids[s] = true
	}
	id("framework", fw.ID)
	if fw.Version < 1 {
		t.Errorf("version %d", fw.Version)
	}
	if fw.Name == "" {
		t.Error("no name")
	}
	checkTranslations(t, fw)
	sc := fw.Scale
	if sc.Min >= sc.Max || sc.Options() < 2 || sc.Options() > MaxOptions {
		t.Errorf("scale %d..%d (%d options)", sc.Min, sc.Max, sc.Options())
	}
	for k := range sc.Labels {
		if k < sc.Min || k > sc.Max {
			t.Errorf("label %d outside the scale %d..%d", k, sc.Min, sc.Max)
		}
	}
	if fw.Rule != cxm.RuleWeakestLink && fw.Rule != cxm.RuleMean {
		t.Errorf("rule %q", fw.Rule)
	}
	if !(fw.WeakBelow >= 0 && fw.WeakBelow <= 100) {
		t.Errorf("weak_below %g", fw.WeakBelow)
	}
	if len(fw.Stages) < 2 {
		t.Errorf("%d stages", len(fw.Stages))
	}
	stages := map[string]bool{}
	for i, s := range fw.Stages {
		id("stage", s.ID)
		stages[s.ID] = true
		switch {
		case i == 0 && s.From != 0:
			t.Errorf("first stage from %g", s.From)
		case i > 0 && !(s.From > fw.Stages[i-1].From):
			t.Errorf("stage %d from %g after %g", i, s.From, fw.Stages[i-1].From)
		case !(s.From >= 0 && s.From <= 100):
			t.Errorf("stage %d from %g", i, s.From)
		}
		if fw.StageOf(s.From) != i {
			t.Errorf("StageOf(%g) = %d, want %d", s.From, fw.StageOf(s.From), i)
		}
	}
	if len(fw.Competencies) < 1 || len(fw.Competencies) > MaxCompetencies || len(fw.Stages) > MaxStages || fw.NumItems() > MaxItems {
		t.Errorf("%d competencies, %d stages, %d items", len(fw.Competencies), len(fw.Stages), fw.NumItems())
	}
	if utf8.RuneCountInString(fw.Name) > MaxName || utf8.RuneCountInString(fw.Description) > MaxDescription {
		t.Errorf("name or description too long")
	}
	for _, c := range fw.Competencies {
		id("competency", c.ID)
		if len(c.Items) < 2 {
			t.Errorf("competency %s has %d items", c.ID, len(c.Items))
		}
		if len(c.Practices) > MaxPractices {
			t.Errorf("competency %s has %d practices", c.ID, len(c.Practices))
		}
		for _, it := range c.Items {
			id("item", it.ID)
			if utf8.RuneCountInString(it.Text) > MaxStatement {
				t.Errorf("item %s text too long", it.ID)
			}
			if !(it.Weight > 0) || math.IsInf(it.Weight, 0) {
				t.Errorf("item %s weight %g", it.ID, it.Weight)
			}
		}
		for _, p := range c.Practices {
			id("practice", p.ID)
			for _, s := range p.Stages {
				if !stages[s] {
					t.Errorf("practice %s names stage %q", p.ID, s)
				}
			}
		}
	}
}

// checkTranslations: the framework's language and every translation are in
// a language the survey speaks, never the framework's own, never empty, and
// every label translation is of a label the scale has.
func checkTranslations(t *testing.T, fw *cxm.Framework) {
	t.Helper()
	if fw.Language != "" && !i18n.Supported(fw.Language) {
		t.Errorf("language %q", fw.Language)
	}
	check := func(what string, tr cxm.Texts) {
		for l, s := range tr {
			if !i18n.Supported(l) || l == fw.Lang() || s == "" {
				t.Errorf("%s: translation %q: %q", what, l, s)
			}
		}
	}
	check("name", fw.NameTr)
	for _, c := range fw.Competencies {
		check(c.ID, c.NameTr)
		for _, it := range c.Items {
			check(it.ID, it.TextTr)
		}
	}
	for l, labels := range fw.Scale.LabelTr {
		for v, s := range labels {
			if _, ok := fw.Scale.Labels[v]; !ok || s == "" || !i18n.Supported(l) || l == fw.Lang() {
				t.Errorf("label translation %s %d: %q", l, v, s)
			}
		}
	}
}
