package cxm

import "strings"

// Limits of an organization's fields, in characters.
const (
	MaxOrganizationName = 200
	MaxIndustry         = 100
	MaxSize             = 50
)

// Industries and Sizes are the values offered for an organization's
// industry and size. Benchmarks narrow peers by the exact text of both
// (imported peers included), so the form offers these and CanonicalIndustry
// and CanonicalSize spell a value typed in another case or spacing the way
// the list does. Other text is accepted: a consultant's niche is theirs to
// name, and older installations wrote free text.
var (
	Industries = []string{
		"Automotive", "Banking and financial services", "Consumer goods", "Education",
		"Energy and utilities", "Government and public sector", "Healthcare", "Hospitality and travel",
		"Insurance", "Manufacturing", "Media and entertainment", "Non-profit", "Pharmaceuticals",
		"Professional services", "Real estate", "Retail", "Technology and software",
		"Telecommunications", "Transport and logistics", "Other",
	}
	// Sizes are bands of employees.
	Sizes = []string{"1-49", "50-249", "250-999", "1000-4999", "5000+"}
)

// CanonicalIndustry is in with its spaces collapsed, and spelled as in
// Industries when it is one of them in another case.
func CanonicalIndustry(in string) string { return canonical(in, Industries) }

// CanonicalSize is CanonicalIndustry for Sizes.
func CanonicalSize(in string) string { return canonical(in, Sizes) }

func canonical(in string, list []string) string {
	in = strings.Join(strings.Fields(in), " ")
	for _, v := range list {
		if strings.EqualFold(v, in) {
			return v
		}
	}
	return in
}
