package score

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/cxmhq/cxm"
)

// person is one respondent of a hand-made table: a value per attribute and
// whether it answers each of tiny's four competencies (all when skip is nil).
type person struct {
	vals []string
	skip []bool
}

func people(n int, skip []bool, vals ...string) []person {
	out := make([]person, n)
	for i := range out {
		out[i] = person{vals: vals, skip: skip}
	}
	return out
}

func scoreTable(t testing.TB, attrs []string, k int, ps []person) *Result {
	t.Helper()
	s, err := New(tiny(cxm.RuleWeakestLink), Options{Attributes: attrs, GroupBy: attrs, MinGroup: k})
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range ps {
		ans := make([]int, 8)
		for c := 0; c < 4; c++ {
			a, b := 1+(i+c)%5, 1+(2*i+c)%5
			if p.skip != nil && p.skip[c] {
				a, b = X, X
			}
			ans[2*c], ans[2*c+1] = a, b
		}
		if err := s.Add(Response{Answers: ans, Attrs: p.vals}); err != nil {
			t.Fatal(err)
		}
	}
	return s.Result()
}

// shownFor lists, per attribute, the groups shown for competency id, as
// "value:n" in value order.
func shownFor(r *Result, attrs []string, id string) map[string][]string {
	out := map[string][]string{}
	for _, a := range attrs {
		out[a] = []string{}
		for _, g := range r.Groups[a] {
			for _, c := range g.Competencies {
				if c.ID == id && c.Score != nil {
					out[a] = append(out[a], fmt.Sprintf("%s:%d", g.Value, c.N))
				}
			}
		}
	}
	return out
}

func concat(lists ...[]person) []person {
	var out []person
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// TestAuditSpecExample is §4.11's example: Sales = 5 managers + 1 staff,
// Ops = 6 staff, k = 5. Every group passes §4.9, yet Sales − manager is the
// lone Sales staff member. (a) hides Sales (6, against staff's 7; Ops's 6
// comes later in value order); total − Ops − manager still gives that
// member, so (b) hides Ops too; then the only shown sums are the total,
// manager and staff, and staff = Sales staff + Ops staff: nothing exposed.
func TestAuditSpecExample(t *testing.T) {
	attrs := []string{"department", "level"}
	ps := concat(people(5, nil, "Sales", "manager"), people(1, nil, "Sales", "staff"), people(6, nil, "Ops", "staff"))
	r := scoreTable(t, attrs, 5, ps)
	for _, c := range []string{"a", "b", "c", "d"} {
		want := map[string][]string{"department": {}, "level": {"manager:5", "staff:7"}}
		if got := shownFor(r, attrs, c); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: shown %v, want %v", c, got, want)
		}
	}
	// Both departments are still listed (with their sizes, which anyone may
	// know) but hidden for every competency.
	if len(r.Groups["department"]) != 2 || r.Suppressed["department"] != 2 || r.Suppressed["level"] != 0 {
		t.Errorf("groups %+v suppressed %v", r.Groups["department"], r.Suppressed)
	}
	// One attribute at a time nothing is hidden: the exposure needs both.
	for _, a := range attrs {
		s, _ := New(tiny(cxm.RuleWeakestLink), Options{Attributes: attrs, GroupBy: []string{a}, MinGroup: 5})
		for i, p := range ps {
			s.Add(Response{Answers: []int{1 + i%5, 2, 3, 4, 5, 1, 2, 3}, Attrs: p.vals})
		}
		if got := s.Result().Suppressed[a]; got != 0 {
			t.Errorf("by %s alone: %d suppressed", a, got)
		}
	}
}

