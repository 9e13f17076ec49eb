// Package train fits energy-based models by maximizing the log-likelihood
// with Monte Carlo estimates of its gradient (Mehta et al. 2019, sec. XVI):
//
//  1. read a minibatch B of data;
//  2. advance the fantasy particles: by CD-k (chains restart at the
//     minibatch) or PCD-k (persistent chains, their number set
//     independently of B);
//  3. compute the gradient of -L, <O>_data - <O>_model (eq. 195), plus the
//     L1/L2 penalty;
//  4. take an optimizer step.
//
// After each epoch the Trainer monitors the fit on training and held-out
// data (the exact log-likelihood where the model is enumerable, otherwise
// the pseudo-log-likelihood, plus the reconstruction error), records the
// history, and calls a hook that can write a checkpoint. The whole state
// (parameters, optimizer, persistent chains and their random streams,
// history) serializes with MarshalBinary, so a run resumed from a
// checkpoint ends with exactly the parameters of an uninterrupted run with
// the same seed.
package train

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"gonum.org/v1/gonum/mat"

	"boltzmann/internal/parallel"
	"boltzmann/model"
	"boltzmann/optim"
	"boltzmann/sample"
)

// Method is the way fantasy particles are advanced.
type Method string

const (
	// CD is contrastive divergence: chains restart at the minibatch and run
	// K transitions (Hinton 2002).
	CD Method = "cd"
	// PCD is persistent contrastive divergence: Chains persistent chains run
	// K transitions per update and are never reset (Tieleman 2008).
	PCD Method = "pcd"
)

// ErrDiverged is returned when the parameters become NaN or infinite. The
// model keeps the parameters of the last completed epoch.
var ErrDiverged = errors.New("train: training diverged (parameters became NaN or infinite)")

// Settings configure training. The zero value of each field selects the
// documented default.
type Settings struct {
	Method    Method // CD or PCD; default PCD
	K         int    // Monte Carlo transitions per update; default 1
	Chains    int    // number of persistent chains (PCD); default BatchSize
	Epochs    int    // passes over the data; default 10
	BatchSize int    // minibatch size; default 100, at most the number of rows

	// Optimizer updates the parameters; default Adam with learning rate
	// optim.DefaultAdamRate (0.001), which fits the examples without tuning.
	Optimizer optim.Optimizer
	// Penalty is the L1/L2 regularization. Its Mask defaults to the model
	// groups marked Penalized (weights and couplings).
	Penalty optim.Penalty

	// Sampler advances the fantasy particles; default DefaultSampler(m).
	// With PCD, sample.BlockGibbs and an RBM the chains run hidden-first
	// (sample.BlockGibbs.StepHidden), the same Markov chain seen from the
	// hidden layer, so that the negative phase reuses the last half-step's
	// P(h|v) instead of recomputing it.
	Sampler sample.Sampler
	// Seed fixes every random choice of the run: chain streams and
	// minibatch order.
	Seed uint64
	// Weights are per-row weights of the training data (nil: all 1), e.g.
	// sequence reweighting of a protein alignment.
	Weights []float64

	// Validation is held-out data monitored each epoch (may be nil).
	Validation *mat.Dense
	// MonitorRows is the number of training rows used for the per-epoch
	// training metrics; default 500 (all rows if fewer).
	MonitorRows int
	// ExactLimit is the largest number of configurations enumerated for
	// the exact log-likelihood each epoch; default 1<<16. Larger models are
	// monitored by the pseudo-log-likelihood.
	ExactLimit int

	// OnEpoch is called after each epoch with the trainer (whose state can
	// be marshaled for a checkpoint) and the epoch's record. An error stops
	// training and is returned.
	OnEpoch func(t *Trainer, r Record) error
	// OnBatch is called after each update with the number of updates done
	// in the epoch and the number per epoch (for progress bars).
	OnBatch func(done, total int)
}

func (s *Settings) withDefaults(m model.Model, n int) Settings {
	c := *s
	if c.Method == "" {
		c.Method = PCD
	}
	if c.K <= 0 {
		c.K = 1
	}
	if c.Epochs <= 0 {
		c.Epochs = 10
	}
	if c.BatchSize <= 0 {
		c.BatchSize = 100
	}
	c.BatchSize = min(c.BatchSize, n)
	if c.Chains <= 0 {
		c.Chains = c.BatchSize
	}
	if c.Optimizer == nil {
		c.Optimizer = &optim.Adam{}
	}
	if c.Penalty.Mask == nil {
		c.Penalty.Mask = optim.MaskFromGroups(m.Groups())
	}
	if c.Penalty.L1 > 0 {
		c.Penalty.Proximal = true
	}
	if c.Sampler == nil {
		c.Sampler = DefaultSampler(m)
	}
	if c.MonitorRows <= 0 {
		c.MonitorRows = 500
	}
	if c.ExactLimit <= 0 {
		c.ExactLimit = 1 << 16
	}
	return c
}

