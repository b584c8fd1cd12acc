package score

import "math/bits"

// Arithmetic modulo the Mersenne prime 2⁶¹ − 1, used only where its answers
// are exact over the rationals (see essentialMod).
const mersenne = 1<<61 - 1

func mulMod(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	// hi·2⁶⁴ + lo ≡ 8·hi + (lo >> 61) + (lo & p), as 2⁶¹ ≡ 1.
	r := (lo & mersenne) + (lo >> 61) + (hi << 3)
	r = (r & mersenne) + (r >> 61)
	if r >= mersenne {
		r -= mersenne
	}
	return r
}

func addMod(a, b uint64) uint64 {
	r := a + b
	if r >= mersenne {
		r -= mersenne
	}
	return r
}

func subMod(a, b uint64) uint64 {
	if a >= b {
		return a - b
	}
	return a + mersenne - b
}

func invMod(a uint64) uint64 {
	r, e := uint64(1), uint64(mersenne-2)
	for e > 0 {
		if e&1 == 1 {
			r = mulMod(r, a)
		}
		a = mulMod(a, a)
		e >>= 1
	}
	return r
}

// essentialMod answers essential's question for the columns marked in want
// (the others are left false) with arithmetic modulo p = 2⁶¹ − 1, and only
// where that is exact over the rationals; ok is false when it cannot tell,
// and a slower exact method must answer.
//
// Why it is exact when ok: columns independent modulo p are independent
// over the rationals, so a greedy basis B modulo p that reaches maxRank
// columns (an upper bound of the rank) is a basis over the rationals; its
// pivot rows I make B_I invertible modulo p, hence over the rationals, and
// the coordinates z = B_I⁻¹·c_I of any column c reduce modulo p correctly,
// so z_k ≢ 0 (mod p) proves z_k ≠ 0: the basis column k is in the span of
// the others. A wanted basis column that no column uses modulo p is proved
// exposed only by an exact certificate: the row y = row k of B_I⁻¹,
// rebuilt as fractions from its residues, must satisfy y·M = e_j in
// integers; otherwise ok is false.
func essentialMod(R int, cols [][]int32, maxRank int, want []bool) (ess []bool, ok bool) {
	basis, pivots, inBasis := greedyMod(R, cols, maxRank)
	r := len(basis)
	if r < maxRank {
		return nil, false // B may not span the columns over the rationals
	}
	pos := make([]int, R) // row → its place in I, or −1
	for i := range pos {
		pos[i] = -1
	}
	for k, p := range pivots {
		pos[p] = k
	}
	inv := inverseMod(r, func(row, col int) bool {
		for _, x := range cols[inBasis[col]] {
			if int(x) == pivots[row] {
				return true
			}
		}
		return false
	})
	if inv == nil {
		return nil, false // cannot happen: B_I is triangular with a unit diagonal modulo p
	}
	basisOf := make([]int, len(cols)) // column → k, or −1
	for j := range basisOf {
		basisOf[j] = -1
	}
	for k, j := range inBasis {
		basisOf[j] = k
	}
	// The wanted basis columns not yet shown to be used by another column.
	var open []int
	for k, j := range inBasis {
		if want[j] {
			open = append(open, k)
		}
	}
	for j, sup := range cols {
		if len(open) == 0 {
			break
		}
		if basisOf[j] >= 0 {
			continue
		}
		still := open[:0]
		for _, k := range open {
			var z uint64
			for _, x := range sup {
				if q := pos[x]; q >= 0 {
					z = addMod(z, inv[k][q])
				}
			}
			if z == 0 {
				still = append(still, k)
			}
		}
		open = still
	}
	ess = make([]bool, len(cols))
	for _, k := range open {
		if !certifyExposed(cols, pos, inv[k], inBasis[k]) {
			return nil, false
		}
		ess[inBasis[k]] = true
	}
	return ess, true
}

