package ais

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"boltzmann/model"
	"boltzmann/model/gbrbm"
	"boltzmann/sample"
)

// Path is an annealing path f_β, β ∈ [0,1], from a base distribution p_0
// that can be sampled exactly and whose log Z_0 is known to the target
// f_1 = exp(-F). A Path holds scratch space sized to the batch: one AIS run
// at a time may use it.
type Path interface {
	// Dim is the number of visible units.
	Dim() int
	// LogZ0 returns log Z_0 of the base distribution in nats.
	LogZ0() float64
	// SampleBase overwrites every chain of c with an independent exact draw
	// from p_0.
	SampleBase(c *sample.Chains)
	// Step adds log f_to(x_r) - log f_from(x_r) to logw[r] for every chain
	// x_r of c; then, if move, replaces each x_r by a draw from a transition
	// kernel that leaves p_to invariant, or from its reversal if reverse.
	Step(c *sample.Chains, from, to float64, logw []float64, move, reverse bool)
}

// Settings configure an AIS run. The zero value of each field selects the
// documented default.
type Settings struct {
	// Runs is the number of independent forward runs; default 100.
	// Reverse runs one chain per start row and ignores it.
	Runs int
	// Schedule is the sequence of inverse temperatures; default
	// SalakhutdinovMurray(DefaultSteps).
	Schedule Schedule
	// Seed fixes the random streams.
	Seed uint64
	// OnStep, if set, is called after each step with the number of steps
	// done and the total (for progress bars).
	OnStep func(done, total int)
	// Procs, if set, shares the runs among the processes of a job: each
	// advances its blocks of sample.BlockSize runs (their random streams
	// are those of one process), and the log-weights are gathered in run
	// order, so that every process returns the one-process Result bit for
	// bit, except Final, which only process 0 holds (nil elsewhere). Every
	// process must call Forward or Reverse with the same arguments.
	Procs sample.Procs
}

func (s *Settings) withDefaults() (Settings, error) {
	var out Settings
	if s != nil {
		out = *s
	}
	if out.Runs == 0 {
		out.Runs = 100
	}
	if out.Runs < 0 {
		return out, fmt.Errorf("ais: need a positive number of runs, got %d", out.Runs)
	}
	if out.Schedule == nil {
		out.Schedule = SalakhutdinovMurray(DefaultSteps)
	}
	return out, out.Schedule.Valid()
}

// Result is an estimate of log Z_1 of a path's target.
type Result struct {
	// LogZ is the estimate of log Z in nats: log Z_0 + log mean w for a
	// forward run, log Z_0 - log mean w̃ for a reverse run.
	LogZ float64
	// StdErr is the delta-method standard error of LogZ,
	// s_w / (√R w̄) (NaN with one run).
	StdErr float64
	// Lower and Upper are the ends of the ±3σ interval of the linear-domain
	// estimate mapped to log Z (Lower or Upper may be ∓Inf when 3σ ≥ 1).
	Lower, Upper float64
	// MeanChainLogZ is mean_r [log Z_0 ∓ log w_r], and MeanChainStdErr its
	// standard error over runs. For reverse runs started from data rows
	// it is the "reverse log Z" of the RAISE bound: <-F>_rows -
	// MeanChainLogZ is a stochastic lower bound on the rows' mean
	// log-likelihood under the annealing model (see the package doc).
	MeanChainLogZ, MeanChainStdErr float64
	// LogZ0 is log Z of the base distribution.
	LogZ0 float64
	// LogWeights holds log w_r (forward) or log w̃_r (reverse) of each run.
	LogWeights []float64
	// Steps is the number of annealing steps.
	Steps int
	// Reverse reports a reverse run.
	Reverse bool
	// Final holds the final state of each run (runs × Dim): approximate
	// samples of the target (forward) or of the base (reverse).
	Final *mat.Dense
}

// Runs is the number of runs.
func (r Result) Runs() int { return len(r.LogWeights) }

// Forward estimates log Z of p's target by forward AIS: a stochastic lower
// bound (see the package doc).
func Forward(p Path, s *Settings) (Result, error) {
	set, err := s.withDefaults()
	if err != nil {
		return Result{}, err
	}
	c, err := sample.Share(sample.NewChains(set.Runs, p.Dim(), set.Seed), set.Procs, "AIS runs")
	if err != nil {
		return Result{}, fmt.Errorf("ais: %w", err)
	}
	p.SampleBase(c)
	logw := make([]float64, c.Len())
	beta := set.Schedule
	K := beta.Steps()
	for k := 1; k <= K; k++ {
		p.Step(c, beta[k-1], beta[k], logw, k < K, false)
		if set.OnStep != nil {
			set.OnStep(k, K)
		}
	}
	return gathered(set.Procs, p.LogZ0(), logw, K, false, c.Visible())
}

// Reverse runs reverse AIS from the rows of start (one run per row, the
// states x_K of the package doc) down to the base distribution. Started
// from exact samples of the target, Result.LogZ is a stochastic upper bound
// on log Z; started from data rows, -F(row) - LogZ0 + LogWeights[r] is a
// stochastic lower bound on the row's log-likelihood under the annealing
// model (RAISE). Settings.Runs is ignored.
func Reverse(p Path, start *mat.Dense, s *Settings) (Result, error) {
	set, err := s.withDefaults()
	if err != nil {
		return Result{}, err
	}
	n, d := start.Dims()
	if d != p.Dim() {
		panic(fmt.Sprintf("ais: Reverse with %d-column start rows for a path of dimension %d", d, p.Dim()))
	}
	all := sample.NewChains(n, d, set.Seed)
	all.SetVisible(start)
	c, err := sample.Share(all, set.Procs, "reverse AIS start rows")
	if err != nil {
		return Result{}, fmt.Errorf("ais: %w", err)
	}
	logw := make([]float64, c.Len())
	beta := set.Schedule
	K := beta.Steps()
	for k := K; k >= 1; k-- {
		p.Step(c, beta[k], beta[k-1], logw, k > 1, true)
		if set.OnStep != nil {
			set.OnStep(K-k+1, K)
		}
	}
	return gathered(set.Procs, p.LogZ0(), logw, K, true, c.Visible())
}

