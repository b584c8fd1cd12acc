package framework

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/cxmhq/cxm"
)

// validYAML is the file the table cases edit. Line numbers, for reading the
// expected positions:
//
//	 1 id: demo
//	 2 version: 1
//	 3 name: Demo
//	 4 scale:
//	 5   min: 1
//	 6   max: 5
//	 7   labels: {1: Never, 5: Always}
//	 8 stages:
//	 9   - {id: low, name: Low, from: 0}
//	10   - {id: mid, name: Mid, from: 40}
//	11   - {id: high, name: High, from: 70}
//	12 competencies:
//	13   - id: comp-a
//	14     name: A
//	15     items:
//	16       - {id: a-1, text: A one}
//	17       - {id: a-2, text: A two, reverse: true}
//	18     practices:
//	19       - {id: p-a, title: Do A, stages: [low, mid]}
//	20   - id: comp-b
//	21     name: B
//	22     items:
//	23       - {id: b-1, text: B one, weight: 2}
//	24       - {id: b-2, text: B two}
const validYAML = `id: demo
version: 1
name: Demo
scale:
  min: 1
  max: 5
  labels: {1: Never, 5: Always}
stages:
  - {id: low, name: Low, from: 0}
  - {id: mid, name: Mid, from: 40}
  - {id: high, name: High, from: 70}
competencies:
  - id: comp-a
    name: A
    items:
      - {id: a-1, text: A one}
      - {id: a-2, text: A two, reverse: true}
    practices:
      - {id: p-a, title: Do A, stages: [low, mid]}
  - id: comp-b
    name: B
    items:
      - {id: b-1, text: B one, weight: 2}
      - {id: b-2, text: B two}
`

// edit returns validYAML with each old text (which must occur exactly once)
// replaced by the following new text.
func edit(t *testing.T, pairs ...string) string {
	t.Helper()
	s := validYAML
	for i := 0; i+1 < len(pairs); i += 2 {
		if n := strings.Count(s, pairs[i]); n != 1 {
			t.Fatalf("edit: %q occurs %d times in validYAML", pairs[i], n)
		}
		s = strings.Replace(s, pairs[i], pairs[i+1], 1)
	}
	return s
}

// errorStrings returns the messages of a cxm.ErrorList, failing the test on
// any other kind of error.
func errorStrings(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var list cxm.ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("error is a %T, not a cxm.ErrorList: %v", err, err)
	}
	out := make([]string, len(list))
	for i, e := range list {
		out[i] = e.Error()
	}
	return out
}

