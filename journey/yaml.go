package journey

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cxmhq/cxm/internal/yamlcheck"

	yaml "go.yaml.in/yaml/v4"
)

// parser reads a journey file with the checks it shares with package
// framework (yamlcheck) and its own below: every problem is reported at its
// node and reading goes on, so that one lint run lists them all.
type parser struct {
	yamlcheck.Checker
}

// pairs hands each key and value of a free-form mapping (column mappings,
// measures) to fn, refusing aliases and duplicate keys.
func (p *parser) pairs(n *yaml.Node, what string, limit int, fn func(k, v *yaml.Node)) {
	if n.Kind != yaml.MappingNode {
		p.Errorf(n, "%s must be a mapping of keys to values", what)
		return
	}
	if len(n.Content)/2 > limit {
		p.Errorf(n.Content[2*limit], "%s has %d entries; at most %d are allowed", what, len(n.Content)/2, limit)
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch {
		case k.Kind == yaml.AliasNode || v.Kind == yaml.AliasNode:
			p.Errorf(k, "aliases (*name) are not supported in journey files")
		case k.Kind != yaml.ScalarNode:
			p.Errorf(k, "the keys of %s must be single values", what)
		case seen[k.Value]:
			p.Errorf(k, "key %q appears twice in %s", k.Value, what)
		default:
			seen[k.Value] = true
			fn(k, v)
		}
	}
}

// text reads a non-empty string of at most limit characters.
func (p *parser) text(n *yaml.Node, what string, limit int, dst *string) bool {
	s, ok := p.Scalar(n, what)
	if !ok {
		return false
	}
	s = strings.TrimSpace(s)
	if n.Tag == "!!null" || s == "" {
		p.Errorf(n, "%s must not be empty", what)
		return false
	}
	if !utf8.ValidString(s) {
		p.Errorf(n, "%s is not valid UTF-8 text", what)
		return false
	}
	if c := utf8.RuneCountInString(s); c > limit {
		p.Errorf(n, "%s is %d characters long; at most %d are allowed", what, c, limit)
		return false
	}
	*dst = s
	return true
}

func (p *parser) integer(n *yaml.Node, what string, dst *int) bool {
	s, ok := p.Scalar(n, what)
	if !ok {
		return false
	}
	v, err := strconv.Atoi(s)
	if err != nil || n.Tag != "!!int" || v < -maxNumber || v > maxNumber {
		p.Errorf(n, "%s must be a whole number, not %q", what, s)
		return false
	}
	*dst = v
	return true
}

// id reads a slug and checks that it is unique among ids (one namespace per
// kind: stages, sources, topics, ...).
func (p *parser) id(n *yaml.Node, what string, ids map[string]*yaml.Node, dst *string) bool {
	s, ok := p.Scalar(n, what)
	if !ok {
		return false
	}
	if len(s) > MaxID {
		p.Errorf(n, "%s is %d characters long; at most %d are allowed", what, len(s), MaxID)
		return false
	}
	if !slug.MatchString(s) {
		p.Errorf(n, "%s %q is not a valid id (lowercase letters and digits, words joined by single hyphens, e.g. %q)", what, s, "get-help")
		return false
	}
	if prev, dup := ids[s]; dup {
		p.Errorf(n, "%s %q is already used at line %d", what, s, prev.Line)
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
		p.Errorf(n, "%s must be a list", what)
		return
	}
	if len(n.Content) > limit {
		p.Errorf(n.Content[limit], "%s has %d entries; at most %d are allowed", what, len(n.Content), limit)
		return
	}
	for _, e := range n.Content {
		if e.Kind == yaml.AliasNode {
			p.Errorf(e, "aliases (*name) are not supported in journey files")
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
	p.Errorf(n, "%s must be one of %s, not %q", what, strings.Join(allowed, ", "), s)
	return false
}
