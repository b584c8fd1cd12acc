// Package synth generates realistic, reproducible assessment responses for
// any framework: for tests, benchmarks and example data sets.
//
// The model is a small latent-trait one. Every respondent has, per
// competency, a latent level on the answer scale:
//
//	level = mean(competency) + Σ group shifts + person effect + trait effect
//
// where the person effect (one per respondent, shared by all competencies)
// makes competencies correlate the way real ones do, and the trait effect
// (one per respondent and competency) lets them differ. Each item is then
// answered round(level + item offset + noise), clamped to the scale; a
// reverse item gets the mirrored answer min + max − that, so that after
// reversal (spec §3) it agrees with the others. Item offsets are fixed per
// item, centred within each competency, so some statements come out
// consistently weaker than others. An answer is left blank with probability
// MissingRate.
//
// The same Spec (including Seed) always yields the same responses.
package synth

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/score"
)

// Defaults for the noise of the model, in answer-scale units.
const (
	DefaultPersonSD     = 0.45 // person effect, shared by all competencies
	DefaultTraitSD      = 0.40 // person × competency effect
	DefaultItemSD       = 0.75 // per answer noise
	DefaultItemSpreadSD = 0.20 // spread of the fixed item offsets
)

// Attribute is a respondent attribute (a CSV column such as department).
// Each respondent gets one of Values, drawn with probability proportional
// to Weights (equal when Weights is empty).
type Attribute struct {
	Name    string
	Values  []string
	Weights []float64
}

// Shift moves the latent level of respondents whose attribute Attribute has
// value Value by Delta (answer-scale units) on competency Competency, or on
// every competency when Competency is empty. Shifts add up.
type Shift struct {
	Attribute  string
	Value      string
	Competency string
	Delta      float64
}

// Spec describes a synthetic data set.
type Spec struct {
	Respondents int
	Attributes  []Attribute
	// CompetencyMeans is the target mean answer (after reversal, on the
	// framework's scale) per competency id; a competency not listed is
	// centred on the middle of the scale. Clamping to the scale pulls
	// extreme targets slightly towards the middle.
	CompetencyMeans map[string]float64
	Shifts          []Shift
	// Standard deviations of the model; 0 means the default above, a
	// negative value means none.
	PersonSD, TraitSD, ItemSD, ItemSpreadSD float64
	MissingRate                             float64 // probability that an answer is left blank
	Seed                                    uint64
}

// gen is a Spec compiled against a framework.
type gen struct {
	f        *cxm.Framework
	s        Spec
	rng      *rand.Rand
	itemComp []int       // competency of each item, framework order
	reverse  []bool      // per item
	offset   []float64   // fixed item offsets
	means    []float64   // per competency
	cum      [][]float64 // per attribute, cumulative weights
	shift    [][][]float64
	personSD float64
	traitSD  float64
	itemSD   float64
	// buffers, reused for every respondent
	pick    []int
	level   []float64
	answers []int
	attrs   []string
}

func sd(v, def float64) float64 {
	switch {
	case v == 0:
		return def
	case v < 0:
		return 0
	}
	return v
}

func compile(f *cxm.Framework, s Spec) (*gen, error) {
	if f == nil {
		return nil, errors.New("synth: no framework")
	}
	sc := f.Scale
	var errs []string
	bad := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	if s.Respondents < 0 {
		bad("respondents must not be negative, not %d", s.Respondents)
	}
	if !(s.MissingRate >= 0 && s.MissingRate <= 1) {
		bad("missing rate must be from 0 to 1, not %v", s.MissingRate)
	}
	if sc.Min >= sc.Max {
		bad("scale %d..%d is empty", sc.Min, sc.Max)
	}
	g := &gen{
		f: f, s: s,
		rng:      rand.New(rand.NewPCG(s.Seed, s.Seed^0x9e3779b97f4a7c15)),
		personSD: sd(s.PersonSD, DefaultPersonSD),
		traitSD:  sd(s.TraitSD, DefaultTraitSD),
		itemSD:   sd(s.ItemSD, DefaultItemSD),
	}
	columns := map[string]bool{"respondent": true}
	comps := g.compileCompetencies(columns, bad)
	attrs := g.compileAttributes(columns, bad)
	g.compileShifts(comps, attrs, bad)
	if len(errs) > 0 {
		return nil, fmt.Errorf("synth: %s", strings.Join(errs, "; "))
	}
	g.pick = make([]int, len(s.Attributes))
	g.level = make([]float64, len(f.Competencies))
	g.answers = make([]int, len(g.itemComp))
	g.attrs = make([]string, len(s.Attributes))
	return g, nil
}

