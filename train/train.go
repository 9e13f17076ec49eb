// Package train fits energy-based models by maximizing the log-likelihood
// with Monte Carlo estimates of its gradient (Mehta et al. 2019, sec. XVI):
//
//  1. take the positive phase: a minibatch B of data (or the whole data
//     set, or statistics computed once; see Positive);
//  2. advance the fantasy particles: by CD-k (chains restart at the
//     minibatch) or PCD-k (persistent chains, their number set
//     independently of B);
//  3. compute the gradient of -L, <O>_data - <O>_model (eq. 195), plus the
//     L1/L2 penalty;
//  4. take an optimizer step.
//
// One loop serves every configuration, in the shape of gonum's
// optimize.Minimize (see the seams in seams.go: Positive, Reducer,
// Monitor, Recorder, Converger, Status); bmDCA (package bmdca) is one
// configuration of it. After each epoch the default Monitor measures the
// fit on training and held-out data (the exact log-likelihood where the
// model is enumerable, otherwise the pseudo-log-likelihood, plus the
// reconstruction error), the record joins the history, and the Recorders
// are called (monitoring output, checkpoints). The whole state
// (parameters, optimizer, persistent chains and their random streams,
// history) serializes with MarshalBinary, so a run resumed from a
// checkpoint ends with exactly the parameters of an uninterrupted run with
// the same seed.
//
// # Defaults
//
// The zero Settings train by PCD-1 with the model's natural sampler
// (DefaultSampler) and, unless the model suggests otherwise
// (OptimizerSuggester), the optimizer of the boltzmann command
// (DefaultOptimizer): for discrete models SGD with momentum 0.5 and a
// learning rate decaying linearly from 0.05 to 0.001 (1/50) over the run,
// for continuous ones (the Gaussian) Adam decaying from 0.01 to 0.0002.
package train

