package gbrbm

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"

	"gonum.org/v1/gonum/mat"

	"boltzmann/exact"
	"boltzmann/model"
	"boltzmann/sample"
)

// Whitening methods of NewWhitening.
const (
	// WhitenZCA is ZCA-cor whitening, A = R^{-1/2} diag(1/s): the
	// symmetric whitening of the correlation matrix, so that each whitened
	// column stays as close as possible to its standardized column.
	WhitenZCA = "zca"
	// WhitenPCA is PCA-cor whitening, A = Λ^{-1/2} Uᵀ diag(1/s): the
	// principal components of the correlation matrix scaled to unit
	// variance, largest first.
	WhitenPCA = "pca"
)

// WhiteningRidge is the ridge δ added to the eigenvalues of the
// correlation matrix before they are inverted (NewWhitening): directions
// of the data with variance below about δ (nearly collinear columns) are
// not blown up to unit variance.
const WhiteningRidge = 1e-6

// OptionWhitened is the spec option that, set to "true", makes the
// registry build a Whitened model (the saved model of a run trained on
// whitened data: its model.npz holds the groups of Whitened.Groups).
const OptionWhitened = "whitened"

// NewWhitening returns the whitening v = A(x - mean) of the rows of x
// (n × D) by method (WhitenZCA or WhitenPCA): with s the column standard
// deviations (divisor n), R = U diag(λ) Uᵀ the correlation matrix and
// δ = WhiteningRidge,
//
//	zca: A = U diag((λ+δ)^{-1/2}) Uᵀ diag(1/s),
//	pca: A = diag((λ+δ)^{-1/2}) Uᵀ diag(1/s)   (λ in decreasing order),
//
// so that the whitened rows have mean 0 and covariance U diag(λ/(λ+δ)) Uᵀ
// (zca), the identity up to the ridge. Whitening the correlation rather
// than the covariance makes A independent of the columns' units (rescaling
// a column rescales the matching column of A). A constant column cannot be
// whitened: the error names it.
func NewWhitening(x *mat.Dense, method string) (mean []float64, a *mat.Dense, err error) {
	if method != WhitenZCA && method != WhitenPCA {
		return nil, nil, fmt.Errorf("gbrbm: unknown whitening %q (known: %s, %s)", method, WhitenZCA, WhitenPCA)
	}
	n, d := x.Dims()
	if n == 0 {
		return nil, nil, errors.New("gbrbm: no rows to whiten")
	}
	mean, variance := columnMoments(x)
	sd := make([]float64, d)
	for i, v := range variance {
		sd[i] = math.Sqrt(v)
		if !(sd[i] > 1e-12*(1+math.Abs(mean[i]))) || math.IsInf(sd[i], 0) {
			return nil, nil, fmt.Errorf("column %d is constant (%g in every row) and cannot be whitened: drop it", i+1, x.At(0, i))
		}
	}
	z := mat.NewDense(n, d, nil)
	for r := range n {
		zr := z.RawRowView(r)
		for i, v := range x.RawRowView(r) {
			zr[i] = (v - mean[i]) / sd[i]
		}
	}
	var corr mat.SymDense
	corr.SymOuterK(1/float64(n), z.T())
	var eig mat.EigenSym
	if !eig.Factorize(&corr, true) {
		return nil, nil, errors.New("gbrbm: the eigendecomposition of the correlation matrix did not converge")
	}
	lam := eig.Values(nil) // ascending
	var u mat.Dense
	eig.VectorsTo(&u)
	scale := make([]float64, d)
	for k, l := range lam {
		scale[k] = 1 / math.Sqrt(max(l, 0)+WhiteningRidge)
	}
	a = mat.NewDense(d, d, nil)
	switch method {
	case WhitenZCA: // U diag(scale) Uᵀ diag(1/s)
		for i := range d {
			for j := range d {
				s := 0.0
				for k := range d {
					s += u.At(i, k) * scale[k] * u.At(j, k)
				}
				a.Set(i, j, s/sd[j])
			}
		}
	case WhitenPCA: // row k: the k-th largest component, scaled
		for k := range d {
			col := d - 1 - k
			for j := range d {
				a.Set(k, j, scale[col]*u.At(j, col)/sd[j])
			}
		}
	}
	return mean, a, nil
}

