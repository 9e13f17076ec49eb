// Package gaussian implements the multivariate Gaussian energy model over
// x ∈ R^D, the one energy-based model whose maximum-likelihood solution is
// known in closed form. Training it by Monte Carlo and comparing with
// FitMaxLikelihood checks the whole training loop.
//
// # Parameterization
//
// The parameters are the natural parameters of the Gaussian: the precision
// matrix A (D×D, symmetric positive definite) and the vector b = Aμ, where μ
// is the mean. The free energy is
//
//	F(x) = ½ xᵀ A x - bᵀ x
//	     = ½ (x-μ)ᵀ A (x-μ) - ½ μᵀ A μ,
//
// so FreeEnergy differs from the familiar ½(x-μ)ᵀA(x-μ) by the θ-dependent
// constant -½ bᵀA⁻¹b, which cancels in p(x) = exp(-F(x))/Z and is absorbed
// by LogPartition:
//
//	log Z = (D/2) log 2π - ½ log det A + ½ bᵀ A⁻¹ b.
//
// In these coordinates -L(θ) = <F>_data + log Z is convex, so plain gradient
// steps with the usual gradient <O>_data - <O>_model make sense. The
// sufficient statistics are
//
//	O_{A_ij} = ∂F/∂A_ij = ½ x_i x_j,    O_{b_i} = ∂F/∂b_i = -x_i.
//
// A is stored as a full D×D matrix (row-major), and F uses every stored
// entry, so the statistic of A_ij and of A_ji are equal: a gradient step keeps
// a symmetric A exactly symmetric. If A is made asymmetric by hand, the model
// is defined by its symmetric part (A+Aᵀ)/2 (the quadratic form only sees
// that part).
//
// # Validity
//
// The model is a probability distribution only while A is positive definite.
// A too large learning rate can leave that region. Valid reports it;
// LogPartition then returns +Inf (the integral diverges), Mean, Covariance
// and ExpectedStats return an error wrapping ErrNotPositiveDefinite, and
// SampleExact panics with a message that says so. A trainer should check
// Valid after each update when training this model.
package gaussian

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"

	"boltzmann/model"
)

// Kind is the model kind under which the Gaussian model is registered.
const Kind = "gaussian"

// ErrNotPositiveDefinite is returned (wrapped) when the precision matrix is
// not positive definite, so that the model is not a normalizable density.
var ErrNotPositiveDefinite = errors.New("gaussian: precision matrix is not positive definite")

func init() {
	model.Register(Kind, func(s model.Spec) (model.Model, error) {
		if s.Visible <= 0 || s.Hidden != 0 || s.States != 0 {
			return nil, fmt.Errorf("gaussian: spec needs visible > 0 and no hidden units or states, got %+v", s)
		}
		return New(s.Visible), nil
	})
}

// Model is the Gaussian energy model. Its parameter vector is
// [A (D×D row-major), b (D)], of length D² + D.
type Model struct {
	d      int
	params []float64
	a      blas64.General // aliases params[:d*d]
	b      []float64      // aliases params[d*d:]

	mu    sync.Mutex
	cache *factor
}

var (
	_ model.Model                = (*Model)(nil)
	_ model.EnergyGradient       = (*Model)(nil)
	_ model.ExactSampler         = (*Model)(nil)
	_ model.AnalyticLogPartition = (*Model)(nil)
	_ model.Specifier            = (*Model)(nil)
	_ model.Spaced               = (*Model)(nil)
)

// New returns the standard normal model over R^d: A = I, μ = b = 0.
func New(d int) *Model {
	if d <= 0 {
		panic(fmt.Sprintf("gaussian: New needs d > 0, got %d", d))
	}
	p := make([]float64, d*d+d)
	for i := range d {
		p[i*d+i] = 1
	}
	return &Model{
		d:      d,
		params: p,
		a:      blas64.General{Rows: d, Cols: d, Stride: d, Data: p[:d*d]},
		b:      p[d*d:],
	}
}