// DefaultSampler returns the natural sampler of m: the model's own if it
// provides one (sample.Provider), block Gibbs for an RBM, exact draws for a
// model that can sample exactly, single-site Gibbs for other discrete
// models.
func DefaultSampler(m model.Model) sample.Sampler {
	switch m := m.(type) {
	case sample.Provider:
		return m.Sampler()
	case model.Bipartite:
		return sample.BlockGibbs{}
	case model.ExactSampler:
		return sample.Exact{}
	case model.Discrete:
		return sample.SiteGibbs{}
	}
	panic(fmt.Sprintf("train: no default sampler for %T; set Settings.Sampler", m))
}

// Trainer holds the state of a training run.
type Trainer struct {
	model    model.Model
	data     *mat.Dense
	settings Settings

	chains  *sample.Chains // persistent chains (PCD) or minibatch chains (CD)
	epoch   int            // completed epochs
	updates int            // completed parameter updates
	history []Record
	elapsed time.Duration // training time of completed epochs

	pos, neg  *Phase
	negHidden *mat.Dense // P(h=1|v) of the chains, when PCD runs them hidden-first
	// fused is set when the update can be fused (see fusedUpdate); params
	// is then the model's parameter vector, taken once per epoch, and
	// nonFinite the first non-finite parameter of the last update, or -1.
	fused     fusedPhaseDifference
	params    []float64
	nonFinite int
	grad      []float64
	batch     *mat.Dense
	batchW    []float64
	good      []float64 // parameters at the end of the last completed epoch
}

// New prepares to train m on the rows of data (n × Dim). The model's
// current parameters are the starting point (see Init).
func New(m model.Model, data *mat.Dense, s *Settings) (*Trainer, error) {
	if s == nil {
		s = &Settings{}
	}
	n, d := data.Dims()
	if d != m.Dim() {
		return nil, fmt.Errorf("train: data have %d columns but the model has %d visible units", d, m.Dim())
	}
	if n == 0 {
		return nil, errors.New("train: no training data")
	}
	if s.Weights != nil && len(s.Weights) != n {
		return nil, fmt.Errorf("train: %d weights for %d rows", len(s.Weights), n)
	}
	if v := s.Validation; v != nil {
		if _, vd := v.Dims(); vd != d {
			return nil, fmt.Errorf("train: validation data have %d columns, training data %d", vd, d)
		}
	}
	c := s.withDefaults(m, n)
	if _, ok := c.Sampler.(sample.BlockGibbs); ok {
		if err := sample.CheckBlockGibbs(m); err != nil {
			return nil, fmt.Errorf("train: %w", err)
		}
	}
	if c.Method != CD && c.Method != PCD {
		return nil, fmt.Errorf("train: unknown method %q (use %q or %q)", c.Method, CD, PCD)
	}
	t := &Trainer{model: m, data: data, settings: c}
	np := len(m.Params())
	t.pos, t.neg = NewPhase(np), NewPhase(np)
	t.grad = make([]float64, np)
	t.batch = mat.NewDense(c.BatchSize, d, nil)
	if c.Weights != nil {
		t.batchW = make([]float64, c.BatchSize)
	}
	nChains := c.Chains
	if c.Method == CD {
		nChains = c.BatchSize
	}
	t.chains = sample.NewChains(nChains, d, c.Seed)
	if c.Method == PCD {
		// Start the persistent chains at random training rows.
		rng := rand.New(rand.NewPCG(c.Seed, 0x5eed))
		init := mat.NewDense(nChains, d, nil)
		for r := range nChains {
			copy(init.RawRowView(r), data.RawRowView(rng.IntN(n)))
		}
		t.chains.SetVisible(init)
	}
	if _, ok := m.(hiddenPhaseDifference); ok && c.Method == PCD && c.Sampler == (sample.BlockGibbs{}) {
		t.negHidden = mat.NewDense(nChains, m.(model.Bipartite).HiddenDim(), nil)
		if f, ok := m.(fusedPhaseDifference); ok {
			if _, ok := c.Optimizer.(optim.RangeStepper); ok {
				t.fused = f
			}
		}
	}
	t.nonFinite = -1
	t.good = append([]float64(nil), m.Params()...)
	return t, nil
}

