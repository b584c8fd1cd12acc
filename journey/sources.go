package journey

import (
	"regexp"
	"strings"

	"github.com/cxmhq/cxm/internal/yamlcheck"

	"github.com/cxmhq/cxm"
	yaml "go.yaml.in/yaml/v4"
)

func (p *parser) sources(n *yaml.Node, r *refs) []cxm.Source {
	var out []cxm.Source
	ids := map[string]*yaml.Node{}
	p.list(n, "sources", MaxSources, func(e *yaml.Node) {
		s := cxm.Source{Format: cxm.FormatCSV}
		var columnsN, measuresN, formatN *yaml.Node
		p.Mapping(e, "source", map[string]yamlcheck.Field{
			"id": yamlcheck.Req(func(v *yaml.Node) { p.id(v, "source id", ids, &s.ID) }),
			"channel": yamlcheck.Req(func(v *yaml.Node) {
				var c string
				if p.oneOf(v, "channel", channelNames(), &c) {
					s.Channel = cxm.Channel(c)
				}
			}),
			"format": yamlcheck.Opt(func(v *yaml.Node) {
				formatN = v
				var f string
				if p.oneOf(v, "format", []string{"csv", "ndjson", "qualtrics"}, &f) {
					s.Format = cxm.Format(f)
				}
			}),
			"stage": yamlcheck.Opt(func(v *yaml.Node) { p.ref(v, "source stage", &r.stages, &s.Stage) }),
			"time_format": yamlcheck.Opt(func(v *yaml.Node) {
				if p.text(v, "time_format", MaxName, &s.TimeFormat) {
					if _, err := CompileTimeFormat(s.TimeFormat); err != nil {
						p.Errorf(v, "time_format %q: %v", s.TimeFormat, err)
					}
				}
			}),
			"columns":    yamlcheck.Opt(func(v *yaml.Node) { columnsN = v; s.Columns = p.columns(v) }),
			"measures":   yamlcheck.Opt(func(v *yaml.Node) { measuresN = v; s.Measures = p.measures(v) }),
			"attributes": yamlcheck.Opt(func(v *yaml.Node) { s.Attributes = p.attributes(v) }),
		})
		if s.Format == cxm.FormatQualtrics && s.TimeFormat == "" {
			s.TimeFormat = QualtricsTimeFormat
		}
		p.checkSource(e, &s, columnsN, measuresN, formatN)
		out = append(out, s)
	})
	return out
}

// QualtricsTimeFormat is the time format of a Qualtrics export's dates
// (StartDate, EndDate, RecordedDate), the default of format qualtrics.
const QualtricsTimeFormat = "%Y-%m-%d %H:%M:%S"

func channelNames() []string {
	out := make([]string, len(cxm.Channels))
	for i, c := range cxm.Channels {
		out[i] = string(c)
	}
	return out
}

// checkSource checks what depends on several keys of a source.
func (p *parser) checkSource(e *yaml.Node, s *cxm.Source, columnsN, measuresN, formatN *yaml.Node) {
	if e.Kind != yaml.MappingNode {
		return
	}
	if s.Format == cxm.FormatNDJSON {
		if columnsN != nil {
			p.Errorf(columnsN, "an ndjson source takes no columns: its records name their fields (§2)")
		}
		for _, m := range s.Measures {
			if m.Column != m.Name && measuresN != nil {
				p.Errorf(measuresN, "an ndjson source lists its measures by name (measures: [%s, ...]), without columns", m.Name)
				break
			}
		}
		return
	}
	at := e
	if columnsN != nil {
		at = columnsN
	} else if formatN != nil {
		at = formatN
	}
	if columnsN == nil {
		return // each field is read from the column of its name
	}
	if s.Columns[cxm.FieldID] == "" {
		p.Errorf(at, "source %q maps no column to id: every record needs an id (columns: {id: ...})", s.ID)
	}
	if s.Channel == cxm.ChannelCustomers {
		for _, f := range []cxm.Field{cxm.FieldCustomer, cxm.FieldEvent} {
			if s.Columns[f] == "" {
				p.Errorf(at, "source %q of channel customers maps no column to %s, which its records need", s.ID, f)
			}
		}
	} else {
		for _, f := range []cxm.Field{cxm.FieldEvent, cxm.FieldValue} {
			if s.Columns[f] != "" {
				p.Errorf(at, "column %s is only for sources of channel customers", f)
			}
		}
	}
	used := map[string]string{}
	for _, f := range cxm.Fields {
		if c := s.Columns[f]; c != "" {
			used[c] = string(f)
		}
	}
	for _, m := range s.Measures {
		if prev, ok := used[m.Column]; ok && measuresN != nil {
			p.Errorf(measuresN, "column %q of measure %s is already mapped to %s", m.Column, m.Name, prev)
		}
		used[m.Column] = "measure " + m.Name
	}
}

