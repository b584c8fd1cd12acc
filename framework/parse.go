// Package framework reads, validates and embeds competency frameworks
// (shared/spec/scoring.md §1).
package framework

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cxmhq/cxm/internal/yamlcheck"

	"github.com/cxmhq/cxm"
	yaml "go.yaml.in/yaml/v4"
)

// Limits of a framework (docs/frameworks.md). Real frameworks are a few
// kilobytes with a few dozen statements; the limits keep a stray or hostile
// file from costing memory and time in every survey, score and report, and
// each is reported with its place in the file. Texts count characters.
const (
	MaxSize         = 1 << 20 // bytes of the file
	MaxCompetencies = 50
	MaxItems        = 500 // statements in the whole framework
	MaxStages       = 30
	MaxPractices    = 50 // per competency
	MaxName         = 200
	MaxStatement    = 1000 // an item's text, the attribution
	MaxDescription  = 5000 // descriptions, summaries, meanings
	maxID           = 64
	maxErrors       = 100 // errors listed; then how many more
)

// MaxOptions bounds the answer scale (e.g. 0..100 is the widest sensible
// one) so answers and their distributions stay small.
const MaxOptions = 101

var slug = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Parse reads a framework file. name is used in error positions. On any
// problem it returns an ErrorList with every error found, in file order.
func Parse(name string, data []byte) (*cxm.Framework, error) {
	f, _, err := Lint(name, data)
	return f, err
}

// Lint is Parse that also returns warnings: problems that do not stop the
// framework from being used, such as a statement without a translation
// that other statements have. They are positioned like errors, and their
// messages start with "warning: ".
func Lint(name string, data []byte) (*cxm.Framework, cxm.ErrorList, error) {
	p := &parser{Checker: newChecker(name), ids: map[string]*yaml.Node{}}
	f, err := parse(p, data)
	if p.moreWarns > 0 {
		last := p.warns[len(p.warns)-1]
		p.warns = append(p.warns, cxm.Error{File: name, Line: last.Line, Column: last.Column, Msg: fmt.Sprintf("warning: and %d more warnings", p.moreWarns)})
	}
	return f, p.warns, err
}

// ParseStored reads a framework version already stored, by this or an
// earlier cxm: every rule but the size limits, which came later (a version
// accepted then must still open, since assessments pin it).
func ParseStored(name string, data []byte) (*cxm.Framework, error) {
	return parse(&parser{Checker: newChecker(name), ids: map[string]*yaml.Node{}, unlimited: true}, data)
}

func parse(p *parser, data []byte) (*cxm.Framework, error) {
	name := p.File
	if len(data) > MaxSize && !p.unlimited {
		p.Errs = append(p.Errs, cxm.Error{File: name, Msg: fmt.Sprintf("file is larger than %d bytes (1 MiB), the most a framework file may hold", MaxSize)})
		return nil, p.Errs
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		var le *yaml.LoadError
		if errors.As(err, &le) {
			p.Errs = append(p.Errs, cxm.Error{File: name, Line: le.Mark.Line, Column: le.Mark.Column, Msg: le.Message})
		} else {
			p.Errs = append(p.Errs, cxm.Error{File: name, Msg: strings.TrimPrefix(err.Error(), "yaml: ")})
		}
		return nil, p.Errs
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		p.Errs = append(p.Errs, cxm.Error{File: name, Line: 1, Column: 1, Msg: "file is empty"})
		return nil, p.Errs
	}
	p.lang = frameworkLanguage(doc.Content[0])
	f := p.framework(doc.Content[0])
	p.warnMissing()
	if len(p.Errs) > 0 {
		sort.SliceStable(p.Errs, func(i, j int) bool {
			a, b := p.Errs[i], p.Errs[j]
			return a.Line < b.Line || a.Line == b.Line && a.Column < b.Column
		})
		if p.More > 0 {
			last := p.Errs[len(p.Errs)-1]
			p.Errs = append(p.Errs, cxm.Error{File: name, Line: last.Line, Column: last.Column, Msg: fmt.Sprintf("and %d more errors", p.More)})
		}
		return nil, p.Errs
	}
	return f, nil
}

