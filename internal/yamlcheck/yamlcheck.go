// Package yamlcheck holds the checks of YAML nodes that the framework and
// journey linters share: every problem is recorded at its node with
// file:line:column and reading goes on, so that one run lists them all.
package yamlcheck

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/cxmhq/cxm"
	yaml "go.yaml.in/yaml/v4"
)

// Checker collects the problems of one file.
type Checker struct {
	File string
	Kind string // "framework", "journey": named where aliases are refused
	Max  int    // problems kept; the rest are only counted, in More
	Errs cxm.ErrorList
	More int
}

// Errorf records a problem at n.
func (c *Checker) Errorf(n *yaml.Node, format string, args ...any) {
	if len(c.Errs) == c.Max {
		c.More++
		return
	}
	c.Errs = append(c.Errs, cxm.Error{File: c.File, Line: n.Line, Column: n.Column, Msg: fmt.Sprintf(format, args...)})
}

// Field describes one key of a mapping: whether it must be present and what
// to do with its value.
type Field struct {
	Required bool
	Set      func(v *yaml.Node)
}

// Mapping checks that n is a mapping of known keys, reports unknown,
// duplicate and missing keys, and hands each value to its field.
func (c *Checker) Mapping(n *yaml.Node, what string, fields map[string]Field) {
	if n.Kind == yaml.AliasNode {
		c.aliasError(n)
		return
	}
	if n.Kind != yaml.MappingNode {
		c.Errorf(n, "%s must be a mapping of keys to values", what)
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key := k.Value
		f, ok := fields[key]
		switch {
		case k.Kind == yaml.AliasNode: // its Value is the anchor's name, not the key
			c.aliasError(k)
		case !ok:
			c.Errorf(k, "unknown key %q in %s (known keys: %s)", key, what, knownKeys(fields))
		case seen[key]:
			c.Errorf(k, "key %q appears twice in %s", key, what)
		default:
			seen[key] = true
			if v.Kind == yaml.AliasNode {
				c.aliasError(v)
				continue
			}
			f.Set(v)
		}
	}
	var missing []string
	for key, f := range fields {
		if f.Required && !seen[key] {
			missing = append(missing, key)
		}
	}
	sort.Strings(missing)
	for _, key := range missing {
		c.Errorf(n, "%s is missing required key %q", what, key)
	}
}

func (c *Checker) aliasError(n *yaml.Node) {
	c.Errorf(n, "aliases (*name) are not supported in %s files", c.Kind)
}

func knownKeys(fields map[string]Field) string {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(keys, ", ")
}

// Scalar is n's value when n is a single value.
func (c *Checker) Scalar(n *yaml.Node, what string) (string, bool) {
	if n.Kind != yaml.ScalarNode {
		c.Errorf(n, "%s must be a single value", what)
		return "", false
	}
	return n.Value, true
}

// Number reads a finite number.
func (c *Checker) Number(n *yaml.Node, what string, dst *float64) bool {
	s, ok := c.Scalar(n, what)
	if !ok {
		return false
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || (n.Tag != "!!int" && n.Tag != "!!float") || math.IsNaN(v) || math.IsInf(v, 0) {
		c.Errorf(n, "%s must be a number, not %q", what, s)
		return false
	}
	*dst = v
	return true
}

// Req is a key that must be present; Opt one that may be.
func Req(set func(v *yaml.Node)) Field { return Field{Required: true, Set: set} }

// Opt is a key that may be left out.
func Opt(set func(v *yaml.Node)) Field { return Field{Set: set} }
