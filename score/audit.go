package score

import (
	"encoding/binary"
	"sort"
)

// The disclosure audit across attributes (shared/spec/scoring.md §4.11).
//
// For one competency c, the shown figures are the total and the groups shown
// for c; each reveals the sum of the indices of the respondents included in
// c over a union of cells. Put them as the rows of a 0/1 matrix M whose
// columns are the cells holding someone included in c. A cell's sum can be
// computed from the shown sums exactly when its indicator e_j lies in the
// row space of M, which is the case exactly when column j of M is not in the
// span of the other columns (e_j·x = x_j for every x with Mx = 0). Hence:
//
//   - cells with identical columns (the same shown group in every attribute,
//     where hidden values of an attribute all read "not in a shown group")
//     can never be exposed, and are merged into one column;
//   - among the distinct columns, a column is outside the span of the others
//     when it belongs to a column basis B and no other column, written in
//     that basis, uses it.
//
// Everything is integer arithmetic, so the answer is exact: see essential.

// auditCell is one cell of the table of one competency: its group (index in
// value order) in every attribute and how many of its respondents are
// included in the competency.
type auditCell struct {
	vals []int
	n    int
}

// auditTable is what §4.11 needs for one competency.
type auditTable struct {
	k      int
	counts [][]int // [attribute][group]: respondents included in the competency
	cells  []auditCell
}

// audit applies §4.11 to every scored competency, hiding groups in
// ags[a].hiddenFor[c] until no cell is exposed.
func (s *Scorer) audit(ags []*attrGroups) {
	pos := make([][]int, len(ags)) // group id → index in value order
	for a, ag := range ags {
		pos[a] = make([]int, len(ag.groups))
		for i, g := range ag.groups {
			pos[a][g.id] = i
		}
	}
	all := make([]*cellAcc, 0, len(s.cells))
	for _, c := range s.cells {
		all = append(all, c)
	}
	vals := make([][]int, len(all))
	for i, c := range all {
		vals[i] = make([]int, len(ags))
		for a, id := range c.groups {
			vals[i][a] = pos[a][id]
		}
	}
	// Value order, so the work done (not its result) is the same whatever
	// the order of the respondents.
	idx := make([]int, len(all))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(x, y int) bool { return lessInts(vals[idx[x]], vals[idx[y]]) })

	var done []int // competencies audited so far
	starts := map[int][][]bool{}
	for c := range s.comps {
		if s.comps[c].index.n == 0 {
			continue
		}
		if d := sameTable(ags, all, done, starts, c); d >= 0 {
			// Respondents usually answer every competency: the same
			// table and the same starting point give the same answer.
			for _, ag := range ags {
				copy(ag.hiddenFor[c], ag.hiddenFor[d])
			}
			continue
		}
		done = append(done, c)
		start := make([][]bool, len(ags))
		for a, ag := range ags {
			start[a] = append([]bool(nil), ag.hiddenFor[c]...)
		}
		t := &auditTable{k: s.opts.MinGroup, counts: make([][]int, len(ags))}
		hidden := make([][]bool, len(ags))
		for a, ag := range ags {
			hidden[a] = ag.hiddenFor[c]
			t.counts[a] = make([]int, len(ag.groups))
			for i, g := range ag.groups {
				t.counts[a][i] = g.comps[c].n
			}
		}
		for _, i := range idx {
			if n := all[i].inc[c]; n > 0 {
				t.cells = append(t.cells, auditCell{vals: vals[i], n: n})
			}
		}
		t.run(hidden)
		starts[c] = start
	}
}

// sameTable returns an audited competency whose table equals c's (every
// cell includes as many respondents) and whose groups hidden before the
// audit were those hidden for c now, or −1.
func sameTable(ags []*attrGroups, cells []*cellAcc, done []int, starts map[int][][]bool, c int) int {
next:
	for _, d := range done {
		for _, cell := range cells {
			if cell.inc[c] != cell.inc[d] {
				continue next
			}
		}
		for a, ag := range ags {
			for g, h := range ag.hiddenFor[c] {
				if h != starts[d][a][g] {
					continue next
				}
			}
		}
		return d
	}
	return -1
}

