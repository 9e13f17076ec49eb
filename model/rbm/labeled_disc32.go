package rbm

import (
	"math"
	"runtime"
	"sync"

	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/mat"

	"boltzmann/internal/linalg"
	"boltzmann/internal/parallel"
)

// The float32 mode of the conditional computations of a labeled RBM (its
// plain RBM in float32 mode, RBM.SetFloat32): -F(x, e_c) for every class
// and the exact gradient of log p(y | x) with the products x·W_data and
// xᵀG as OpenBLAS float32 products on whole blocks of rows and the n·C·H
// softplus and sigmoid values by the vectorized class kernels
// (linalg.ClassSoftplus32, linalg.ClassCombine32). The sums over the
// hidden units are formed in float64 from float32 terms; p(y | x), the
// gradient's class coefficients and the parameter update stay float64.

// condScratch is the reusable memory of one call (the minibatch's data
// rows, their hidden inputs and hidden coefficients, and the data-weight
// gradient).
type condScratch struct {
	x, u, g, gw []float32
}

var condPool sync.Pool

func getCondScratch(m, nv, nh, nd int) *condScratch {
	s, _ := condPool.Get().(*condScratch)
	if s == nil {
		s = new(condScratch)
	}
	s.x = grow32(s.x, m*nv)
	s.u = grow32(s.u, m*nh)
	s.g = grow32(s.g, m*nh)
	s.gw = grow32(s.gw, nd*nh)
	return s
}

func grow32(b []float32, n int) []float32 {
	if cap(b) < n {
		return make([]float32, n)
	}
	return b[:n]
}

// classBlockRows returns the number of rows of a block of the class
// computations: an even share of the m rows per core, at most 128.
func classBlockRows(m int) int { return chunk(m, 1, 128) }

// hiddenInput32 sets the rows [lo, hi) of s.x to the data rows of x with
// zero label units and of s.u to x·W_data (float32, one product).
func (l *Labeled) hiddenInput32(p *mirror, x *mat.Dense, s *condScratch, lo, hi int) {
	nv, nh := l.rbm.nv, l.rbm.nh
	xb := s.x[lo*nv : hi*nv]
	for k := lo; k < hi; k++ {
		row := xb[(k-lo)*nv : (k-lo+1)*nv]
		for i, v := range x.RawRowView(k)[:l.nd] {
			row[i] = float32(v)
		}
		clear(row[l.nd:])
	}
	p.k.MulW32(xb, hi-lo, p.w, false, s.u[lo*nh:hi*nh])
}

// classParams32 returns the float32 hidden biases and the class rows of W
// (C × H).
func (l *Labeled) classParams32(p *mirror) (b, wc []float32) {
	nh := l.rbm.nh
	b, wc = make([]float32, nh), make([]float32, l.nc*nh)
	p.k.Download32(b, p.b, 0)
	p.k.Download32(wc, p.w, l.nd*nh)
	return b, wc
}

// negLabelFreeEnergies32 is negLabelFreeEnergies in float32 mode.
func (l *Labeled) negLabelFreeEnergies32(x, out *mat.Dense) {
	r := l.rbm
	n, _ := x.Dims()
	if n == 0 {
		return
	}
	p := r.params32()
	b32, wc := l.classParams32(p)
	a := r.visibleBias()
	s := getCondScratch(n, r.nv, r.nh, 0)
	defer condPool.Put(s)
	bs := classBlockRows(n)
	parallel.For(parallel.Blocks(n, bs), func(blk int) {
		lo, hi := parallel.Range(blk, bs, n)
		l.hiddenInput32(p, x, s, lo, hi)
		tmp, sp := make([]float32, r.nh), make([]float64, l.nc)
		for k := lo; k < hi; k++ {
			linalg.ClassSoftplus32(s.u[k*r.nh:(k+1)*r.nh], b32, wc, l.nc, r.nh, sp, nil, tmp)
			ax := dot(a[:l.nd], x.RawRowView(k))
			neg := out.RawRowView(k)
			for c := range l.nc {
				neg[c] = ax + a[l.nd+c] + sp[c]
			}
		}
	})
}

