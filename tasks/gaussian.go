package tasks

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/mat"

	"boltzmann/model"
	"boltzmann/model/gbrbm"
	"boltzmann/sample"
)

// DenoiseGaussian infers clean data from x (n × Dim), observed under
// additive Gaussian noise x̃ = v + sigma·ε, ε ~ N(0, I) (sigma in the units
// of the data), by Gibbs sampling the posterior p(v | x̃) ∝ p(v) Π_i
// N(x̃_i; v_i, sigma²) of a Gaussian-Bernoulli RBM: the posterior is again
// such a model (gbrbm.Model.NoisyPosterior) with the observation as an
// extra visible field x̃/sigma² (model.Transform), sampled by the model's
// own Gibbs kernel. The posterior mean is Rao-Blackwellized: the average of
// E[v | h, x̃] over the sweeps after burn-in. x must be complete (no NaN):
// fill in missing entries with Inpaint.
func DenoiseGaussian(m model.Model, x *mat.Dense, sigma float64, s *InferSettings) (*Posterior, error) {
	if !gbrbm.IsReal(m) {
		return nil, fmt.Errorf("tasks: DenoiseGaussian needs a Gaussian-Bernoulli RBM, got %T", m)
	}
	g := m.(realModel)
	if !(sigma > 0) || math.IsInf(sigma, 0) {
		return nil, fmt.Errorf("tasks: DenoiseGaussian: noise standard deviation %v must be positive and finite", sigma)
	}
	n, d := x.Dims()
	if d != g.Dim() {
		return nil, fmt.Errorf("tasks: data have %d columns, the model %d visible units", d, g.Dim())
	}
	field := mat.NewDense(n, d, nil)
	for r := range n {
		for i, v := range x.RawRowView(r) {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("tasks: DenoiseGaussian: row %d column %d is %v: denoising needs complete data (fill in missing entries with inpaint)", r+1, i+1, v)
			}
			field.Set(r, i, v/(sigma*sigma))
		}
	}
	var post realModel
	switch g := g.(type) {
	case *gbrbm.Model:
		post = g.NoisyPosterior(sigma)
	case *gbrbm.Whitened:
		post = g.NoisyPosterior(sigma)
	}
	return gaussianPosterior(post, &model.Transform{Beta: 1, Field: field}, x, s)
}

// realModel is a gbrbm.Model or a gbrbm.Whitened.
type realModel interface {
	model.Model
	VisibleMeanTransformed(t *model.Transform, h, mean *mat.Dense)
}

// startValues returns where the missing entries of inpainting start: the
// visible biases of a gbrbm.Model, the whitening mean (the training data's
// mean) of a gbrbm.Whitened.
func startValues(g realModel) []float64 {
	if w, ok := g.(*gbrbm.Whitened); ok {
		return w.Mean()
	}
	return g.(*gbrbm.Model).VisibleBias()
}

// inpaintGaussian samples p(v_missing | v_observed) of a Gaussian-Bernoulli
// RBM with the observed entries clamped (model.Transform.Clamp); the
// missing entries start at the model's visible biases.
func inpaintGaussian(g realModel, x *mat.Dense, missing []bool, s *InferSettings) (*Posterior, error) {
	n, d := x.Dims()
	if d != g.Dim() {
		return nil, fmt.Errorf("tasks: data have %d columns, the model %d visible units", d, g.Dim())
	}
	clamp := mat.DenseCopyOf(x)
	start := mat.DenseCopyOf(x)
	b := startValues(g)
	for r := range n {
		cr, sr := clamp.RawRowView(r), start.RawRowView(r)
		for i, v := range cr {
			switch {
			case missing[r*d+i]:
				cr[i], sr[i] = math.NaN(), b[i]
			case math.IsNaN(v) || math.IsInf(v, 0):
				return nil, fmt.Errorf("tasks: row %d column %d: observed value %v is not a real number", r+1, i+1, v)
			}
		}
	}
	p, err := gaussianPosterior(g, &model.Transform{Beta: 1, Clamp: clamp}, start, s)
	if err != nil {
		return nil, err
	}
	for k, mi := range missing {
		if !mi {
			p.Mean.RawMatrix().Data[k] = x.RawMatrix().Data[k] // exactly, not a mean of copies
		}
	}
	return p, nil
}