func lessInts(a, b []int) bool {
	for i := range a {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return false
}

// run is the loop of §4.11: while some cell is exposed, (a) hide the shown
// group holding an exposed cell with the fewest respondents included (or,
// when none holds one, the smallest shown group), then (b) that attribute's
// smallest shown groups while a cell is still exposed. hidden[a][g] is
// updated in place. It stops when only the total is left.
func (t *auditTable) run(hidden [][]bool) {
	exposed := t.exposed(hidden)
	for len(exposed) > 0 {
		a, g, ok := t.pick(hidden, exposed)
		if !ok {
			return // only the total is shown
		}
		hidden[a][g] = true
		for {
			if exposed = t.exposed(hidden); len(exposed) == 0 {
				return
			}
			g, ok := t.smallest(hidden, a)
			if !ok {
				break
			}
			hidden[a][g] = true
		}
	}
}

// pick is step (a): among the shown groups containing an exposed cell, the
// one with the fewest respondents included, ties by attribute order, then
// value order; when none contains one, the smallest shown group by the same
// order.
func (t *auditTable) pick(hidden [][]bool, exposed []int) (a, g int, ok bool) {
	better := func(a2, g2 int) bool {
		if !ok {
			return true
		}
		n, n2 := t.counts[a][g], t.counts[a2][g2]
		return n2 < n || n2 == n && (a2 < a || a2 == a && g2 < g)
	}
	for _, e := range exposed {
		for a2, g2 := range t.cells[e].vals {
			if !hidden[a2][g2] && better(a2, g2) {
				a, g, ok = a2, g2, true
			}
		}
	}
	if ok {
		return a, g, true
	}
	for a2 := range hidden {
		if g2, found := t.smallest(hidden, a2); found && better(a2, g2) {
			a, g, ok = a2, g2, true
		}
	}
	return a, g, ok
}

// smallest is attribute a's shown group with the fewest respondents
// included, ties in value order.
func (t *auditTable) smallest(hidden [][]bool, a int) (int, bool) {
	best := -1
	for g, h := range hidden[a] {
		if !h && (best < 0 || t.counts[a][g] < t.counts[a][best]) {
			best = g
		}
	}
	return best, best >= 0
}

// exposed lists the cells holding 1 to k − 1 respondents included whose sum
// follows from the shown sums.
func (t *auditTable) exposed(hidden [][]bool) []int {
	rowOf, rows := shownRows(hidden)
	m := t.merge(rowOf)
	want := make([]bool, len(m.cols))
	some := false
	for j := range m.cols {
		want[j] = m.size[j] == 1 && t.cells[m.only[j]].n < t.k
		some = some || want[j]
	}
	if !some {
		return nil
	}
	order := nearFirst(m.cols)
	sorted := make([][]int32, len(order))
	sortedWant := make([]bool, len(order))
	for i, j := range order {
		sorted[i], sortedWant[i] = m.cols[j], want[j]
	}
	var out []int
	for i, ess := range essential(rows, sorted, m.rankBound, sortedWant) {
		if j := order[i]; ess && want[j] {
			out = append(out, m.only[j])
		}
	}
	sort.Ints(out)
	return out
}

// shownRows numbers the rows of M: 0 is the total, then every shown group
// (rowOf[a][g]; −1 for a hidden group).
func shownRows(hidden [][]bool) (rowOf [][]int32, rows int) {
	rowOf = make([][]int32, len(hidden))
	rows = 1
	for a, h := range hidden {
		rowOf[a] = make([]int32, len(h))
		for g, hid := range h {
			rowOf[a][g] = -1
			if !hid {
				rowOf[a][g] = int32(rows)
				rows++
			}
		}
	}
	return rowOf, rows
}

// merged is M with cells of identical columns merged: each distinct
// column's support (row 0, then its shown group in each attribute), how
// many cells share it and, when one does, which; and 1 + Σ (values − 1),
// the hidden values of an attribute counting as one value, an upper bound
// of the rank of M.
type merged struct {
	cols      [][]int32
	size      []int
	only      []int
	rankBound int
}

func (t *auditTable) merge(rowOf [][]int32) merged {
	var m merged
	values := make([]int, len(rowOf)) // shown groups with someone, + 1 for any hidden
	seenValue := make([]map[int32]bool, len(rowOf))
	for a := range seenValue {
		seenValue[a] = map[int32]bool{}
	}
	index := map[string]int{}
	key := make([]byte, 0, 4*len(rowOf))
	for i, cell := range t.cells {
		key = key[:0]
		for a, g := range cell.vals {
			r := rowOf[a][g]
			if !seenValue[a][r] {
				seenValue[a][r] = true
				values[a]++
			}
			key = binary.LittleEndian.AppendUint32(key, uint32(r))
		}
		j, seen := index[string(key)]
		if !seen {
			j = len(m.cols)
			index[string(key)] = j
			sup := []int32{0}
			for a, g := range cell.vals {
				if r := rowOf[a][g]; r >= 0 {
					sup = append(sup, r)
				}
			}
			m.cols = append(m.cols, sup)
			m.size = append(m.size, 0)
			m.only = append(m.only, i)
		}
		m.size[j]++
	}
	m.rankBound = 1
	for _, v := range values {
		m.rankBound += v - 1
	}
	return m
}

// nearFirst orders the columns by how far they are from the first one
// (differing in one attribute, then two, ...): in a well-filled table the
// nearest alone span the column space, so the search for a basis ends
// early and every other column costs only a few additions.
func nearFirst(cols [][]int32) []int {
	near := make([]int, len(cols))
	for j, sup := range cols {
		near[j] = distance(sup, cols[0])
	}
	order := make([]int, len(cols))
	for j := range order {
		order[j] = j
	}
	sort.SliceStable(order, func(x, y int) bool { return near[order[x]] < near[order[y]] })
	return order
}

// distance counts the rows in one support and not the other (both sorted
// ascending, as built: row 0, then one row per attribute in order).
func distance(a, b []int32) int {
	d, i, j := 0, 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || i < len(a) && a[i] < b[j]:
			d, i = d+1, i+1
		case i == len(a) || b[j] < a[i]:
			d, j = d+1, j+1
		default:
			i, j = i+1, j+1
		}
	}
	return d
}