// TestAuditTwoByTwo, worked on paper. k = 3, attributes A and B:
//
//	     b1  b2
//	a1    3   2     a1 = 5, a2 = 3, b1 = 3, b2 = 5: all pass §4.9.
//	a2    0   3
//
// Shown sums T, a1, a2, b1, b2. The cell a1b2 (2 < k) is a1 − b1: exposed.
// (a) the shown groups holding it are a1 (5) and b2 (5): a tie, attribute
// order takes a1. Left: T, a2, b1, b2, and a1b2 = b2 − a2 still. (b) hides
// A's smallest shown group, a2. Left: T, b1, b2, where a1b2 and a2b2 both
// read "b2" and cannot be told apart: done. A is hidden, B shown.
func TestAuditTwoByTwo(t *testing.T) {
	attrs := []string{"A", "B"}
	ps := concat(people(3, nil, "a1", "b1"), people(2, nil, "a1", "b2"), people(3, nil, "a2", "b2"))
	r := scoreTable(t, attrs, 3, ps)
	want := map[string][]string{"A": {}, "B": {"b1:3", "b2:5"}}
	if got := shownFor(r, attrs, "a"); !reflect.DeepEqual(got, want) {
		t.Errorf("shown %v, want %v", got, want)
	}
	if r.Suppressed["A"] != 2 || r.Suppressed["B"] != 0 {
		t.Errorf("suppressed %v", r.Suppressed)
	}
	// Fill the empty corner and the table is complete: a1b2 = a1 − a1b1,
	// but a1b1 is no shown sum, and +a1b1 − a1b2 − a2b1 + a2b2 cancels in
	// every shown sum, so no cell follows. Everything is shown.
	r = scoreTable(t, attrs, 3, append(ps, people(3, nil, "a2", "b1")...))
	want = map[string][]string{"A": {"a1:5", "a2:6"}, "B": {"b1:6", "b2:5"}}
	if got := shownFor(r, attrs, "a"); !reflect.DeepEqual(got, want) || r.Suppressed["A"]+r.Suppressed["B"] != 0 {
		t.Errorf("complete table: shown %v suppressed %v", got, r.Suppressed)
	}
}

// TestAuditThreeAttributes, worked on paper: a cell exposed only through
// three attributes, and only with a fraction. k = 3, the half of a 2×2×2
// table:
//
//	x1 = a1 b1 c1: 3    x2 = a1 b2 c2: 2    x3 = a2 b1 c2: 3    x4 = a2 b2 c1: 3
//
// Every group holds 5 or 6. Any two attributes form a complete 2×2 table, so
// no pair exposes anything; but with all three, a1 + b2 + c2 − T = 2·x2, so
// x2 = (a1 + b2 + c2 − T)/2 is exposed. (a): a1, b2 and c2 hold 5 each;
// attribute order takes a1. Then b2 + c2 − a2 = 2·x2 still; (b) hides a2.
// Left: T and B × C, a complete 2×2 table (x1 − x3 − x4 + x2 cancels in
// every shown sum): done. A is hidden, B and C shown.
func TestAuditThreeAttributes(t *testing.T) {
	attrs := []string{"A", "B", "C"}
	ps := concat(people(3, nil, "a1", "b1", "c1"), people(2, nil, "a1", "b2", "c2"),
		people(3, nil, "a2", "b1", "c2"), people(3, nil, "a2", "b2", "c1"))
	r := scoreTable(t, attrs, 3, ps)
	want := map[string][]string{"A": {}, "B": {"b1:6", "b2:5"}, "C": {"c1:6", "c2:5"}}
	if got := shownFor(r, attrs, "b"); !reflect.DeepEqual(got, want) {
		t.Errorf("shown %v, want %v", got, want)
	}
	if !reflect.DeepEqual(r.Suppressed, map[string]int{"A": 2, "B": 0, "C": 0}) {
		t.Errorf("suppressed %v", r.Suppressed)
	}
	// Any two of the attributes alone: nothing hidden.
	for _, pair := range [][]int{{0, 1}, {0, 2}, {1, 2}} {
		sub := []string{attrs[pair[0]], attrs[pair[1]]}
		var qs []person
		for _, p := range ps {
			qs = append(qs, person{vals: []string{p.vals[pair[0]], p.vals[pair[1]]}})
		}
		if r := scoreTable(t, sub, 3, qs); r.Suppressed[sub[0]]+r.Suppressed[sub[1]] != 0 {
			t.Errorf("%v alone: suppressed %v", sub, r.Suppressed)
		}
	}
}

