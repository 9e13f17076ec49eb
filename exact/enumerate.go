// Package exact computes, by summing over every configuration, the
// quantities that Monte Carlo only estimates: log Z, log-likelihoods, the
// probability of every state, model averages <O_j>_model, the exact
// log-likelihood gradient, the entropy, and gradients of model averages by
// the log-derivative trick. It is the reference every sampler and estimator
// in boltzmann is tested against.
//
// A discrete model is enumerable when its visible layer has at most
// 2^MaxUnits configurations; a bipartite model (RBM) is also enumerable
// through its hidden layer when that is the smaller one and has at most
// MaxUnits units. Models with an analytic log Z (model.AnalyticLogPartition)
// use it. Sums run in parallel over a fixed split of the configurations, so
// results do not depend on the number of cores.
package exact

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"boltzmann/internal/mathx"
	"boltzmann/internal/parallel"
	"boltzmann/model"
)

// MaxUnits is the largest number of binary units that is enumerated
// (2^24 ≈ 1.7e7 configurations).
const MaxUnits = 24

// maxConfigs bounds the number of configurations of any enumerated side.
const maxConfigs = 1 << MaxUnits

// ErrNotEnumerable is returned for models too large to enumerate or whose
// state space is not discrete.
var ErrNotEnumerable = errors.New("exact: model is too large to enumerate (at most 2^24 configurations of its visible or, for an RBM, its smaller hidden layer)")

const (
	chunkSize = 1 << 11 // configurations evaluated per batch
	maxGroups = 64      // fixed split of the work, independent of GOMAXPROCS
)

// Side says which layer of a model is enumerated.
type Side int

const (
	Visible Side = iota // sum over visible configurations with F(v)
	Hidden              // sum over hidden configurations with F(h) (RBM)
)

// Space is the set of configurations of the enumerated layer: every vector
// of Dim units, each taking a value in States, indexed in mixed radix with
// unit 0 the most significant digit.
type Space struct {
	Side   Side
	Dim    int
	States []float64
	Count  int
}

// Config writes configuration number idx into x (length Dim).
func (s Space) Config(idx int, x []float64) {
	q := len(s.States)
	for i := s.Dim - 1; i >= 0; i-- {
		x[i] = s.States[idx%q]
		idx /= q
	}
}

// Index returns the number of configuration x, or -1 if some unit of x is
// not one of States.
func (s Space) Index(x []float64) int {
	idx := 0
	for _, v := range x {
		k := -1
		for j, st := range s.States {
			if v == st {
				k = j
				break
			}
		}
		if k < 0 {
			return -1
		}
		idx = idx*len(s.States) + k
	}
	return idx
}

// SpaceOf returns the layer of m that is enumerated, or ErrNotEnumerable.
func SpaceOf(m model.Model) (Space, error) {
	if b, ok := m.(model.Bipartite); ok && b.HiddenDim() < b.Dim() {
		if b.HiddenDim() <= MaxUnits {
			return Space{Side: Hidden, Dim: b.HiddenDim(), States: []float64{0, 1}, Count: 1 << b.HiddenDim()}, nil
		}
		return Space{}, ErrNotEnumerable
	}
	return visibleSpace(m)
}

// visibleSpace is SpaceOf restricted to enumerations of the visible layer.
func visibleSpace(m model.Model) (Space, error) {
	d, ok := m.(model.Discrete)
	if !ok {
		return Space{}, fmt.Errorf("exact: %T is not a discrete model: %w", m, ErrNotEnumerable)
	}
	q := len(d.States())
	count := 1
	for range d.Dim() {
		count *= q
		if count > maxConfigs {
			return Space{}, fmt.Errorf("exact: the visible layer has more than 2^%d configurations: %w", MaxUnits, ErrNotEnumerable)
		}
	}
	return Space{Side: Visible, Dim: d.Dim(), States: d.States(), Count: count}, nil
}

// freeEnergy evaluates the free energy of the enumerated side.
func freeEnergy(m model.Model, s Space, x *mat.Dense, out []float64) {
	if s.Side == Hidden {
		m.(model.Bipartite).HiddenFreeEnergy(x, out)
		return
	}
	m.FreeEnergy(x, out)
}

func addStats(m model.Model, s Space, x *mat.Dense, w, sum []float64) {
	if s.Side == Hidden {
		m.(model.Bipartite).AddHiddenStats(x, w, sum)
		return
	}
	m.AddStats(x, w, sum)
}

