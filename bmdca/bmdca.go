// Package bmdca fits Potts models (and other categorical models) to
// multiple sequence alignments by Boltzmann-machine learning, the bmDCA
// algorithm of adabmDCA 2.0 (Rosset et al. 2025; Figliuzzi et al. 2018):
//
//  1. the target statistics are the reweighted one- and two-site
//     frequencies f_i(a), f_ij(a,b) of the alignment with a pseudocount,
//     computed once (NewTarget);
//
//  2. persistent Markov chains (10,000 by default) are advanced by a few
//     sweeps (10) of the model's sampler;
//
//  3. the parameters take one plain gradient step on the full-batch
//     log-likelihood, for a Potts model
//
//     h_i(a)    += lr · (f_i(a)    - p_i(a)),
//     J_ij(a,b) += lr · (f_ij(a,b) - p_ij(a,b)),
//
//     with p the frequencies of the chains;
//
//  4. training stops when the Pearson correlation between the data's and
//     the chains' connected correlations C_ij(a,b) = f_ij(a,b) - f_i(a) f_j(b)
//     over the pairs i < j reaches the target (0.95).
//
// For models with hidden units (such as model/catrbm) step 3 is the generic
// gradient <∂F/∂θ>_data - <∂F/∂θ>_chains, with the data average weighted by
// the sequence weights and recomputed at each update.
//
// bmDCA is a configuration of the one training loop of package train: New
// returns a train.Trainer with a cached positive phase (train.Cached with
// the target's pseudocounted frequencies; train.FullBatch for latent
// models), persistent chains started at uniformly random sequences, a
// constant-rate SGD step without momentum, a Monitor that measures the
// Pearson correlations of every update before its step, and a Converger on
// them. For a Potts model the chains' statistics are integer counts of
// uint8 codes (Counts), shared by the Monitor and the negative phase.
//
// A run is deterministic given its seed: the chains draw from the
// per-block random streams of sample.Chains, and every reduction has a fixed
// order, so results do not depend on the number of cores, and a run
// restored from the trainer's MarshalBinary continues exactly as if
// uninterrupted.
package bmdca

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"boltzmann/internal/parallel"
	"boltzmann/model"
	"boltzmann/model/potts"
	"boltzmann/optim"
	"boltzmann/sample"
	"boltzmann/train"
)

// Defaults of adabmDCA 2.0's bmDCA routine.
const (
	DefaultChains   = 10000
	DefaultSweeps   = 10
	DefaultLR       = 0.05
	DefaultTarget   = 0.95
	DefaultReweight = 0.8
	DefaultMax      = 50000
)

// Settings configure a bmDCA run. Zero values select the defaults above.
type Settings struct {
	Chains int     // persistent chains
	Sweeps int     // sampler sweeps (Step calls of n = Sweeps) per update
	LR     float64 // learning rate of the plain gradient step
	// Target is the Pearson correlation of connected correlations at
	// which to stop.
	Target float64
	// SlopeTol, if positive, also requires the slope of the model's
	// connected correlations against the data's to be within SlopeTol of
	// 1 to stop (0: the Pearson correlation alone, as adabmDCA).
	SlopeTol   float64
	MaxUpdates int    // stop after this many parameter updates
	Seed       uint64 // seed of the chains' random streams
	// Sampler advances the chains; default sample.DefaultSampler(m), the
	// fast potts.Gibbs for a Potts model.
	Sampler sample.Sampler
	// Optimizer takes the gradient steps; nil means adabmDCA's constant-rate
	// SGD with rate LR (see Preset for the faster adaptive rates).
	Optimizer optim.Optimizer
	// Recorders are told of each update's record (Event
	// train.UpdateEvent, carrying Pearson, Slope and PearsonFi) and, as
	// every update is an epoch of the full-batch loop, of an epoch record
	// after it.
	Recorders []train.Recorder
	// Reducer, if set, is the trainer's (train.Settings.Reducer). A
	// *train.BlockReducer shares the chains of a Potts model among the
	// processes of a job: each counts its chains, the integer counts are
	// summed exactly, and every process takes the steps of a run without
	// a Reducer, bit for bit; the Monitor measures every process's chains.
	Reducer train.Reducer
}

func (s Settings) withDefaults() Settings {
	if s.Chains <= 0 {
		s.Chains = DefaultChains
	}
	if s.Sweeps <= 0 {
		s.Sweeps = DefaultSweeps
	}
	if s.LR <= 0 {
		s.LR = DefaultLR
	}
	if s.Target <= 0 {
		s.Target = DefaultTarget
	}
	if s.MaxUpdates <= 0 {
		s.MaxUpdates = DefaultMax
	}
	return s
}