// TestAuditPerCompetency: the audit counts only the respondents included in
// each competency. Cells a1b1 4, a1b2 2, a2b2 4, a2b1 3, where the three
// a2b1 respondents skip competency d. For a the table is complete and
// nothing is exposed; for d the a2b1 corner is empty, as in the 2×2 case.
func TestAuditPerCompetency(t *testing.T) {
	attrs := []string{"A", "B"}
	skipD := []bool{false, false, false, true}
	ps := concat(people(4, nil, "a1", "b1"), people(2, nil, "a1", "b2"), people(4, nil, "a2", "b2"),
		people(3, skipD, "a2", "b1"))
	r := scoreTable(t, attrs, 3, ps)
	// For a: complete 2×2 (4, 2, 3, 4): nothing exposed.
	if got := shownFor(r, attrs, "a"); !reflect.DeepEqual(got, map[string][]string{"A": {"a1:6", "a2:7"}, "B": {"b1:7", "b2:6"}}) {
		t.Errorf("a: shown %v", got)
	}
	// For d, a2b1 holds no one included: a1b2 (2) = a1 − b1 exposed. a1
	// (6) and b2 (6) tie; A first: a1 hidden, then a2 (4): A hidden for d.
	if got := shownFor(r, attrs, "d"); !reflect.DeepEqual(got, map[string][]string{"A": {}, "B": {"b1:4", "b2:6"}}) {
		t.Errorf("d: shown %v", got)
	}
	if r.Suppressed["A"] != 2 || r.Suppressed["B"] != 0 {
		t.Errorf("suppressed %v", r.Suppressed)
	}
}

// randomTable draws respondents over 2 or 3 attributes of 2 to 4 values
// (blank included), many cells small or empty, some respondents skipping a
// competency.
func randomTable(rng *rand.Rand) (attrs []string, ps []person) {
	na := 2 + rng.IntN(2)
	values := make([][]string, na)
	for a := range values {
		attrs = append(attrs, fmt.Sprintf("attr%d", a))
		nv := 2 + rng.IntN(3)
		for v := 0; v < nv; v++ {
			values[a] = append(values[a], []string{"", "v1", "v2", "v3"}[v])
		}
	}
	cells := 1
	for _, v := range values {
		cells *= len(v)
	}
	for i := 0; i < cells; i++ {
		n := 0
		if rng.IntN(3) > 0 {
			n = rng.IntN(8)
		}
		vals := make([]string, na)
		rest := i
		for a := range vals {
			vals[a] = values[a][rest%len(values[a])]
			rest /= len(values[a])
		}
		for j := 0; j < n; j++ {
			var skip []bool
			if rng.IntN(5) == 0 {
				skip = []bool{false, rng.IntN(2) == 0, false, rng.IntN(2) == 0}
			}
			ps = append(ps, person{vals: vals, skip: skip})
		}
	}
	return attrs, ps
}

// TestAuditBruteForce checks, for random small tables, with an independent
// computation (the rank of the shown sums' matrix with and without e_j, by
// Gaussian elimination over big.Rat), that no cell holding 1 to k − 1
// respondents included in a competency can be computed from the sums shown
// for it.
func TestAuditBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	hid := 0
	for trial := 0; trial < 400; trial++ {
		attrs, ps := randomTable(rng)
		k := 3 + rng.IntN(3)
		r := scoreTable(t, attrs, k, ps)
		for _, c := range r.Competencies {
			if c.N < k {
				// Its total alone tells the sum of its few respondents;
				// that is the competency's score, outside §4.11.
				continue
			}
			shown := shownFor(r, attrs, c.ID)
			for _, a := range attrs {
				hid += len(r.Groups[a]) - len(shown[a])
			}
			if cell := exposedBrute(attrs, ps, shown, c.ID, k); cell != "" {
				t.Fatalf("trial %d, k=%d, %s: cell %s is exposed; shown %v", trial, k, c.ID, cell, shown)
			}
		}
	}
	if hid == 0 {
		t.Fatal("no random table needed the audit")
	}
}

// exposedBrute returns a cell (values joined by "/") holding 1..k−1
// respondents included in competency id whose indicator lies in the row
// space of the shown sums, or "".
func exposedBrute(attrs []string, ps []person, shown map[string][]string, id string, k int) string {
	c := int(id[0] - 'a')
	inc := map[string]int{}
	for _, p := range ps {
		if p.skip == nil || !p.skip[c] {
			inc[strings.Join(p.vals, "/")]++
		}
	}
	var cells []string
	for cell := range inc {
		cells = append(cells, cell)
	}
	sort.Strings(cells)
	rows := [][]*big.Rat{}
	ones := func(keep func(vals []string) bool) []*big.Rat {
		row := make([]*big.Rat, len(cells))
		for j, cell := range cells {
			row[j] = new(big.Rat)
			if keep(strings.Split(cell, "/")) {
				row[j].SetInt64(1)
			}
		}
		return row
	}
	rows = append(rows, ones(func([]string) bool { return true }))
	for a, attr := range attrs {
		for _, g := range shown[attr] {
			value := g[:strings.LastIndex(g, ":")]
			rows = append(rows, ones(func(vals []string) bool { return vals[a] == value }))
		}
	}
	base := rankRat(rows)
	for j, cell := range cells {
		if n := inc[cell]; n < 1 || n >= k {
			continue
		}
		e := make([]*big.Rat, len(cells))
		for i := range e {
			e[i] = new(big.Rat)
		}
		e[j].SetInt64(1)
		if rankRat(append(append([][]*big.Rat{}, rows...), e)) == base {
			return cell
		}
	}
	return ""
}