func (p *parser) columns(n *yaml.Node) map[cxm.Field]string {
	out := map[cxm.Field]string{}
	known := map[string]bool{}
	for _, f := range cxm.Fields {
		known[string(f)] = true
	}
	p.pairs(n, "columns", len(cxm.Fields)+1, func(k, v *yaml.Node) {
		if !known[k.Value] {
			p.Errorf(k, "unknown record field %q in columns (known fields: %s)", k.Value, fieldNames())
			return
		}
		var c string
		if p.text(v, "column of "+k.Value, MaxText, &c) {
			out[cxm.Field(k.Value)] = c
		}
	})
	return out
}

func fieldNames() string {
	s := make([]string, len(cxm.Fields))
	for i, f := range cxm.Fields {
		s[i] = string(f)
	}
	return strings.Join(s, ", ")
}

var measureName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)

// measures reads {name: column, ...} or, naming columns after the
// measures, [name, ...].
func (p *parser) measures(n *yaml.Node) []cxm.Measure {
	var out []cxm.Measure
	seen := map[string]bool{}
	add := func(k, v *yaml.Node) {
		var m cxm.Measure
		if !p.text(k, "measure name", MaxID, &m.Name) {
			return
		}
		if !measureName.MatchString(m.Name) {
			p.Errorf(k, "measure name %q must be a letter then letters, digits or _ (e.g. wait_seconds)", m.Name)
			return
		}
		if seen[m.Name] {
			p.Errorf(k, "measure %q appears twice", m.Name)
			return
		}
		seen[m.Name] = true
		if !p.text(v, "column of measure "+m.Name, MaxText, &m.Column) {
			return
		}
		out = append(out, m)
	}
	if n.Kind == yaml.SequenceNode {
		p.list(n, "measures", MaxColumns, func(e *yaml.Node) { add(e, e) })
		return out
	}
	p.pairs(n, "measures", MaxColumns, add)
	return out
}

func (p *parser) attributes(n *yaml.Node) []string {
	var out []string
	seen := map[string]bool{}
	p.list(n, "attributes", MaxColumns, func(e *yaml.Node) {
		var a string
		if !p.text(e, "attribute", MaxText, &a) {
			return
		}
		if seen[a] {
			p.Errorf(e, "attribute %q appears twice", a)
			return
		}
		seen[a] = true
		out = append(out, a)
	})
	return out
}

// regexpOf compiles an RE2 pattern.
func (p *parser) regexpOf(n *yaml.Node, what string, src *string) *regexp.Regexp {
	if !p.text(n, what, MaxText, src) {
		return nil
	}
	re, err := regexp.Compile(*src)
	if err != nil {
		msg := err.Error()
		msg = strings.TrimPrefix(msg, "error parsing regexp: ")
		p.Errorf(n, "%s is not a valid regular expression (RE2 syntax): %s", what, msg)
		return nil
	}
	return re
}