func newChecker(name string) yamlcheck.Checker {
	return yamlcheck.Checker{File: name, Kind: "framework", Max: maxErrors}
}

type parser struct {
	yamlcheck.Checker
	ids    map[string]*yaml.Node // every id in the file, which share one namespace
	nItems int                   // items read so far, for MaxItems

	lang      string        // the framework's language (translate.go)
	trs       []*translated // the translatable texts read, for warnings
	warns     cxm.ErrorList
	moreWarns int

	unlimited bool // the size limits are not checked (ParseStored)
}

// text reads a non-empty string of at most limit characters.
func (p *parser) text(n *yaml.Node, what string, limit int, dst *string) {
	if n.Kind == yaml.MappingNode {
		p.Errorf(n, "%s must be a single text: only the framework's name, competency names, item texts and scale labels can be translated", what)
		return
	}
	s, ok := p.Scalar(n, what)
	if !ok {
		return
	}
	s = strings.TrimSpace(s)
	if n.Tag == "!!null" || s == "" {
		p.Errorf(n, "%s must not be empty", what)
		return
	}
	if c := utf8.RuneCountInString(s); c > limit && !p.unlimited {
		p.Errorf(n, "%s is %d characters long; at most %d are allowed", what, c, limit)
		return
	}
	*dst = s
}

func (p *parser) integer(n *yaml.Node, what string, dst *int) bool {
	s, ok := p.Scalar(n, what)
	if !ok {
		return false
	}
	v, err := strconv.Atoi(s)
	if err != nil || n.Tag != "!!int" {
		p.Errorf(n, "%s must be a whole number, not %q", what, s)
		return false
	}
	*dst = v
	return true
}

func (p *parser) boolean(n *yaml.Node, what string, dst *bool) {
	s, ok := p.Scalar(n, what)
	if !ok {
		return
	}
	// An explicit tag (!!bool yes) keeps a value YAML would not read as a
	// boolean, so the value itself is checked, not only the tag.
	switch {
	case n.Tag != "!!bool":
	case s == "true" || s == "True" || s == "TRUE":
		*dst = true
		return
	case s == "false" || s == "False" || s == "FALSE":
		*dst = false
		return
	}
	p.Errorf(n, "%s must be true or false, not %q", what, s)
}

// id reads an id, checks its form, and records it in the file-wide namespace.
func (p *parser) id(n *yaml.Node, what string, dst *string) {
	s, ok := p.Scalar(n, what)
	if !ok {
		return
	}
	if len(s) > maxID && !p.unlimited {
		p.Errorf(n, "%s is %d characters long; at most %d are allowed", what, len(s), maxID)
		return
	}
	if !slug.MatchString(s) {
		p.Errorf(n, "%s %q is not a valid id (lowercase letters and digits, words joined by single hyphens, e.g. %q)", what, s, "customer-connectedness")
		return
	}
	if prev, dup := p.ids[s]; dup {
		p.Errorf(n, "id %q is already used at line %d (ids must be unique across the whole file)", s, prev.Line)
		return
	}
	p.ids[s] = n
	*dst = s
}

// list hands each element of a sequence to fn, and reports the first
// element beyond limit.
func (p *parser) list(n *yaml.Node, what string, limit int, fn func(*yaml.Node)) {
	if n.Kind != yaml.SequenceNode {
		p.Errorf(n, "%s must be a list", what)
		return
	}
	if len(n.Content) > limit && !p.unlimited {
		p.Errorf(n.Content[limit], "%s has %d entries; at most %d are allowed", what, len(n.Content), limit)
	}
	for _, e := range n.Content {
		if e.Kind == yaml.AliasNode {
			p.Errorf(e, "aliases (*name) are not supported in framework files")
			continue
		}
		fn(e)
	}
}