// FitMaxLikelihood returns the maximum-likelihood Gaussian for the rows of x
// (N × D): μ is the data mean and A the inverse of the biased (1/N) data
// covariance. It returns an error wrapping ErrNotPositiveDefinite if that
// covariance is singular (for example when N ≤ D or a column is constant).
func FitMaxLikelihood(x *mat.Dense) (*Model, error) {
	n, d := x.Dims()
	if n == 0 {
		return nil, errors.New("gaussian: FitMaxLikelihood: no data")
	}
	mean := make([]float64, d)
	for r := range n {
		for i, v := range x.RawRowView(r) {
			mean[i] += v
		}
	}
	for i := range mean {
		mean[i] /= float64(n)
	}
	cov := mat.NewSymDense(d, nil)
	dev := make([]float64, d)
	for r := range n {
		for i, v := range x.RawRowView(r) {
			dev[i] = v - mean[i]
		}
		blas64.Syr(1/float64(n), blas64.Vector{N: d, Inc: 1, Data: dev}, cov.RawSymmetric())
	}
	m := New(d)
	if err := m.SetMeanCovariance(mean, cov); err != nil {
		return nil, fmt.Errorf("gaussian: FitMaxLikelihood: data covariance is singular: %w", err)
	}
	return m, nil
}

// SetMeanPrecision sets the parameters to the Gaussian with mean mu
// (length D) and precision prec (D×D): A = prec, b = prec·mu. It does not
// check that prec is positive definite; call Valid for that.
func (m *Model) SetMeanPrecision(mu []float64, prec mat.Symmetric) {
	if len(mu) != m.d || prec.SymmetricDim() != m.d {
		panic(fmt.Sprintf("gaussian: SetMeanPrecision with mean of length %d and %d×%d precision for dimension %d",
			len(mu), prec.SymmetricDim(), prec.SymmetricDim(), m.d))
	}
	for i := range m.d {
		m.b[i] = 0
		for j := range m.d {
			v := prec.At(i, j)
			m.a.Data[i*m.d+j] = v
			m.b[i] += v * mu[j]
		}
	}
}

// SetMeanCovariance sets the parameters to the Gaussian with mean mu
// (length D) and covariance cov (D×D). It returns an error wrapping
// ErrNotPositiveDefinite, and leaves the model unchanged, if cov is not
// positive definite.
func (m *Model) SetMeanCovariance(mu []float64, cov mat.Symmetric) error {
	if len(mu) != m.d || cov.SymmetricDim() != m.d {
		panic(fmt.Sprintf("gaussian: SetMeanCovariance with mean of length %d and %d×%d covariance for dimension %d",
			len(mu), cov.SymmetricDim(), cov.SymmetricDim(), m.d))
	}
	var chol mat.Cholesky
	if !chol.Factorize(cov) {
		return ErrNotPositiveDefinite
	}
	var prec mat.SymDense
	if err := chol.InverseTo(&prec); err != nil {
		return fmt.Errorf("%w: %w", ErrNotPositiveDefinite, err)
	}
	m.SetMeanPrecision(mu, &prec)
	return nil
}

// Dim returns D.
func (m *Model) Dim() int { return m.d }

// Space returns ℝ^d.
func (m *Model) Space() model.Space { return model.RealSpace(m.d) }

// Params returns θ = [A (D×D row-major), b (D)]; it aliases the model.
func (m *Model) Params() []float64 { return m.params }

// Groups returns "precision" (A, shape [D, D], penalized by default: an L1
// penalty on it is the graphical lasso, diagonal included) and "bias"
// (b, shape [D], not penalized).
func (m *Model) Groups() []model.Group {
	d := m.d
	return []model.Group{
		{Name: "precision", Start: 0, Len: d * d, Shape: []int{d, d}, Penalized: true},
		{Name: "bias", Start: d * d, Len: d, Shape: []int{d}, Penalized: false},
	}
}

// Spec returns {Kind: "gaussian", Visible: D}.
func (m *Model) Spec() model.Spec { return model.Spec{Kind: Kind, Visible: m.d} }

func (m *Model) checkBatch(name string, x *mat.Dense) int {
	n, d := x.Dims()
	if d != m.d {
		panic(fmt.Sprintf("gaussian: %s with %d columns for dimension %d", name, d, m.d))
	}
	return n
}

