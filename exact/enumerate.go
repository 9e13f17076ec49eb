// Package exact computes, by summing over every configuration, the
// quantities that Monte Carlo only estimates: log Z, log-likelihoods, the
// probability of every state, model averages <O_j>_model, the exact
// log-likelihood gradient, the entropy, and gradients of model averages by
// the log-derivative trick. It is the reference every sampler and estimator
// in boltzmann is tested against.
//
// A model is enumerable through its declared state space (model.Spaced):
// the product of its blocks, a one-hot block contributing one
// configuration per unit, at most 2^MaxUnits configurations, no real
// units. A model with a binary hidden layer (HiddenEnumerable: an RBM,
// or a Gaussian-Bernoulli RBM whose real visible units are integrated out
// in closed form) is also enumerable through its hidden layer when that
// has fewer configurations, or its visible space cannot be enumerated, and
// it has at most MaxUnits units. Models with an analytic log Z
// (model.AnalyticLogPartition) use it. Sums run in parallel over a fixed split of the configurations, so
// results do not depend on the number of cores.
package exact

import (
	"errors"
	"fmt"
	"math"
	"sync"

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

// ErrNotEnumerable is returned (wrapped, with the reason) for models too
// large to enumerate, whose state space is not discrete, or that declare no
// state space.
var ErrNotEnumerable = errors.New("exact: model cannot be enumerated (at most 2^24 configurations of its declared discrete visible space or, for an RBM, of its hidden layer)")

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

// Space is the set of configurations of the enumerated layer: the
// configurations of Units (a model.Space: the model's declared visible
// space, or {0,1}^H for a hidden layer), numbered in mixed radix over the
// variables of Units (model.Space.Vars) with the first variable the most
// significant digit. A one-hot block is one digit with as many values as
// units, so only its one-hot vectors are enumerated. For a plain product
// space every unit is a digit.
type Space struct {
	Side  Side
	Dim   int
	Units model.Space
	Count int
	vars  []model.Var
}

// Config writes configuration number idx into x (length Dim).
func (s Space) Config(idx int, x []float64) {
	for i := len(s.vars) - 1; i >= 0; i-- {
		v := s.vars[i]
		n := v.Values()
		v.Set(x, idx%n)
		idx /= n
	}
}

// Index returns the number of configuration x, or -1 if x is not in the
// space (a unit value outside its states, a block that is not one-hot).
func (s Space) Index(x []float64) int {
	idx := 0
	for _, v := range s.vars {
		k := v.Get(x)
		if k < 0 {
			return -1
		}
		idx = idx*v.Values() + k
	}
	return idx
}

// HiddenEnumerable is a model with H binary hidden units h ∈ {0,1}^H whose
// visible units can be summed or integrated out for each h. Every
// model.Bipartite implements it; so does a model with real visible units
// whose visible integral has a closed form (gbrbm.Model), which makes
// log Z, log-likelihoods, model averages and the exact gradient of such a
// model computable by enumerating its hidden layer.
type HiddenEnumerable interface {
	model.Model
	// HiddenDim is the number of hidden units H.
	HiddenDim() int
	// HiddenFreeEnergy writes F(h_r) = -log Σ_v exp(-E(v, h_r)) (an
	// integral over real visible units) for each row of h (batch × H)
	// into out, so that Z = Σ_h exp(-F(h)).
	HiddenFreeEnergy(h *mat.Dense, out []float64)
	// AddHiddenStats adds Σ_r w_r ∂F(h_r)/∂θ to sum (length
	// len(Params())); <∂F(h)/∂θ>_p(h) = <∂F(v)/∂θ>_p(v).
	AddHiddenStats(h *mat.Dense, w []float64, sum []float64)
}

var _ HiddenEnumerable = model.Bipartite(nil)

// SpaceOf returns the layer of m that is enumerated, or an error wrapping
// ErrNotEnumerable: the visible layer through the model's declared space
// (model.Spaced), or, for a HiddenEnumerable model, the hidden layer
// {0,1}^H when it has fewer configurations (or the visible space cannot be
// enumerated) and H <= MaxUnits.
func SpaceOf(m model.Model) (Space, error) {
	vis, err := visibleSpace(m)
	if b, ok := m.(HiddenEnumerable); ok && (err != nil || 1<<min(b.HiddenDim(), 62) < vis.Count) {
		if b.HiddenDim() <= MaxUnits {
			return newSpace(Hidden, model.BinarySpace(b.HiddenDim()))
		}
		if err == nil {
			return vis, nil
		}
		return Space{}, fmt.Errorf("%w (%d hidden units; %v)", ErrNotEnumerable, b.HiddenDim(), err)
	}
	return vis, err
}

func newSpace(side Side, units model.Space) (Space, error) {
	vars, err := units.Vars()
	if err != nil {
		return Space{}, fmt.Errorf("exact: %v: %w", err, ErrNotEnumerable)
	}
	count, ok := units.Configurations()
	if !ok || count > maxConfigs {
		return Space{}, fmt.Errorf("exact: the space %v has more than 2^%d configurations: %w", units, MaxUnits, ErrNotEnumerable)
	}
	return Space{Side: side, Dim: units.Dim(), Units: units, Count: count, vars: vars}, nil
}

// visibleSpace is SpaceOf restricted to enumerations of the visible layer:
// the declared space of a model.Spaced model.
func visibleSpace(m model.Model) (Space, error) {
	sm, ok := m.(model.Spaced)
	if !ok {
		return Space{}, fmt.Errorf("exact: %T does not declare its state space (model.Spaced): %w", m, ErrNotEnumerable)
	}
	units := sm.Space()
	if units.Dim() != m.Dim() {
		return Space{}, fmt.Errorf("exact: %T declares a space of %d units for %d visible units", m, units.Dim(), m.Dim())
	}
	return newSpace(Visible, units)
}

// freeEnergy evaluates the free energy of the enumerated side.
func freeEnergy(m model.Model, s Space, x *mat.Dense, out []float64) {
	if s.Side == Hidden {
		m.(HiddenEnumerable).HiddenFreeEnergy(x, out)
		return
	}
	m.FreeEnergy(x, out)
}

func addStats(m model.Model, s Space, x *mat.Dense, w, sum []float64) {
	if s.Side == Hidden {
		m.(HiddenEnumerable).AddHiddenStats(x, w, sum)
		return
	}
	m.AddStats(x, w, sum)
}

// forChunks calls fn for every chunk of configurations of s, with the
// chunk's configurations in x and their free energies in f. Chunks are
// split into a fixed number of groups; fn(g, …) is called sequentially
// within group g and groups run in parallel.
func forChunks(m model.Model, s Space, fn func(g int, x *mat.Dense, f []float64, first int)) int {
	return forChunksProgress(m, s, nil, fn)
}

// forChunksProgress is forChunks reporting progress(done, total)
// configurations after each chunk (serialized; nil: none).
func forChunksProgress(m model.Model, s Space, progress func(done, total int), fn func(g int, x *mat.Dense, f []float64, first int)) int {
	var mu sync.Mutex
	done := 0
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
			if progress != nil {
				mu.Lock()
				done += hi - lo
				progress(done, s.Count)
				mu.Unlock()
			}
		}
	})
	return groups
}