// rankRat is the rank of a matrix by plain Gaussian elimination over the
// rationals (on a copy).
func rankRat(in [][]*big.Rat) int {
	m := make([][]*big.Rat, len(in))
	for i, row := range in {
		m[i] = make([]*big.Rat, len(row))
		for j, x := range row {
			m[i][j] = new(big.Rat).Set(x)
		}
	}
	if len(m) == 0 {
		return 0
	}
	rank := 0
	for col := 0; col < len(m[0]) && rank < len(m); col++ {
		p := rank
		for p < len(m) && m[p][col].Sign() == 0 {
			p++
		}
		if p == len(m) {
			continue
		}
		m[rank], m[p] = m[p], m[rank]
		for i := rank + 1; i < len(m); i++ {
			if m[i][col].Sign() == 0 {
				continue
			}
			f := new(big.Rat).Quo(m[i][col], m[rank][col])
			for j := col; j < len(m[i]); j++ {
				m[i][j].Sub(m[i][j], new(big.Rat).Mul(f, m[rank][j]))
			}
		}
		rank++
	}
	return rank
}

// TestAuditIgnoresOrder: the same respondents in another order give the
// same groups, shown and hidden, for every competency.
func TestAuditIgnoresOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	for trial := 0; trial < 100; trial++ {
		attrs, ps := randomTable(rng)
		k := 3 + rng.IntN(3)
		want := scoreTable(t, attrs, k, ps)
		qs := append([]person(nil), ps...)
		rng.Shuffle(len(qs), func(i, j int) { qs[i], qs[j] = qs[j], qs[i] })
		got := scoreTable(t, attrs, k, qs)
		for _, c := range want.Competencies {
			if a, b := shownFor(got, attrs, c.ID), shownFor(want, attrs, c.ID); !reflect.DeepEqual(a, b) {
				t.Fatalf("trial %d %s: shuffled %v, in order %v", trial, c.ID, a, b)
			}
		}
		if !reflect.DeepEqual(got.Suppressed, want.Suppressed) {
			t.Fatalf("trial %d: suppressed %v and %v", trial, got.Suppressed, want.Suppressed)
		}
	}
}

// TestEssentialIntMatchesRat: the integer method and the rational reduced
// row echelon form agree on random 0/1 matrices shaped like the audit's
// (row 0 in every column, one row per attribute at most), and the integer
// method needs no fallback on them.
func TestEssentialIntMatchesRat(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 300; trial++ {
		na := 2 + rng.IntN(3)
		sizes := make([]int, na)
		R, bound := 1, 1
		for a := range sizes {
			sizes[a] = 1 + rng.IntN(5)
			R += sizes[a]
			bound += sizes[a] // each attribute may also have hidden values
		}
		seen := map[string]bool{}
		var cols [][]int32
		for j := 0; j < 3+rng.IntN(40); j++ {
			sup := []int32{0}
			off := int32(1)
			for _, s := range sizes {
				if v := rng.IntN(s + 1); v < s {
					sup = append(sup, off+int32(v))
				}
				off += int32(s)
			}
			if key := fmt.Sprint(sup); !seen[key] {
				seen[key] = true
				cols = append(cols, sup)
			}
		}
		got, ok := essentialInt(R, cols, bound)
		if !ok {
			t.Fatalf("trial %d: the integer method gave up", trial)
		}
		if want := essentialRat(R, cols); !reflect.DeepEqual(got, want) {
			t.Fatalf("trial %d: %v, rationals say %v (columns %v)", trial, got, want, cols)
		}
	}
}

