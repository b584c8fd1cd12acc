// Package score computes every number of an assessment exactly as
// shared/spec/scoring.md §3–4 defines it. It is pure: no I/O, no clock, no
// randomness, so the command line, the server and the reports share it.
//
// Responses are streamed through a Scorer, which keeps only running sums
// (per competency, per group and per item), so memory does not grow with the
// number of respondents.
package score

import (
	"encoding/binary"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/cxmhq/cxm"
)

// NoAnswer marks an item a respondent did not answer (blank, "don't know").
const NoAnswer = cxm.NoAnswer

// DefaultMinGroup is k, the smallest group whose figures are shown, and
// MinMinGroup the lowest k anyone may choose (§4.9).
const (
	DefaultMinGroup = 5
	MinMinGroup     = 3
)

// Options says which attributes responses carry and how to break down.
type Options struct {
	Attributes []string // names of the attributes each Response carries, in order
	GroupBy    []string // attributes to break the results down by
	MinGroup   int      // k; 0 means DefaultMinGroup
	// Withhold returns no figure at all while there are fewer than k
	// respondents, as the server does: a lone early respondent must not be
	// readable in the results.
	Withhold bool
}

// Response is one respondent's answers. Answers has one entry per framework
// item in file order (NoAnswer when not answered); Attrs is aligned with
// Options.Attributes. The Scorer does not keep either slice.
type Response struct {
	Answers []int
	Attrs   []string
}

// Scorer accumulates responses for one framework.
type Scorer struct {
	fw       *cxm.Framework
	opts     Options
	items    []itemInfo
	comps    []compAcc
	counts   [][]int // per item, per answer option
	groupBy  []int   // index into Attrs of each GroupBy attribute
	groups   []map[string]*groupAcc
	n        int
	groupBuf []*groupAcc
	// pairs[c1*C+c2], c1 < c2, accumulates index(c2) − index(c1) over the
	// respondents included in both, for the paired comparisons of §4.10:
	// the weakest is known only at the end, so every pair is kept.
	pairs   []moments
	indexes []float64 // per competency, this respondent's index (NaN: left out)
	// cells counts respondents per combination of the breakdown's values,
	// for the disclosure audit across attributes (§4.11); only with two or
	// more attributes.
	cells  map[string]*cellAcc
	keyBuf []byte
}

type itemInfo struct {
	id      string
	comp    int
	reverse bool
	weight  float64
}

type compAcc struct {
	lo, hi   int     // the competency's items are items[lo:hi]
	index    moments // respondent indices (§4.1–4.3)
	complete []moments
	total    moments // sums of complete respondents' item values (§4.4)
}

type groupAcc struct {
	id    int // order of first appearance within its attribute; a key, never shown
	value string
	n     int
	comps []moments
}

// cellAcc is one cell of §4.11: how many respondents hold its combination of
// values (ids of groupAcc, one per attribute) and how many are included in
// each competency.
type cellAcc struct {
	groups []int
	n      int
	inc    []int
}

// New returns a Scorer for framework f.
func New(f *cxm.Framework, o Options) (*Scorer, error) {
	if o.MinGroup == 0 {
		o.MinGroup = DefaultMinGroup
	}
	if o.MinGroup < MinMinGroup {
		return nil, fmt.Errorf("minimum group size must be at least %d, not %d", MinMinGroup, o.MinGroup)
	}
	s := &Scorer{fw: f, opts: o}
	for c, comp := range f.Competencies {
		acc := compAcc{lo: len(s.items), complete: make([]moments, len(comp.Items))}
		for _, it := range comp.Items {
			s.items = append(s.items, itemInfo{id: it.ID, comp: c, reverse: it.Reverse, weight: it.Weight})
		}
		acc.hi = len(s.items)
		s.comps = append(s.comps, acc)
	}
	s.pairs = make([]moments, len(s.comps)*len(s.comps))
	s.indexes = make([]float64, len(s.comps))
	s.counts = make([][]int, len(s.items))
	for i := range s.counts {
		s.counts[i] = make([]int, f.Scale.Options())
	}
	seen := map[string]bool{}
	index := make(map[string]int, len(o.Attributes))
	for i := len(o.Attributes) - 1; i >= 0; i-- { // the first of equal names, as a scan would find
		index[o.Attributes[i]] = i
	}
	for _, g := range o.GroupBy {
		if seen[g] {
			return nil, fmt.Errorf("attribute %q is named twice in the breakdown", g)
		}
		seen[g] = true
		i, ok := index[g]
		if !ok {
			return nil, fmt.Errorf("cannot break down by %q: the responses have no such attribute (they have: %s)", g, listOrNone(o.Attributes))
		}
		s.groupBy = append(s.groupBy, i)
		s.groups = append(s.groups, map[string]*groupAcc{})
	}
	if len(o.GroupBy) >= 2 {
		s.cells = map[string]*cellAcc{}
	}
	return s, nil
}

