package journey

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cxmhq/cxm"
	yaml "go.yaml.in/yaml/v4"
)

// The node helpers below follow package framework's: every problem is
// reported at its node and reading goes on, so that one lint run lists them
// all.

type parser struct {
	file string
	errs cxm.ErrorList
	more int // errors beyond maxErrors, counted only
}

func (p *parser) errorf(n *yaml.Node, format string, args ...any) {
	if len(p.errs) == maxErrors {
		p.more++
		return
	}
	p.errs = append(p.errs, cxm.Error{File: p.file, Line: n.Line, Column: n.Column, Msg: fmt.Sprintf(format, args...)})
}

type field struct {
	required bool
	set      func(v *yaml.Node)
}

// mapping checks that n is a mapping of known keys, reports unknown,
// duplicate and missing keys, and hands each value to its field.
func (p *parser) mapping(n *yaml.Node, what string, fields map[string]field) {
	if n.Kind == yaml.AliasNode {
		p.errorf(n, "aliases (*name) are not supported in journey files")
		return
	}
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "%s must be a mapping of keys to values", what)
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key := k.Value
		f, ok := fields[key]
		switch {
		case k.Kind == yaml.AliasNode:
			p.errorf(k, "aliases (*name) are not supported in journey files")
		case !ok:
			p.errorf(k, "unknown key %q in %s (known keys: %s)", key, what, knownKeys(fields))
		case seen[key]:
			p.errorf(k, "key %q appears twice in %s", key, what)
		default:
			seen[key] = true
			if v.Kind == yaml.AliasNode {
				p.errorf(v, "aliases (*name) are not supported in journey files")
				continue
			}
			f.set(v)
		}
	}
	var missing []string
	for key, f := range fields {
		if f.required && !seen[key] {
			missing = append(missing, key)
		}
	}
	sort.Strings(missing)
	for _, key := range missing {
		p.errorf(n, "%s is missing required key %q", what, key)
	}
}

func knownKeys(fields map[string]field) string {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(keys, ", ")
}

// pairs hands each key and value of a free-form mapping (column mappings,
// measures) to fn, refusing aliases and duplicate keys.
func (p *parser) pairs(n *yaml.Node, what string, limit int, fn func(k, v *yaml.Node)) {
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "%s must be a mapping of keys to values", what)
		return
	}
	if len(n.Content)/2 > limit {
		p.errorf(n.Content[2*limit], "%s has %d entries; at most %d are allowed", what, len(n.Content)/2, limit)
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch {
		case k.Kind == yaml.AliasNode || v.Kind == yaml.AliasNode:
			p.errorf(k, "aliases (*name) are not supported in journey files")
		case k.Kind != yaml.ScalarNode:
			p.errorf(k, "the keys of %s must be single values", what)
		case seen[k.Value]:
			p.errorf(k, "key %q appears twice in %s", k.Value, what)
		default:
			seen[k.Value] = true
			fn(k, v)
		}
	}
}

func (p *parser) scalar(n *yaml.Node, what string) (string, bool) {
	if n.Kind != yaml.ScalarNode {
		p.errorf(n, "%s must be a single value", what)
		return "", false
	}
	return n.Value, true
}

// text reads a non-empty string of at most limit characters.
func (p *parser) text(n *yaml.Node, what string, limit int, dst *string) bool {
	s, ok := p.scalar(n, what)
	if !ok {
		return false
	}
	s = strings.TrimSpace(s)
	if n.Tag == "!!null" || s == "" {
		p.errorf(n, "%s must not be empty", what)
		return false
	}
	if !utf8.ValidString(s) {
		p.errorf(n, "%s is not valid UTF-8 text", what)
		return false
	}
	if c := utf8.RuneCountInString(s); c > limit {
		p.errorf(n, "%s is %d characters long; at most %d are allowed", what, c, limit)
		return false
	}
	*dst = s
	return true
}

func (p *parser) integer(n *yaml.Node, what string, dst *int) bool {
	s, ok := p.scalar(n, what)
	if !ok {
		return false
	}
	v, err := strconv.Atoi(s)
	if err != nil || n.Tag != "!!int" || v < -maxNumber || v > maxNumber {
		p.errorf(n, "%s must be a whole number, not %q", what, s)
		return false
	}
	*dst = v
	return true
}

func (p *parser) number(n *yaml.Node, what string, dst *float64) bool {
	s, ok := p.scalar(n, what)
	if !ok {
		return false
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || (n.Tag != "!!int" && n.Tag != "!!float") || math.IsNaN(v) || math.IsInf(v, 0) {
		p.errorf(n, "%s must be a number, not %q", what, s)
		return false
	}
	*dst = v
	return true
}

// id reads a slug and checks that it is unique among ids (one namespace per
// kind: stages, sources, topics, ...).
func (p *parser) id(n *yaml.Node, what string, ids map[string]*yaml.Node, dst *string) bool {
	s, ok := p.scalar(n, what)
	if !ok {
		return false
	}
	if len(s) > MaxID {
		p.errorf(n, "%s is %d characters long; at most %d are allowed", what, len(s), MaxID)
		return false
	}
	if !slug.MatchString(s) {
		p.errorf(n, "%s %q is not a valid id (lowercase letters and digits, words joined by single hyphens, e.g. %q)", what, s, "get-help")
		return false
	}
	if prev, dup := ids[s]; dup {
		p.errorf(n, "%s %q is already used at line %d", what, s, prev.Line)
		return false
	}
	ids[s] = n
	*dst = s
	return true
}

// list hands each element of a sequence to fn, and reports the first
// element beyond limit.
func (p *parser) list(n *yaml.Node, what string, limit int, fn func(*yaml.Node)) {
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, "%s must be a list", what)
		return
	}
	if len(n.Content) > limit {
		p.errorf(n.Content[limit], "%s has %d entries; at most %d are allowed", what, len(n.Content), limit)
		return
	}
	for _, e := range n.Content {
		if e.Kind == yaml.AliasNode {
			p.errorf(e, "aliases (*name) are not supported in journey files")
			continue
		}
		fn(e)
	}
}

// oneOf reads a value that must be one of allowed.
func (p *parser) oneOf(n *yaml.Node, what string, allowed []string, dst *string) bool {
	var s string
	if !p.text(n, what, MaxName, &s) {
		return false
	}
	for _, a := range allowed {
		if s == a {
			*dst = s
			return true
		}
	}
	p.errorf(n, "%s must be one of %s, not %q", what, strings.Join(allowed, ", "), s)
	return false
}