// New returns the trainer that fits m (a *potts.Model, or a model.Discrete
// over the codes 0, …, q-1 such as a categorical RBM) to the target
// statistics. The model's current parameters are the starting point (see
// InitIndependent), and the chains start from uniformly random sequences.
// Run it with Run; its History holds one record per update (the last one,
// when it converged, measured without a step), Status() is train.Converged
// when the target was reached.
func New(m model.Model, t *Target, s *Settings) (*train.Trainer, error) {
	if s == nil {
		s = &Settings{}
	}
	d, ok := m.(model.Discrete)
	if !ok {
		return nil, fmt.Errorf("bmdca: %T is not a discrete model", m)
	}
	if m.Dim() != t.L || len(d.States()) != t.Q {
		return nil, fmt.Errorf("bmdca: model has %d sites and %d states, the alignment %d columns and %d states",
			m.Dim(), len(d.States()), t.L, t.Q)
	}
	if t.L < 2 {
		return nil, fmt.Errorf("bmdca: the alignment needs at least 2 columns, got %d", t.L)
	}
	c := s.withDefaults()
	cnt := &chainCounts{target: t}
	ts := &train.Settings{
		Method: train.PCD, K: c.Sweeps, Chains: c.Chains, MaxUpdates: c.MaxUpdates, Seed: c.Seed,
		Sampler:    c.Sampler,
		Optimizer:  c.optimizer(),
		Positive:   train.FullBatch{},
		Weights:    t.W,
		Monitor:    &Monitor{counts: cnt, sweeps: -1},
		Convergers: []train.Converger{Converger{Target: c.Target, SlopeTol: c.SlopeTol}},
		Recorders:  c.Recorders,
		Reducer:    c.Reducer,
	}
	if pm, ok := m.(*potts.Model); ok {
		ts.Positive = train.Cached{Stats: t.Phase(pm)}
		ts.NegativeStats = cnt
	}
	tr, err := train.New(m, t.X, ts)
	if err != nil {
		return nil, fmt.Errorf("bmdca: %w", err)
	}
	tr.Chains().Randomize(d.States())
	return tr, nil
}

// Phase returns the positive phase of a Potts model m fitted to t: the
// sums of potts.Model.AddStats for frequencies f (minus f_i(a) for the
// fields, minus f_ij(a,b) for both copies of each coupling, zero on the
// diagonal blocks) with total weight 1.
func (t *Target) Phase(m *potts.Model) *train.Phase {
	l, q, lq := t.L, t.Q, t.L*t.Q
	if m.L() != l || m.Q() != q {
		panic(fmt.Sprintf("bmdca: Phase of a %d×%d target for a %d×%d Potts model", l, q, m.L(), m.Q()))
	}
	p := train.NewPhase(len(m.Params()))
	p.Count = 1
	for k, f := range t.Fi {
		p.Sum[k] = -f
	}
	c := p.Sum[lq:]
	parallel.For(l, func(i int) {
		for a := range q {
			ia := i*q + a
			for jb := range lq {
				if jb/q != i {
					c[ia*lq+jb] = -t.Fij[ia*lq+jb]
				}
			}
		}
	})
	return p
}

// Converger stops bmDCA at the target Pearson correlation of the connected
// correlations (and, with SlopeTol > 0, a slope within SlopeTol of 1),
// measured on update records before their step.
type Converger struct {
	Target, SlopeTol float64
}

// Converged implements train.Converger.
func (c Converger) Converged(_ *train.Trainer, r train.Record) train.Status {
	if r.Event != train.UpdateEvent || !(r.Pearson >= c.Target) {
		return train.NotTerminated
	}
	if c.SlopeTol > 0 && !(math.Abs(r.Slope-1) <= c.SlopeTol) {
		return train.NotTerminated
	}
	return train.Converged
}

// Monitor measures each update of a bmDCA run: Pearson, Slope and
// PearsonFi of the chains' statistics against the target. A constant
// statistic (chains all equal) has no correlation and is recorded as 0.
// In a data-parallel run it measures the counts of every process's chains
// (train.Trainer.ReducedNegative).
type Monitor struct {
	counts *chainCounts
	cmod   []float64 // the chains' connected correlations
	fi     []float64
	// sweeps is the trainer's Sweeps at the last Measure (-1: none).
	sweeps int
}

// Events returns train.UpdateEvent.
func (*Monitor) Events() train.Event { return train.UpdateEvent }

// Measure fills r from the trainer's chains.
func (mo *Monitor) Measure(tr *train.Trainer, r *train.Record) {
	c := mo.counts
	if neg := tr.ReducedNegative(); neg != nil && tr.Settings().NegativeStats == train.Stats(c) {
		c.fromPhase(neg)
	} else {
		c.count(tr.Chains().VisibleView())
	}
	mo.sweeps = tr.Sweeps()
	t := c.target
	if len(mo.cmod) != len(t.C) {
		mo.cmod = make([]float64, len(t.C))
		mo.fi = make([]float64, t.L*t.Q)
	}
	c.counts.Connected(mo.cmod)
	r.Pearson, r.Slope = Pearson(t.C, mo.cmod)
	for k, v := range c.counts.Fi {
		mo.fi[k] = v / float64(c.counts.N)
	}
	r.PearsonFi, _ = Pearson(t.Fi, mo.fi)
	r.Pearson, r.Slope, r.PearsonFi = zeroNaN(r.Pearson), zeroNaN(r.Slope), zeroNaN(r.PearsonFi)
}