// addConditionalGradient32 is AddConditionalGradient in float32 mode for
// the labeled rows x (m × D) with classes ys and weights wl (nil: 1).
func (l *Labeled) addConditionalGradient32(x *mat.Dense, ys []int, wl []float64, grad []float64) (logp, count float64) {
	r := l.rbm
	m, nd, nc, nh, nv := len(ys), l.nd, l.nc, r.nh, r.nv
	p := r.params32()
	b32, wc := l.classParams32(p)
	a := r.visibleBias()
	s := getCondScratch(m, nv, nh, nd)
	defer condPool.Put(s)
	bs := classBlockRows(m)
	nb := parallel.Blocks(m, bs)
	type acc struct {
		acw       []float32 // Σ d_c σ(o_cj) (C × H)
		al        []float64 // Σ d_c (C)
		logp, cnt float64
	}
	parts := make([]acc, nb)
	parallel.For(nb, func(blk int) {
		lo, hi := parallel.Range(blk, bs, m)
		l.hiddenInput32(p, x, s, lo, hi)
		pa := &parts[blk]
		pa.acw, pa.al = make([]float32, nc*nh), make([]float64, nc)
		sig, tmp := make([]float32, nc*nh), make([]float32, nh)
		negF, d := make([]float64, nc), make([]float32, nc)
		for k := lo; k < hi; k++ {
			linalg.ClassSoftplus32(s.u[k*nh:(k+1)*nh], b32, wc, nc, nh, negF, sig, tmp)
			mx := math.Inf(-1)
			for c := range nc {
				negF[c] += a[nd+c]
				mx = max(mx, negF[c])
			}
			z := 0.0
			for _, f := range negF {
				z += math.Exp(f - mx)
			}
			lse := mx + math.Log(z)
			wk := 1.0
			if wl != nil {
				wk = wl[k]
			}
			y := ys[k]
			pa.logp += wk * (negF[y] - lse)
			pa.cnt += wk
			for c := range nc {
				dc := -math.Exp(negF[c] - lse)
				if c == y {
					dc++
				}
				dc *= wk
				d[c] = float32(dc)
				pa.al[c] += dc
			}
			linalg.ClassCombine32(sig, d, nc, nh, s.g[k*nh:(k+1)*nh], pa.acw)
		}
	})
	// Data weights: grad_W -= xᵀG, one float32 product per column range
	// of the hidden units (each writes its own columns).
	ncol := max(16, (nh+runtime.GOMAXPROCS(0)-1)/runtime.GOMAXPROCS(0))
	ncol = (ncol + 15) / 16 * 16
	parallel.For(parallel.Blocks(nh, ncol), func(blk int) {
		lo, hi := parallel.Range(blk, ncol, nh)
		p.k.Gemm32(true, false, 1,
			linalg32(m, nd, nv, s.x), linalg32(m, hi-lo, nh, s.g[lo:]), 0, linalg32(nd, hi-lo, nh, s.gw[lo:]))
		for i := range nd {
			gr, gw := grad[i*nh+lo:i*nh+hi], s.gw[i*nh+lo:i*nh+hi]
			for j, v := range gw {
				gr[j] -= float64(v)
			}
		}
	})
	gb := grad[nv*nh+nv:]
	for k := range m {
		for j, v := range s.g[k*nh : (k+1)*nh] {
			gb[j] -= float64(v)
		}
	}
	for _, pa := range parts {
		gc := grad[nd*nh : nv*nh]
		for i, v := range pa.acw {
			gc[i] -= float64(v)
		}
		for c, v := range pa.al {
			grad[nv*nh+nd+c] -= v
		}
		logp += pa.logp
		count += pa.cnt
	}
	return logp, count
}

// linalg32 is a rows×cols row-major float32 matrix with the given stride.
func linalg32(rows, cols, stride int, data []float32) blas32.General {
	return blas32.General{Rows: rows, Cols: cols, Stride: stride, Data: data}
}