import (
	"context"
	"encoding"
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

// ErrDiverged is returned when the parameters become NaN or infinite (or
// the model invalid). The model keeps the parameters of the last completed
// epoch.
var ErrDiverged = errors.New("train: training diverged (parameters became NaN or infinite)")

// Default learning rates of DefaultOptimizer (those of the boltzmann
// command): the initial rate decays linearly to DecayTo times itself over
// the run.
const (
	DefaultSGDRate      = 0.05
	DefaultSGDMomentum  = 0.5
	DefaultAdamRate     = 0.01
	DefaultDecayToRatio = 1.0 / 50
)

// Settings configure training. The zero value of each field selects the
// documented default.
type Settings struct {
	Method Method // CD or PCD; default PCD
	K      int    // Monte Carlo transitions per update; default 1
	Chains int    // number of persistent chains (PCD); default BatchSize
	// Epochs is the number of passes over the data; default 10, or no
	// limit when MaxUpdates is set.
	Epochs int
	// MaxUpdates stops the run after this many parameter updates, also
	// within an epoch (0: no limit).
	MaxUpdates int
	BatchSize  int // minibatch size; default 100, at most the number of rows

	// Positive is the positive phase; default Minibatch{}.
	Positive Positive

	// Optimizer updates the parameters; default DefaultOptimizer(m, n):
	// the command's SGD (or Adam) with a rate decaying linearly to 1/50
	// over the n updates of the run.
	Optimizer optim.Optimizer
	// Penalty is the L1/L2 regularization. Its Mask defaults to the model
	// groups marked Penalized (weights and couplings).
	Penalty optim.Penalty

	// Sampler advances the fantasy particles; default sample.DefaultSampler(m).
	// With PCD, block Gibbs (sample.BlockGibbs, value or pointer) and a
	// model with model.HiddenPhaseDifference (an RBM) the chains run
	// hidden-first (sample.BlockGibbs.StepHidden), the same Markov chain
	// seen from the hidden layer, so that the negative phase reuses the
	// last half-step's P(h|v) instead of recomputing it; with an optimizer
	// that steps by ranges (optim.RangeStepper) and a
	// model.FusedPhaseDifference the step is fused into the gradient
	// kernel.
	Sampler sample.Sampler
	// NegativeStats computes the statistics of the chains; default the
	// model's AddStats. It is used where the negative phase is formed as
	// a sum (not by the model's one-pass PhaseDifference).
	NegativeStats Stats
	// PositiveStats computes the statistics of the positive-phase rows
	// (Minibatch, FullBatch); default the model's AddStats. Like
	// NegativeStats it is used where the phase is formed as a sum (always
	// with a Reducer).
	PositiveStats Stats
	// Reducer combines the phases across processes; nil: one process.
	Reducer Reducer
	// Objective, if set, weights the log-likelihood gradient and adds a
	// term of its own before the step (Hybrid: discriminative and hybrid
	// training of a model of data and labels); nil: maximum likelihood.
	Objective Objective
	// Gradient, if not nil, rewrites each update's gradient before the
	// penalty and the step (rbm.Centering).
	Gradient GradientTransform
	// Seed fixes every random choice of the run: chain streams and
	// minibatch order.
	Seed uint64
	// Weights are per-row weights of the training data (nil: all 1), e.g.
	// sequence reweighting of a protein alignment.
	Weights []float64

	// Monitor measures the records kept in the history; default
	// Likelihoods{} (epoch records).
	Monitor Monitor
	// Convergers may stop the run after each measured record.
	Convergers []Converger
	// Recorders are told of every update and epoch record.
	Recorders []Recorder

	// Validation is held-out data monitored each epoch (may be nil).
	Validation *mat.Dense
	// MonitorRows is the number of training rows used for the per-epoch
	// training metrics; default 500 (all rows if fewer).
	MonitorRows int
	// ExactLimit is the largest number of configurations enumerated for
	// the exact log-likelihood each epoch; default 1<<16. Larger models are
	// monitored by the pseudo-log-likelihood.
	ExactLimit int
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
		if c.MaxUpdates > 0 {
			c.Epochs = math.MaxInt
		}
	}
	if c.Positive == nil {
		c.Positive = Minibatch{}
	}
	if c.BatchSize <= 0 {
		c.BatchSize = 100
	}
	c.BatchSize = min(c.BatchSize, n)
	if _, ok := c.Positive.(Minibatch); !ok {
		c.BatchSize = n
	}
	if c.Chains <= 0 {
		c.Chains = c.BatchSize
	}
	if c.Optimizer == nil {
		perEpoch := n / c.BatchSize
		total := perEpoch * min(c.Epochs, math.MaxInt/perEpoch)
		if c.MaxUpdates > 0 {
			total = min(total, c.MaxUpdates)
		}
		c.Optimizer = DefaultOptimizer(m, total)
	}
	if c.Penalty.Mask == nil {
		c.Penalty.Mask = optim.MaskFromGroups(m.Groups())
	}
	if c.Penalty.L1 > 0 {
		c.Penalty.Proximal = true
	}
	if c.Sampler == nil {
		c.Sampler = sample.DefaultSampler(m)
	}
	if c.NegativeStats == nil {
		c.NegativeStats = m
	}
	if c.PositiveStats == nil {
		c.PositiveStats = m
	}
	if c.Monitor == nil {
		c.Monitor = Likelihoods{}
	}
	if c.MonitorRows <= 0 {
		c.MonitorRows = 500
	}
	if c.ExactLimit <= 0 {
		c.ExactLimit = 1 << 16
	}
	return c
}

// OptimizerSuggester is implemented by models whose gradients call for
// another default optimizer than DefaultOptimizer's rule; steps is the
// number of updates of the run.
type OptimizerSuggester interface {
	SuggestOptimizer(steps int) optim.Optimizer
}

// DefaultOptimizer returns the optimizer of the boltzmann command for a run
// of steps updates of m: the model's suggestion (OptimizerSuggester) if it
// has one; for discrete models (binary RBMs, Ising, Potts) SGD with
// momentum DefaultSGDMomentum and a rate decaying linearly from
// DefaultSGDRate to 1/50 of it at the last update; for models with
// continuous units (the Gaussian, whose gradient scales with the data)
// Adam, whose step does not scale with the gradient, decaying linearly
// from DefaultAdamRate to 1/50 of it.
func DefaultOptimizer(m model.Model, steps int) optim.Optimizer {
	if s, ok := m.(OptimizerSuggester); ok {
		return s.SuggestOptimizer(steps)
	}
	steps = max(steps, 1)
	if _, ok := m.(model.Discrete); ok {
		return &optim.SGD{LR: optim.LinearDecay{Initial: DefaultSGDRate, Final: DefaultSGDRate * DefaultDecayToRatio, Steps: steps},
			Momentum: DefaultSGDMomentum}
	}
	return &optim.Adam{LR: optim.LinearDecay{Initial: DefaultAdamRate, Final: DefaultAdamRate * DefaultDecayToRatio, Steps: steps}}
}