func listOrNone(list []string) string {
	if len(list) == 0 {
		return "none"
	}
	// Linear, and short: a file may have many columns.
	const shown = 20
	var b strings.Builder
	for i, x := range list[:min(len(list), shown)] {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%q", x)
	}
	if len(list) > shown {
		fmt.Fprintf(&b, " and %d more", len(list)-shown)
	}
	return b.String()
}

// Add scores one response. An invalid response is refused whole and changes
// nothing.
func (s *Scorer) Add(r Response) error {
	sc := s.fw.Scale
	if len(r.Answers) != len(s.items) {
		return fmt.Errorf("response has %d answers, the framework has %d items", len(r.Answers), len(s.items))
	}
	if len(r.Attrs) != len(s.opts.Attributes) {
		return fmt.Errorf("response has %d attributes, expected %d", len(r.Attrs), len(s.opts.Attributes))
	}
	for i, a := range r.Answers {
		if a != NoAnswer && (a < sc.Min || a > sc.Max) {
			return fmt.Errorf("item %s: %d is not an integer from %d to %d", s.items[i].id, a, sc.Min, sc.Max)
		}
	}
	s.n++
	gs := s.groupBuf[:0]
	for gi, ai := range s.groupBy {
		v := r.Attrs[ai]
		g := s.groups[gi][v]
		if g == nil {
			g = &groupAcc{id: len(s.groups[gi]), value: v, comps: make([]moments, len(s.comps))}
			s.groups[gi][v] = g
		}
		g.n++
		gs = append(gs, g)
	}
	s.groupBuf = gs
	cell := s.cell(gs)

	span := float64(sc.Max - sc.Min)
	for c := range s.comps {
		acc := &s.comps[c]
		var sumW, sumWV float64
		answered := 0
		for i := acc.lo; i < acc.hi; i++ {
			a := r.Answers[i]
			if a == NoAnswer {
				continue
			}
			s.counts[i][a-sc.Min]++
			v := s.value(i, a)
			sumW += s.items[i].weight
			sumWV += s.items[i].weight * float64(v)
			answered++
		}
		j := acc.hi - acc.lo
		s.indexes[c] = math.NaN()
		if 2*answered < j { // fewer than ceil(J/2) answered (§4.1)
			continue
		}
		index := 100 * (sumWV/sumW - float64(sc.Min)) / span
		s.indexes[c] = index
		acc.index.add(index)
		if cell != nil {
			cell.inc[c]++
		}
		for _, g := range gs {
			g.comps[c].add(index)
		}
		if answered == j {
			total := 0
			for i := acc.lo; i < acc.hi; i++ {
				v := s.value(i, r.Answers[i])
				acc.complete[i-acc.lo].add(float64(v))
				total += v
			}
			acc.total.add(float64(total))
		}
	}
	s.addPairs()
	return nil
}

// addPairs adds this respondent's differences to every pair of competencies
// it is included in.
func (s *Scorer) addPairs() {
	nc := len(s.comps)
	for c1, x1 := range s.indexes {
		if math.IsNaN(x1) {
			continue
		}
		for c2 := c1 + 1; c2 < nc; c2++ {
			if x2 := s.indexes[c2]; !math.IsNaN(x2) {
				s.pairs[c1*nc+c2].add(x2 - x1)
			}
		}
	}
}