// gathered is summarize of every process's log-weights, in run order, on
// every process, with the final states of every run on process 0.
func gathered(procs sample.Procs, logZ0 float64, logw []float64, steps int, reverse bool, final *mat.Dense) (Result, error) {
	if procs == nil || procs.Size() == 1 {
		return summarize(logZ0, logw, steps, reverse, final), nil
	}
	all, err := sample.AllgatherFloats(procs, logw)
	if err != nil {
		return Result{}, fmt.Errorf("ais: gathering the log-weights: %w", err)
	}
	x, err := sample.GatherFloats(procs, final.RawMatrix().Data)
	if err != nil {
		return Result{}, fmt.Errorf("ais: gathering the final states: %w", err)
	}
	var f *mat.Dense
	if x != nil {
		_, d := final.Dims()
		f = mat.NewDense(len(x)/d, d, x)
	}
	return summarize(logZ0, all, steps, reverse, f), nil
}

// summarize turns log weights into the estimate of log Z and its error.
func summarize(logZ0 float64, logw []float64, steps int, reverse bool, final *mat.Dense) Result {
	r := Result{LogZ0: logZ0, LogWeights: logw, Steps: steps, Reverse: reverse, Final: final}
	lm, rel := logMeanExp(logw)
	sign := 1.0
	if reverse {
		sign = -1
	}
	r.LogZ = logZ0 + sign*lm
	r.StdErr = rel
	lo, hi := math.Log1p(-3*rel), math.Log1p(3*rel)
	if 3*rel >= 1 {
		lo = math.Inf(-1)
	}
	if reverse {
		r.Lower, r.Upper = r.LogZ-hi, r.LogZ-lo
	} else {
		r.Lower, r.Upper = r.LogZ+lo, r.LogZ+hi
	}
	chain := make([]float64, len(logw))
	for i, v := range logw {
		chain[i] = logZ0 + sign*v
	}
	r.MeanChainLogZ, r.MeanChainStdErr = meanStdErr(chain)
	return r
}

// logMeanExp returns log((1/R) Σ exp(x_r)) and the relative standard error
// s_w/(√R w̄) of the mean of w = exp(x) (NaN when R = 1).
func logMeanExp(x []float64) (lm, rel float64) {
	m := math.Inf(-1)
	for _, v := range x {
		m = max(m, v)
	}
	n := float64(len(x))
	if math.IsInf(m, 0) || math.IsNaN(m) {
		return m, math.NaN()
	}
	mean := 0.0
	for _, v := range x {
		mean += math.Exp(v - m)
	}
	mean /= n
	ss := 0.0
	for _, v := range x {
		d := math.Exp(v-m) - mean
		ss += d * d
	}
	if len(x) < 2 {
		return m + math.Log(mean), math.NaN()
	}
	sd := math.Sqrt(ss / (n - 1))
	return m + math.Log(mean), sd / (math.Sqrt(n) * mean)
}

func meanStdErr(x []float64) (mean, se float64) {
	n := float64(len(x))
	for _, v := range x {
		mean += v
	}
	mean /= n
	if len(x) < 2 {
		return mean, math.NaN()
	}
	ss := 0.0
	for _, v := range x {
		ss += (v - mean) * (v - mean)
	}
	return mean, math.Sqrt(ss / (n - 1) / n)
}

// ErrNoPath is returned by NewPath for models it has no annealing path for.
var ErrNoPath = errors.New("ais: no annealing path for this model (need an RBM, a Gaussian-Bernoulli RBM or a discrete fully visible model)")

// NewPath returns the annealing path of m from its base-rate model fitted
// to the rows of x (nil x: the base of BaseRateBias or BaseRateSites with
// nil data): an RBMPath for a model.AnnealingKernel whose sampler is block
// Gibbs (rbm.RBM), a GBRBMPath from independent Gaussians fitted to x
// (GaussianBase) for a Gaussian-Bernoulli RBM (a WhitenedPath for a whitened
// one), a SitePath for other
// discrete models (a labeled RBM, whose label block must stay one-hot,
// included).
func NewPath(m model.Model, x *mat.Dense) (Path, error) {
	if w, ok := m.(*gbrbm.Whitened); ok {
		return NewWhitenedPath(w, x), nil
	}
	if g, ok := m.(*gbrbm.Model); ok {
		mean, variance := GaussianBase(g, x)
		return NewGBRBMPath(g, mean, variance), nil
	}
	if k, ok := m.(model.AnnealingKernel); ok && sample.CheckBlockGibbs(m) == nil {
		return NewRBMPath(k, BaseRateBias(k, x)), nil
	}
	if t, ok := m.(model.Discrete); ok {
		return NewSitePath(t, BaseRateSites(t, x)), nil
	}
	return nil, fmt.Errorf("%w: got %T", ErrNoPath, m)
}
