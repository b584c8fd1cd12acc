package score

import "math/big"

// essential reports, for each column of a 0/1 matrix with R rows whose
// columns are given by their supports (distinct columns, every one holding
// row 0) and that is marked in want, whether it is outside the span of the
// other columns; columns not wanted may read false either way. maxRank is an
// upper bound of the matrix's rank: the search for a column basis stops when
// it is reached.
//
// The answer is exact, by the first of three methods that can give it:
// arithmetic modulo a prime where that proves the answer (essentialMod:
// fast, and answers almost every large table), integer arithmetic with the
// entries kept below 2³¹ so that nothing can overflow and every division is
// checked to leave no remainder (essentialInt), and rationals (math/big).
func essential(R int, cols [][]int32, maxRank int, want []bool) []bool {
	if ess, ok := essentialMod(R, cols, maxRank, want); ok {
		return ess
	}
	if ess, ok := essentialInt(R, cols, maxRank); ok {
		return ess
	}
	return essentialRat(R, cols)
}

const intLimit = 1 << 31

func small(x int64) bool { return -intLimit < x && x < intLimit }

func gcd(a, b int64) int64 {
	if a < 0 {
		a = -a
	}
	if b < 0 {
		b = -b
	}
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// essentialInt finds a column basis B greedily (each column reduced against
// an echelon basis, fraction-free, divided by the gcd of its entries), takes
// the pivot rows I of that echelon basis (B restricted to I is then
// invertible), computes d·B_I⁻¹ by fraction-free Gauss–Jordan elimination,
// and writes every other column c in the basis as z = B_I⁻¹·c_I: a basis
// column is essential exactly when no z uses it. ok is false when a number
// would leave the int64-safe range.
func essentialInt(R int, cols [][]int32, maxRank int) (ess []bool, ok bool) {
	var basis [][]int64 // echelon vectors
	var pivots []int    // their pivot rows
	var inBasis []int   // the column each came from
	isBasis := make([]bool, len(cols))
	v := make([]int64, R)
	for j, sup := range cols {
		if len(basis) == maxRank {
			break
		}
		clear(v)
		for _, r := range sup {
			v[r] = 1
		}
		for k, b := range basis {
			p := pivots[k]
			if v[p] == 0 {
				continue
			}
			bp, vp := b[p], v[p]
			var g int64
			for i := range v {
				x := bp*v[i] - vp*b[i]
				if !small(x) {
					return nil, false
				}
				v[i] = x
				g = gcd(g, x)
			}
			if g > 1 {
				for i := range v {
					v[i] /= g
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
		basis = append(basis, append([]int64(nil), v...))
		pivots = append(pivots, p)
		inBasis = append(inBasis, j)
		isBasis[j] = true
	}
	r := len(basis)
	pos := make([]int, R) // row → its place in I, or −1
	for i := range pos {
		pos[i] = -1
	}
	for k, p := range pivots {
		pos[p] = k
	}
	inv, ok := adjugate(r, func(row, col int) int64 {
		for _, x := range cols[inBasis[col]] {
			if int(x) == pivots[row] {
				return 1
			}
		}
		return 0
	})
	if !ok {
		return nil, false
	}
	used := make([]bool, r)
	z := make([]int64, r)
	for j, sup := range cols {
		if isBasis[j] {
			continue
		}
		clear(z)
		for _, x := range sup {
			if q := pos[x]; q >= 0 {
				for k := range z {
					z[k] += inv[k][q] // |entries| < 2³¹, at most R terms: no overflow
				}
			}
		}
		for k, x := range z {
			if x != 0 {
				used[k] = true
			}
		}
	}
	ess = make([]bool, len(cols))
	for k, j := range inBasis {
		ess[j] = !used[k]
	}
	return ess, true
}

// adjugate returns d·A⁻¹ for the invertible r×r integer matrix A given by
// at, by fraction-free Gauss–Jordan elimination on [A | I]: after step k
// every entry is a k×k minor, so each division by the previous pivot is
// exact (checked). ok is false when an entry would leave the int64-safe
// range or A is singular.
func adjugate(r int, at func(row, col int) int64) ([][]int64, bool) {
	m := make([][]int64, r)
	for i := range m {
		m[i] = make([]int64, 2*r)
		for j := 0; j < r; j++ {
			m[i][j] = at(i, j)
		}
		m[i][r+i] = 1
	}
	prev := int64(1)
	for k := 0; k < r; k++ {
		p := k
		for p < r && m[p][k] == 0 {
			p++
		}
		if p == r {
			return nil, false
		}
		m[k], m[p] = m[p], m[k]
		piv := m[k][k]
		for i := 0; i < r; i++ {
			if i == k {
				continue
			}
			f := m[i][k]
			for j := range m[i] {
				x := piv*m[i][j] - f*m[k][j]
				if x%prev != 0 {
					return nil, false
				}
				if x /= prev; !small(x) {
					return nil, false
				}
				m[i][j] = x
			}
		}
		prev = piv
	}
	out := make([][]int64, r)
	for i := range m {
		out[i] = m[i][r:]
	}
	return out, true
}

// essentialRat is the same question answered with rationals: the reduced
// row echelon form of the matrix, where column j is outside the span of the
// others exactly when it is a pivot column whose pivot row has no other
// non-zero entry.
func essentialRat(R int, cols [][]int32) []bool {
	m := make([][]*big.Rat, R)
	for i := range m {
		m[i] = make([]*big.Rat, len(cols))
		for j := range m[i] {
			m[i][j] = new(big.Rat)
		}
	}
	for j, sup := range cols {
		for _, r := range sup {
			m[r][j].SetInt64(1)
		}
	}
	pivotRow := make([]int, len(cols))
	for j := range pivotRow {
		pivotRow[j] = -1
	}
	row := 0
	t := new(big.Rat)
	for j := 0; j < len(cols) && row < R; j++ {
		p := row
		for p < R && m[p][j].Sign() == 0 {
			p++
		}
		if p == R {
			continue
		}
		m[row], m[p] = m[p], m[row]
		inv := new(big.Rat).Inv(m[row][j])
		for jj := range m[row] {
			m[row][jj].Mul(m[row][jj], inv)
		}
		for i := 0; i < R; i++ {
			if i == row || m[i][j].Sign() == 0 {
				continue
			}
			f := new(big.Rat).Set(m[i][j])
			for jj := range m[i] {
				m[i][jj].Sub(m[i][jj], t.Mul(f, m[row][jj]))
			}
		}
		pivotRow[j] = row
		row++
	}
	ess := make([]bool, len(cols))
	for j, pr := range pivotRow {
		if pr < 0 {
			continue
		}
		alone := true
		for jj, x := range m[pr] {
			if jj != j && x.Sign() != 0 {
				alone = false
				break
			}
		}
		ess[j] = alone
	}
	return ess
}