// cell returns the §4.11 cell of a respondent in groups gs (one per
// attribute), nil when fewer than two attributes are broken down. The key
// is the groups' ids, 4 bytes each; looking up string(buf) does not
// allocate.
func (s *Scorer) cell(gs []*groupAcc) *cellAcc {
	if s.cells == nil {
		return nil
	}
	buf := s.keyBuf[:0]
	for _, g := range gs {
		buf = binary.LittleEndian.AppendUint32(buf, uint32(g.id))
	}
	s.keyBuf = buf
	c := s.cells[string(buf)]
	if c == nil {
		c = &cellAcc{groups: make([]int, len(gs)), inc: make([]int, len(s.comps))}
		for i, g := range gs {
			c.groups[i] = g.id
		}
		s.cells[string(buf)] = c
	}
	c.n++
	return c
}

// value applies reverse keying (§3).
func (s *Scorer) value(i, answer int) int {
	if s.items[i].reverse {
		return s.fw.Scale.Min + s.fw.Scale.Max - answer
	}
	return answer
}

// Result computes the figures for the responses added so far. It may be
// called more than once.
func (s *Scorer) Result() *Result {
	f := s.fw
	q := tQuantiles{}
	res := &Result{
		Framework:    FrameworkRef{ID: f.ID, Version: f.Version},
		Respondents:  s.n,
		MinGroup:     s.opts.MinGroup,
		Competencies: []Competency{},
		Unscored:     []string{},
		Overall:      Overall{Rule: string(f.Rule), TiedWith: []string{}, Comparisons: []Comparison{}, Diagnosis: []Diagnosis{}},
		Items:        []Item{},
		Groups:       map[string][]Group{},
		Suppressed:   map[string]int{},
		Gaps:         map[string][]Gap{},
		GroupBy:      append([]string{}, s.opts.GroupBy...),
	}
	if s.opts.Withhold && s.n < s.opts.MinGroup {
		res.Withheld = true
		for _, attr := range s.opts.GroupBy {
			res.Groups[attr], res.Gaps[attr] = []Group{}, []Gap{}
		}
		return res
	}
	for c, comp := range f.Competencies {
		acc := &s.comps[c]
		if !s.scored(c) {
			res.Unscored = append(res.Unscored, comp.ID)
			continue
		}
		sd, ci := q.spread(acc.index)
		res.Competencies = append(res.Competencies, Competency{
			ID: comp.ID, Name: comp.Name, N: acc.index.n, Score: acc.index.mean, SD: sd, CI: ci,
			Alpha: alpha(acc), Rwg: rwg(acc, f.Scale.Options()), Complete: acc.total.n,
			Stage: f.Stages[f.StageOf(acc.index.mean)].ID, StageRange: s.stageRange(ci),
			Weak: acc.index.mean < f.WeakBelow,
		})
	}
	s.overall(res)
	s.certainty(res)
	s.itemResults(res)
	s.breakdowns(res, q)
	return res
}

// stageRange is [stage of ci[0], stage of ci[1]], each end clamped to
// 0..100 (§4.10); nil when ci is nil.
func (s *Scorer) stageRange(ci *[2]float64) *[2]string {
	if ci == nil {
		return nil
	}
	at := func(x float64) string {
		return s.fw.Stages[s.fw.StageOf(math.Max(0, math.Min(100, x)))].ID
	}
	return &[2]string{at(ci[0]), at(ci[1])}
}

// alpha is Cronbach's alpha over the complete respondents (§4.4).
func alpha(acc *compAcc) *float64 {
	j := float64(len(acc.complete))
	vt := acc.total.variance()
	if acc.total.n < 2 || vt == 0 {
		return nil
	}
	sum := 0.0
	for _, m := range acc.complete {
		sum += m.variance()
	}
	return ptr(j / (j - 1) * (1 - sum/vt))
}

