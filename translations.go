package cxm

// Texts are the translations of one framework text, by language code (en,
// de, fr, es, nl), without the framework's own language: the plain field
// (Name, Text) holds that one, and it is what the dashboard and the report
// show.
type Texts map[string]string

// In returns the text in lang, or def and false when there is no
// translation into it.
func (t Texts) In(lang, def string) (string, bool) {
	if s, ok := t[lang]; ok {
		return s, true
	}
	return def, false
}

// Lang is the framework's language: en when the file does not say.
func (f *Framework) Lang() string {
	if f.Language == "" {
		return "en"
	}
	return f.Language
}

// Localized is a framework's respondent-facing texts in one language.
// Missing counts the statements and competency names that fell back to
// the framework's own language.
type Localized struct {
	Lang    string
	Name    string
	Comps   map[string]string // competency id → name
	Items   map[string]string // item id → statement
	Labels  map[int]string
	Missing int

	LabelsFallback []int // answer values whose label is in the framework's language
}

// Localize returns the texts a respondent sees, in lang where the
// framework has them and in its own language otherwise.
func (f *Framework) Localize(lang string) Localized {
	own := lang == f.Lang()
	l := Localized{Lang: lang, Comps: map[string]string{}, Items: map[string]string{}, Labels: map[int]string{}}
	pick := func(t Texts, def string) string {
		if own {
			return def
		}
		s, ok := t.In(lang, def)
		if !ok {
			l.Missing++
		}
		return s
	}
	l.Name, _ = f.NameTr.In(lang, f.Name) // not counted: the note is about what is asked
	if own {
		l.Name = f.Name
	}
	for _, c := range f.Competencies {
		l.Comps[c.ID] = pick(c.NameTr, c.Name)
		for _, it := range c.Items {
			l.Items[it.ID] = pick(it.TextTr, it.Text)
		}
	}
	// A label without a translation is left out of Missing and listed in
	// LabelsFallback: the respondent pages may know a common label (Agree)
	// in the respondent's language.
	for v, s := range f.Scale.Labels {
		t, ok := f.Scale.LabelTr[lang][v]
		if own || !ok {
			t = s
		}
		if !own && !ok {
			l.LabelsFallback = append(l.LabelsFallback, v)
		}
		l.Labels[v] = t
	}
	return l
}

// TranslatedItems counts, for each language the framework has translations
// into, the statements translated: what the framework page tells a
// facilitator about who can answer in which language.
func (f *Framework) TranslatedItems() map[string]int {
	out := map[string]int{}
	for lang := range f.NameTr {
		out[lang] = 0
	}
	for lang := range f.Scale.LabelTr {
		out[lang] = 0
	}
	for _, c := range f.Competencies {
		for lang := range c.NameTr {
			out[lang] += 0
		}
		for _, it := range c.Items {
			for lang := range it.TextTr {
				out[lang]++
			}
		}
	}
	return out
}