// Whitened is a Gaussian-Bernoulli RBM of whitened data v = A(x - μ) seen
// in the units of the data x: A is a fixed invertible D×D matrix (a
// whitening, NewWhitening), μ a fixed mean. Its density is
//
//	p(x) = p_v(A(x - μ)) |det A|,
//
// so F(x) = F_v(A(x - μ)), log Z = log Z_v - log|det A|, and given h the
// data are Gaussian with a full covariance,
//
//	x | h ~ N(μ + A⁻¹(b + Wh), A⁻¹ diag(σ²) A⁻ᵀ),
//
// which no diagonal-σ Gaussian-Bernoulli RBM of x can express; that is
// why the map is kept beside the parameters instead of folded into them.
//
// Its parameter vector is the inner model's (Inner: W, b, c, z of v)
// followed by μ ("whitening_mean", D) and A ("whitening", D×D, row-major),
// so model.npz holds them under those names; their statistics are always
// zero, so a gradient step never changes them. In NumPy terms, with the
// arrays of model.npz:
//
//	v = (x - whitening_mean) @ whitening.T
//	log p(x) = log p_v(v) + log|det whitening|
//	x = whitening_mean + v @ inv(whitening).T   (a sample v of the inner model)
//
// Its sampler (Sampler) draws x | h from the full-covariance Gaussian
// above, with the transforms of model.Transform (tempering, fields,
// clamped entries) and an extra isotropic Gaussian factor (NoisyPosterior)
// for denoising, so inpainting and denoising condition on entries of x.
type Whitened struct {
	inner  *Model
	params []float64 // inner's, then μ (D), then A (D×D)
	extra  float64   // τ ≥ 0: the factor exp(-τ|x|²/2) of a noisy posterior

	mu    sync.Mutex
	seen  []float64  // A at the last refresh
	inv   *mat.Dense // A⁻¹
	logDA float64    // log|det A|
}

var (
	_ model.Model            = (*Whitened)(nil)
	_ model.Spaced           = (*Whitened)(nil)
	_ model.Specifier        = (*Whitened)(nil)
	_ model.Validator        = (*Whitened)(nil)
	_ sample.Provider        = (*Whitened)(nil)
	_ exact.HiddenEnumerable = (*Whitened)(nil)
)

// NewWhitened returns the model of x whose whitened data v = a(x - mean)
// follow inner. The parameters of inner are copied; mean (length D) and a
// (D×D) too.
func NewWhitened(inner *Model, mean []float64, a *mat.Dense) *Whitened {
	d := inner.nv
	if r, c := a.Dims(); len(mean) != d || r != d || c != d {
		panic(fmt.Sprintf("gbrbm: NewWhitened: %d means and a %d×%d matrix for %d units", len(mean), r, c, d))
	}
	k := len(inner.params)
	all := make([]float64, k+d+d*d)
	copy(all, inner.params)
	copy(all[k:], mean)
	for i := range d {
		copy(all[k+d+i*d:k+d+(i+1)*d], a.RawRowView(i))
	}
	in := *inner
	in.params = all[:k:k]
	return &Whitened{inner: &in, params: all}
}

// Inner returns the model of the whitened data v, aliasing w's parameters.
func (w *Whitened) Inner() *Model { return w.inner }

// Mean returns μ (length D), aliasing the model.
func (w *Whitened) Mean() []float64 {
	k := len(w.inner.params)
	return w.params[k : k+w.inner.nv]
}

// Matrix returns A (D×D), aliasing the model.
func (w *Whitened) Matrix() *mat.Dense {
	k, d := len(w.inner.params), w.inner.nv
	return mat.NewDense(d, d, w.params[k+d:])
}

// Dim is the number of visible units D.
func (w *Whitened) Dim() int { return w.inner.nv }

// HiddenDim is the number of hidden units H.
func (w *Whitened) HiddenDim() int { return w.inner.nh }

