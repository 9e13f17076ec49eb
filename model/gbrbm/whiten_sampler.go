package gbrbm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"gonum.org/v1/gonum/mat"

	"boltzmann/model"
	"boltzmann/sample"
)

var _ model.Temperer = (*Whitened)(nil)

// TemperParams writes the parameters of the model with energy β·E: the
// inner model's tempered parameters (Model.TemperParams) and the same
// whitening (β·E_x(x, h) = β·E_v(A(x - μ), h)).
func (w *Whitened) TemperParams(beta float64, dst []float64) error {
	if len(dst) != len(w.params) {
		panic(fmt.Sprintf("gbrbm: TemperParams into %d parameters for %d", len(dst), len(w.params)))
	}
	k := len(w.inner.params)
	if err := w.inner.TemperParams(beta, dst[:k]); err != nil {
		return err
	}
	copy(dst[k:], w.params[k:])
	return nil
}

// TemperStats maps statistics at the tempered parameters back to the
// base's, as the inner model does.
func (w *Whitened) TemperStats(beta float64, stats []float64) {
	w.inner.TemperStats(beta, stats[:len(w.inner.params)])
}

// WhitenedGibbs is the block Gibbs sampler of a Whitened model: one
// transition draws h from P(h | x) = P_v(h | A(x - μ)) and then x from
// its Gaussian conditional given h. Seen through a model.Transform with
// inverse temperature β, field f, clamped entries O and, for a noisy
// posterior (Whitened.NoisyPosterior), an extra factor exp(-τ|x|²/2), the
// free entries F of x given h and x_O are Gaussian with precision P_FF and
// mean P_FF⁻¹(η_F - P_FO x_O), where
//
//	P = β Λ + τ I,   Λ = Aᵀ diag(1/σ²) A,
//	η = β Aᵀ diag(1/σ²)(b + Wh + Aμ) + f,
//
// drawn by a Cholesky factorization of P_FF for each pattern of clamped
// entries among the chains (a real draw, never the mean); h | x is
// σ(β(c + Wᵀ diag(1/σ²) v)), v = A(x - μ). Each block of chains draws from
// its own random stream, D normals per chain and transition whatever the
// clamp, so results depend on the seed only.
type WhitenedGibbs struct{}

var (
	_ sample.Sampler         = WhitenedGibbs{}
	_ sample.TransformRunner = WhitenedGibbs{}
)

// Sampler returns WhitenedGibbs (sample.Provider).
func (w *Whitened) Sampler() sample.Sampler { return WhitenedGibbs{} }

// RunsTransforms reports true: Step samples a model.Transformed of a
// *Whitened with the transform.
func (WhitenedGibbs) RunsTransforms() bool { return true }

// resolveWhitened returns the Whitened model under mm and its transform
// (nil for the model itself).
func resolveWhitened(mm model.Model) (*Whitened, *model.Transform) {
	switch m := mm.(type) {
	case *Whitened:
		return m, nil
	case model.Transformed:
		if b, ok := m.Base().(*Whitened); ok {
			t := m.Transform()
			if !(t.InvTemp() > 0) {
				panic(fmt.Sprintf("gbrbm: transform with inverse temperature %v (need β > 0)", t.InvTemp()))
			}
			return b, t
		}
	}
	panic(fmt.Sprintf("gbrbm: WhitenedGibbs needs a *gbrbm.Whitened or a model.Transformed of one, got %T", mm))
}

// conditional holds, for a Whitened model seen through a transform, what
// the Gaussian x | h needs: η's constant part k0 (D), its hidden part U
// (D×H: η = k0 + U h + f), P, and a factorization per clamp pattern.
type conditional struct {
	w       *Whitened
	t       *model.Transform
	beta    float64
	k0      []float64
	u       *mat.Dense
	p       *mat.Dense
	pattern []int // chain → index into groups
	groups  []*clampGroup
}

type clampGroup struct {
	free, obs []int
	chol      mat.Cholesky
	pfo       *mat.Dense // P_FO
	u         *mat.TriDense
}

