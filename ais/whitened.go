package ais

import (
	"gonum.org/v1/gonum/mat"

	"boltzmann/model/gbrbm"
	"boltzmann/sample"
)

// WhitenedPath anneals a Whitened Gaussian-Bernoulli RBM (gbrbm.Whitened:
// the model of whitened data v = A(x - μ) seen in the units of x) along the
// GBRBMPath of its inner model: the chains hold x, each step maps them to
// v, runs the inner path's step and maps them back. The density of x at
// every β is that of v times |det A|, so the weight increments are the
// inner path's and log Z_0 is the inner base's minus log|det A|.
type WhitenedPath struct {
	w     *gbrbm.Whitened
	inner *GBRBMPath
}

var _ Path = (*WhitenedPath)(nil)

// NewWhitenedPath returns the path of w from independent Gaussians
// fitted to the whitened rows of x (GaussianBase; nil x: the inner
// model's own biases and variances).
func NewWhitenedPath(w *gbrbm.Whitened, x *mat.Dense) *WhitenedPath {
	var v *mat.Dense
	if x != nil {
		v = w.Whiten(x)
	}
	mean, variance := GaussianBase(w.Inner(), v)
	return &WhitenedPath{w: w, inner: NewGBRBMPath(w.Inner(), mean, variance)}
}

// Dim is the number of visible units.
func (p *WhitenedPath) Dim() int { return p.w.Dim() }

// LogZ0 is the inner base's log Z_0 - log|det A|.
func (p *WhitenedPath) LogZ0() float64 { return p.inner.LogZ0() - p.w.LogDet() }

// SampleBase draws v from the inner base and stores x = μ + A⁻¹v.
func (p *WhitenedPath) SampleBase(c *sample.Chains) {
	p.inner.SampleBase(c)
	c.Visible().Copy(p.w.Unwhiten(c.Visible()))
}

// Step runs the inner path's step on the whitened chains.
func (p *WhitenedPath) Step(c *sample.Chains, from, to float64, logw []float64, move, reverse bool) {
	c.Visible().Copy(p.w.Whiten(c.Visible()))
	p.inner.Step(c, from, to, logw, move, reverse)
	c.Visible().Copy(p.w.Unwhiten(c.Visible()))
}
