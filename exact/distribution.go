package exact

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"gonum.org/v1/gonum/mat"

	"boltzmann/info"
	"boltzmann/model"
	"boltzmann/sample"
)

// Distribution is the exact probability of every visible configuration of
// a model (every configuration of its declared space), indexed as in Space.
type Distribution struct {
	Space Space
	Prob  []float64 // Prob[idx] = p(configuration idx); sums to 1
	LogZ  float64   // log partition function, nats
}

// NewDistribution enumerates the visible layer of m. It needs
// Space.Count float64s of memory.
func NewDistribution(m model.Model) (*Distribution, error) {
	s, err := visibleSpace(m)
	if err != nil {
		return nil, err
	}
	logZ := logPartition(m, s)
	p := make([]float64, s.Count)
	forChunks(m, s, func(_ int, _ *mat.Dense, f []float64, first int) {
		for i, v := range f {
			p[first+i] = math.Exp(-v - logZ)
		}
	})
	return &Distribution{Space: s, Prob: p, LogZ: logZ}, nil
}

// Entropy returns the Shannon entropy S = -Σ_x p(x) log p(x) of the model's
// visible distribution in nats.
func Entropy(m model.Model) (float64, error) {
	d, err := NewDistribution(m)
	if err != nil {
		return 0, err
	}
	s := 0.0
	for _, p := range d.Prob {
		if p > 0 {
			s -= p * math.Log(p)
		}
	}
	return s, nil
}

// AverageGradient returns the model average <f> and, by the log-derivative
// trick (Mehta et al. 2019, eq. 198), its gradient
//
//	∂<f>/∂θ_j = -Cov_model(O_j, f) = -(<O_j f> - <O_j><f>),
//
// computed exactly by enumerating the visible layer.
func AverageGradient(m model.Model, f func(x []float64) float64) (mean float64, grad []float64, err error) {
	d, err := NewDistribution(m)
	if err != nil {
		return 0, nil, err
	}
	s := d.Space
	np := len(m.Params())
	of := make([]float64, np) // Σ p O f
	o := make([]float64, np)  // Σ p O
	x := mat.NewDense(min(chunkSize, s.Count), s.Dim, nil)
	w := make([]float64, min(chunkSize, s.Count))
	for lo := 0; lo < s.Count; lo += chunkSize {
		hi := min(lo+chunkSize, s.Count)
		xs := x.Slice(0, hi-lo, 0, s.Dim).(*mat.Dense)
		ws := w[:hi-lo]
		for k := lo; k < hi; k++ {
			row := xs.RawRowView(k - lo)
			s.Config(k, row)
			fx := f(row)
			mean += d.Prob[k] * fx
			ws[k-lo] = d.Prob[k] * fx
		}
		m.AddStats(xs, ws, of)
		copy(ws, d.Prob[lo:hi])
		m.AddStats(xs, ws, o)
	}
	grad = make([]float64, np)
	for j := range grad {
		grad[j] = -(of[j] - o[j]*mean)
	}
	return mean, grad, nil
}

// Sampler draws independent samples from an enumerable model by inverting
// its cumulative distribution. It implements sample.Sampler, for which each
// Step redraws every chain independently, so it can stand in for a Markov
// chain in tests and make data from a known model.
type Sampler struct {
	dist *Distribution
	cdf  []float64
}

var _ sample.Sampler = (*Sampler)(nil)

// NewSampler enumerates m.
func NewSampler(m model.Model) (*Sampler, error) {
	d, err := NewDistribution(m)
	if err != nil {
		return nil, err
	}
	cdf := make([]float64, len(d.Prob))
	acc := 0.0
	for i, p := range d.Prob {
		acc += p
		cdf[i] = acc
	}
	return &Sampler{dist: d, cdf: cdf}, nil
}

// Distribution returns the enumerated distribution.
func (s *Sampler) Distribution() *Distribution { return s.dist }

// Draw overwrites each row of x (n × Dim) with an independent sample.
func (s *Sampler) Draw(rng *rand.Rand, x *mat.Dense) {
	n, d := x.Dims()
	if d != s.dist.Space.Dim {
		panic(fmt.Sprintf("exact: Draw into %d columns for a model of %d units", d, s.dist.Space.Dim))
	}
	for r := range n {
		s.dist.Space.Config(s.index(rng.Float64()), x.RawRowView(r))
	}
}

func (s *Sampler) index(u float64) int {
	u *= s.cdf[len(s.cdf)-1]
	i := sort.SearchFloat64s(s.cdf, u)
	return min(i, len(s.cdf)-1)
}

// Step redraws every chain of c independently from the exact distribution
// (n is ignored beyond n > 0: one exact draw is a perfectly mixed chain).
// The model must be the one the Sampler enumerated.
func (s *Sampler) Step(_ model.Model, c *sample.Chains, n int) {
	if n <= 0 {
		return
	}
	c.ForBlocks(func(lo, hi int, rng *rand.Rand) {
		s.Draw(rng, c.Visible().Slice(lo, hi, 0, c.Dim()).(*mat.Dense))
	})
}

// KL returns the Kullback-Leibler divergence D(p || q) = Σ_x p(x) log(p(x)/q(x))
// in nats between the visible distributions of two enumerable models over
// the same declared space. It is not symmetric: call
// KL(q, p) for the other direction.
func KL(p, q model.Model) (float64, error) {
	dp, err := NewDistribution(p)
	if err != nil {
		return 0, err
	}
	dq, err := NewDistribution(q)
	if err != nil {
		return 0, err
	}
	if !dp.Space.Units.Equal(dq.Space.Units) {
		return 0, fmt.Errorf("exact: KL between models over different spaces (%v and %v)", dp.Space.Units, dq.Space.Units)
	}
	return info.KL(dp.Prob, dq.Prob), nil
}

// KLFromData returns D(p_data || p_model) = -S_data - <log p_model>_data in
// nats, where p_data is the empirical distribution of the rows of x
// (weighted by w, nil for equal weights): how far the model is from the
// data, zero only if the model reproduces the data's frequencies exactly.
func KLFromData(m model.Model, x *mat.Dense, w []float64) (float64, error) {
	logZ, err := LogPartition(m)
	if err != nil {
		return 0, err
	}
	e := info.NewEmpirical(x, w)
	rows := e.Rows()
	n, _ := rows.Dims()
	f := make([]float64, n)
	m.FreeEnergy(rows, f)
	for i := range f {
		f[i] = -f[i] - logZ
	}
	return info.KLDataModelLog(e, f), nil
}