// compileCompetencies sets each competency's mean and draws its items'
// offsets (centred on the mean); it returns the competencies' indices by
// id and adds their item ids to columns.
func (g *gen) compileCompetencies(columns map[string]bool, bad func(string, ...any)) map[string]int {
	f, s, sc := g.f, g.s, g.f.Scale
	spread := sd(s.ItemSpreadSD, DefaultItemSpreadSD)
	comps := map[string]int{}
	for c, comp := range f.Competencies {
		comps[comp.ID] = c
		mean, ok := s.CompetencyMeans[comp.ID]
		if !ok {
			mean = float64(sc.Min+sc.Max) / 2
		} else if mean < float64(sc.Min) || mean > float64(sc.Max) {
			bad("mean %v of competency %q is outside the scale %d..%d", mean, comp.ID, sc.Min, sc.Max)
		}
		g.means = append(g.means, mean)
		lo := len(g.offset)
		sum := 0.0
		for _, it := range comp.Items {
			columns[it.ID] = true
			g.itemComp = append(g.itemComp, c)
			g.reverse = append(g.reverse, it.Reverse)
			o := g.rng.NormFloat64() * spread
			g.offset = append(g.offset, o)
			sum += o
		}
		if n := len(g.offset) - lo; n > 0 {
			for i := lo; i < len(g.offset); i++ {
				g.offset[i] -= sum / float64(n)
			}
		}
	}
	for id := range s.CompetencyMeans {
		if _, ok := comps[id]; !ok {
			bad("mean given for %q, which is not a competency of framework %s", id, f.ID)
		}
	}
	return comps
}

// compileAttributes checks the attributes and sets each one's cumulative
// weights for drawing a value; it returns their indices by name.
func (g *gen) compileAttributes(columns map[string]bool, bad func(string, ...any)) map[string]int {
	attrs := map[string]int{}
	for a, at := range g.s.Attributes {
		switch {
		case at.Name == "" || strings.TrimSpace(at.Name) != at.Name:
			bad("attribute %d: name %q is empty or has surrounding spaces", a+1, at.Name)
		case columns[at.Name]:
			bad("attribute %q clashes with an item id or the respondent column", at.Name)
		}
		columns[at.Name] = true
		attrs[at.Name] = a
		if len(at.Values) == 0 {
			bad("attribute %q has no values", at.Name)
		}
		if len(at.Weights) != 0 && len(at.Weights) != len(at.Values) {
			bad("attribute %q has %d values but %d weights", at.Name, len(at.Values), len(at.Weights))
		}
		cum := make([]float64, len(at.Values))
		total := 0.0
		for v := range at.Values {
			w := 1.0
			if len(at.Weights) == len(at.Values) {
				w = at.Weights[v]
				if !(w >= 0) || math.IsInf(w, 0) {
					bad("attribute %q: weight %v of %q is not a non-negative number", at.Name, w, at.Values[v])
				}
			}
			total += w
			cum[v] = total
		}
		if len(at.Values) > 0 && !(total > 0) {
			bad("attribute %q: the weights add up to %v", at.Name, total)
		}
		g.cum = append(g.cum, cum)
		tab := make([][]float64, len(at.Values))
		for v := range tab {
			tab[v] = make([]float64, len(g.f.Competencies))
		}
		g.shift = append(g.shift, tab)
	}
	return attrs
}

// compileShifts adds each shift to the competencies of an attribute value
// (all of them when the shift names none).
func (g *gen) compileShifts(comps, attrs map[string]int, bad func(string, ...any)) {
	for _, sh := range g.s.Shifts {
		a, ok := attrs[sh.Attribute]
		if !ok {
			bad("shift names attribute %q, which the spec does not have", sh.Attribute)
			continue
		}
		v := slices.Index(g.s.Attributes[a].Values, sh.Value)
		if v < 0 {
			bad("shift names value %q, which attribute %q does not have", sh.Value, sh.Attribute)
			continue
		}
		if sh.Competency == "" {
			for c := range g.f.Competencies {
				g.shift[a][v][c] += sh.Delta
			}
			continue
		}
		c, ok := comps[sh.Competency]
		if !ok {
			bad("shift names competency %q, which framework %s does not have", sh.Competency, g.f.ID)
			continue
		}
		g.shift[a][v][c] += sh.Delta
	}
}

