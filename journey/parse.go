// Package journey reads, validates and embeds customer journey files
// (shared/spec/listening.md §1), the way package framework does for
// competency frameworks: every error with its file:line:column, all of them
// in one go, unknown keys refused.
package journey

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"
	_ "time/tzdata" // time zones work on machines without /usr/share/zoneinfo

	"github.com/cxmhq/cxm/internal/yamlcheck"

	"github.com/cxmhq/cxm"
	yaml "go.yaml.in/yaml/v4"
)

// Limits of a journey file (docs/journeys.md). A real journey is a few
// kilobytes: a handful of stages and sources, a few dozen routes and topics.
// The limits keep a stray or hostile file from costing memory and time on
// every record read; each is reported with its place in the file. Texts
// count characters.
const (
	MaxSize        = 1 << 20 // bytes of the file
	MaxStages      = 50
	MaxSources     = 100
	MaxColumns     = 100 // measures, or attributes, of one source
	MaxRoutes      = 500
	MaxTopics      = 500
	MaxTerms       = 100 // of one topic
	MaxPromises    = 100
	MaxFollowUp    = 100
	MaxRootCauses  = 50
	MaxDrivers     = 50 // analyses
	MaxDriverItems = 30 // drivers of one analysis
	MaxName        = 200
	MaxText        = 1000 // a promise's text, a column name, a term, a pattern
	MaxDescription = 5000 // descriptions
	MaxID          = 64
	MaxWithin      = 366 * 24 * time.Hour // a follow-up's due time
	maxErrors      = 100                  // errors listed; then how many more
	maxNumber      = 1_000_000
)

// DefaultMinN is min_n when the file gives none.
const DefaultMinN = 10

var (
	slug  = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	email = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
)

// Parse reads a journey file. name is used in error positions. On any
// problem it returns a cxm.ErrorList with every error found, in file order.
func Parse(name string, data []byte) (*cxm.Journey, error) {
	p := &parser{Checker: yamlcheck.Checker{File: name, Kind: "journey", Max: maxErrors}}
	if len(data) > MaxSize {
		return nil, cxm.ErrorList{{File: name, Msg: fmt.Sprintf("file is larger than %d bytes (1 MiB), the most a journey file may hold", MaxSize)}}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		var le *yaml.LoadError
		if errors.As(err, &le) {
			return nil, cxm.ErrorList{{File: name, Line: le.Mark.Line, Column: le.Mark.Column, Msg: le.Message}}
		}
		return nil, cxm.ErrorList{{File: name, Msg: strings.TrimPrefix(err.Error(), "yaml: ")}}
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, cxm.ErrorList{{File: name, Line: 1, Column: 1, Msg: "file is empty"}}
	}
	j := p.journey(doc.Content[0])
	if len(p.Errs) > 0 {
		sort.SliceStable(p.Errs, func(i, k int) bool {
			a, b := p.Errs[i], p.Errs[k]
			return a.Line < b.Line || a.Line == b.Line && a.Column < b.Column
		})
		if p.More > 0 {
			last := p.Errs[len(p.Errs)-1]
			p.Errs = append(p.Errs, cxm.Error{File: name, Line: last.Line, Column: last.Column, Msg: fmt.Sprintf("and %d more errors", p.More)})
		}
		return nil, p.Errs
	}
	return j, nil
}

// refs are references between parts of the file, checked once the whole
// file is read (YAML keys may come in any order).
type refs struct {
	stages  []*yaml.Node // values naming a stage
	sources []*yaml.Node // values naming a source
	after   []func()     // checks that need sources and stages resolved
}