const badID = ` is not a valid id (lowercase letters and digits, words joined by single hyphens, e.g. "customer-connectedness")`
const topKeys = `(known keys: attribution, competencies, description, id, language, name, rule, scale, stages, version, weak_below)`
const aliasMsg = `aliases (*name) are not supported in framework files`

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		yaml func(t *testing.T) string
		want []string
	}{
		{"valid", func(t *testing.T) string { return validYAML }, nil},

		// ids
		{"framework id not a slug", func(t *testing.T) string { return edit(t, "id: demo", "id: Demo_1") },
			[]string{`f.yaml:1:5: framework id "Demo_1"` + badID}},
		{"item id with a double hyphen", func(t *testing.T) string { return edit(t, "id: a-1,", "id: a--1,") },
			[]string{`f.yaml:16:14: item id "a--1"` + badID}},
		{"stage id with a trailing hyphen", func(t *testing.T) string { return edit(t, "id: high,", "id: high-,") },
			[]string{`f.yaml:11:10: stage id "high-"` + badID}},
		{"empty competency id", func(t *testing.T) string { return edit(t, "id: comp-b", `id: ""`) },
			[]string{`f.yaml:20:9: competency id ""` + badID}},
		{"item id equal to a competency id", func(t *testing.T) string { return edit(t, "id: a-1,", "id: comp-a,") },
			[]string{`f.yaml:16:14: id "comp-a" is already used at line 13 (ids must be unique across the whole file)`}},
		{"practice id equal to a stage id", func(t *testing.T) string { return edit(t, "id: p-a,", "id: mid,") },
			[]string{`f.yaml:19:14: id "mid" is already used at line 10 (ids must be unique across the whole file)`}},
		{"stage id equal to the framework id", func(t *testing.T) string { return edit(t, "id: low,", "id: demo,") },
			[]string{`f.yaml:9:10: id "demo" is already used at line 1 (ids must be unique across the whole file)`,
				`f.yaml:19:41: practice names stage "low", which is not a stage of this framework`}},
		{"two items with one id", func(t *testing.T) string { return edit(t, "id: b-2,", "id: b-1,") },
			[]string{`f.yaml:24:14: id "b-1" is already used at line 23 (ids must be unique across the whole file)`}},

		// version
		{"version 0", func(t *testing.T) string { return edit(t, "version: 1", "version: 0") },
			[]string{`f.yaml:2:10: version must be a positive whole number, not 0`}},
		{"version negative", func(t *testing.T) string { return edit(t, "version: 1", "version: -2") },
			[]string{`f.yaml:2:10: version must be a positive whole number, not -2`}},
		{"version a fraction", func(t *testing.T) string { return edit(t, "version: 1", "version: 1.5") },
			[]string{`f.yaml:2:10: version must be a whole number, not "1.5"`}},
		{"version a word", func(t *testing.T) string { return edit(t, "version: 1", "version: one") },
			[]string{`f.yaml:2:10: version must be a whole number, not "one"`}},
		{"version a quoted number", func(t *testing.T) string { return edit(t, "version: 1", `version: "1"`) },
			[]string{`f.yaml:2:10: version must be a whole number, not "1"`}},
		{"version a list", func(t *testing.T) string { return edit(t, "version: 1", "version: [1]") },
			[]string{`f.yaml:2:10: version must be a single value`}},

		// stages
		{"from not starting at 0", func(t *testing.T) string { return edit(t, "from: 0}", "from: 10}") },
			[]string{`f.yaml:9:32: the first stage must start from 0, not 10, so that every score has a stage`}},
		{"from equal to the previous", func(t *testing.T) string { return edit(t, "from: 70}", "from: 40}") },
			[]string{`f.yaml:11:34: stage from must increase: 40 is not above the previous stage's 40`}},
		{"from decreasing", func(t *testing.T) string { return edit(t, "from: 40}", "from: 20}", "from: 70}", "from: 10}") },
			[]string{`f.yaml:11:34: stage from must increase: 10 is not above the previous stage's 20`}},
		{"from above 100", func(t *testing.T) string { return edit(t, "from: 70}", "from: 101}") },
			[]string{`f.yaml:11:34: stage from must be from 0 to 100, not 101`}},
		{"from below 0", func(t *testing.T) string { return edit(t, "from: 0}", "from: -5}") },
			[]string{`f.yaml:9:32: stage from must be from 0 to 100, not -5`}},
		{"from not a number", func(t *testing.T) string { return edit(t, "from: 40}", "from: forty}") },
			[]string{`f.yaml:10:32: stage from must be a number, not "forty"`}},
		{"from .nan", func(t *testing.T) string { return edit(t, "from: 40}", "from: .nan}") },
			[]string{`f.yaml:10:32: stage from must be a number, not ".nan"`}},
		{"first stage without from", func(t *testing.T) string { return edit(t, "name: Low, from: 0}", "name: Low}") },
			// only the missing key: the second stage is not "the first stage"
			[]string{`f.yaml:9:5: stage is missing required key "from"`}},
		{"fewer than 2 stages", func(t *testing.T) string {
			return edit(t, "  - {id: mid, name: Mid, from: 40}\n  - {id: high, name: High, from: 70}\n", "", "[low, mid]", "[low]")
		}, []string{`f.yaml:9:3: a framework needs at least 2 stages, found 1`}},
		{"no stages", func(t *testing.T) string {
			return edit(t, "stages:\n  - {id: low, name: Low, from: 0}\n  - {id: mid, name: Mid, from: 40}\n  - {id: high, name: High, from: 70}\n",
				"stages: []\n", ", stages: [low, mid]", "")
		}, []string{`f.yaml:8:9: a framework needs at least 2 stages, found 0`}},
		{"stages not a list", func(t *testing.T) string {
			return edit(t, "stages:\n  - {id: low, name: Low, from: 0}\n  - {id: mid, name: Mid, from: 40}\n  - {id: high, name: High, from: 70}\n",
				"stages: {id: low}\n", ", stages: [low, mid]", "")
		}, []string{`f.yaml:8:9: stages must be a list`}},

		// competencies and items
		{"no competencies", func(t *testing.T) string {
			i := strings.Index(validYAML, "competencies:")
			return validYAML[:i] + "competencies: []\n"
		}, []string{`f.yaml:12:15: a framework needs at least 1 competency`}},
		{"competency with 1 item", func(t *testing.T) string { return edit(t, "      - {id: b-2, text: B two}\n", "") },
			[]string{`f.yaml:23:7: competency "comp-b" needs at least 2 items, found 1`}},
		{"competency with no items", func(t *testing.T) string {
			return edit(t, "    items:\n      - {id: b-1, text: B one, weight: 2}\n      - {id: b-2, text: B two}\n", "    items: []\n")
		}, []string{`f.yaml:22:12: competency "comp-b" needs at least 2 items, found 0`}},
		{"weight 0", func(t *testing.T) string { return edit(t, "weight: 2", "weight: 0") },
			[]string{`f.yaml:23:40: weight must be greater than 0, not 0`}},
		{"weight negative", func(t *testing.T) string { return edit(t, "weight: 2", "weight: -1.5") },
			[]string{`f.yaml:23:40: weight must be greater than 0, not -1.5`}},
		{"weight infinite", func(t *testing.T) string { return edit(t, "weight: 2", "weight: .inf") },
			[]string{`f.yaml:23:40: weight must be a number, not ".inf"`}},
		{"reverse not a boolean", func(t *testing.T) string { return edit(t, "reverse: true", "reverse: yes") },
			[]string{`f.yaml:17:41: reverse must be true or false, not "yes"`}},
		{"reverse tagged !!bool but not a boolean", func(t *testing.T) string { return edit(t, "reverse: true", "reverse: !!bool yes") },
			[]string{`f.yaml:17:41: reverse must be true or false, not "yes"`}},
		{"item text empty", func(t *testing.T) string { return edit(t, "text: A one", "text: ' '") },
			[]string{`f.yaml:16:25: item text must not be empty`}},
		{"weakness without label", func(t *testing.T) string {
			return edit(t, "    name: B\n", "    name: B\n    weakness: {meaning: Stuck}\n")
		},
			[]string{`f.yaml:22:15: weakness is missing required key "label"`}},

		// practices
		{"practice naming an unknown stage", func(t *testing.T) string { return edit(t, "[low, mid]", "[low, middle]") },
			[]string{`f.yaml:19:46: practice names stage "middle", which is not a stage of this framework`}},
		{"practice naming a competency as a stage", func(t *testing.T) string { return edit(t, "[low, mid]", "[comp-a, mid]") },
			[]string{`f.yaml:19:41: practice names stage "comp-a", which is not a stage of this framework`}},
		{"practice stages not a list", func(t *testing.T) string { return edit(t, "[low, mid]", "low") },
			[]string{`f.yaml:19:40: practice stages must be a list`}},

		// keys
		{"unknown key at top level", func(t *testing.T) string { return edit(t, "name: Demo\n", "name: Demo\nweigth: 1\n") },
			[]string{`f.yaml:4:1: unknown key "weigth" in the framework ` + topKeys}},
		{"unknown key in an item", func(t *testing.T) string { return edit(t, "weight: 2", "weigth: 2") },
			[]string{`f.yaml:23:32: unknown key "weigth" in item (known keys: id, reverse, text, weight)`}},
		{"unknown key in the scale", func(t *testing.T) string { return edit(t, "  max: 5\n", "  max: 5\n  maxx: 7\n") },
			[]string{`f.yaml:7:3: unknown key "maxx" in scale (known keys: allow_unknown, labels, max, min)`}},
		{"missing required key at top level", func(t *testing.T) string { return edit(t, "name: Demo\n", "") },
			[]string{`f.yaml:1:1: the framework is missing required key "name"`}},
		{"missing required keys in a stage", func(t *testing.T) string { return edit(t, "{id: mid, name: Mid, from: 40}", "{id: mid}") },
			[]string{`f.yaml:10:5: stage is missing required key "from"`, `f.yaml:10:5: stage is missing required key "name"`}},
		{"missing required key in an item", func(t *testing.T) string { return edit(t, "{id: a-1, text: A one}", "{id: a-1}") },
			[]string{`f.yaml:16:9: item is missing required key "text"`}},
		{"missing scale max", func(t *testing.T) string { return edit(t, "  max: 5\n", "") },
			[]string{`f.yaml:5:3: scale is missing required key "max"`}},
		{"duplicate key at top level", func(t *testing.T) string { return edit(t, "name: Demo\n", "name: Demo\nname: Again\n") },
			[]string{`f.yaml:4:1: key "name" appears twice in the framework`}},
		{"duplicate key in an item", func(t *testing.T) string { return edit(t, "text: B two}", "text: B two, text: B too}") },
			[]string{`f.yaml:24:32: key "text" appears twice in item`}},
		{"duplicate id key in an item", func(t *testing.T) string { return edit(t, "{id: b-2,", "{id: b-2, id: b-3,") },
			[]string{`f.yaml:24:19: key "id" appears twice in item`}},

		// scale
		{"scale min equal to max", func(t *testing.T) string { return edit(t, "max: 5", "max: 1", "5: Always", "1: Always") },
			[]string{`f.yaml:6:8: scale max (1) must be greater than min (1)`, `f.yaml:7:22: label for 1 appears twice`}},
		{"scale min above max", func(t *testing.T) string {
			return edit(t, "min: 1", "min: 7", "labels: {1: Never, 5: Always}", "labels: {}")
		},
			[]string{`f.yaml:6:8: scale max (5) must be greater than min (7)`}},
		{"scale with too many options", func(t *testing.T) string { return edit(t, "min: 1", "min: 0", "max: 5", "max: 101") },
			[]string{`f.yaml:6:8: scale 0..101 has 102 answer options; at most 101 are supported`}},
		{"scale bounds that overflow", func(t *testing.T) string {
			return edit(t, "min: 1", "min: -9223372036854775808", "max: 5", "max: 9223372036854775807", "labels: {1: Never, 5: Always}", "labels: {}")
		}, []string{
			`f.yaml:5:8: scale min must be from -1000000 to 1000000, not -9223372036854775808`,
			`f.yaml:6:8: scale max must be from -1000000 to 1000000, not 9223372036854775807`}},
		{"scale containing score.NoAnswer", func(t *testing.T) string {
			return edit(t, "min: 1", "min: -2147483648", "max: 5", "max: -2147483600", "labels: {1: Never, 5: Always}", "labels: {}")
		}, []string{
			`f.yaml:5:8: scale min must be from -1000000 to 1000000, not -2147483648`,
			`f.yaml:6:8: scale max must be from -1000000 to 1000000, not -2147483600`}},
		{"scale min not an integer", func(t *testing.T) string { return edit(t, "min: 1", "min: 0.5") },
			[]string{`f.yaml:5:8: scale min must be a whole number, not "0.5"`}},
		{"label above the scale", func(t *testing.T) string { return edit(t, "5: Always", "6: Always") },
			[]string{`f.yaml:7:22: label key 6 is outside the scale 1..5`}},
		{"label below the scale", func(t *testing.T) string { return edit(t, "1: Never", "0: Never") },
			[]string{`f.yaml:7:12: label key 0 is outside the scale 1..5`}},
		{"label key not an integer", func(t *testing.T) string { return edit(t, "1: Never", "one: Never") },
			[]string{`f.yaml:7:12: label key must be a whole number, not "one"`}},
		{"label empty", func(t *testing.T) string { return edit(t, "5: Always", "5: ''") },
			[]string{`f.yaml:7:25: label must not be empty`}},
		{"labels not a mapping", func(t *testing.T) string { return edit(t, "{1: Never, 5: Always}", "[Never, Always]") },
			[]string{`f.yaml:7:11: scale labels must be a mapping of answer values to labels, e.g. {1: Strongly disagree}`}},
		{"allow_unknown not a boolean", func(t *testing.T) string { return edit(t, "  max: 5\n", "  max: 5\n  allow_unknown: sometimes\n") },
			[]string{`f.yaml:7:18: allow_unknown must be true or false, not "sometimes"`}},

		// rule and weak_below
		{"rule unknown", func(t *testing.T) string { return edit(t, "name: Demo\n", "name: Demo\nrule: weakest\n") },
			[]string{`f.yaml:4:7: rule must be "weakest-link" or "mean", not "weakest"`}},
		{"rule empty", func(t *testing.T) string { return edit(t, "name: Demo\n", "name: Demo\nrule: ''\n") },
			[]string{`f.yaml:4:7: rule must not be empty`}},
		{"weak_below above 100", func(t *testing.T) string { return edit(t, "name: Demo\n", "name: Demo\nweak_below: 100.5\n") },
			[]string{`f.yaml:4:13: weak_below must be from 0 to 100, not 100.5`}},
		{"weak_below negative", func(t *testing.T) string { return edit(t, "name: Demo\n", "name: Demo\nweak_below: -1\n") },
			[]string{`f.yaml:4:13: weak_below must be from 0 to 100, not -1`}},
		{"weak_below not a number", func(t *testing.T) string { return edit(t, "name: Demo\n", "name: Demo\nweak_below: half\n") },
			[]string{`f.yaml:4:13: weak_below must be a number, not "half"`}},

		// YAML itself
		{"syntax error: unclosed flow mapping", func(t *testing.T) string { return edit(t, "from: 40}", "from: 40") },
			[]string{`f.yaml:11:5: did not find expected ',' or '}'`}},
		{"syntax error: bad indentation", func(t *testing.T) string { return edit(t, "  max: 5\n", " max: 5\n") },
			[]string{`f.yaml:6:2: did not find expected key`}},
		{"syntax error: tab", func(t *testing.T) string { return edit(t, "  min: 1\n", "\tmin: 1\n") },
			[]string{`f.yaml:5:1: found character that cannot start any token`}},
		{"empty file", func(t *testing.T) string { return "" }, []string{`f.yaml:1:1: file is empty`}},
		{"only comments", func(t *testing.T) string { return "# nothing yet\n\n" }, []string{`f.yaml:1:1: file is empty`}},
		{"not a mapping", func(t *testing.T) string { return "- just\n- a list\n" },
			[]string{`f.yaml:1:1: the framework must be a mapping of keys to values`}},
		{"alias as a value", func(t *testing.T) string { return edit(t, "name: Demo", "name: &n Demo", "name: A\n", "name: *n\n") },
			[]string{`f.yaml:14:11: ` + aliasMsg}},
		{"alias as a list element", func(t *testing.T) string {
			return edit(t, "  - {id: high, name: High, from: 70}\n", "  - &h {id: high, name: High, from: 70}\n  - *h\n")
		}, []string{`f.yaml:12:5: ` + aliasMsg}},
		{"alias as a key", func(t *testing.T) string {
			// the anchor is named like a required key: the alias must not stand for it
			return edit(t, "version: 1\n", "&version vers: 1\n*version : 1\n")
		}, []string{
			`f.yaml:1:1: the framework is missing required key "version"`,
			`f.yaml:2:1: unknown key "vers" in the framework ` + topKeys,
			`f.yaml:3:1: ` + aliasMsg}},
		{"alias as a label", func(t *testing.T) string { return edit(t, "1: Never, 5: Always", "1: &a Never, 5: *a") },
			[]string{`f.yaml:7:28: label must be a single value`}},
		{"merge key", func(t *testing.T) string { return edit(t, "  - id: comp-b\n", "  - <<: {name: B}\n    id: comp-b\n") },
			[]string{`f.yaml:20:5: unknown key "<<" in competency (known keys: id, items, name, practices, summary, weakness)`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := tc.yaml(t)
			f, err := Parse("f.yaml", []byte(src))
			got := errorStrings(t, err)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("errors:\n got: %q\nwant: %q\nfile:\n%s", got, tc.want, src)
			}
			if (f == nil) != (err != nil) {
				t.Errorf("got framework %v and error %v: want exactly one", f != nil, err)
			}
		})
	}
}

