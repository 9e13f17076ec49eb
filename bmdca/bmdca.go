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
// A Trainer is deterministic given its seed: the chains draw from the
// per-block random streams of sample.Chains, and every reduction has a fixed
// order, so results do not depend on the number of cores, and a run
// restored from MarshalBinary continues exactly as if uninterrupted.
package bmdca

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"gonum.org/v1/gonum/mat"

	"boltzmann/internal/parallel"
	"boltzmann/model"
	"boltzmann/model/potts"
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

// ErrDiverged is returned when a parameter becomes NaN or infinite.
var ErrDiverged = errors.New("bmdca: training diverged (a parameter is not finite); lower the learning rate")

// Settings controls a Trainer. Zero values select the defaults above.
type Settings struct {
	Chains     int     // persistent chains
	Sweeps     int     // sampler sweeps (Step calls of n = Sweeps) per update
	LR         float64 // learning rate of the plain gradient step
	Target     float64 // Pearson correlation of connected correlations at which to stop
	MaxUpdates int     // stop after this many parameter updates
	Seed       uint64  // seed of the chains' random streams
	// Sampler advances the chains; default train.DefaultSampler(m), the
	// fast potts.Gibbs for a Potts model.
	Sampler sample.Sampler
	// OnUpdate, if set, is called after each update with its record; an
	// error stops Run.
	OnUpdate func(t *Trainer, r Record) error
}

func (s Settings) withDefaults(m model.Model) Settings {
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
	if s.Sampler == nil {
		s.Sampler = train.DefaultSampler(m)
	}
	return s
}

// Record is the state of training after one sampling round.
type Record struct {
	Update  int     `json:"update"`  // parameter updates applied before this round
	Sweeps  int     `json:"sweeps"`  // sweeps of every chain so far
	Seconds float64 `json:"seconds"` // training wall time so far
	// Pearson and Slope compare the chains' connected correlations with
	// the data's over the pairs i < j (convergence at Pearson >= Target).
	Pearson float64 `json:"pearson"`
	Slope   float64 `json:"slope"`
	// PearsonFi compares the one-site frequencies.
	PearsonFi float64 `json:"pearson_fi"`
	LR        float64 `json:"lr"`
}

// Trainer holds the state of a bmDCA run.
type Trainer struct {
	m        model.Model
	pm       *potts.Model // m as a Potts model, or nil
	target   *Target
	settings Settings

	chains    *sample.Chains
	updates   int
	sweeps    int
	elapsed   time.Duration
	history   []Record
	converged bool

	codes  []uint8
	counts Counts
	cmod   []float64 // the chains' connected correlations
	pos    []float64 // generic models: data average of ∂F/∂θ
	neg    []float64
}