func (p *parser) framework(n *yaml.Node) *cxm.Framework {
	f := &cxm.Framework{Rule: cxm.RuleWeakestLink, WeakBelow: 50}
	var stagesNode, compsNode *yaml.Node
	var practiceStages []*yaml.Node // practice stage references, checked once all stages are known
	p.Mapping(n, "the framework", map[string]yamlcheck.Field{
		"id": yamlcheck.Req(func(v *yaml.Node) { p.id(v, "framework id", &f.ID) }),
		"version": yamlcheck.Req(func(v *yaml.Node) {
			if p.integer(v, "version", &f.Version) && f.Version < 1 {
				p.Errorf(v, "version must be a positive whole number, not %d", f.Version)
			}
		}),
		"name": yamlcheck.Req(func(v *yaml.Node) { p.trText(v, "name", MaxName, &f.Name, &f.NameTr) }),
		"language": yamlcheck.Opt(func(v *yaml.Node) {
			if lang, ok := p.languageCode(v, "language"); ok {
				f.Language = lang
			}
		}),
		"attribution": yamlcheck.Opt(func(v *yaml.Node) { p.text(v, "attribution", MaxStatement, &f.Attribution) }),
		"description": yamlcheck.Opt(func(v *yaml.Node) { p.text(v, "description", MaxDescription, &f.Description) }),
		"scale":       yamlcheck.Req(func(v *yaml.Node) { p.scale(v, &f.Scale) }),
		"rule": yamlcheck.Opt(func(v *yaml.Node) {
			var s string
			p.text(v, "rule", MaxName, &s)
			switch r := cxm.Rule(s); r {
			case cxm.RuleWeakestLink, cxm.RuleMean:
				f.Rule = r
			case "":
			default:
				p.Errorf(v, "rule must be %q or %q, not %q", cxm.RuleWeakestLink, cxm.RuleMean, s)
			}
		}),
		"weak_below": yamlcheck.Opt(func(v *yaml.Node) {
			if p.Number(v, "weak_below", &f.WeakBelow) && (f.WeakBelow < 0 || f.WeakBelow > 100) {
				p.Errorf(v, "weak_below must be from 0 to 100, not %g", f.WeakBelow)
			}
		}),
		"stages":       yamlcheck.Req(func(v *yaml.Node) { stagesNode = v; f.Stages = p.stages(v) }),
		"competencies": yamlcheck.Req(func(v *yaml.Node) { compsNode = v; f.Competencies = p.competencies(v, &practiceStages) }),
	})
	if stagesNode != nil && stagesNode.Kind == yaml.SequenceNode && len(stagesNode.Content) < 2 {
		p.Errorf(stagesNode, "a framework needs at least 2 stages, found %d", len(stagesNode.Content))
	}
	if compsNode != nil && compsNode.Kind == yaml.SequenceNode && len(compsNode.Content) == 0 {
		p.Errorf(compsNode, "a framework needs at least 1 competency")
	}
	stageIDs := map[string]bool{}
	for _, s := range f.Stages {
		stageIDs[s.ID] = true
	}
	for _, ref := range practiceStages {
		if !stageIDs[ref.Value] {
			p.Errorf(ref, "practice names stage %q, which is not a stage of this framework", ref.Value)
		}
	}
	return f
}