// TestParseAllErrorsInFileOrder checks that every error is reported, not only
// the first, and in file order even though some are found late (missing keys
// when a mapping ends, practice stages once all stages are known).
func TestParseAllErrorsInFileOrder(t *testing.T) {
	src := `id: Bad Id
version: 0
name: Demo
scale: {min: 5, max: 1}
stages:
  - {id: low, name: Low, from: 5}
  - {id: high, name: High}
competencies:
  - id: comp-a
    name: A
    weigth: 1
    items:
      - {id: a-1, text: A one, weight: 0}
      - {id: low, text: A two}
    practices:
      - {id: p-a, title: Do A, stages: [nowhere]}
  - id: comp-b
    name: B
    items:
      - {id: b-1, text: B one}
rule: weakest
`
	want := []string{
		`f.yaml:1:5: framework id "Bad Id"` + badID,
		`f.yaml:2:10: version must be a positive whole number, not 0`,
		`f.yaml:4:22: scale max (1) must be greater than min (5)`,
		`f.yaml:6:32: the first stage must start from 0, not 5, so that every score has a stage`,
		`f.yaml:7:5: stage is missing required key "from"`,
		`f.yaml:11:5: unknown key "weigth" in competency (known keys: id, items, name, practices, summary, weakness)`,
		`f.yaml:13:40: weight must be greater than 0, not 0`,
		`f.yaml:14:14: id "low" is already used at line 6 (ids must be unique across the whole file)`,
		`f.yaml:16:41: practice names stage "nowhere", which is not a stage of this framework`,
		`f.yaml:20:7: competency "comp-b" needs at least 2 items, found 1`,
		`f.yaml:21:7: rule must be "weakest-link" or "mean", not "weakest"`,
	}

	f, err := Parse("f.yaml", []byte(src))
	if f != nil {
		t.Errorf("got a framework despite errors")
	}
	got := errorStrings(t, err)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("errors:\n got: %s\nwant: %s", strings.Join(got, "\n      "), strings.Join(want, "\n      "))
	}
	var list cxm.ErrorList
	errors.As(err, &list)
	for i := 1; i < len(list); i++ {
		a, b := list[i-1], list[i]
		if a.Line > b.Line || a.Line == b.Line && a.Column > b.Column {
			t.Errorf("errors %d and %d are out of file order: %v / %v", i-1, i, a, b)
		}
	}
}