// Params returns (W, b, c, z, μ, A), aliasing the model.
func (w *Whitened) Params() []float64 { return w.params }

// Groups are the inner model's, then "whitening_mean" [D] and "whitening"
// [D, D] (not penalized; their statistics are zero).
func (w *Whitened) Groups() []model.Group {
	k, d := len(w.inner.params), w.inner.nv
	return append(w.inner.Groups(),
		model.Group{Name: "whitening_mean", Start: k, Len: d, Shape: []int{d}},
		model.Group{Name: "whitening", Start: k + d, Len: d * d, Shape: []int{d, d}})
}

// Space returns ℝ^D.
func (w *Whitened) Space() model.Space { return model.RealSpace(w.inner.nv) }

// Spec is the inner model's with Options[OptionWhitened] = "true".
func (w *Whitened) Spec() model.Spec {
	s := w.inner.Spec()
	o := map[string]string{OptionWhitened: "true"}
	for k, v := range s.Options {
		o[k] = v
	}
	s.Options = o
	return s
}

// refresh recomputes A⁻¹ and log|det A| if A changed since the last call;
// it returns an error for a singular or non-finite A.
func (w *Whitened) refresh() (*mat.Dense, float64, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a := w.Matrix()
	if w.inv != nil && slices.Equal(w.seen, a.RawMatrix().Data) {
		return w.inv, w.logDA, nil
	}
	var lu mat.LU
	lu.Factorize(a)
	d := w.inner.nv
	inv := mat.NewDense(d, d, nil)
	if err := lu.SolveTo(inv, false, eye(d)); err != nil {
		return nil, 0, fmt.Errorf("gbrbm: the whitening matrix is not invertible: %w", err)
	}
	ld, _ := lu.LogDet()
	if math.IsNaN(ld) || math.IsInf(ld, 0) {
		return nil, 0, fmt.Errorf("gbrbm: the whitening matrix has log|det| = %v", ld)
	}
	w.seen = append(w.seen[:0], a.RawMatrix().Data...)
	w.inv, w.logDA = inv, ld
	return inv, ld, nil
}

func eye(d int) *mat.Dense {
	m := mat.NewDense(d, d, nil)
	for i := range d {
		m.Set(i, i, 1)
	}
	return m
}

func (w *Whitened) mustRefresh() (*mat.Dense, float64) {
	inv, ld, err := w.refresh()
	if err != nil {
		panic(err.Error())
	}
	return inv, ld
}

// Valid returns nil when every parameter is finite and A is invertible.
func (w *Whitened) Valid() error {
	if err := w.inner.Valid(); err != nil {
		return err
	}
	for _, v := range w.params[len(w.inner.params):] {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("gbrbm: the whitening holds %v", v)
		}
	}
	_, _, err := w.refresh()
	return err
}

// LogDet returns log|det A|: log p(x) = log p_v(v) + LogDet().
func (w *Whitened) LogDet() float64 {
	_, ld := w.mustRefresh()
	return ld
}

// Whiten returns v = A(x - μ) for the rows of x (n × D).
func (w *Whitened) Whiten(x *mat.Dense) *mat.Dense {
	n := checkRows("Whiten", x, w.inner.nv, nil)
	mu := w.Mean()
	c := mat.NewDense(n, w.inner.nv, nil)
	for r := range n {
		cr := c.RawRowView(r)
		for i, v := range x.RawRowView(r) {
			cr[i] = v - mu[i]
		}
	}
	v := mat.NewDense(n, w.inner.nv, nil)
	v.Mul(c, w.Matrix().T())
	return v
}

// Unwhiten returns x = μ + A⁻¹v for the rows of v (n × D).
func (w *Whitened) Unwhiten(v *mat.Dense) *mat.Dense {
	n := checkRows("Unwhiten", v, w.inner.nv, nil)
	inv, _ := w.mustRefresh()
	x := mat.NewDense(n, w.inner.nv, nil)
	x.Mul(v, inv.T())
	mu := w.Mean()
	for r := range n {
		xr := x.RawRowView(r)
		for i := range xr {
			xr[i] += mu[i]
		}
	}
	return x
}