// Model returns the model being trained.
func (t *Trainer) Model() model.Model { return t.model }

// Settings returns the settings in force, defaults filled in.
func (t *Trainer) Settings() Settings { return t.settings }

// Epoch is the number of completed epochs.
func (t *Trainer) Epoch() int { return t.epoch }

// Updates is the number of completed parameter updates.
func (t *Trainer) Updates() int { return t.updates }

// History returns the records of the completed epochs.
func (t *Trainer) History() []Record { return t.history }

// Chains returns the fantasy particles.
func (t *Trainer) Chains() *sample.Chains { return t.chains }

// UpdatesPerEpoch is the number of minibatches in one epoch: the full
// batches of a random permutation of the rows (a final partial batch is
// dropped; the permutation changes every epoch).
func (t *Trainer) UpdatesPerEpoch() int {
	n, _ := t.data.Dims()
	return n / t.settings.BatchSize
}

// Run trains until Settings.Epochs epochs are complete, ctx is canceled,
// or an error occurs. On divergence the model keeps the parameters of the
// last completed epoch and ErrDiverged is returned.
func (t *Trainer) Run(ctx context.Context) error {
	for t.epoch < t.settings.Epochs {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := t.RunEpoch(ctx); err != nil {
			return err
		}
	}
	return nil
}

// RunEpoch runs one epoch of updates, then monitors and records it.
func (t *Trainer) RunEpoch(ctx context.Context) error {
	start := time.Now()
	n, _ := t.data.Dims()
	s := t.settings
	perm := rand.New(rand.NewPCG(s.Seed, 0xe90c+uint64(t.epoch))).Perm(n)
	nb := t.UpdatesPerEpoch()
	t.params = t.model.Params()
	var gradNorm float64
	for b := range nb {
		if err := ctx.Err(); err != nil {
			t.rollback()
			return err
		}
		idx := perm[b*s.BatchSize : (b+1)*s.BatchSize]
		t.update(idx)
		if b == nb-1 {
			gradNorm = norm(t.grad)
		}
		if err := t.check(); err != nil {
			t.rollback()
			return fmt.Errorf("%w at epoch %d, update %d (%v): lower the learning rate (--lr) or add an L2 penalty", ErrDiverged, t.epoch+1, b+1, err)
		}
		if s.OnBatch != nil {
			s.OnBatch(b+1, nb)
		}
	}
	t.epoch++
	t.elapsed += time.Since(start)
	rec := t.monitor()
	rec.GradNorm = gradNorm
	rec.Seconds = t.elapsed.Seconds()
	t.history = append(t.history, rec)
	copy(t.good, t.model.Params())
	if s.OnEpoch != nil {
		if err := s.OnEpoch(t, rec); err != nil {
			return err
		}
	}
	return nil
}

// rollback restores the parameters of the last completed epoch.
func (t *Trainer) rollback() { copy(t.model.Params(), t.good) }

// update performs one parameter update on the rows idx, leaving the
// log-likelihood gradient (with the penalty's) in t.grad.
func (t *Trainer) update(idx []int) {
	s := t.settings
	m := t.model
	for r, i := range idx {
		copy(t.batch.RawRowView(r), t.data.RawRowView(i))
		if t.batchW != nil {
			t.batchW[r] = s.Weights[i]
		}
	}
	if s.Method == CD {
		t.chains.SetVisible(t.batch)
	}
	if t.fused != nil {
		t.fusedUpdate()
		t.updates++
		return
	}
	t.gradient()
	p := m.Params()
	s.Penalty.AddGradient(p, t.grad)
	s.Optimizer.Step(p, t.grad)
	s.Penalty.ApplyProximalL1(p, s.Optimizer.LastRate())
	t.updates++
}

// gradient advances the fantasy particles and writes the log-likelihood
// gradient of the minibatch t.batch into t.grad.
func (t *Trainer) gradient() {
	s, m := t.settings, t.model
	if t.negHidden != nil {
		// PCD by block Gibbs on an RBM: the chains' last half-step gives
		// the particles' hidden probabilities.
		sample.BlockGibbs{}.StepHidden(m.(model.Bipartite), t.chains, s.K, t.negHidden)
		m.(hiddenPhaseDifference).PhaseDifferenceHidden(t.batch, t.batchW, t.chains.X, t.negHidden, t.grad)
		return
	}
	s.Sampler.Step(m, t.chains, s.K)
	if pd, ok := m.(model.PhaseDifference); ok {
		pd.PhaseDifference(t.batch, t.batchW, t.chains.X, t.grad)
		return
	}
	t.pos.Reset()
	t.neg.Reset()
	t.pos.Add(m, t.batch, t.batchW)
	t.neg.Add(m, t.chains.X, nil)
	Gradient(t.pos, t.neg, t.grad)
}