// FreeEnergy writes F(x_r) = ½ x_rᵀ A x_r - bᵀ x_r in nats for each row of x
// (batch × D) into out (length batch). This is ½(x-μ)ᵀA(x-μ) - ½ bᵀA⁻¹b;
// see the package documentation.
func (m *Model) FreeEnergy(x *mat.Dense, out []float64) {
	n := m.checkBatch("FreeEnergy", x)
	if len(out) != n {
		panic(fmt.Sprintf("gaussian: FreeEnergy with out of length %d for %d rows", len(out), n))
	}
	ax := make([]float64, m.d)
	for r := range n {
		row := x.RawRowView(r)
		blas64.Gemv(blas.NoTrans, 1, m.a, vec(row), 0, vec(ax))
		out[r] = 0.5*blas64.Dot(vec(row), vec(ax)) - blas64.Dot(vec(row), vec(m.b))
	}
}

// AddStats adds Σ_r w_r O(x_r) to sum (length D² + D), with
// O_{A_ij} = ½ x_i x_j and O_{b_i} = -x_i. A nil w weights every row by 1.
func (m *Model) AddStats(x *mat.Dense, w []float64, sum []float64) {
	n := m.checkBatch("AddStats", x)
	d := m.d
	if len(sum) != d*d+d || (w != nil && len(w) != n) {
		panic(fmt.Sprintf("gaussian: AddStats with sum of length %d and %d weights for %d rows of dimension %d",
			len(sum), len(w), n, d))
	}
	if n == 0 {
		return
	}
	xr := x.RawMatrix()
	wx := xr
	if w != nil {
		wx = blas64.General{Rows: n, Cols: d, Stride: d, Data: make([]float64, n*d)}
		for r := range n {
			for i, v := range x.RawRowView(r) {
				wx.Data[r*d+i] = w[r] * v
			}
		}
	}
	// sum_A += ½ Xᵀ (W X); the product is symmetric, up to rounding that is
	// itself symmetric because x_i x_j = x_j x_i exactly.
	sa := blas64.General{Rows: d, Cols: d, Stride: d, Data: sum[:d*d]}
	blas64.Gemm(blas.Trans, blas.NoTrans, 0.5, xr, wx, 1, sa)
	sb := sum[d*d:]
	for r := range n {
		row := wx.Data[r*wx.Stride : r*wx.Stride+d]
		for i, v := range row {
			sb[i] -= v
		}
	}
}

// GradX writes ∂F/∂x = A_s x - b at each row of x (batch × D) into grad
// (batch × D), where A_s = (A+Aᵀ)/2 is the symmetric part of A.
func (m *Model) GradX(x, grad *mat.Dense) {
	n := m.checkBatch("GradX", x)
	if gn, gd := grad.Dims(); gn != n || gd != m.d {
		panic(fmt.Sprintf("gaussian: GradX with %d×%d grad for %d×%d x", gn, gd, n, m.d))
	}
	as := m.a
	if !m.symmetric() {
		as = m.symData()
	}
	g := grad.RawMatrix()
	for r := range n {
		copy(g.Data[r*g.Stride:r*g.Stride+m.d], m.b)
	}
	blas64.Gemm(blas.NoTrans, blas.Trans, 1, x.RawMatrix(), as, -1, g)
}

// SampleExact overwrites each row of x (batch × D) with an independent draw
// x = μ + U⁻¹z, z ~ N(0, I), where A = UᵀU is the Cholesky factorization of
// the symmetric part of A. It panics if A is not positive definite (check
// Valid first). The factorization is cached until Params change, and
// SampleExact may be called from several goroutines at once.
func (m *Model) SampleExact(rng *rand.Rand, x *mat.Dense) {
	n := m.checkBatch("SampleExact", x)
	f, err := m.factor()
	if err != nil {
		panic(fmt.Sprintf("gaussian: SampleExact: %v (check Valid before sampling)", err))
	}
	for r := range n {
		row := x.RawRowView(r)
		for i := range row {
			row[i] = rng.NormFloat64()
		}
		blas64.Trsv(blas.NoTrans, f.u, vec(row))
		for i := range row {
			row[i] += f.mean[i]
		}
	}
}

// LogPartition returns log Z = (D/2) log 2π - ½ log det A + ½ bᵀA⁻¹b in
// nats, or +Inf if A is not positive definite.
func (m *Model) LogPartition() float64 {
	f, err := m.factor()
	if err != nil {
		return math.Inf(1)
	}
	return f.logZ
}

// Valid returns nil if the parameters are finite and A is positive
// definite, and otherwise an error that says why (wrapping
// ErrNotPositiveDefinite for a finite A that is not positive definite).
func (m *Model) Valid() error {
	_, err := m.factor()
	return err
}

