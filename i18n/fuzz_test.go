package i18n

import "testing"

// FuzzMatch: any Accept-Language header, however broken or long, picks one
// of the five languages without panicking. Seeds in testdata/fuzz/FuzzMatch.
func FuzzMatch(f *testing.F) {
	for _, s := range []string{"", "de-DE,de;q=0.9,en;q=0.8", "*;q=0.1", "x-klingon", "de;q=0.", "nl-BE;q=1.000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, header string) {
		got := Match(header)
		if !Supported(got) {
			t.Fatalf("Match(%q) = %q", header, got)
		}
	})
}