// Trainer holds the state of a training run.
type Trainer struct {
	model    model.Model
	data     *rowStore
	settings Settings

	chains  *sample.Chains // persistent chains (PCD) or minibatch chains (CD)
	epoch   int            // completed epochs
	updates int            // completed parameter updates
	sweeps  int            // transitions of every chain so far
	status  Status
	history []Record
	// inStates caches dataInStates: 0 not checked, 1 yes, -1 no.
	inStates int
	elapsed  time.Duration // training time of completed epochs

	pos, neg  *Phase
	cached    bool       // the positive phase t.pos is fixed
	negHidden *mat.Dense // P(h=1|v) of the chains, when PCD runs them hidden-first
	// fused is set when the update can be fused (see fusedUpdate); params
	// is then the model's parameter vector, taken once per epoch, and
	// nonFinite the first non-finite parameter of the last update, or -1.
	fused model.FusedPhaseDifference
	// resident is fused as a model that keeps chains resident, or nil;
	// negResident reports whether the last negative phase left the
	// particles' hidden probabilities with the resident chains instead of
	// in negHidden.
	resident    model.ResidentPhaseDifference
	negResident bool
	params      []float64
	nonFinite   int
	grad        []float64
	batch       *mat.Dense
	batchW      []float64
	good        []float64 // parameters at the end of the last completed epoch
	dist        *dist     // data-parallel state (Settings.Reducer a *BlockReducer), or nil
}