func (p *parser) scale(n *yaml.Node, s *cxm.Scale) {
	var maxN *yaml.Node
	var labels *yaml.Node
	okMin, okMax := false, false
	p.Mapping(n, "scale", map[string]yamlcheck.Field{
		"min":           yamlcheck.Req(func(v *yaml.Node) { okMin = p.scaleValue(v, "scale min", &s.Min) }),
		"max":           yamlcheck.Req(func(v *yaml.Node) { maxN = v; okMax = p.scaleValue(v, "scale max", &s.Max) }),
		"labels":        yamlcheck.Opt(func(v *yaml.Node) { labels = v }),
		"allow_unknown": yamlcheck.Opt(func(v *yaml.Node) { p.boolean(v, "allow_unknown", &s.AllowUnknown) }),
	})
	if !okMin || !okMax {
		return
	}
	switch {
	case s.Min >= s.Max:
		p.Errorf(maxN, "scale max (%d) must be greater than min (%d)", s.Max, s.Min)
	case s.Max-s.Min+1 > MaxOptions:
		p.Errorf(maxN, "scale %d..%d has %d answer options; at most %d are supported", s.Min, s.Max, s.Max-s.Min+1, MaxOptions)
	}
	if labels == nil {
		return
	}
	if labels.Kind != yaml.MappingNode {
		p.Errorf(labels, "scale labels must be a mapping of answer values to labels, e.g. {1: Strongly disagree}")
		return
	}
	s.Labels = map[int]string{}
	seen := map[int]bool{}
	for i := 0; i+1 < len(labels.Content); i += 2 {
		k, v := labels.Content[i], labels.Content[i+1]
		var x int
		if !p.integer(k, "label key", &x) {
			continue
		}
		if x < s.Min || x > s.Max {
			p.Errorf(k, "label key %d is outside the scale %d..%d", x, s.Min, s.Max)
			continue
		}
		if seen[x] {
			p.Errorf(k, "label for %d appears twice", x)
			continue
		}
		seen[x] = true
		var t string
		var tr cxm.Texts
		p.trText(v, "label", MaxName, &t, &tr)
		s.Labels[x] = t
		for lang, l := range tr {
			if s.LabelTr == nil {
				s.LabelTr = map[string]map[int]string{}
			}
			if s.LabelTr[lang] == nil {
				s.LabelTr[lang] = map[int]string{}
			}
			s.LabelTr[lang][x] = l
		}
	}
}

// maxScaleValue bounds scale min and max, so that max - min + 1 cannot
// overflow (which let any range pass the MaxOptions check) and no answer can
// collide with score.NoAnswer (math.MinInt32).
const maxScaleValue = 1_000_000

func (p *parser) scaleValue(n *yaml.Node, what string, dst *int) bool {
	if !p.integer(n, what, dst) {
		return false
	}
	if *dst < -maxScaleValue || *dst > maxScaleValue {
		p.Errorf(n, "%s must be from %d to %d, not %d", what, -maxScaleValue, maxScaleValue, *dst)
		return false
	}
	return true
}

func (p *parser) stages(n *yaml.Node) []cxm.Stage {
	var out []cxm.Stage
	var prev *cxm.Stage
	p.list(n, "stages", MaxStages, func(e *yaml.Node) {
		var s cxm.Stage
		var fromN *yaml.Node
		okFrom := false
		p.Mapping(e, "stage", map[string]yamlcheck.Field{
			"id":          yamlcheck.Req(func(v *yaml.Node) { p.id(v, "stage id", &s.ID) }),
			"name":        yamlcheck.Req(func(v *yaml.Node) { p.text(v, "stage name", MaxName, &s.Name) }),
			"from":        yamlcheck.Req(func(v *yaml.Node) { fromN = v; okFrom = p.Number(v, "stage from", &s.From) }),
			"description": yamlcheck.Opt(func(v *yaml.Node) { p.text(v, "stage description", MaxDescription, &s.Description) }),
		})
		if okFrom {
			switch {
			case s.From < 0 || s.From > 100:
				p.Errorf(fromN, "stage from must be from 0 to 100, not %g", s.From)
			case len(out) == 0 && s.From != 0: // not prev == nil: the first stage's from may be invalid
				p.Errorf(fromN, "the first stage must start from 0, not %g, so that every score has a stage", s.From)
			case prev != nil && s.From <= prev.From:
				p.Errorf(fromN, "stage from must increase: %g is not above the previous stage's %g", s.From, prev.From)
			}
		}
		out = append(out, s)
		if okFrom {
			prev = &out[len(out)-1]
		}
	})
	return out
}