func (p *parser) routes(n *yaml.Node, r *refs, j *cxm.Journey) []cxm.Route {
	var out []cxm.Route
	p.list(n, "routes", MaxRoutes, func(e *yaml.Node) {
		var rt cxm.Route
		var attrN, sourceN *yaml.Node
		p.Mapping(e, "route", map[string]yamlcheck.Field{
			"source":          yamlcheck.Opt(func(v *yaml.Node) { sourceN = v; p.ref(v, "route source", &r.sources, &rt.Source) }),
			"comment_matches": yamlcheck.Opt(func(v *yaml.Node) { rt.Comment = p.regexpOf(v, "comment_matches", &rt.CommentMatches) }),
			"attribute": yamlcheck.Opt(func(v *yaml.Node) {
				attrN = v
				rt.Attribute = map[string]string{}
				p.pairs(v, "route attribute", MaxColumns, func(k, v *yaml.Node) {
					var val string
					if p.text(v, "attribute value", MaxText, &val) {
						rt.Attribute[k.Value] = val
					}
				})
			}),
			"stage": yamlcheck.Req(func(v *yaml.Node) { p.ref(v, "route stage", &r.stages, &rt.Stage) }),
		})
		if e.Kind == yaml.MappingNode && sourceN == nil && rt.CommentMatches == "" && attrN == nil {
			p.Errorf(e, "a route needs at least one of source, comment_matches, attribute (else it would take every record)")
		}
		if attrN != nil && attrN.Kind == yaml.MappingNode {
			r.after = append(r.after, func() { p.routeAttributes(attrN, rt.Source, j) })
		}
		out = append(out, rt)
	})
	return out
}

// routeAttributes checks that a route's attributes are attributes of its
// source, or of some source when it names none.
func (p *parser) routeAttributes(n *yaml.Node, source string, j *cxm.Journey) {
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		found := false
		for _, s := range j.Sources {
			if (source == "" || s.ID == source) && s.AttributeIndex(k.Value) >= 0 {
				found = true
			}
		}
		if found {
			continue
		}
		if source != "" {
			p.Errorf(k, "attribute %q is not an attribute of source %q", k.Value, source)
		} else {
			p.Errorf(k, "attribute %q is not an attribute of any source", k.Value)
		}
	}
}

func (p *parser) topics(n *yaml.Node) []cxm.Topic {
	var out []cxm.Topic
	ids := map[string]*yaml.Node{}
	p.list(n, "topics", MaxTopics, func(e *yaml.Node) {
		var t cxm.Topic
		var termsN *yaml.Node
		p.Mapping(e, "topic", map[string]yamlcheck.Field{
			"id":   yamlcheck.Req(func(v *yaml.Node) { p.id(v, "topic id", ids, &t.ID) }),
			"name": yamlcheck.Req(func(v *yaml.Node) { p.text(v, "topic name", MaxName, &t.Name) }),
			"terms": yamlcheck.Req(func(v *yaml.Node) {
				termsN = v
				p.list(v, "terms", MaxTerms, func(e *yaml.Node) {
					var s string
					if p.text(e, "term", MaxText, &s) {
						t.Terms = append(t.Terms, s)
					}
				})
			}),
		})
		if termsN != nil && termsN.Kind == yaml.SequenceNode && len(termsN.Content) == 0 {
			p.Errorf(termsN, "topic %q needs at least 1 term", t.ID)
		}
		out = append(out, t)
	})
	return out
}

func (p *parser) rootCauses(n *yaml.Node) []string {
	var out []string
	ids := map[string]*yaml.Node{}
	p.list(n, "root_causes", MaxRootCauses, func(e *yaml.Node) {
		var s string
		if p.id(e, "root cause", ids, &s) {
			out = append(out, s)
		}
	})
	if n.Kind == yaml.SequenceNode && len(n.Content) == 0 {
		p.Errorf(n, "root_causes needs at least 1 entry (or leave it out for the default list)")
	}
	return out
}
