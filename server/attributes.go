package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cxmhq/cxm"
)

// Attributes are closed lists (scoring.md 4.12): at most cxm.MaxAttributes
// of 1 to cxm.MaxAttributeValues values each, fixed when the assessment is
// created. Free text would split groups by spelling and identify people,
// so every way of writing an attribute without values is refused with a
// message that says how to write it. Every problem is reported, up to
// maxProblems, and each is found in linear time.

// maxProblems bounds the problems reported for one input: enough to fix a
// form at once, and a hostile input still gets a short answer.
const maxProblems = 20

// problem is one violation, as listed in an error's details.
type problem struct {
	Field string `json:"field"`
	Error string `json:"error"`
}

// problems collects violations; more counts those beyond maxProblems.
type problems struct {
	list []problem
	more int
}

func (p *problems) add(field, format string, args ...any) {
	if len(p.list) == maxProblems {
		p.more++
		return
	}
	p.list = append(p.list, problem{field, fmt.Sprintf(format, args...)})
}

// err is nil without problems, else a 400 naming the first field, with
// every problem in the message and the details.
func (p *problems) err() error {
	if len(p.list) == 0 {
		return nil
	}
	msgs := make([]string, 0, len(p.list)+1)
	for _, x := range p.list {
		msgs = append(msgs, x.Error)
	}
	if p.more > 0 {
		msgs = append(msgs, fmt.Sprintf("and %d more problems", p.more))
	}
	return &Error{Status: http.StatusBadRequest, Message: strings.Join(msgs, "; "), Field: p.list[0].Field, Details: p.list}
}

// attributeSyntax says how to write an attribute, in the API's JSON or in
// the creation form's lines.
type attributeSyntax struct {
	where func(pos int) string // the field at a position: "attributes[0]" or "line 1"
	how   func(string) string  // how to write the named attribute
}

var (
	jsonSyntax = attributeSyntax{
		where: func(i int) string { return fmt.Sprintf("attributes[%d]", i) },
		how: func(name string) string {
			js, _ := json.Marshal(name)
			return fmt.Sprintf(`{"name": %s, "values": ["…", "…"]}`, js)
		},
	}
	lineSyntax = attributeSyntax{
		where: func(n int) string { return fmt.Sprintf("line %d", n) },
		how:   func(name string) string { return name + ": value, value, …" },
	}
)