// ChainCorrelations returns the connected correlations C_ij(a,b) of tr's
// chains in the order of t.C: those its bmDCA Monitor measured, when the
// chains have not moved since (in a data-parallel run: of every process's
// chains), else those of tr.Chains() (t.ModelCorrelations).
func ChainCorrelations(tr *train.Trainer, t *Target) []float64 {
	if mo, ok := tr.Settings().Monitor.(*Monitor); ok && mo.sweeps == tr.Sweeps() && mo.counts.target == t {
		return append([]float64(nil), mo.cmod...)
	}
	return t.ModelCorrelations(tr.Chains().VisibleView())
}

// chainCounts are the integer statistics of the chains, counted once per
// update by the Monitor and reused as the negative phase of a Potts model
// (train.Stats). They are exact in any order of summation
// (train.ExactStats).
type chainCounts struct {
	target *Target
	codes  []uint8
	counts Counts
	fresh  *mat.Dense // the chains counted by the last Measure, not yet used by AddStats
}

var _ train.ExactStats = (*chainCounts)(nil)

// ExactSums marks the counts as exact sums (train.ExactStats).
func (*chainCounts) ExactSums() {}

// fromPhase sets the counts from a negative phase of AddStats sums (minus
// the counts, Count the number of chains): the totals of a data-parallel
// run.
func (c *chainCounts) fromPhase(p *train.Phase) {
	l, q, lq := c.target.L, c.target.Q, c.target.L*c.target.Q
	k := &c.counts
	if len(k.Fi) != lq || len(k.Fij) != lq*lq {
		k.Fi, k.Fij = make([]float64, lq), make([]float64, lq*lq)
	}
	k.L, k.Q, k.N = l, q, int(p.Count)
	for i := range k.Fi {
		k.Fi[i] = 0 - p.Sum[i] // 0 - x: no negative zeros
	}
	s := p.Sum[lq:]
	parallel.For(l, func(i int) {
		for a := range q {
			ia := i*q + a
			for jb := (i + 1) * q; jb < lq; jb++ {
				k.Fij[ia*lq+jb] = 0 - s[ia*lq+jb]
			}
		}
	})
	c.fresh = nil
}

func (c *chainCounts) count(x *mat.Dense) {
	c.codes = chainCodes(x, c.codes)
	c.counts.Count(c.codes, c.target.L, c.target.Q)
	c.fresh = x
}

// AddStats adds the potts.Model.AddStats sums of the rows of x (weights
// must be nil): minus the counts, on both copies of each coupling. The
// counts of the chains just measured are reused.
func (c *chainCounts) AddStats(x *mat.Dense, w []float64, sum []float64) {
	if w != nil {
		panic("bmdca: weighted chain statistics")
	}
	if c.fresh != x {
		c.count(x)
	}
	c.fresh = nil
	l, q, lq := c.target.L, c.target.Q, c.target.L*c.target.Q
	if len(sum) != lq+lq*lq {
		panic(fmt.Sprintf("bmdca: %d sums for a Potts model of %d parameters", len(sum), lq+lq*lq))
	}
	for k, v := range c.counts.Fi {
		sum[k] -= v
	}
	s, pij := sum[lq:], c.counts.Fij
	// Goroutine i writes the upper blocks of rows i·q… and the lower blocks
	// of column i·q…: every entry is written by one goroutine.
	parallel.For(l, func(i int) {
		for a := range q {
			ia := i*q + a
			for jb := (i + 1) * q; jb < lq; jb++ {
				v := pij[ia*lq+jb]
				s[ia*lq+jb] -= v
				s[jb*lq+ia] -= v
			}
		}
	})
}

// InitIndependent sets m to the independent-site model of the target's
// one-site frequencies, h_i(a) = log f_i(a) - mean_a log f_i(a), J = 0,
// adabmDCA's starting point. The pseudocount keeps the logarithms finite.
func InitIndependent(m *potts.Model, t *Target) {
	clear(m.Params())
	q := m.Q()
	for i := range m.L() {
		mean := 0.0
		for a := range q {
			mean += math.Log(max(t.Fi[i*q+a], 1e-300))
		}
		mean /= float64(q)
		for a := range q {
			m.SetField(i, a, math.Log(max(t.Fi[i*q+a], 1e-300))-mean)
		}
	}
}

// chainCodes converts the chains' states (codes as float64) to uint8 codes.
func chainCodes(x *mat.Dense, buf []uint8) []uint8 {
	n, l := x.Dims()
	if cap(buf) < n*l {
		buf = make([]uint8, n*l)
	}
	buf = buf[:n*l]
	for r := range n {
		for i, v := range x.RawRowView(r) {
			buf[r*l+i] = uint8(v)
		}
	}
	return buf
}

func zeroNaN(v float64) float64 {
	if math.IsNaN(v) {
		return 0
	}
	return v
}