func TestParseValid(t *testing.T) {
	src := edit(t,
		"name: Demo\n", "name: Demo\nattribution: '  Someone (2020)  '\ndescription: >\n  Two lines\n  folded.\n",
		"  max: 5\n", "  max: 5\n  allow_unknown: true\n",
		"    name: A\n", "    name: A\n    summary: Sum A\n    weakness: {label: Weak A, meaning: What it means}\n",
		"      - {id: p-a, title: Do A, stages: [low, mid]}\n",
		"      - {id: p-a, title: Do A, stages: [low, mid]}\n      - {id: p-b, title: Do B, description: Any time}\n",
	)
	f, err := Parse("f.yaml", []byte(src))
	if err != nil {
		t.Fatalf("%v\n%s", err, src)
	}
	want := &cxm.Framework{
		ID:          "demo",
		Version:     1,
		Name:        "Demo",
		Attribution: "Someone (2020)",
		Description: "Two lines folded.",
		Scale:       cxm.Scale{Min: 1, Max: 5, Labels: map[int]string{1: "Never", 5: "Always"}, AllowUnknown: true},
		Rule:        cxm.RuleWeakestLink,
		WeakBelow:   50,
		Stages: []cxm.Stage{
			{ID: "low", Name: "Low", From: 0},
			{ID: "mid", Name: "Mid", From: 40},
			{ID: "high", Name: "High", From: 70},
		},
		Competencies: []cxm.Competency{
			{
				ID: "comp-a", Name: "A", Summary: "Sum A",
				Weakness: cxm.Weakness{Label: "Weak A", Meaning: "What it means"},
				Items: []cxm.Item{
					{ID: "a-1", Text: "A one", Weight: 1},
					{ID: "a-2", Text: "A two", Reverse: true, Weight: 1},
				},
				Practices: []cxm.Practice{
					{ID: "p-a", Title: "Do A", Stages: []string{"low", "mid"}},
					{ID: "p-b", Title: "Do B", Description: "Any time"},
				},
			},
			{
				ID: "comp-b", Name: "B",
				Items: []cxm.Item{
					{ID: "b-1", Text: "B one", Weight: 2},
					{ID: "b-2", Text: "B two", Weight: 1},
				},
			},
		},
	}
	if !reflect.DeepEqual(f, want) {
		t.Errorf("got  %+v\nwant %+v", f, want)
	}

	// Explicit values replace the defaults.
	f, err = Parse("f.yaml", []byte(edit(t, "name: Demo\n", "name: Demo\nrule: mean\nweak_below: 62.5\n", "reverse: true", "reverse: false", "weight: 2", "weight: 0.25")))
	if err != nil {
		t.Fatal(err)
	}
	if f.Rule != cxm.RuleMean || f.WeakBelow != 62.5 || f.Competencies[0].Items[1].Reverse || f.Competencies[1].Items[0].Weight != 0.25 {
		t.Errorf("explicit values not kept: rule %q, weak_below %g, reverse %v, weight %g",
			f.Rule, f.WeakBelow, f.Competencies[0].Items[1].Reverse, f.Competencies[1].Items[0].Weight)
	}
	if f.StageOf(0) != 0 || f.StageOf(39.9) != 0 || f.StageOf(40) != 1 || f.StageOf(100) != 2 {
		t.Errorf("StageOf: %d %d %d %d", f.StageOf(0), f.StageOf(39.9), f.StageOf(40), f.StageOf(100))
	}
}

func TestParseTooLarge(t *testing.T) {
	data := make([]byte, MaxSize+1)
	_, err := Parse("big.yaml", data)
	want := []string{"big.yaml: file is larger than 1048576 bytes (1 MiB), the most a framework file may hold"}
	if got := errorStrings(t, err); !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}