func (p *parser) journey(n *yaml.Node) *cxm.Journey {
	j := &cxm.Journey{Timezone: "UTC", Location: time.UTC, MinN: DefaultMinN,
		Scales:    cxm.FeedbackScales{CSAT: cxm.CSATScale{Min: 1, Max: 5, SatisfiedFrom: 4}, CES: cxm.CESScale{Min: 1, Max: 7, EasyFrom: 5}},
		Scorecard: cxm.Scorecard{Metric: cxm.FieldCSAT}}
	r := &refs{}
	var stagesN, sourcesN *yaml.Node
	p.Mapping(n, "the journey", map[string]yamlcheck.Field{
		"id": yamlcheck.Req(func(v *yaml.Node) { p.id(v, "journey id", map[string]*yaml.Node{}, &j.ID) }),
		"version": yamlcheck.Req(func(v *yaml.Node) {
			if p.integer(v, "version", &j.Version) && j.Version < 1 {
				p.Errorf(v, "version must be a positive whole number, not %d", j.Version)
			}
		}),
		"name":     yamlcheck.Req(func(v *yaml.Node) { p.text(v, "name", MaxName, &j.Name) }),
		"timezone": yamlcheck.Opt(func(v *yaml.Node) { p.timezone(v, j) }),
		"min_n": yamlcheck.Opt(func(v *yaml.Node) {
			if p.integer(v, "min_n", &j.MinN) && j.MinN < 1 {
				p.Errorf(v, "min_n must be at least 1, not %d", j.MinN)
			}
		}),
		"stages":      yamlcheck.Req(func(v *yaml.Node) { stagesN = v; j.Stages = p.stages(v) }),
		"scales":      yamlcheck.Opt(func(v *yaml.Node) { p.scales(v, &j.Scales) }),
		"sources":     yamlcheck.Req(func(v *yaml.Node) { sourcesN = v; j.Sources = p.sources(v, r) }),
		"routes":      yamlcheck.Opt(func(v *yaml.Node) { j.Routes = p.routes(v, r, j) }),
		"topics":      yamlcheck.Opt(func(v *yaml.Node) { j.Topics = p.topics(v) }),
		"promises":    yamlcheck.Opt(func(v *yaml.Node) { j.Promises = p.promises(v, r, j) }),
		"follow_up":   yamlcheck.Opt(func(v *yaml.Node) { j.FollowUp = p.followUps(v, r, j) }),
		"root_causes": yamlcheck.Opt(func(v *yaml.Node) { j.RootCauses = p.rootCauses(v) }),
		"scorecard": yamlcheck.Opt(func(v *yaml.Node) {
			p.Mapping(v, "scorecard", map[string]yamlcheck.Field{
				"metric": yamlcheck.Req(func(v *yaml.Node) {
					var s string
					if p.oneOf(v, "scorecard metric", []string{"csat", "nps", "ces"}, &s) {
						j.Scorecard.Metric = cxm.Field(s)
					}
				}),
			})
		}),
		"drivers": yamlcheck.Opt(func(v *yaml.Node) { j.Drivers = p.drivers(v, r, j) }),
	})
	if stagesN != nil && stagesN.Kind == yaml.SequenceNode && len(stagesN.Content) == 0 {
		p.Errorf(stagesN, "a journey needs at least 1 stage")
	}
	if sourcesN != nil && sourcesN.Kind == yaml.SequenceNode && len(sourcesN.Content) == 0 {
		p.Errorf(sourcesN, "a journey needs at least 1 source")
	}
	p.resolve(j, r)
	if len(j.RootCauses) == 0 {
		j.RootCauses = []string{"product", "process", "people", "policy", "price", "other"}
	}
	return j
}

func (p *parser) resolve(j *cxm.Journey, r *refs) {
	for _, n := range r.stages {
		if j.StageIndex(n.Value) < 0 {
			p.Errorf(n, "stage %q is not a stage of this journey (stages: %s)", n.Value, stageIDs(j))
		}
	}
	for _, n := range r.sources {
		if j.Source(n.Value) == nil {
			p.Errorf(n, "source %q is not a source of this journey", n.Value)
		}
	}
	for _, f := range r.after {
		f()
	}
}

func stageIDs(j *cxm.Journey) string {
	var ids []string
	for _, s := range j.Stages {
		if s.ID != "" {
			ids = append(ids, s.ID)
		}
	}
	return strings.Join(ids, ", ")
}