func newConditional(w *Whitened, t *model.Transform, chains int) *conditional {
	d, h := w.inner.nv, w.inner.nh
	beta := t.InvTemp()
	a := w.Matrix()
	inv := w.inner.invVariances()
	// G = β Aᵀ diag(1/σ²) (D×D).
	g := mat.NewDense(d, d, nil)
	for i := range d {
		gr := g.RawRowView(i)
		for k := range d {
			gr[k] = beta * a.At(k, i) * inv[k]
		}
	}
	cd := &conditional{w: w, t: t, beta: beta}
	cd.p = mat.NewDense(d, d, nil)
	cd.p.Mul(g, a)
	for i := range d {
		cd.p.Set(i, i, cd.p.At(i, i)+w.extra)
	}
	// k0 = G (b + A μ).
	am := mat.NewVecDense(d, nil)
	am.MulVec(a, mat.NewVecDense(d, append([]float64(nil), w.Mean()...)))
	b := w.inner.VisibleBias()
	for i := range d {
		am.SetVec(i, am.AtVec(i)+b[i])
	}
	k0 := mat.NewVecDense(d, nil)
	k0.MulVec(g, am)
	cd.k0 = k0.RawVector().Data
	cd.u = mat.NewDense(d, h, nil)
	cd.u.Mul(g, w.inner.Weights())

	cd.pattern = make([]int, chains)
	index := map[string]int{}
	var key strings.Builder
	for r := range chains {
		clamp := t.ClampRow(r)
		key.Reset()
		for i := range d {
			if clamp != nil && !math.IsNaN(clamp[i]) {
				key.WriteByte('1')
			} else {
				key.WriteByte('0')
			}
		}
		k, ok := index[key.String()]
		if !ok {
			k = len(cd.groups)
			index[key.String()] = k
			cd.groups = append(cd.groups, cd.group(key.String()))
		}
		cd.pattern[r] = k
	}
	return cd
}

func (cd *conditional) group(key string) *clampGroup {
	g := &clampGroup{}
	for i, c := range key {
		if c == '1' {
			g.obs = append(g.obs, i)
		} else {
			g.free = append(g.free, i)
		}
	}
	nf := len(g.free)
	if nf == 0 {
		return g
	}
	pff := mat.NewSymDense(nf, nil)
	for a, i := range g.free {
		for b := a; b < nf; b++ {
			pff.SetSym(a, b, cd.p.At(i, g.free[b]))
		}
	}
	if !g.chol.Factorize(pff) {
		panic("gbrbm: the conditional precision of the free entries is not positive definite")
	}
	g.u = mat.NewTriDense(nf, mat.Upper, nil)
	g.chol.UTo(g.u)
	if len(g.obs) > 0 {
		g.pfo = mat.NewDense(nf, len(g.obs), nil)
		for a, i := range g.free {
			for b, j := range g.obs {
				g.pfo.Set(a, b, cd.p.At(i, j))
			}
		}
	}
	return g
}

// mean writes E[x_r | h_r, x_O] into out (a row per chain): clamped
// entries their values, free ones the conditional mean; x supplies the
// clamped values (already applied).
func (cd *conditional) mean(h, x, out *mat.Dense, lo, hi int) {
	d := cd.w.inner.nv
	eta := make([]float64, d)
	for r := lo; r < hi; r++ {
		cd.eta(r, h.RawRowView(r), eta)
		g := cd.groups[cd.pattern[r]]
		xr, or := x.RawRowView(r), out.RawRowView(r)
		copy(or, xr)
		if len(g.free) == 0 {
			continue
		}
		y := cd.freeMean(g, eta, xr)
		for a, i := range g.free {
			or[i] = y.AtVec(a)
		}
	}
}