// greedyMod is a greedy column basis modulo p: each column reduced against
// the echelon vectors so far (pivot entries 1), kept when something is left;
// it stops at maxRank columns.
func greedyMod(R int, cols [][]int32, maxRank int) (basis [][]uint64, pivots, inBasis []int) {
	v := make([]uint64, R)
	for j, sup := range cols {
		if len(basis) == maxRank {
			break
		}
		clear(v)
		for _, r := range sup {
			v[r] = 1
		}
		for k, b := range basis {
			f := v[pivots[k]]
			if f == 0 {
				continue
			}
			for i, x := range b {
				if x != 0 {
					v[i] = subMod(v[i], mulMod(f, x))
				}
			}
		}
		p := -1
		for i, x := range v {
			if x != 0 {
				p = i
				break
			}
		}
		if p < 0 {
			continue
		}
		s := invMod(v[p])
		b := make([]uint64, R)
		for i, x := range v {
			b[i] = mulMod(x, s)
		}
		basis = append(basis, b)
		pivots = append(pivots, p)
		inBasis = append(inBasis, j)
	}
	return basis, pivots, inBasis
}

// inverseMod inverts the r×r 0/1 matrix given by at modulo p by
// Gauss–Jordan elimination; nil when it is singular modulo p.
func inverseMod(r int, at func(row, col int) bool) [][]uint64 {
	m := make([][]uint64, r)
	for i := range m {
		m[i] = make([]uint64, 2*r)
		for j := 0; j < r; j++ {
			if at(i, j) {
				m[i][j] = 1
			}
		}
		m[i][r+i] = 1
	}
	for k := 0; k < r; k++ {
		p := k
		for p < r && m[p][k] == 0 {
			p++
		}
		if p == r {
			return nil
		}
		m[k], m[p] = m[p], m[k]
		if s := invMod(m[k][k]); s != 1 {
			for j := range m[k] {
				m[k][j] = mulMod(m[k][j], s)
			}
		}
		for i := 0; i < r; i++ {
			f := m[i][k]
			if i == k || f == 0 {
				continue
			}
			for j, x := range m[k] {
				if x != 0 {
					m[i][j] = subMod(m[i][j], mulMod(f, x))
				}
			}
		}
	}
	out := make([][]uint64, r)
	for i := range m {
		out[i] = m[i][r:]
	}
	return out
}

// certifyExposed proves column j's indicator is a combination of the rows:
// y (zero outside I, yI its residues on I) is rebuilt as fractions with
// numerators and denominators below 2³⁰, brought to a common denominator L
// (at most 2²⁴),
// and y·M must be L at column j and 0 at every other column, in exact
// integer arithmetic. False when any step fails.
func certifyExposed(cols [][]int32, pos []int, yI []uint64, j int) bool {
	num := make([]int64, len(yI))
	den := make([]int64, len(yI))
	L := int64(1)
	for q, y := range yI {
		n, d, ok := reconstruct(y)
		if !ok {
			return false
		}
		num[q], den[q] = n, d
		L = L / gcd(L, d) * d
		if L > 1<<24 {
			return false
		}
	}
	Y := make([]int64, len(yI))
	for q := range Y {
		Y[q] = num[q] * (L / den[q]) // |num| < 2³⁰, L ≤ 2²⁴: |Y| < 2⁵⁴
	}
	for jj, sup := range cols {
		var s int64 // one term per row of the column (row 0 and one per attribute): far below 2⁶³
		for _, x := range sup {
			if q := pos[x]; q >= 0 {
				s += Y[q]
			}
		}
		want := int64(0)
		if jj == j {
			want = L
		}
		if s != want {
			return false
		}
	}
	return true
}

// reconstruct finds n/d ≡ y (mod p) with |n|, d < 2³⁰ by the extended
// Euclidean algorithm (Wang's rational reconstruction).
func reconstruct(y uint64) (n, d int64, ok bool) {
	const bound = 1 << 30
	r0, r1 := int64(mersenne), int64(y)
	t0, t1 := int64(0), int64(1)
	for r1 >= bound {
		q := r0 / r1
		r0, r1 = r1, r0-q*r1
		t0, t1 = t1, t0-q*t1
	}
	if t1 == 0 || t1 >= bound || t1 <= -bound {
		return 0, 0, false
	}
	if t1 < 0 {
		t1, r1 = -t1, -r1
	}
	if gcd(r1, t1) != 1 {
		return 0, 0, false
	}
	return r1, t1, true
}