// forChunks calls fn for every chunk of configurations of s, with the
// chunk's configurations in x and their free energies in f. Chunks are
// split into a fixed number of groups; fn(g, …) is called sequentially
// within group g and groups run in parallel.
func forChunks(m model.Model, s Space, fn func(g int, x *mat.Dense, f []float64, first int)) int {
	nChunks := parallel.Blocks(s.Count, chunkSize)
	groups := min(maxGroups, nChunks)
	perGroup := parallel.Blocks(nChunks, groups)
	parallel.For(groups, func(g int) {
		x := mat.NewDense(min(chunkSize, s.Count), s.Dim, nil)
		f := make([]float64, min(chunkSize, s.Count))
		for c := g * perGroup; c < min((g+1)*perGroup, nChunks); c++ {
			lo, hi := parallel.Range(c, chunkSize, s.Count)
			xs := x.Slice(0, hi-lo, 0, s.Dim).(*mat.Dense)
			for k := lo; k < hi; k++ {
				s.Config(k, xs.RawRowView(k-lo))
			}
			fs := f[:hi-lo]
			freeEnergy(m, s, xs, fs)
			fn(g, xs, fs, lo)
		}
	})
	return groups
}

// LogPartition returns log Z = log Σ_x exp(-F(x)) in nats.
func LogPartition(m model.Model) (float64, error) {
	if a, ok := m.(model.AnalyticLogPartition); ok {
		return a.LogPartition(), nil
	}
	s, err := SpaceOf(m)
	if err != nil {
		return 0, err
	}
	return logPartition(m, s), nil
}

func logPartition(m model.Model, s Space) float64 {
	part := make([]float64, maxGroups)
	for i := range part {
		part[i] = math.Inf(-1)
	}
	neg := make([][]float64, maxGroups)
	groups := forChunks(m, s, func(g int, _ *mat.Dense, f []float64, _ int) {
		if neg[g] == nil {
			neg[g] = make([]float64, len(f))
		}
		nf := neg[g][:len(f)]
		for i, v := range f {
			nf[i] = -v
		}
		part[g] = mathx.LogAddExp(part[g], mathx.LogSumExp(nf))
	})
	return mathx.LogSumExp(part[:groups])
}

// LogProb writes log p(x_r) = -F(x_r) - log Z for each row of x into out.
func LogProb(m model.Model, x *mat.Dense, out []float64) error {
	logZ, err := LogPartition(m)
	if err != nil {
		return err
	}
	m.FreeEnergy(x, out)
	for i := range out {
		out[i] = -out[i] - logZ
	}
	return nil
}

// LogLikelihood returns the mean log-likelihood of the rows of x in nats
// per sample, weighted by w (nil for equal weights).
func LogLikelihood(m model.Model, x *mat.Dense, w []float64) (float64, error) {
	n, _ := x.Dims()
	lp := make([]float64, n)
	if err := LogProb(m, x, lp); err != nil {
		return 0, err
	}
	return weightedMean(lp, w), nil
}

func weightedMean(v, w []float64) float64 {
	s, sw := 0.0, 0.0
	for i, x := range v {
		wi := 1.0
		if w != nil {
			wi = w[i]
		}
		s += wi * x
		sw += wi
	}
	return s / sw
}

// Averages returns the exact model averages <O_j>_model = <∂F/∂θ_j>_model
// (length len(m.Params())).
func Averages(m model.Model) ([]float64, error) {
	s, err := SpaceOf(m)
	if err != nil {
		return nil, err
	}
	logZ := logPartition(m, s)
	np := len(m.Params())
	sums := make([][]float64, maxGroups)
	ws := make([][]float64, maxGroups)
	groups := forChunks(m, s, func(g int, x *mat.Dense, f []float64, _ int) {
		if sums[g] == nil {
			sums[g] = make([]float64, np)
			ws[g] = make([]float64, len(f))
		}
		w := ws[g][:len(f)]
		for i, v := range f {
			w[i] = math.Exp(-v - logZ)
		}
		addStats(m, s, x, w, sums[g])
	})
	avg := make([]float64, np)
	for g := range groups {
		for j, v := range sums[g] {
			avg[j] += v
		}
	}
	return avg, nil
}

// DataAverages returns <O_j>_data, the weighted mean of ∂F/∂θ_j over the
// rows of x (w nil for equal weights).
func DataAverages(m model.Model, x *mat.Dense, w []float64) []float64 {
	sum := make([]float64, len(m.Params()))
	m.AddStats(x, w, sum)
	n, _ := x.Dims()
	tot := float64(n)
	if w != nil {
		tot = 0
		for _, v := range w {
			tot += v
		}
	}
	for j := range sum {
		sum[j] /= tot
	}
	return sum
}

// Gradient returns the exact gradient of the negative mean log-likelihood
// of the rows of x: ∂(-L)/∂θ_j = <O_j>_data - <O_j>_model.
func Gradient(m model.Model, x *mat.Dense, w []float64) ([]float64, error) {
	avg, err := Averages(m)
	if err != nil {
		return nil, err
	}
	g := DataAverages(m, x, w)
	for j := range g {
		g[j] -= avg[j]
	}
	return g, nil
}