// LogPartition returns log Z = log Σ_x exp(-F(x)) in nats.
func LogPartition(m model.Model) (float64, error) {
	return LogPartitionProgress(m, nil)
}

// LogPartitionProgress is LogPartition reporting progress(done, total)
// after each chunk of the enumeration: done of the total configurations
// summed so far (of the visible or the hidden side, whichever is
// enumerated). The calls are serialized, from the enumerating goroutines;
// nil reports nothing. A model with a closed form reports nothing.
func LogPartitionProgress(m model.Model, progress func(done, total int)) (float64, error) {
	if a, ok := m.(model.AnalyticLogPartition); ok {
		return a.LogPartition(), nil
	}
	s, err := SpaceOf(m)
	if err != nil {
		return 0, err
	}
	return logPartitionProgress(m, s, progress), nil
}

func logPartition(m model.Model, s Space) float64 { return logPartitionProgress(m, s, nil) }

func logPartitionProgress(m model.Model, s Space, progress func(done, total int)) float64 {
	part := make([]float64, maxGroups)
	for i := range part {
		part[i] = math.Inf(-1)
	}
	neg := make([][]float64, maxGroups)
	groups := forChunksProgress(m, s, progress, func(g int, _ *mat.Dense, f []float64, _ int) {
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

// LogProb writes log p(x_r) = -F(x_r) - log Z for each row of x into out;
// -Inf for a row outside the model's declared space (a label block that is
// not one-hot).
func LogProb(m model.Model, x *mat.Dense, out []float64) error {
	logZ, err := LogPartition(m)
	if err != nil {
		return err
	}
	m.FreeEnergy(x, out)
	sm, spaced := m.(model.Spaced)
	var sp model.Space
	if spaced {
		sp = sm.Space()
	}
	for i := range out {
		out[i] = -out[i] - logZ
		if spaced && sp.Contains(x.RawRowView(i)) != nil {
			out[i] = math.Inf(-1)
		}
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
