package framework

import (
	"fmt"
	"sort"
	"strings"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/i18n"
	yaml "go.yaml.in/yaml/v4"
)

// Translations (docs/frameworks.md): the texts a respondent sees (the
// framework's name, competency names, statements and scale labels) may be
// a mapping of language codes to texts instead of one text. The plain text,
// or the entry in the framework's language, is the one the dashboard and
// the report show. The framework's language is read before anything else
// (it may come anywhere in the file); texts that lack a language others
// have are warned about once the whole file is read.

// translated is one translatable text as found in the file.
type translated struct {
	node  *yaml.Node
	what  string
	langs map[string]bool // the languages it has besides the framework's
}

// trText reads a translatable text: a plain string, or a mapping of
// language codes to strings.
func (p *parser) trText(n *yaml.Node, what string, limit int, dst *string, tr *cxm.Texts) {
	t := &translated{node: n, what: what, langs: map[string]bool{}}
	p.trs = append(p.trs, t)
	if n.Kind != yaml.MappingNode {
		p.text(n, what, limit, dst)
		return
	}
	keys := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.AliasNode || v.Kind == yaml.AliasNode {
			p.Errorf(k, "aliases (*name) are not supported in framework files")
			continue
		}
		lang, ok := p.languageCode(k, what)
		if !ok {
			continue
		}
		if prev, dup := keys[lang]; dup {
			p.Errorf(k, "%s has language %q twice (first at line %d)", what, lang, prev.Line)
			continue
		}
		keys[lang] = k
		var s string
		p.text(v, fmt.Sprintf("%s (%s)", what, lang), limit, &s)
		switch {
		case s == "":
		case lang == p.lang:
			*dst = s
		default:
			if *tr == nil {
				*tr = cxm.Texts{}
			}
			(*tr)[lang] = s
			t.langs[lang] = true
		}
	}
	switch {
	case len(n.Content) == 0:
		p.Errorf(n, "%s has no text: give a text, or a mapping of languages to texts such as {en: ..., de: ...}", what)
	case keys[p.lang] == nil && len(keys) > 0:
		p.Errorf(n, "%s has no text in the framework's language (%s), which the dashboard and the report show: add %s: ...", what, p.lang, p.lang)
	}
}

// languageCode checks a language code: one of the languages the
// respondent's pages speak, written alone and in lower case.
func (p *parser) languageCode(n *yaml.Node, what string) (string, bool) {
	s := n.Value
	if n.Kind != yaml.ScalarNode {
		p.Errorf(n, "%s: a language code must be a single value", what)
		return "", false
	}
	if i18n.Supported(s) {
		return s, true
	}
	base, _, _ := strings.Cut(strings.ReplaceAll(s, "_", "-"), "-")
	if base = strings.ToLower(base); i18n.Supported(base) {
		p.Errorf(n, "%s: write the language alone and in lower case, %q, not %q", what, base, s)
	} else {
		p.Errorf(n, "%s: %q is not a language cxm's survey speaks (%s)", what, s, strings.Join(i18n.Languages, ", "))
	}
	return "", false
}

// frameworkLanguage reads the language key of the framework mapping n
// ahead of the other keys; en when there is none. Errors in it are
// reported when the key itself is read.
func frameworkLanguage(n *yaml.Node) string {
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if k, v := n.Content[i], n.Content[i+1]; k.Value == "language" && v.Kind == yaml.ScalarNode && i18n.Supported(v.Value) {
				return v.Value
			}
		}
	}
	return "en"
}

// warnMissing warns about each text that lacks a language other texts of
// the file are translated into: the survey shows it in the framework's
// language, with a note.
func (p *parser) warnMissing() {
	used := map[string]bool{}
	for _, t := range p.trs {
		for l := range t.langs {
			used[l] = true
		}
	}
	for _, t := range p.trs {
		var missing []string
		for l := range used {
			if !t.langs[l] {
				missing = append(missing, l)
			}
		}
		if len(missing) == 0 {
			continue
		}
		sort.Strings(missing)
		p.warnf(t.node, "%s has no translation into %s, which other texts of this file have: those respondents see it in %s",
			t.what, strings.Join(missing, ", "), p.lang)
	}
}

func (p *parser) warnf(n *yaml.Node, format string, args ...any) {
	if len(p.warns) == maxErrors {
		p.moreWarns++
		return
	}
	p.warns = append(p.warns, cxm.Error{File: p.File, Line: n.Line, Column: n.Column, Msg: "warning: " + fmt.Sprintf(format, args...)})
}
