package cxm

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCanonical(t *testing.T) {
	for in, want := range map[string]string{
		"retail":                              "Retail",
		"  banking   AND financial services ": "Banking and financial services",
		"Boutique  hotels":                    "Boutique hotels",
		"":                                    "",
	} {
		if got := CanonicalIndustry(in); got != want {
			t.Errorf("CanonicalIndustry(%q) = %q, want %q", in, got, want)
		}
	}
	if got := CanonicalSize(" 5000+ "); got != "5000+" {
		t.Errorf("CanonicalSize = %q", got)
	}
	for _, l := range []struct {
		list  []string
		limit int
	}{{Industries, MaxIndustry}, {Sizes, MaxSize}} {
		for _, v := range l.list {
			if canonical(v, l.list) != v || utf8.RuneCountInString(v) > l.limit {
				t.Errorf("%q is not its own canonical form or is too long", v)
			}
		}
	}
}

// FuzzCanonical: the canonical form is stable, never longer, and has no
// space at its ends or twice in a row.
func FuzzCanonical(f *testing.F) {
	for _, s := range []string{"retail", " Retail ", "a\tb", "5000+", "\u00a0Other", "ǅ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := CanonicalIndustry(s)
		if CanonicalIndustry(c) != c {
			t.Fatalf("not stable: %q → %q → %q", s, c, CanonicalIndustry(c))
		}
		if len(c) > len(s) && !slices.Contains(Industries, c) {
			t.Fatalf("%q grew to %q", s, c)
		}
		if strings.TrimSpace(c) != c || strings.Contains(c, "  ") {
			t.Fatalf("%q has stray spaces", c)
		}
	})
}