// Mean returns a new slice holding μ = A⁻¹b.
func (m *Model) Mean() ([]float64, error) {
	f, err := m.factor()
	if err != nil {
		return nil, err
	}
	return slices.Clone(f.mean), nil
}

// Precision returns a copy of the symmetric part (A+Aᵀ)/2 of the precision
// matrix (D×D).
func (m *Model) Precision() *mat.SymDense { return m.symPart() }

// Covariance returns Σ = A⁻¹ (D×D).
func (m *Model) Covariance() (*mat.SymDense, error) {
	f, err := m.factor()
	if err != nil {
		return nil, err
	}
	var c mat.SymDense
	if err := f.chol.InverseTo(&c); err != nil {
		return nil, fmt.Errorf("gaussian: Covariance: %w", err)
	}
	return &c, nil
}

// ExpectedStats writes the exact model expectation <O>_model into out
// (length D² + D): <O_{A_ij}> = ½(Σ_ij + μ_i μ_j), <O_{b_i}> = -μ_i. With
// the data average of AddStats it gives the exact log-likelihood gradient.
func (m *Model) ExpectedStats(out []float64) error {
	d := m.d
	if len(out) != d*d+d {
		panic(fmt.Sprintf("gaussian: ExpectedStats with out of length %d for %d parameters", len(out), d*d+d))
	}
	c, err := m.Covariance()
	if err != nil {
		return err
	}
	mu, _ := m.Mean()
	for i := range d {
		for j := range d {
			out[i*d+j] = 0.5 * (c.At(i, j) + mu[i]*mu[j])
		}
		out[d*d+i] = -mu[i]
	}
	return nil
}

// factor is the Cholesky factorization of the symmetric part of A for one
// parameter vector. It is never modified after it is built.
type factor struct {
	params []float64 // the parameters it was built from
	chol   mat.Cholesky
	u      blas64.Triangular
	mean   []float64
	logZ   float64
	err    error
}

// factor returns the factorization for the current parameters, rebuilding
// it if they changed since the last call.
func (m *Model) factor() (*factor, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.cache == nil || !slices.Equal(m.cache.params, m.params) {
		m.cache = m.newFactor()
	}
	return m.cache, m.cache.err
}

func (m *Model) newFactor() *factor {
	f := &factor{params: slices.Clone(m.params)}
	for _, v := range m.params {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			f.err = errors.New("gaussian: parameters are not finite")
			return f
		}
	}
	if !f.chol.Factorize(m.symPart()) {
		f.err = ErrNotPositiveDefinite
		return f
	}
	var u mat.TriDense
	f.chol.UTo(&u)
	f.u = u.RawTriangular()
	mean := mat.NewVecDense(m.d, nil)
	if err := f.chol.SolveVecTo(mean, mat.NewVecDense(m.d, slices.Clone(m.b))); err != nil {
		f.err = fmt.Errorf("%w: %w", ErrNotPositiveDefinite, err)
		return f
	}
	f.mean = mean.RawVector().Data
	f.logZ = 0.5*float64(m.d)*math.Log(2*math.Pi) - 0.5*f.chol.LogDet() + 0.5*blas64.Dot(vec(m.b), vec(f.mean))
	return f
}

// symmetric reports whether A is exactly symmetric.
func (m *Model) symmetric() bool {
	d := m.d
	for i := range d {
		for j := i + 1; j < d; j++ {
			if m.a.Data[i*d+j] != m.a.Data[j*d+i] {
				return false
			}
		}
	}
	return true
}

// symPart returns (A+Aᵀ)/2 as a new matrix.
func (m *Model) symPart() *mat.SymDense { return mat.NewSymDense(m.d, m.symData().Data) }

// symData returns (A+Aᵀ)/2 as a new full (both triangles) matrix.
func (m *Model) symData() blas64.General {
	d := m.d
	s := make([]float64, d*d)
	for i := range d {
		for j := range d {
			s[i*d+j] = 0.5 * (m.a.Data[i*d+j] + m.a.Data[j*d+i])
		}
	}
	return blas64.General{Rows: d, Cols: d, Stride: d, Data: s}
}

func vec(x []float64) blas64.Vector { return blas64.Vector{N: len(x), Inc: 1, Data: x} }