func (p *parser) timezone(n *yaml.Node, j *cxm.Journey) {
	var s string
	if !p.text(n, "timezone", MaxName, &s) {
		return
	}
	// LoadLocation also opens files for names like "../x"; only IANA-shaped
	// names are tried.
	loc, err := time.LoadLocation(s)
	if err != nil || s == "Local" || strings.Contains(s, "..") || strings.HasPrefix(s, "/") {
		p.Errorf(n, "timezone %q is not an IANA time zone name (e.g. Europe/Amsterdam, America/New_York, UTC)", s)
		return
	}
	j.Timezone, j.Location = s, loc
}

// ref reads a slug naming another part of the file, to be checked later.
func (p *parser) ref(n *yaml.Node, what string, list *[]*yaml.Node, dst *string) {
	if p.text(n, what, MaxID, dst) {
		*list = append(*list, n)
	}
}

// owner reads an email address.
func (p *parser) email(n *yaml.Node, what string, dst *string) {
	var s string
	if !p.text(n, what, MaxName, &s) {
		return
	}
	if !email.MatchString(s) {
		p.Errorf(n, "%s must be an email address, not %q", what, s)
		return
	}
	*dst = s
}

func (p *parser) stages(n *yaml.Node) []cxm.JourneyStage {
	var out []cxm.JourneyStage
	ids := map[string]*yaml.Node{}
	p.list(n, "stages", MaxStages, func(e *yaml.Node) {
		var s cxm.JourneyStage
		p.Mapping(e, "stage", map[string]yamlcheck.Field{
			"id":          yamlcheck.Req(func(v *yaml.Node) { p.id(v, "stage id", ids, &s.ID) }),
			"name":        yamlcheck.Req(func(v *yaml.Node) { p.text(v, "stage name", MaxName, &s.Name) }),
			"owner":       yamlcheck.Opt(func(v *yaml.Node) { p.email(v, "stage owner", &s.Owner) }),
			"description": yamlcheck.Opt(func(v *yaml.Node) { p.text(v, "stage description", MaxDescription, &s.Description) }),
		})
		out = append(out, s)
	})
	return out
}

func (p *parser) scales(n *yaml.Node, sc *cxm.FeedbackScales) {
	p.Mapping(n, "scales", map[string]yamlcheck.Field{
		"csat": yamlcheck.Opt(func(v *yaml.Node) {
			p.scale(v, "csat", "satisfied_from", &sc.CSAT.Min, &sc.CSAT.Max, &sc.CSAT.SatisfiedFrom)
		}),
		"ces": yamlcheck.Opt(func(v *yaml.Node) {
			p.scale(v, "ces", "easy_from", &sc.CES.Min, &sc.CES.Max, &sc.CES.EasyFrom)
		}),
	})
}

// scale reads min, max and a threshold; keys not given keep their defaults.
func (p *parser) scale(n *yaml.Node, what, threshold string, lo, hi, from *int) {
	var hiN, fromN *yaml.Node
	ok := true
	read := func(key string, dst *int, node **yaml.Node) yamlcheck.Field {
		return yamlcheck.Opt(func(v *yaml.Node) {
			if node != nil {
				*node = v
			}
			if !p.integer(v, what+" "+key, dst) {
				ok = false
			}
		})
	}
	p.Mapping(n, "scales "+what, map[string]yamlcheck.Field{
		"min": read("min", lo, nil), "max": read("max", hi, &hiN), threshold: read(threshold, from, &fromN),
	})
	if !ok || n.Kind != yaml.MappingNode {
		return
	}
	at := n
	if hiN != nil {
		at = hiN
	}
	if *lo < 0 || *hi > 100 || *lo >= *hi {
		p.Errorf(at, "scale %s must have 0 ≤ min < max ≤ 100, not %d..%d", what, *lo, *hi)
		return
	}
	if fromN != nil {
		at = fromN
	}
	if *from <= *lo || *from > *hi {
		p.Errorf(at, "%s %s must be above min and at most max (%d..%d), not %d", what, threshold, *lo+1, *hi, *from)
	}
}