// parseAttributes reads the API's attributes: [{"name", "values"}, ...].
// A bare name was a free-text attribute in v1 and is now refused.
func parseAttributes(raw []json.RawMessage, p *problems) ([]cxm.Attribute, []int) {
	checkCount(len(raw), p)
	attrs := make([]cxm.Attribute, 0, min(len(raw), cxm.MaxAttributes+1))
	var pos []int
	for i, m := range raw {
		field := jsonSyntax.where(i)
		var name string
		if len(m) > 0 && m[0] == '"' && json.Unmarshal(m, &name) == nil {
			p.add(field, "%s: attribute %q has no values: a respondent picks one of a closed list, so write it as %s with 1 to %d values",
				field, clip(name), jsonSyntax.how(clip(name)), cxm.MaxAttributeValues)
			continue
		}
		var at cxm.Attribute
		dec := json.NewDecoder(strings.NewReader(string(m)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&at); err != nil || m[0] != '{' {
			p.add(field, `%s: write an attribute as {"name": "department", "values": ["Sales", "Operations"]}`, field)
			continue
		}
		if len(attrs) < cap(attrs) { // beyond the limit only the count matters
			attrs = append(attrs, trimAttribute(at))
			pos = append(pos, i)
		}
	}
	return attrs, pos
}

// parseAttributeLines reads the creation form: one attribute a line,
// "name: value, value, …"; blank lines are skipped. It returns the line
// number of each attribute too.
func parseAttributeLines(text string, p *problems) ([]cxm.Attribute, []int) {
	var attrs []cxm.Attribute
	var lines []int
	all := strings.Split(text, "\n")
	total := 0
	for _, line := range all {
		if strings.TrimSpace(line) != "" {
			total++
		}
	}
	checkCount(total, p)
	for n, line := range all {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		field := lineSyntax.where(n + 1)
		name, values, ok := strings.Cut(line, ":")
		if !ok {
			p.add(field, "%s: write the attribute as name: value, value, … (e.g. department: Sales, Operations)", field)
			continue
		}
		at := cxm.Attribute{Name: name}
		for _, v := range strings.Split(values, ",") {
			if strings.TrimSpace(v) != "" { // "Sales, Ops," is Sales and Ops
				at.Values = append(at.Values, v)
			}
		}
		attrs = append(attrs, trimAttribute(at))
		lines = append(lines, n+1)
	}
	return attrs, lines
}

func trimAttribute(at cxm.Attribute) cxm.Attribute {
	at.Name = strings.TrimSpace(at.Name)
	for j := range at.Values {
		at.Values[j] = strings.TrimSpace(at.Values[j])
	}
	return at
}

// checkAttributes reports every attribute that breaks a rule: the count,
// names (unique without regard to case, not an item id or "respondent"),
// and values (1 to MaxAttributeValues, unique without regard to case).
// pos holds each attribute's position in the input.
func checkAttributes(f *cxm.Framework, attrs []cxm.Attribute, pos []int, syn attributeSyntax, p *problems) {
	items := map[string]bool{"respondent": true}
	for _, c := range f.Competencies {
		for _, it := range c.Items {
			items[strings.ToLower(it.ID)] = true
		}
	}
	names := map[string]int{}
	for i, at := range attrs {
		field := syn.where(pos[i])
		if msg := badText(at.Name); msg != "" {
			p.add(field, "%s: an attribute's name %s", field, msg)
		} else if strings.Contains(at.Name, ",") {
			p.add(field, "%s: attribute %q: a name may not hold a comma (group_by lists names separated by commas)", field, at.Name)
		} else if key := strings.ToLower(at.Name); items[key] {
			p.add(field, "%s: %q is the id of a statement or the respondent column: choose another name", field, at.Name)
		} else if j, dup := names[key]; dup {
			p.add(field, "%s: attribute %q is given twice (also in %s; names are compared without regard to case)", field, at.Name, syn.where(pos[j]))
		} else {
			names[key] = i
		}
		checkAttributeValues(at, field, syn, p)
	}
}

// checkCount is the first check, so that it is the first problem named.
func checkCount(total int, p *problems) {
	if total > cxm.MaxAttributes {
		p.add("attributes", "an assessment has at most %d attributes, not %d", cxm.MaxAttributes, total)
	}
}

func checkAttributeValues(at cxm.Attribute, field string, syn attributeSyntax, p *problems) {
	name := clip(at.Name) // may be the wrong one, of any length
	switch {
	case len(at.Values) == 0:
		p.add(field, "%s: attribute %q has no values: a respondent picks one of a closed list, so write it as %s with 1 to %d values",
			field, name, syn.how(name), cxm.MaxAttributeValues)
		return
	case len(at.Values) > cxm.MaxAttributeValues:
		p.add(field, "%s: attribute %q has %d values; at most %d are allowed", field, name, len(at.Values), cxm.MaxAttributeValues)
		return
	}
	seen := make(map[string]bool, len(at.Values))
	for _, v := range at.Values {
		if msg := badText(v); msg != "" {
			p.add(field, "%s: a value of %q %s", field, name, msg)
			continue
		}
		key := strings.ToLower(v)
		if seen[key] {
			p.add(field, "%s: value %q of %q is given twice (values are compared without regard to case)", field, v, name)
		}
		seen[key] = true
	}
}

// badText says what is wrong with a name or value, or "" when nothing is.
func badText(s string) string {
	switch {
	case s == "":
		return "is empty"
	case !utf8.ValidString(s):
		return "is not valid UTF-8 text"
	case utf8.RuneCountInString(s) > cxm.MaxAttributeText:
		return fmt.Sprintf("is longer than %d characters", cxm.MaxAttributeText)
	case strings.IndexFunc(s, unicode.IsControl) >= 0:
		return "contains a control character"
	}
	return ""
}

// attributeValue is the list's spelling of a respondent's answer v to at
// ("" for none), or a 400 naming the attribute. Case is ignored so that
// "sales" counts as Sales. An attribute without values (created before
// v2) takes no new answers.
func attributeValue(at cxm.Attribute, v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", nil
	}
	field := "attributes." + at.Name
	if len(at.Values) == 0 {
		return "", badField(field, "%s takes no answers: it was a free-text question, and attributes are now closed lists", at.Name)
	}
	for _, x := range at.Values {
		if x == v || strings.EqualFold(x, v) {
			return x, nil
		}
	}
	return "", badField(field, "%q is not one of the values of %s: choose one of %s, or leave it out", clip(v), at.Name, quoteList(at.Values, 10))
}

// clip shortens text echoed in a message to MaxAttributeText characters.
func clip(s string) string {
	n := 0
	for i := range s {
		if n == cxm.MaxAttributeText {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

// quoteList is at most n quoted values, then how many more there are.
func quoteList(list []string, n int) string {
	var b strings.Builder
	for i, x := range list {
		if i == n {
			fmt.Fprintf(&b, " and %d more", len(list)-n)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%q", x)
	}
	return b.String()
}

// parseGroupBy reads a results breakdown, group_by=a,b, refusing an
// unknown or repeated attribute before any work is done.
func parseGroupBy(q string, a cxm.Assessment) ([]string, error) {
	if q == "" {
		return nil, nil
	}
	known := make(map[string]bool, len(a.Attributes))
	for _, at := range a.Attributes {
		known[at.Name] = true
	}
	most := max(len(a.Attributes), 1) // an assessment from before v2 may have more than MaxAttributes
	parts := strings.SplitN(q, ",", most+1)
	if len(parts) > most {
		return nil, badField("group_by", "group_by names at most the assessment's %d attributes (%s)", len(a.Attributes), quoteList(a.AttributeNames(), 10))
	}
	seen := map[string]bool{}
	for _, g := range parts {
		if !known[g] || seen[g] {
			return nil, badField("group_by", "cannot break down by %q: name each of the assessment's attributes at most once (%s)", g, quoteList(a.AttributeNames(), 10))
		}
		seen[g] = true
	}
	return parts, nil
}