func (p *parser) competencies(n *yaml.Node, practiceStages *[]*yaml.Node) []cxm.Competency {
	var out []cxm.Competency
	p.list(n, "competencies", MaxCompetencies, func(e *yaml.Node) {
		var c cxm.Competency
		var itemsNode *yaml.Node
		p.Mapping(e, "competency", map[string]yamlcheck.Field{
			"id":      yamlcheck.Req(func(v *yaml.Node) { p.id(v, "competency id", &c.ID) }),
			"name":    yamlcheck.Req(func(v *yaml.Node) { p.trText(v, "competency name", MaxName, &c.Name, &c.NameTr) }),
			"summary": yamlcheck.Opt(func(v *yaml.Node) { p.text(v, "competency summary", MaxDescription, &c.Summary) }),
			"weakness": yamlcheck.Opt(func(v *yaml.Node) {
				p.Mapping(v, "weakness", map[string]yamlcheck.Field{
					"label":   yamlcheck.Req(func(v *yaml.Node) { p.text(v, "weakness label", MaxName, &c.Weakness.Label) }),
					"meaning": yamlcheck.Opt(func(v *yaml.Node) { p.text(v, "weakness meaning", MaxDescription, &c.Weakness.Meaning) }),
				})
			}),
			"items":     yamlcheck.Req(func(v *yaml.Node) { itemsNode = v; c.Items = p.items(v) }),
			"practices": yamlcheck.Opt(func(v *yaml.Node) { c.Practices = p.practices(v, practiceStages) }),
		})
		if itemsNode != nil && itemsNode.Kind == yaml.SequenceNode && len(itemsNode.Content) < 2 {
			p.Errorf(itemsNode, "competency %q needs at least 2 items, found %d", c.ID, len(itemsNode.Content))
		}
		out = append(out, c)
	})
	return out
}

func (p *parser) items(n *yaml.Node) []cxm.Item {
	var out []cxm.Item
	p.list(n, "items", math.MaxInt, func(e *yaml.Node) {
		if p.nItems++; p.nItems == MaxItems+1 && !p.unlimited {
			p.Errorf(e, "this is statement %d: a framework has at most %d statements in all", p.nItems, MaxItems)
		}
		it := cxm.Item{Weight: 1}
		p.Mapping(e, "item", map[string]yamlcheck.Field{
			"id":      yamlcheck.Req(func(v *yaml.Node) { p.id(v, "item id", &it.ID) }),
			"text":    yamlcheck.Req(func(v *yaml.Node) { p.trText(v, "item text", MaxStatement, &it.Text, &it.TextTr) }),
			"reverse": yamlcheck.Opt(func(v *yaml.Node) { p.boolean(v, "reverse", &it.Reverse) }),
			"weight": yamlcheck.Opt(func(v *yaml.Node) {
				if p.Number(v, "weight", &it.Weight) && it.Weight <= 0 {
					p.Errorf(v, "weight must be greater than 0, not %g", it.Weight)
				}
			}),
		})
		out = append(out, it)
	})
	return out
}

func (p *parser) practices(n *yaml.Node, practiceStages *[]*yaml.Node) []cxm.Practice {
	var out []cxm.Practice
	p.list(n, "practices", MaxPractices, func(e *yaml.Node) {
		var pr cxm.Practice
		p.Mapping(e, "practice", map[string]yamlcheck.Field{
			"id":          yamlcheck.Req(func(v *yaml.Node) { p.id(v, "practice id", &pr.ID) }),
			"title":       yamlcheck.Req(func(v *yaml.Node) { p.text(v, "practice title", MaxName, &pr.Title) }),
			"description": yamlcheck.Opt(func(v *yaml.Node) { p.text(v, "practice description", MaxDescription, &pr.Description) }),
			"stages": yamlcheck.Opt(func(v *yaml.Node) {
				p.list(v, "practice stages", MaxStages, func(s *yaml.Node) {
					var id string
					p.text(s, "stage id", maxID, &id)
					if id != "" {
						pr.Stages = append(pr.Stages, id)
						*practiceStages = append(*practiceStages, s)
					}
				})
			}),
		})
		out = append(out, pr)
	})
	return out
}