// TestAdjugateExact: d·A⁻¹ times A is d·I for random small integer
// matrices, and every division was exact.
func TestAdjugateExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	for trial := 0; trial < 200; trial++ {
		r := 1 + rng.IntN(7)
		a := make([][]int64, r)
		for i := range a {
			a[i] = make([]int64, r)
			for j := range a[i] {
				a[i][j] = int64(rng.IntN(2))
			}
		}
		inv, ok := adjugate(r, func(i, j int) int64 { return a[i][j] })
		if !ok {
			continue // singular
		}
		var d int64
		for i := 0; i < r; i++ {
			for j := 0; j < r; j++ {
				var s int64
				for l := 0; l < r; l++ {
					s += inv[i][l] * a[l][j]
				}
				if i == 0 && j == 0 {
					d = s
				}
				if (i == j && s != d) || (i != j && s != 0) || d == 0 {
					t.Fatalf("trial %d: adj·A[%d][%d] = %d (d = %d), A = %v", trial, i, j, s, d, a)
				}
			}
		}
	}
}

// TestEssentialModMatchesRat: where the modular method answers, it agrees
// with the rationals on every wanted column; it answers most of these
// tables, exposed columns included (proved by their certificates).
func TestEssentialModMatchesRat(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	answered, exposed := 0, 0
	for trial := 0; trial < 500; trial++ {
		na := 2 + rng.IntN(3)
		sizes := make([]int, na)
		R, bound := 1, 1
		hidden := make([]bool, na)
		var cols [][]int32
		seen := map[string]bool{}
		for a := range sizes {
			sizes[a] = 1 + rng.IntN(5)
			R += sizes[a]
		}
		for j := 0; j < 3+rng.IntN(60); j++ {
			sup := []int32{0}
			off := int32(1)
			for a, s := range sizes {
				if v := rng.IntN(s + 1); v < s {
					sup = append(sup, off+int32(v))
				} else {
					hidden[a] = true
				}
				off += int32(s)
			}
			if key := fmt.Sprint(sup); !seen[key] {
				seen[key] = true
				cols = append(cols, sup)
			}
		}
		// The audit's bound: 1 + Σ (values present − 1), hidden values
		// counting as one more value.
		for a, s := range sizes {
			bound += s - 1
			if hidden[a] {
				bound++
			}
		}
		want := make([]bool, len(cols))
		for j := range want {
			want[j] = rng.IntN(2) == 0
		}
		got, ok := essentialMod(R, cols, bound, want)
		if !ok {
			continue
		}
		answered++
		rat := essentialRat(R, cols)
		for j := range cols {
			if want[j] && got[j] != rat[j] {
				t.Fatalf("trial %d column %d: modular %v, rationals %v (columns %v)", trial, j, got[j], rat[j], cols)
			}
			if want[j] && got[j] {
				exposed++
			}
		}
	}
	t.Logf("answered %d of 500, %d exposed columns certified", answered, exposed)
	if answered < 100 || exposed < 50 {
		t.Errorf("answered %d tables, certified %d exposed columns", answered, exposed)
	}
}

func TestReconstruct(t *testing.T) {
	for _, f := range [][2]int64{{0, 1}, {1, 1}, {-1, 1}, {1, 2}, {-3, 2}, {7, 12}, {-5, 9}, {1<<29 + 3, 1<<29 - 1}} {
		y := mulMod(uint64((f[0]%mersenne+mersenne)%mersenne), invMod(uint64(f[1])))
		n, d, ok := reconstruct(y)
		if !ok || n*f[1] != f[0]*d || d <= 0 {
			t.Errorf("%d/%d: got %d/%d ok %v", f[0], f[1], n, d, ok)
		}
	}
}

// BenchmarkAuditSparse is the audit's hard case: 100,000 respondents spread
// uniformly over many attributes of many values, so almost every cell holds
// one respondent (every cell a candidate, the matrix as large as it gets).
// 8×100 is the most a closed attribute list allows (§4.12).
func BenchmarkAuditSparse(b *testing.B) {
	for _, size := range [][2]int{{4, 30}, {8, 30}, {8, 100}} {
		b.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(b *testing.B) {
			attrs := make([]string, size[0])
			for a := range attrs {
				attrs[a] = fmt.Sprint("x", a)
			}
			s, _ := New(tiny(cxm.RuleWeakestLink), Options{Attributes: attrs, GroupBy: attrs})
			rng := rand.New(rand.NewPCG(1, 1))
			vals := make([]string, size[0])
			for i := 0; i < 100000; i++ {
				for a := range vals {
					vals[a] = fmt.Sprint(rng.IntN(size[1]))
				}
				s.Add(Response{Answers: []int{1 + i%5, 2, 3, 4, 5, 1 + i%3, 2, 3}, Attrs: vals})
			}
			for b.Loop() {
				s.Result()
			}
		})
	}
}