// rwg is rwg(j) against a uniform null distribution over the A answer
// options, truncated to 0 when the observed variance exceeds it (§4.5).
func rwg(acc *compAcc, options int) *float64 {
	if acc.total.n < 2 {
		return nil
	}
	j := float64(len(acc.complete))
	mean := 0.0
	for _, m := range acc.complete {
		mean += m.variance()
	}
	mean /= j
	sigma := RandomVariance(options)
	if mean > sigma {
		return ptr(0)
	}
	qq := mean / sigma
	return ptr(j * (1 - qq) / (j*(1-qq) + qq))
}

// overall applies §4.7–4.8 to the scored competencies.
func (s *Scorer) overall(res *Result) {
	f := s.fw
	if len(res.Competencies) == 0 {
		return
	}
	sum := 0.0
	weakest := &res.Competencies[0]
	for i := range res.Competencies {
		c := &res.Competencies[i]
		sum += c.Score
		if c.Score < weakest.Score {
			weakest = c
		}
	}
	mean := sum / float64(len(res.Competencies))
	res.Overall.Mean = &mean
	res.Overall.Weakest = weakest.ID
	basis := weakest.Score
	if f.Rule == cxm.RuleMean {
		basis = mean
	}
	res.Overall.Stage = f.Stages[f.StageOf(basis)].ID
	if f.Rule != cxm.RuleMean {
		res.Overall.StageRange = weakest.StageRange
	}
	for _, c := range res.Competencies {
		if c.Weak {
			res.Overall.Diagnosis = append(res.Overall.Diagnosis, Diagnosis{
				Competency: c.ID, Label: f.Competency(c.ID).Weakness.Label, Score: c.Score,
			})
		}
	}
	sort.SliceStable(res.Overall.Diagnosis, func(i, j int) bool {
		return res.Overall.Diagnosis[i].Score < res.Overall.Diagnosis[j].Score
	})
}

// scored reports whether competency c gets figures: someone was included in
// it and, in the server's mode, at least k were (like an item's
// distribution, §4.12: the mean of fewer than k people is theirs alone).
func (s *Scorer) scored(c int) bool {
	n := s.comps[c].index.n
	return n > 0 && (!s.opts.Withhold || n >= s.opts.MinGroup)
}

func (s *Scorer) itemResults(res *Result) {
	sc := s.fw.Scale
	for i, it := range s.items {
		n, sum := 0, 0
		for k, c := range s.counts[i] {
			n += c
			sum += c * s.value(i, sc.Min+k)
		}
		item := Item{ID: it.id, Competency: s.fw.Competencies[it.comp].ID, N: n, Counts: append([]int{}, s.counts[i]...)}
		if s.opts.Withhold && n < s.opts.MinGroup {
			// §4.12: a distribution answered by fewer than k respondents
			// is not shown, nor its mean.
			item.Counts, item.Withheld = nil, true
			res.Items = append(res.Items, item)
			continue
		}
		if n > 0 {
			item.Index = ptr(100 * (float64(sum)/float64(n) - float64(sc.Min)) / float64(sc.Max-sc.Min))
		}
		res.Items = append(res.Items, item)
	}
}

// attrGroups is one attribute of a breakdown: its groups in value order,
// those hidden by the attribute's own rule, and per competency those hidden
// for it (§4.9, then §4.11).
type attrGroups struct {
	attr      string
	groups    []*groupAcc
	hidden    []bool
	hiddenFor [][]bool // [competency][group]
}

// breakdowns adds the groups of every attribute with the anonymity rules
// applied: §4.9 per attribute, then §4.11 across them.
func (s *Scorer) breakdowns(res *Result, q tQuantiles) {
	ags := make([]*attrGroups, len(s.opts.GroupBy))
	for gi, attr := range s.opts.GroupBy {
		ags[gi] = s.suppressAttr(attr, s.groups[gi])
	}
	if s.cells != nil {
		s.audit(ags)
	}
	for _, ag := range ags {
		s.breakdown(res, ag, q)
	}
}

