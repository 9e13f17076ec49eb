package linalg

import "fmt"

// The class terms of a labeled RBM's conditional p(y | x) (Larochelle &
// Bengio 2008): with u = xᵀW_data for one row, the free energy of the row
// with label c has the hidden part -Σ_j softplus(u_j + b_j + W_{D+c,j}),
// and its gradient the hidden probabilities σ(u_j + b_j + W_{D+c,j}).
// These are n·C·H transcendental functions per minibatch, more work than
// the products once H is in the thousands, so they run in float32 (a
// vectorized C loop in the openblas build).

// ClassSoftplus32 sets, for one row u (length nh) and each class c of the
// nc×nh class weights wc, o_j = u_j + bias_j + wc_{c,j},
//
//	sp[c] = Σ_j softplus(o_j)   and, when sig is not nil,   sig_{c,j} = σ(o_j)
//
// (sig nc×nh). tmp is scratch of at least nh floats. The terms are float32
// (e^x as Exp32, log1p to float32 rounding: relative error of a term below
// 1e-6); the sums are accumulated in 16 float32 partial sums and added in
// float64.
func ClassSoftplus32(u, bias, wc []float32, nc, nh int, sp []float64, sig, tmp []float32) {
	if len(u) < nh || len(bias) < nh || len(wc) < nc*nh || len(sp) < nc || len(tmp) < nh || (sig != nil && len(sig) < nc*nh) {
		panic(fmt.Sprintf("linalg: ClassSoftplus32 buffers too short for %d classes of %d hidden units", nc, nh))
	}
	if nc == 0 || nh == 0 {
		clear(sp[:nc])
		return
	}
	classSoftplus32(u, bias, wc, nc, nh, sp, sig, tmp)
}

// ClassCombine32 sets g_j = Σ_c d_c sig_{c,j} (length nh) and adds
// d_c sig_{c,j} to acw_{c,j} (nc×nh) for the nc×nh matrix sig: the hidden
// part of the conditional gradient of one row, whose class weights d_c =
// w(δ_cy - p(c|x)).
func ClassCombine32(sig, d []float32, nc, nh int, g, acw []float32) {
	if len(sig) < nc*nh || len(d) < nc || len(g) < nh || len(acw) < nc*nh {
		panic(fmt.Sprintf("linalg: ClassCombine32 buffers too short for %d classes of %d hidden units", nc, nh))
	}
	if nh == 0 {
		return
	}
	if nc == 0 {
		clear(g[:nh])
		return
	}
	classCombine32(sig, d, nc, nh, g, acw)
}

// log1pUnit32 returns log(1 + e) for e in [0, 1]: with s = e/(2+e) in
// [0, 1/3], log1p(e) = 2 atanh(s), its series to s¹⁵ (truncation below
// 1e-9 relative).
func log1pUnit32(e float32) float32 {
	s := e / (2 + e)
	z := s * s
	p := float32(1.0 / 15)
	p = p*z + 1.0/13
	p = p*z + 1.0/11
	p = p*z + 1.0/9
	p = p*z + 1.0/7
	p = p*z + 1.0/5
	p = p*z + 1.0/3
	p = p*z + 1
	return 2 * s * p
}

// classSoftplusGo is the loop of ClassSoftplus32 in Go (the pure-Go build).
func classSoftplusGo(u, bias, wc []float32, nc, nh int, sp []float64, sig, tmp []float32) {
	u, bias, tmp = u[:nh], bias[:nh], tmp[:nh]
	for c := range nc {
		w := wc[c*nh : (c+1)*nh]
		var sg []float32
		if sig != nil {
			sg = sig[c*nh : (c+1)*nh]
		}
		for j, uj := range u {
			o := uj + bias[j] + w[j]
			a := o
			if a < 0 {
				a = -a
			}
			e := Exp32(-a)
			t := log1pUnit32(e)
			if o > 0 {
				t += o
			}
			tmp[j] = t
			if sg != nil {
				if o > 0 {
					sg[j] = 1 / (1 + e)
				} else {
					sg[j] = e / (1 + e)
				}
			}
		}
		var acc [16]float32
		j := 0
		for ; j+16 <= nh; j += 16 {
			for k, v := range tmp[j : j+16] {
				acc[k] += v
			}
		}
		s := 0.0
		for ; j < nh; j++ {
			s += float64(tmp[j])
		}
		for _, v := range acc {
			s += float64(v)
		}
		sp[c] = s
	}
}

// classCombineGo is the loop of ClassCombine32 in Go.
func classCombineGo(sig, d []float32, nc, nh int, g, acw []float32) {
	g = g[:nh]
	clear(g)
	for c := range nc {
		dc := d[c]
		if dc == 0 {
			continue
		}
		s, a := sig[c*nh:(c+1)*nh], acw[c*nh:(c+1)*nh]
		for j, v := range s {
			v *= dc
			g[j] += v
			a[j] += v
		}
	}
}