// next fills g.pick, g.answers and g.attrs with the next respondent.
func (g *gen) next() {
	r := g.rng
	for a, cum := range g.cum {
		v := upper(cum, r.Float64()*cum[len(cum)-1])
		g.pick[a] = v
		g.attrs[a] = g.s.Attributes[a].Values[v]
	}
	person := r.NormFloat64() * g.personSD
	for c, m := range g.means {
		l := m + person + r.NormFloat64()*g.traitSD
		for a, v := range g.pick {
			l += g.shift[a][v][c]
		}
		g.level[c] = l
	}
	sc := g.f.Scale
	lo, hi := float64(sc.Min), float64(sc.Max)
	for i, c := range g.itemComp {
		x := math.Round(g.level[c] + g.offset[i] + r.NormFloat64()*g.itemSD)
		x = max(lo, min(hi, x))
		a := int(x)
		if g.reverse[i] {
			a = sc.Min + sc.Max - a
		}
		if g.s.MissingRate > 0 && r.Float64() < g.s.MissingRate {
			a = score.NoAnswer
		}
		g.answers[i] = a
	}
}

// upper returns the first index whose cumulative weight exceeds x, so a
// value is drawn with probability proportional to its weight and a value of
// weight 0 never is (0 ≤ x < total).
func upper(cum []float64, x float64) int {
	lo, hi := 0, len(cum)-1
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if cum[m] > x {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return lo
}

func digits(n int) int {
	d := 1
	for ; n >= 10; n /= 10 {
		d++
	}
	return d
}

// Generate produces s.Respondents responses for framework f and hands each
// to fn in turn. Answers are in framework item order, Attrs in the order of
// s.Attributes. fn must not keep the slices: they are reused for the next
// respondent, and no memory is allocated per respondent. An error from fn
// stops the generation and is returned.
func Generate(f *cxm.Framework, s Spec, fn func(score.Response) error) error {
	g, err := compile(f, s)
	if err != nil {
		return err
	}
	for range s.Respondents {
		g.next()
		if err := fn(score.Response{Answers: g.answers, Attrs: g.attrs}); err != nil {
			return err
		}
	}
	return nil
}

// WriteCSV writes the data set as a response file (spec §2): a header of
// respondent, the attribute names and the item ids, then one row per
// respondent with ids r000001, r000002, … and blank cells for missing
// answers. It streams through a buffer; the file is never held in memory.
func WriteCSV(w io.Writer, f *cxm.Framework, s Spec) error {
	g, err := compile(f, s)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	line := make([]byte, 0, 256)
	line = append(line, "respondent"...)
	for _, a := range s.Attributes {
		line = appendField(append(line, ','), a.Name)
	}
	for _, c := range f.Competencies {
		for _, it := range c.Items {
			line = appendField(append(line, ','), it.ID)
		}
	}
	line = append(line, '\n')
	if _, err := bw.Write(line); err != nil {
		return err
	}
	width := max(6, digits(s.Respondents))
	for n := 1; n <= s.Respondents; n++ {
		g.next()
		line = append(line[:0], 'r')
		for d := digits(n); d < width; d++ {
			line = append(line, '0')
		}
		line = strconv.AppendInt(line, int64(n), 10)
		for _, v := range g.attrs {
			line = appendField(append(line, ','), v)
		}
		for _, a := range g.answers {
			line = append(line, ',')
			if a != score.NoAnswer {
				line = strconv.AppendInt(line, int64(a), 10)
			}
		}
		line = append(line, '\n')
		if _, err := bw.Write(line); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// appendField appends s as one CSV field, quoted when RFC 4180 requires it
// or when leading or trailing spaces would otherwise be trimmed by readers.
func appendField(b []byte, s string) []byte {
	if !strings.ContainsAny(s, ",\"\r\n") && strings.TrimSpace(s) == s {
		return append(b, s...)
	}
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			b = append(b, '"')
		}
		b = append(b, s[i])
	}
	return append(b, '"')
}