// gaussianPosterior runs Replicas Gibbs chains per row of start (n × D)
// on g seen through t (one transform row per data row) and returns the
// Rao-Blackwellized posterior mean, E_t[v | h] averaged over the sweeps
// after burn-in and the replicas, and the final state of each row's first
// replica.
func gaussianPosterior(g realModel, t *model.Transform, start *mat.Dense, s *InferSettings) (*Posterior, error) {
	set := s.withDefaults()
	n, d := start.Dims()
	tm, err := model.NewTransformed(g, t)
	if err != nil {
		return nil, fmt.Errorf("tasks: %w", err)
	}
	smp := sample.DefaultSampler(tm)
	nc := n * set.Replicas
	c := sample.NewChains(nc, d, set.Seed)
	c.ForBlocks(func(lo, hi int, _ *rand.Rand) {
		for k := lo; k < hi; k++ {
			copy(c.Visible().RawRowView(k), start.RawRowView(k%n))
		}
	})
	sum := mat.NewDense(nc, d, nil)
	mean := mat.NewDense(nc, d, nil)
	for sweep := range set.BurnIn + set.Sweeps {
		smp.Step(tm, c, 1)
		set.sweepDone(sweep)
		if sweep < set.BurnIn {
			continue
		}
		g.VisibleMeanTransformed(t, c.Hidden(), mean)
		sum.Add(sum, mean)
	}
	p := &Posterior{Mean: mat.NewDense(n, d, nil), Sample: mat.DenseCopyOf(c.Visible().Slice(0, n, 0, d))}
	scale := 1 / float64(set.Sweeps*set.Replicas)
	for k := range nc {
		mr := p.Mean.RawRowView(k % n)
		for i, v := range sum.RawRowView(k) {
			mr[i] += v * scale
		}
	}
	return p, nil
}

// AddGaussianNoise returns a copy of x with independent N(0, sigma²) noise
// added to every entry.
func AddGaussianNoise(x *mat.Dense, sigma float64, rng *rand.Rand) *mat.Dense {
	out := mat.DenseCopyOf(x)
	for i := range out.RawMatrix().Data {
		out.RawMatrix().Data[i] += sigma * rng.NormFloat64()
	}
	return out
}

// RMSE returns the root mean squared difference between est and truth
// (both n × d) over the entries with mask true (every entry for a nil
// mask); NaN when no entry is selected.
func RMSE(truth, est *mat.Dense, mask []bool) float64 {
	a, b := truth.RawMatrix(), est.RawMatrix()
	n, d := truth.Dims()
	s, k := 0.0, 0
	for r := range n {
		for i := range d {
			if mask != nil && !mask[r*d+i] {
				continue
			}
			e := a.Data[r*a.Stride+i] - b.Data[r*b.Stride+i]
			s += e * e
			k++
		}
	}
	if k == 0 {
		return math.NaN()
	}
	return math.Sqrt(s / float64(k))
}

// Median3x3 returns the 3×3 median filter of n real-valued images of h×w
// pixels (x is n × h·w): each pixel becomes the median of its 3×3
// neighbourhood inside the image (of 4, 6 or 9 values; the mean of the two
// middle ones for an even count), the classical baseline for denoising
// grey-level images.
func Median3x3(x *mat.Dense, h, w int) *mat.Dense {
	n, d := x.Dims()
	if h*w != d {
		panic(fmt.Sprintf("tasks: Median3x3 of %d-pixel rows as %d×%d images", d, h, w))
	}
	out := mat.NewDense(n, d, nil)
	buf := make([]float64, 0, 9)
	for r := range n {
		in, o := x.RawRowView(r), out.RawRowView(r)
		for y := range h {
			for xx := range w {
				buf = buf[:0]
				for yy := max(0, y-1); yy <= min(h-1, y+1); yy++ {
					for xc := max(0, xx-1); xc <= min(w-1, xx+1); xc++ {
						buf = append(buf, in[yy*w+xc])
					}
				}
				slices.Sort(buf)
				k := len(buf)
				o[y*w+xx] = (buf[(k-1)/2] + buf[k/2]) / 2
			}
		}
	}
	return out
}