func (cd *conditional) eta(r int, h []float64, eta []float64) {
	copy(eta, cd.k0)
	nh := cd.w.inner.nh
	ud := cd.u.RawMatrix().Data
	for i := range eta {
		row := ud[i*nh : (i+1)*nh]
		s := 0.0
		for j, hj := range h {
			s += row[j] * hj
		}
		eta[i] += s
	}
	if f := cd.t.FieldRow(r); f != nil {
		for i, fi := range f {
			eta[i] += fi
		}
	}
}

// freeMean solves P_FF y = η_F - P_FO x_O.
func (cd *conditional) freeMean(g *clampGroup, eta, xr []float64) *mat.VecDense {
	nf := len(g.free)
	rhs := mat.NewVecDense(nf, nil)
	for a, i := range g.free {
		rhs.SetVec(a, eta[i])
	}
	if g.pfo != nil {
		xo := mat.NewVecDense(len(g.obs), nil)
		for b, j := range g.obs {
			xo.SetVec(b, xr[j])
		}
		var t mat.VecDense
		t.MulVec(g.pfo, xo)
		rhs.SubVec(rhs, &t)
	}
	y := mat.NewVecDense(nf, nil)
	if err := g.chol.SolveVecTo(y, rhs); err != nil {
		panic("gbrbm: " + err.Error())
	}
	return y
}

// Step advances every chain by n transitions x → h → x.
func (WhitenedGibbs) Step(mm model.Model, c *sample.Chains, n int) {
	w, t := resolveWhitened(mm)
	d := w.inner.nv
	if c.Dim() != d {
		panic("gbrbm: WhitenedGibbs on chains of another dimension than the model's")
	}
	if n <= 0 {
		return
	}
	nc := c.Len()
	if c.Hidden() == nil {
		c.SetHidden(mat.NewDense(nc, w.inner.nh, nil))
	}
	cx, ch := c.Visible(), c.Hidden()
	cd := newConditional(w, t, nc)
	tb := &model.Transform{Beta: cd.beta}
	t.ApplyClamp(cx)
	ph := mat.NewDense(nc, w.inner.nh, nil)
	for range n {
		w.inner.HiddenProbTransformed(tb, w.Whiten(cx), ph)
		c.ForBlocks(func(lo, hi int, rng *rand.Rand) {
			eta := make([]float64, d)
			eps := make([]float64, d)
			for r := lo; r < hi; r++ {
				h := ch.RawRowView(r)
				for j, p := range ph.RawRowView(r) {
					h[j] = 0
					if rng.Float64() < p {
						h[j] = 1
					}
				}
				for i := range eps {
					eps[i] = rng.NormFloat64()
				}
				g := cd.groups[cd.pattern[r]]
				if len(g.free) == 0 {
					continue
				}
				xr := cx.RawRowView(r)
				cd.eta(r, h, eta)
				y := cd.freeMean(g, eta, xr)
				// x_F = y + U⁻¹ε_F: covariance U⁻¹U⁻ᵀ = P_FF⁻¹.
				e := mat.NewVecDense(len(g.free), nil)
				for a, i := range g.free {
					e.SetVec(a, eps[i])
				}
				if err := e.SolveVec(g.u, e); err != nil {
					panic("gbrbm: " + err.Error())
				}
				for a, i := range g.free {
					xr[i] = y.AtVec(a) + e.AtVec(a)
				}
			}
		})
	}
}

// VisibleMeanTransformed writes E_t[x_r | h_r] into mean (a row per
// chain) for the chains' hidden rows h under the model seen through t
// (nil: the model itself), with the clamped values of t: the
// Rao-Blackwellized estimate of the posterior mean in inpainting and
// denoising.
func (w *Whitened) VisibleMeanTransformed(t *model.Transform, h, mean *mat.Dense) {
	n := checkRows("VisibleMeanTransformed", h, w.inner.nh, nil)
	checkRows("VisibleMeanTransformed", mean, w.inner.nv, make([]float64, n))
	if t == nil {
		t = &model.Transform{Beta: 1}
	}
	cd := newConditional(w, t, n)
	x := mat.NewDense(n, w.inner.nv, nil)
	t.ApplyClamp(x)
	cd.mean(h, x, mean, 0, n)
}