// fusedUpdate is the update of PCD by block Gibbs on an RBM with an
// optimizer that steps by ranges: the model hands each finished range of
// the gradient to the penalty, the optimizer and the finite-value check
// while it is still in the cache of the core that computed it, and keeps
// its float32 copy of the parameters current itself. The result is bit
// for bit that of the separate passes (TestFusedUpdateMatches); it saves
// four passes over the parameters, which for a 784×500 RBM are bound by
// the memory bandwidth.
func (t *Trainer) fusedUpdate() {
	s := &t.settings
	sample.BlockGibbs{}.StepHidden(t.fused, t.chains, s.K, t.negHidden)
	opt := s.Optimizer.(optim.RangeStepper)
	p, g, pen := t.params, t.grad, &s.Penalty
	pen.Check(len(p))
	opt.BeginStep(len(p))
	lr := opt.LastRate()
	var first atomic.Int64
	first.Store(math.MaxInt64)
	t.fused.PhaseDifferenceHiddenApply(t.batch, t.batchW, t.chains.X, t.negHidden, g, func(lo, hi int) {
		pen.AddGradientRange(p, g, lo, hi)
		opt.StepRange(p, g, lo, hi)
		pen.ApplyProximalL1Range(p, lr, lo, hi)
		if j := nonFiniteIn(p[lo:hi]); j >= 0 {
			for { // first = min(first, lo+j)
				old := first.Load()
				if int64(lo+j) >= old || first.CompareAndSwap(old, int64(lo+j)) {
					break
				}
			}
		}
	})
	opt.EndStep()
	t.nonFinite = -1
	if j := first.Load(); j != math.MaxInt64 {
		t.nonFinite = int(j)
	}
}

// fusedPhaseDifference is implemented by models that can hand finished
// ranges of the gradient to the optimizer (rbm.RBM).
type fusedPhaseDifference interface {
	hiddenPhaseDifference
	PhaseDifferenceHiddenApply(pos *mat.Dense, w []float64, neg, negHidden *mat.Dense, grad []float64, apply func(lo, hi int))
}

// hiddenPhaseDifference is implemented by bipartite models that take the
// particles' hidden probabilities from the sampler (rbm.RBM); with PCD and
// the BlockGibbs sampler the Trainer runs the chains hidden-first
// (BlockGibbs.StepHidden) and saves the matrix product that recomputing
// them would cost.
type hiddenPhaseDifference interface {
	model.Bipartite
	PhaseDifferenceHidden(pos *mat.Dense, w []float64, neg, negHidden *mat.Dense, grad []float64)
}

// norm is the Euclidean norm of g.
func norm(g []float64) float64 {
	s := 0.0
	for _, v := range g {
		s += v * v
	}
	return math.Sqrt(s)
}

// check reports parameters that are not finite or that the model itself
// rejects (model.Validator).
func (t *Trainer) check() error {
	if t.fused != nil {
		if j := t.nonFinite; j >= 0 {
			return fmt.Errorf("parameter %d is %v", j, t.params[j])
		}
	} else if j := firstNonFinite(t.model.Params()); j >= 0 {
		return fmt.Errorf("parameter %d is %v", j, t.model.Params()[j])
	}
	if v, ok := t.model.(model.Validator); ok {
		return v.Valid()
	}
	return nil
}

// nonFiniteIn returns the index of the first NaN or infinite value of p,
// or -1, scanning serially.
func nonFiniteIn(p []float64) int {
	for j, v := range p {
		if v-v != 0 { // NaN or ±Inf
			return j
		}
	}
	return -1
}

// firstNonFinite returns the index of the first NaN or infinite value of p,
// or -1. Long vectors are scanned in parallel: this check runs after every
// update.
func firstNonFinite(p []float64) int {
	const block = 1 << 14
	nb := parallel.Blocks(len(p), block)
	first := make([]int, nb)
	parallel.For(nb, func(b int) {
		lo, hi := parallel.Range(b, block, len(p))
		first[b] = -1
		if j := nonFiniteIn(p[lo:hi]); j >= 0 {
			first[b] = lo + j
		}
	})
	for _, j := range first {
		if j >= 0 {
			return j
		}
	}
	return -1
}