// FreeEnergy writes F(x_r) = F_v(A(x_r - μ)) for each row of x.
func (w *Whitened) FreeEnergy(x *mat.Dense, out []float64) {
	w.inner.FreeEnergy(w.Whiten(x), out)
}

// AddStats adds the inner model's statistics at the whitened rows; those
// of μ and A stay zero.
func (w *Whitened) AddStats(x *mat.Dense, wt []float64, sum []float64) {
	if len(sum) != len(w.params) {
		panic(fmt.Sprintf("gbrbm: AddStats into %d sums for %d parameters", len(sum), len(w.params)))
	}
	w.inner.AddStats(w.Whiten(x), wt, sum[:len(w.inner.params)])
}

// HiddenProb writes P(h = 1 | x_r) = P_v(h = 1 | A(x_r - μ)) into prob.
func (w *Whitened) HiddenProb(x, prob *mat.Dense) { w.inner.HiddenProb(w.Whiten(x), prob) }

// HiddenFreeEnergy writes F(h_r) = F_v(h_r) + log|det A|, so that Σ_h
// exp(-F(h)) = Z_v/|det A| is the normalizer of exp(-F(x)) over x.
func (w *Whitened) HiddenFreeEnergy(h *mat.Dense, out []float64) {
	_, ld := w.mustRefresh()
	w.inner.HiddenFreeEnergy(h, out)
	for r := range out {
		out[r] += ld
	}
}

// AddHiddenStats adds the inner model's hidden statistics; those of μ and
// A stay zero.
func (w *Whitened) AddHiddenStats(h *mat.Dense, wt []float64, sum []float64) {
	if len(sum) != len(w.params) {
		panic(fmt.Sprintf("gbrbm: AddHiddenStats into %d sums for %d parameters", len(sum), len(w.params)))
	}
	w.inner.AddHiddenStats(h, wt, sum[:len(w.inner.params)])
}

// Moments returns the exact mean μ + A⁻¹ m_v and covariance A⁻¹ C_v A⁻ᵀ
// of x from the inner model's (Model.Moments).
func (w *Whitened) Moments() (mean []float64, cov *mat.SymDense, err error) {
	mv, cv, err := w.inner.Moments()
	if err != nil {
		return nil, nil, err
	}
	d := w.inner.nv
	x := w.Unwhiten(mat.NewDense(1, d, mv))
	inv, _ := w.mustRefresh()
	var t mat.Dense
	t.Mul(inv, cv)
	var full mat.Dense
	full.Mul(&t, inv.T())
	cov = mat.NewSymDense(d, nil)
	for i := range d {
		for j := i; j < d; j++ {
			cov.SetSym(i, j, (full.At(i, j)+full.At(j, i))/2)
		}
	}
	return x.RawRowView(0), cov, nil
}

// NoisyPosterior returns the model of the posterior p(x | x̃) ∝ p(x)
// Π_i N(x̃_i; x_i, noise²) of clean data x given observations x̃ under
// additive Gaussian noise of standard deviation noise (in the units of x),
// without the observation: the model times exp(-|x|²/(2 noise²)), whose
// x | h is Gaussian with precision Λ + I/noise² (Λ = Aᵀ diag(1/σ²) A).
// The observation enters as the field x̃/noise² (model.Transform.Field),
// as for Model.NoisyPosterior. Only its sampler and VisibleMeanTransformed
// know the extra factor: its free energy and statistics are the prior's.
func (w *Whitened) NoisyPosterior(noise float64) *Whitened {
	if !(noise > 0) || math.IsInf(noise, 0) {
		panic(fmt.Sprintf("gbrbm: NoisyPosterior with noise %v", noise))
	}
	p := NewWhitened(w.inner, w.Mean(), w.Matrix())
	p.extra = w.extra + 1/(noise*noise)
	return p
}

// IsReal reports whether m is a Gaussian-Bernoulli RBM of real-valued
// data: a *Model or a *Whitened.
func IsReal(m model.Model) bool {
	switch m.(type) {
	case *Model, *Whitened:
		return true
	}
	return false
}
