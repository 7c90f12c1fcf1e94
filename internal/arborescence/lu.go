package arborescence

import "math"

// eliminate runs Gauss-Jordan elimination with partial pivoting on the
// n×n matrix m (left unchanged) and returns log|det m| and, when inverse
// is set, the inverse of m; ok is false when m is singular or its
// determinant is not positive (a Laplacian's is).
//
// Each pivot row is divided by its pivot before the rows below are
// reduced, so without the inverse it is an LU factorisation (pivots on
// L's diagonal, U unit upper triangular) and the log-determinant is the
// sum of the pivots' logs; with it, the rows above are reduced too and the
// identity beside m becomes its inverse. Both ways the pivots are the
// same, and so is the determinant.
func eliminate(n int, m []float64, inverse bool) (inv []float64, logdet float64, ok bool) {
	a := append([]float64(nil), m...)
	if inverse {
		inv = make([]float64, n*n)
		for i := 0; i < n; i++ {
			inv[i*n+i] = 1
		}
	}
	sign := 1.0
	for k := 0; k < n; k++ {
		p := k
		for i := k + 1; i < n; i++ {
			if math.Abs(a[i*n+k]) > math.Abs(a[p*n+k]) {
				p = i
			}
		}
		if a[p*n+k] == 0 || math.IsNaN(a[p*n+k]) {
			return nil, 0, false
		}
		if p != k {
			for j := 0; j < n; j++ {
				a[k*n+j], a[p*n+j] = a[p*n+j], a[k*n+j]
			}
			if inverse {
				for j := 0; j < n; j++ {
					inv[k*n+j], inv[p*n+j] = inv[p*n+j], inv[k*n+j]
				}
			}
			sign = -sign
		}
		piv := a[k*n+k]
		if piv < 0 {
			sign = -sign
		}
		logdet += math.Log(math.Abs(piv))
		// Columns before k are zero in the pivot row (and stay so), so
		// the determinant alone needs only the columns after it.
		from := k + 1
		if inverse {
			from = 0
		}
		for j := from; j < n; j++ {
			a[k*n+j] /= piv
		}
		if inverse {
			for j := 0; j < n; j++ {
				inv[k*n+j] /= piv
			}
		}
		for i := 0; i < n; i++ {
			if i == k || (i < k && !inverse) {
				continue
			}
			f := a[i*n+k]
			if f == 0 {
				continue
			}
			for j := from; j < n; j++ {
				a[i*n+j] -= f * a[k*n+j]
			}
			if inverse {
				for j := 0; j < n; j++ {
					inv[i*n+j] -= f * inv[k*n+j]
				}
			}
		}
	}
	return inv, logdet, sign > 0
}

// logDet returns log|det m|; ok is false when m is singular or its
// determinant is not positive.
func logDet(n int, m []float64) (float64, bool) {
	_, ld, ok := eliminate(n, m, false)
	return ld, ok
}

// invert returns the inverse of m and log|det m|; ok is false when m is
// singular or its determinant is not positive.
func invert(n int, m []float64) ([]float64, float64, bool) {
	return eliminate(n, m, true)
}
