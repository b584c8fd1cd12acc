package yamlcheck

import (
	"testing"

	yaml "go.yaml.in/yaml/v4"
)

// TestMapping: unknown, repeated and missing keys and aliases are each
// reported at their node, and reading goes on.
func TestMapping(t *testing.T) {
	var doc yaml.Node
	src := "a: 1\nb: x\nb: 2\nzz: 3\nc: &anchor 4\nd: *anchor\n"
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		t.Fatal(err)
	}
	c := &Checker{File: "f.yaml", Kind: "test", Max: 10}
	var a float64
	var bs []string
	c.Mapping(doc.Content[0], "the file", map[string]Field{
		"a": Req(func(v *yaml.Node) { c.Number(v, "a", &a) }),
		"b": Opt(func(v *yaml.Node) {
			if s, ok := c.Scalar(v, "b"); ok {
				bs = append(bs, s)
			}
		}),
		"c": Opt(func(*yaml.Node) {}),
		"d": Opt(func(*yaml.Node) {}),
		"e": Req(func(*yaml.Node) {}),
	})
	want := []string{
		`f.yaml:3:1: key "b" appears twice in the file`,
		`f.yaml:4:1: unknown key "zz" in the file (known keys: a, b, c, d, e)`,
		`f.yaml:6:4: aliases (*name) are not supported in test files`,
		`f.yaml:1:1: the file is missing required key "e"`,
	}
	if len(c.Errs) != len(want) {
		t.Fatalf("%d errors: %v", len(c.Errs), c.Errs)
	}
	for i, w := range want {
		if got := c.Errs[i].Error(); got != w {
			t.Errorf("error %d: %s, want %s", i, got, w)
		}
	}
	if a != 1 || len(bs) != 1 || bs[0] != "x" {
		t.Errorf("a %v, b %v", a, bs)
	}
	c.Max = len(c.Errs)
	c.Errorf(doc.Content[0], "one more")
	if c.More != 1 || len(c.Errs) != 4 {
		t.Errorf("beyond Max: %d kept, %d more", len(c.Errs), c.More)
	}
}
