package model

import "math"

// fitStack fits the second-stage logistic regression by Newton's method
// with a small ridge penalty; deterministic, no randomness.
func fitStack(xs [][StackWidth]float64, ys []bool, posWeight float64) [StackWidth]float64 {
	const lambda, iters = 1.0, 30
	var beta [StackWidth]float64
	for range iters {
		var g [StackWidth]float64
		var h [StackWidth][StackWidth]float64
		for i := range xs {
			x := &xs[i]
			p := stackProb(beta, x)
			y, w := 0.0, 1.0
			if ys[i] {
				y, w = 1, posWeight
			}
			r := w * (p - y)
			c := w * p * (1 - p)
			for a := range StackWidth {
				g[a] += r * x[a]
				for b := range StackWidth {
					h[a][b] += c * x[a] * x[b]
				}
			}
		}
		for a := 1; a < StackWidth; a++ {
			g[a] += lambda * beta[a]
			h[a][a] += lambda
		}
		h[0][0] += 1e-6
		step, ok := solve(h, g)
		if !ok {
			break
		}
		for a := range beta {
			beta[a] -= step[a]
		}
	}
	return beta
}

// solve solves h·x = g by Gaussian elimination with partial pivoting.
func solve(h [StackWidth][StackWidth]float64, g [StackWidth]float64) ([StackWidth]float64, bool) {
	const n = StackWidth
	for c := range n {
		piv := c
		for r := c + 1; r < n; r++ {
			if math.Abs(h[r][c]) > math.Abs(h[piv][c]) {
				piv = r
			}
		}
		if math.Abs(h[piv][c]) < 1e-12 {
			return g, false
		}
		h[c], h[piv] = h[piv], h[c]
		g[c], g[piv] = g[piv], g[c]
		for r := c + 1; r < n; r++ {
			f := h[r][c] / h[c][c]
			for k := c; k < n; k++ {
				h[r][k] -= f * h[c][k]
			}
			g[r] -= f * g[c]
		}
	}
	var x [StackWidth]float64
	for r := n - 1; r >= 0; r-- {
		v := g[r]
		for k := r + 1; k < n; k++ {
			v -= h[r][k] * x[k]
		}
		x[r] = v / h[r][r]
	}
	return x, true
}