// New prepares to fit m (a *potts.Model, or a model.Discrete over the codes
// 0, …, q-1 such as a categorical RBM) to the target statistics. The
// model's current parameters are the starting point (see InitIndependent),
// and the chains start from uniformly random sequences.
func New(m model.Model, t *Target, s *Settings) (*Trainer, error) {
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
	tr := &Trainer{m: m, target: t, settings: s.withDefaults(m)}
	tr.pm, _ = m.(*potts.Model)
	tr.chains = sample.NewChains(tr.settings.Chains, t.L, tr.settings.Seed)
	tr.chains.Randomize(d.States())
	tr.cmod = make([]float64, len(t.C))
	if tr.pm == nil {
		tr.pos = make([]float64, len(m.Params()))
		tr.neg = make([]float64, len(m.Params()))
	}
	return tr, nil
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

// Model returns the model being trained.
func (t *Trainer) Model() model.Model { return t.m }

// Settings returns the settings with defaults filled in.
func (t *Trainer) Settings() Settings { return t.settings }

// SetMaxUpdates changes the update limit (to continue a finished run).
func (t *Trainer) SetMaxUpdates(n int) { t.settings.MaxUpdates = n }

// Chains returns the persistent chains.
func (t *Trainer) Chains() *sample.Chains { return t.chains }

// Updates is the number of parameter updates applied.
func (t *Trainer) Updates() int { return t.updates }

// History returns one record per sampling round.
func (t *Trainer) History() []Record { return t.history }

// Converged reports whether the last round reached the target Pearson
// correlation; the model then is the one whose chains were measured.
func (t *Trainer) Converged() bool { return t.converged }

// Done reports whether Run has nothing left to do.
func (t *Trainer) Done() bool { return t.converged || t.updates >= t.settings.MaxUpdates }

// Run performs updates until the target is reached, MaxUpdates updates
// are done, ctx is cancelled (it returns ctx.Err()) or OnUpdate fails.
func (t *Trainer) Run(ctx context.Context) error {
	for !t.Done() {
		if err := ctx.Err(); err != nil {
			return err
		}
		r, err := t.Step()
		if err != nil {
			return err
		}
		if t.settings.OnUpdate != nil {
			if err := t.settings.OnUpdate(t, r); err != nil {
				return err
			}
		}
	}
	return nil
}

// Step advances the chains by Sweeps sweeps, measures their statistics
// and, unless they reach the target, updates the parameters once.
func (t *Trainer) Step() (Record, error) {
	start := time.Now()
	s := t.settings
	s.Sampler.Step(t.m, t.chains, s.Sweeps)
	t.sweeps += s.Sweeps
	l, q := t.target.L, t.target.Q
	t.codes = chainCodes(t.chains.X, t.codes)
	t.counts.Count(t.codes, l, q)
	t.counts.Connected(t.cmod)
	r := Record{Update: t.updates, Sweeps: t.sweeps, LR: s.LR}
	r.Pearson, r.Slope = Pearson(t.target.C, t.cmod)
	fi := make([]float64, l*q)
	for k, v := range t.counts.Fi {
		fi[k] = v / float64(t.counts.N)
	}
	r.PearsonFi, _ = Pearson(t.target.Fi, fi)
	// A constant statistic (chains all equal) has no correlation: count it
	// as 0, which also keeps the history valid JSON.
	r.Pearson, r.Slope, r.PearsonFi = zeroNaN(r.Pearson), zeroNaN(r.Slope), zeroNaN(r.PearsonFi)
	if r.Pearson >= s.Target {
		t.converged = true
	} else {
		if t.pm != nil {
			t.pottsUpdate(s.LR)
		} else {
			t.genericUpdate(s.LR)
		}
		t.updates++
		for _, v := range t.m.Params() {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return r, ErrDiverged
			}
		}
	}
	t.elapsed += time.Since(start)
	r.Seconds = t.elapsed.Seconds()
	t.history = append(t.history, r)
	return r, nil
}

// pottsUpdate applies h += lr (f - p), J += lr (f_ij - p_ij) to both
// stored copies of each coupling.
func (t *Trainer) pottsUpdate(lr float64) {
	l, q, lq := t.target.L, t.target.Q, t.target.L*t.target.Q
	inv := 1 / float64(t.counts.N)
	h := t.pm.Fields()
	for k := range h {
		h[k] += lr * (t.target.Fi[k] - t.counts.Fi[k]*inv)
	}
	c := t.pm.Couplings()
	fij, pij := t.target.Fij, t.counts.Fij
	// Goroutine i writes the upper blocks of rows i·q… and the lower blocks
	// of column i·q…: every entry is written by one goroutine.
	parallel.For(l, func(i int) {
		for a := range q {
			ia := i*q + a
			for jb := (i + 1) * q; jb < lq; jb++ {
				g := lr * (fij[ia*lq+jb] - pij[ia*lq+jb]*inv)
				c[ia*lq+jb] += g
				c[jb*lq+ia] += g
			}
		}
	})
}

// genericUpdate applies θ -= lr (<∂F/∂θ>_data - <∂F/∂θ>_chains).
func (t *Trainer) genericUpdate(lr float64) {
	clear(t.pos)
	clear(t.neg)
	t.m.AddStats(t.target.X, t.target.W, t.pos)
	t.m.AddStats(t.chains.X, nil, t.neg)
	inv := 1 / float64(t.chains.Len())
	p := t.m.Params()
	for j := range p {
		p[j] -= lr * (t.pos[j] - t.neg[j]*inv)
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