// New prepares to train m on the rows of data (n × Dim). The model's
// current parameters are the starting point (see Init). With the Minibatch
// positive phase, rows whose entries take at most 256 distinct values
// (binary, ±1 or categorical data) are copied into one byte per entry, so
// that the caller may release data (an eighth of the memory); later
// changes to data are then not seen.
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
	if sample.IsBlockGibbs(c.Sampler) {
		if err := sample.CheckBlockGibbs(m); err != nil {
			return nil, fmt.Errorf("train: %w", err)
		}
	}
	if c.Reducer != nil {
		// Their states are per process unless they know how the work is
		// shared (a BlockReducer): parallel tempering's replicas and
		// ladder (a sample.SharedSampler), centering's offsets (a
		// PhaseGradientTransform, from the reduced positive phase);
		// otherwise they would differ between processes, and so would the
		// parameters.
		_, block := c.Reducer.(*BlockReducer)
		_, shared := c.Sampler.(sample.SharedSampler)
		if _, ok := c.Sampler.(encoding.BinaryMarshaler); ok && !(block && shared) {
			return nil, fmt.Errorf("train: the sampler %T keeps a state of its own per process: it runs across processes only with a BlockReducer and as a sample.SharedSampler", c.Sampler)
		}
		_, phase := c.Gradient.(PhaseGradientTransform)
		if c.Gradient != nil && !(block && phase) {
			return nil, fmt.Errorf("train: the gradient transform %T works from each process's rows: it runs across processes only with a BlockReducer and as a PhaseGradientTransform", c.Gradient)
		}
	}
	if o := c.Objective; o != nil {
		if c.Reducer != nil {
			return nil, errors.New("train: an Objective with a Reducer is not supported (its term would not be reduced across processes)")
		}
		if lw := o.LikelihoodWeight(); !(lw >= 0) || math.IsInf(lw, 0) {
			return nil, fmt.Errorf("train: the objective's likelihood weight must be finite and non-negative, got %v", lw)
		}
		if err := o.Check(m); err != nil {
			return nil, err
		}
	}
	if c.Method != CD && c.Method != PCD {
		return nil, fmt.Errorf("train: unknown method %q (use %q or %q)", c.Method, CD, PCD)
	}
	_, minibatch := c.Positive.(Minibatch)
	if c.Method == CD && !minibatch {
		return nil, fmt.Errorf("train: CD restarts the chains at the minibatch; %T needs PCD", c.Positive)
	}
	t := &Trainer{model: m, data: newRowStore(data, minibatch), settings: c}
	np := len(m.Params())
	t.pos, t.neg = NewPhase(np), NewPhase(np)
	if cp, ok := c.Positive.(Cached); ok {
		t.cached = true
		if cp.Stats != nil {
			if len(cp.Stats.Sum) != np || !(cp.Stats.Count > 0) {
				return nil, fmt.Errorf("train: cached statistics of %d parameters with total weight %v; the model has %d parameters",
					len(cp.Stats.Sum), cp.Stats.Count, np)
			}
			t.pos.Merge(cp.Stats)
		} else {
			t.pos.Add(m, data, c.Weights)
		}
	}
	t.grad = make([]float64, np)
	if minibatch {
		t.batch = mat.NewDense(c.BatchSize, d, nil)
		if c.Weights != nil {
			t.batchW = make([]float64, c.BatchSize)
		}
	} else {
		t.batch, t.batchW = data, c.Weights
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
	if err := t.distribute(); err != nil {
		return nil, err
	}
	if b, ok := m.(model.HiddenPhaseDifference); ok && c.Method == PCD && sample.IsBlockGibbs(c.Sampler) {
		t.negHidden = mat.NewDense(t.chains.Len(), b.HiddenDim(), nil)
		if f, ok := m.(model.FusedPhaseDifference); ok && !t.cached && c.Reducer == nil && c.Objective == nil && c.Gradient == nil {
			if _, ok := c.Optimizer.(optim.RangeStepper); ok {
				t.fused = f
				t.resident, _ = f.(model.ResidentPhaseDifference)
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

// SetLimits changes the limits Epochs and MaxUpdates (0 keeps a limit), to
// continue a run that reached them.
func (t *Trainer) SetLimits(epochs, maxUpdates int) {
	if epochs > 0 {
		t.settings.Epochs = epochs
	}
	if maxUpdates > 0 {
		t.settings.MaxUpdates = maxUpdates
	}
}

// Epoch is the number of completed epochs.
func (t *Trainer) Epoch() int { return t.epoch }

// Updates is the number of completed parameter updates.
func (t *Trainer) Updates() int { return t.updates }

// Sweeps is the number of Monte Carlo transitions of every chain so far.
func (t *Trainer) Sweeps() int { return t.sweeps }

// History returns the measured records (those of the Monitor's events).
func (t *Trainer) History() []Record { return t.history }

// Chains returns the fantasy particles.
func (t *Trainer) Chains() *sample.Chains { return t.chains }

// Status is how the last Run ended (NotTerminated before any), restored
// by UnmarshalBinary.
func (t *Trainer) Status() Status { return t.status }

// Done reports whether Run has nothing left to do: a Converger stopped the
// run, or a limit is reached.
func (t *Trainer) Done() bool { return t.status == Converged || t.limit() != NotTerminated }

// limit returns MaxEpochs or MaxUpdates when that limit is reached.
func (t *Trainer) limit() Status {
	s := t.settings
	switch {
	case t.epoch >= s.Epochs:
		return MaxEpochs
	case s.MaxUpdates > 0 && t.updates >= s.MaxUpdates:
		return MaxUpdates
	}
	return NotTerminated
}

// UpdatesPerEpoch is the number of updates in one epoch: with Minibatch
// the full batches of a random permutation of the rows (a final partial
// batch is dropped; the permutation changes every epoch), otherwise 1.
func (t *Trainer) UpdatesPerEpoch() int {
	n, _ := t.data.Dims()
	return n / t.settings.BatchSize
}

// Run trains until a limit (Settings.Epochs, Settings.MaxUpdates) is
// reached or a Converger stops the run (it returns nil; Status says
// which), ctx is canceled (it returns ctx.Err()), or an error occurs. On
// divergence the model keeps the parameters of the last completed epoch
// and an error wrapping ErrDiverged is returned. A converged run does
// nothing more.
func (t *Trainer) Run(ctx context.Context) error {
	if t.status == Converged {
		return nil
	}
	t.status = NotTerminated
	for t.status == NotTerminated {
		if err := t.RunEpoch(ctx); err != nil {
			return err
		}
	}
	return nil
}

// RunEpoch runs the updates of one epoch, then measures and records it; a
// limit or a Converger may end it early (Status is then set).
func (t *Trainer) RunEpoch(ctx context.Context) error {
	start := time.Now()
	n, _ := t.data.Dims()
	s := &t.settings
	var perm []int
	if _, ok := s.Positive.(Minibatch); ok {
		perm = rand.New(rand.NewPCG(s.Seed, 0xe90c+uint64(t.epoch))).Perm(n)
	}
	nb := t.UpdatesPerEpoch()
	t.params = t.model.Params()
	measureUpdates := s.Monitor.Events()&UpdateEvent != 0
	var gradNorm float64
	for b := range nb {
		if st := t.limit(); st != NotTerminated {
			t.status = st
			return nil
		}
		if err := t.ctxErr(ctx); err != nil {
			t.rollback()
			t.status = Canceled
			return err
		}
		if perm != nil {
			t.fillBatch(perm[b*s.BatchSize : (b+1)*s.BatchSize])
		}
		if o, ok := s.Monitor.(UpdateObserver); ok {
			o.ObserveUpdate(t)
		}
		if t.generative() {
			t.negative()
			if t.dist != nil && measureUpdates {
				// The Monitor may read the phases of every process.
				if err := t.distReduce(); err != nil {
					t.rollback()
					t.status = Failed
					return err
				}
			}
		}
		rec := t.newRecord(UpdateEvent)
		if measureUpdates {
			s.Monitor.Measure(t, &rec)
			if t.converged(rec) {
				rec.Seconds = (t.elapsed + time.Since(start)).Seconds()
				t.history = append(t.history, rec)
				return t.record(rec)
			}
		}
		if err := t.step(); err != nil {
			t.rollback()
			t.status = Failed
			return err
		}
		t.updates++
		if b == nb-1 {
			gradNorm = norm(t.grad)
		}
		if err := t.check(); err != nil {
			t.rollback()
			t.status = Diverged
			return fmt.Errorf("%w at epoch %d, update %d (%v): lower the learning rate (--lr) or add an L2 penalty", ErrDiverged, t.epoch+1, b+1, err)
		}
		rec.Updates, rec.LR = t.updates, s.Optimizer.LastRate()
		rec.Seconds = (t.elapsed + time.Since(start)).Seconds()
		if b == nb-1 {
			// The epoch is complete before its last update is recorded,
			// so that a Recorder may checkpoint there.
			t.epoch++
			t.elapsed += time.Since(start)
			copy(t.good, t.model.Params())
			rec.Seconds = t.elapsed.Seconds()
		}
		if measureUpdates {
			t.history = append(t.history, rec)
		}
		if err := t.record(rec); err != nil {
			return err
		}
	}
	rec := t.newRecord(EpochEvent)
	if s.Monitor.Events()&EpochEvent != 0 {
		s.Monitor.Measure(t, &rec)
	}
	rec.GradNorm = gradNorm
	rec.Seconds = t.elapsed.Seconds()
	if s.Monitor.Events()&EpochEvent != 0 {
		t.history = append(t.history, rec)
	}
	if err := t.record(rec); err != nil {
		return err
	}
	t.converged(rec)
	return nil
}

// newRecord returns a record of the counters, measurements NaN.
func (t *Trainer) newRecord(e Event) Record {
	r := nanRecord()
	r.Event, r.Epoch, r.Update, r.Updates, r.Sweeps = e, t.epoch, t.updates, t.updates, t.sweeps
	r.LR = t.settings.Optimizer.LastRate()
	return r
}

// converged asks the Convergers about r and sets the status.
func (t *Trainer) converged(r Record) bool {
	for _, c := range t.settings.Convergers {
		if c.Converged(t, r) == Converged {
			t.status = Converged
			return true
		}
	}
	return false
}

// record tells the Recorders of r.
func (t *Trainer) record(r Record) error {
	for _, rc := range t.settings.Recorders {
		if err := rc.Record(t, r); err != nil {
			t.status = Failed
			return err
		}
	}
	return nil
}

// rollback restores the parameters of the last completed epoch.
func (t *Trainer) rollback() { copy(t.model.Params(), t.good) }

// fillBatch copies the rows idx of the data (and their weights) into the
// minibatch; CD restarts the chains there.
func (t *Trainer) fillBatch(idx []int) {
	s := &t.settings
	idx = t.ownRows(idx)
	for r, i := range idx {
		t.data.row(i, t.batch.RawRowView(r))
		if t.batchW != nil {
			t.batchW[r] = s.Weights[i]
		}
	}
	if s.Method == CD {
		t.chains.SetVisible(t.batch)
	}
}

// negative advances the fantasy particles by K transitions.
func (t *Trainer) negative() {
	s := &t.settings
	if t.negHidden != nil {
		// PCD by block Gibbs on an RBM: the chains' last half-step gives
		// the particles' hidden probabilities. For the fused update of a
		// model that keeps chains resident they stay with the chains,
		// which are then not converted to float64 at all.
		ph := t.negHidden
		t.negResident = t.resident != nil && t.resident.ChainsResident()
		if t.negResident {
			ph = nil
		}
		sample.BlockGibbs{}.StepHidden(t.model.(model.Bipartite), t.chains, s.K, ph)
	} else {
		s.Sampler.Step(t.model, t.chains, s.K)
	}
	t.sweeps += s.K
}

// step computes the gradient of the update whose chains were advanced
// and takes the optimizer step, leaving the log-likelihood gradient (with
// the penalty's) in t.grad.
func (t *Trainer) step() error {
	if t.fused != nil {
		t.fusedUpdate()
		return nil
	}
	if err := t.objectiveGradient(); err != nil {
		return err
	}
	s := &t.settings
	switch {
	case s.Gradient == nil:
	case t.dist != nil:
		pos := t.dist.lastPos // every process's minibatch
		s.Gradient.(PhaseGradientTransform).TransformGradientPhase(t.model, pos.Sum, pos.Count, t.grad)
	default:
		s.Gradient.TransformGradient(t.model, t.batch, t.batchW, t.grad)
	}
	p := t.model.Params()
	s.Penalty.AddGradient(p, t.grad)
	s.Optimizer.Step(p, t.grad)
	s.Penalty.ApplyProximalL1(p, s.Optimizer.LastRate())
	return nil
}

// generative reports whether the updates use the log-likelihood gradient
// (no Objective, or one with a positive likelihood weight), and so the
// negative phase.
func (t *Trainer) generative() bool {
	o := t.settings.Objective
	return o == nil || o.LikelihoodWeight() != 0
}

// objectiveGradient writes the gradient of the update into t.grad: the
// log-likelihood gradient, weighted and completed by the Objective when
// there is one.
func (t *Trainer) objectiveGradient() error {
	o := t.settings.Objective
	if o == nil {
		return t.gradient()
	}
	if lw := o.LikelihoodWeight(); lw == 0 {
		clear(t.grad)
	} else {
		if err := t.gradient(); err != nil {
			return err
		}
		if lw != 1 {
			for j := range t.grad {
				t.grad[j] *= lw
			}
		}
	}
	if err := o.AddGradient(t.model, t.batch, t.batchW, t.grad); err != nil {
		return fmt.Errorf("train: objective: %w", err)
	}
	return nil
}

// gradient writes the log-likelihood gradient of the positive phase and
// the chains into t.grad: by the model's one-pass shortcuts where they
// apply (one process, data rows), otherwise from the two phase sums.
func (t *Trainer) gradient() error {
	s, m := &t.settings, t.model
	if s.Reducer == nil && !t.cached {
		if t.negHidden != nil {
			m.(model.HiddenPhaseDifference).PhaseDifferenceHidden(t.batch, t.batchW, t.chains.VisibleView(), t.negHidden, t.grad)
			return nil
		}
		if pd, ok := m.(model.PhaseDifference); ok {
			pd.PhaseDifference(t.batch, t.batchW, t.chains.VisibleView(), t.grad)
			return nil
		}
	}
	if t.dist != nil {
		return t.distGradient()
	}
	pos := t.pos
	if t.cached {
		if s.Reducer != nil {
			// The reducer replaces its arguments: keep the cached sums.
			pos = NewPhase(len(t.grad))
			pos.Merge(t.pos)
		}
	} else {
		pos.Reset()
		pos.AddWith(s.PositiveStats, t.batch, t.batchW)
	}
	t.neg.Reset()
	t.neg.AddWith(s.NegativeStats, t.chains.VisibleView(), nil)
	if s.Reducer != nil {
		if err := s.Reducer.Reduce(pos, t.neg); err != nil {
			return fmt.Errorf("train: reducing the phases: %w", err)
		}
	}
	Gradient(pos, t.neg, t.grad)
	return nil
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
	opt := s.Optimizer.(optim.RangeStepper)
	p, g, pen := t.params, t.grad, &s.Penalty
	pen.Check(len(p))
	opt.BeginStep(len(p))
	lr := opt.LastRate()
	var first atomic.Int64
	first.Store(math.MaxInt64)
	apply := func(lo, hi int) {
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
	}
	switch {
	case t.negResident && t.resident.ChainsResident():
		// The particles and their hidden probabilities straight from the
		// resident chains (uploaded again only if a reader wrote them).
		t.resident.PhaseDifferenceResidentApply(t.batch, t.batchW, t.chains.Resident(t.resident), g, apply)
	case t.negResident:
		// The model left float32 mode after the negative phase: the
		// probabilities are recomputed from the visible states.
		t.fused.PhaseDifferenceHiddenApply(t.batch, t.batchW, t.chains.VisibleView(), nil, g, apply)
	default:
		t.fused.PhaseDifferenceHiddenApply(t.batch, t.batchW, t.chains.VisibleView(), t.negHidden, g, apply)
	}
	opt.EndStep()
	t.nonFinite = -1
	if j := first.Load(); j != math.MaxInt64 {
		t.nonFinite = int(j)
	}
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