// suppressAttr applies §4.9 to one attribute. Groups are in value order.
func (s *Scorer) suppressAttr(attr string, m map[string]*groupAcc) *attrGroups {
	k := s.opts.MinGroup
	groups := make([]*groupAcc, 0, len(m))
	for _, g := range m {
		groups = append(groups, g)
	}
	sort.Slice(groups, func(i, j int) bool { return groups[i].value < groups[j].value })

	counts := make([]int, len(groups))
	for i, g := range groups {
		counts[i] = g.n
	}
	hidden := suppress(counts, make([]bool, len(groups)), k)

	// The same rule per competency, over the respondents who answered it, so
	// that a shown group never reveals a competency only a few of its
	// members answered, directly or by subtraction.
	hiddenFor := make([][]bool, len(s.comps))
	for c := range s.comps {
		n := make([]int, len(groups))
		for i, g := range groups {
			n[i] = g.comps[c].n
		}
		hiddenFor[c] = suppress(n, append([]bool{}, hidden...), k)
	}
	return &attrGroups{attr: attr, groups: groups, hidden: hidden, hiddenFor: hiddenFor}
}

// breakdown writes one attribute's shown groups. suppressed counts the
// groups hidden for at least one scored competency (§4.11).
func (s *Scorer) breakdown(res *Result, ag *attrGroups, q tQuantiles) {
	shown := []Group{}
	suppressed := 0
	for i, g := range ag.groups {
		if ag.hidden[i] {
			suppressed++
			continue
		}
		out := Group{Value: g.value, N: g.n, Competencies: []GroupCompetency{}}
		partly := false
		for c, comp := range s.fw.Competencies {
			if s.comps[c].index.n == 0 {
				continue // unscored overall, so unscored in every group
			}
			gc := GroupCompetency{ID: comp.ID, N: g.comps[c].n}
			if ag.hiddenFor[c][i] {
				gc.Suppressed, partly = true, true
			} else {
				gc.Score = ptr(g.comps[c].mean)
				gc.SD, gc.CI = q.spread(g.comps[c])
				gc.Stage = s.fw.Stages[s.fw.StageOf(g.comps[c].mean)].ID
			}
			out.Competencies = append(out.Competencies, gc)
		}
		if partly {
			suppressed++
		}
		shown = append(shown, out)
	}
	res.Groups[ag.attr] = shown
	res.Suppressed[ag.attr] = suppressed
	res.Gaps[ag.attr] = gaps(shown)
}

// suppress hides every count below k, then, while the hidden counts add up
// to between 1 and k − 1, the smallest shown count too, so no hidden figure
// can be recovered by subtracting the shown ones from the total (§4.9).
// hidden may arrive with entries already hidden; it is returned updated.
func suppress(counts []int, hidden []bool, k int) []bool {
	total := 0
	for i, c := range counts {
		if c < k {
			hidden[i] = true
		}
		if hidden[i] {
			total += c
		}
	}
	for total > 0 && total < k {
		j := -1
		for i, c := range counts {
			if !hidden[i] && (j < 0 || c < counts[j]) {
				j = i
			}
		}
		if j < 0 {
			break
		}
		hidden[j] = true
		total += counts[j]
	}
	return hidden
}

// gaps is, per competency, the highest minus the lowest shown group score;
// a competency shown in fewer than two groups has no gap.
func gaps(groups []Group) []Gap {
	out := []Gap{}
	if len(groups) == 0 {
		return out
	}
	for c := range groups[0].Competencies {
		var hi, lo *Group
		var hs, ls float64
		shown := 0
		for i := range groups {
			sc := groups[i].Competencies[c].Score
			if sc == nil {
				continue
			}
			shown++
			if hi == nil || *sc > hs {
				hi, hs = &groups[i], *sc
			}
			if lo == nil || *sc < ls {
				lo, ls = &groups[i], *sc
			}
		}
		if shown >= 2 {
			out = append(out, Gap{Competency: groups[0].Competencies[c].ID, High: hi.Value, Low: lo.Value, Gap: hs - ls})
		}
	}
	return out
}
