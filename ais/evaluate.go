package ais

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"boltzmann/model"
	"boltzmann/sample"
)

// Direction selects the AIS runs of Evaluate.
type Direction int

const (
	// Both runs forward AIS and reverse AIS from data rows and compares
	// them (the zero value).
	Both Direction = iota
	// ForwardOnly runs forward AIS only.
	ForwardOnly
	// ReverseOnly runs reverse AIS from data rows only.
	ReverseOnly
)

// EvaluateSettings configure Evaluate. Zero values of Runs and Schedule
// select the defaults of Settings.
type EvaluateSettings struct {
	// Runs is the number of forward runs and the most data rows annealed
	// by reverse AIS (drawn without replacement; all rows if fewer).
	Runs int
	// Schedule is the inverse-temperature schedule of both directions.
	Schedule Schedule
	// Seed fixes the forward runs; the reverse runs use Seed+1, and the
	// choice of their start rows the stream (Seed, 0x7e5e).
	Seed uint64
	// Margin is the largest disagreement |LogZ - ReverseLogZ|, in nats,
	// that Evaluate accepts without setting Report.Disagree (0: any
	// difference is a disagreement).
	Margin float64
	// Direction selects the runs; default Both.
	Direction Direction
	// OnForwardStep and OnReverseStep, if set, are called after each
	// annealing step of each direction (for progress bars).
	OnForwardStep, OnReverseStep func(done, total int)
	// Procs, if set, shares the forward and reverse runs among the
	// processes of a job (Settings.Procs); every process returns the
	// one-process Report.
	Procs sample.Procs
}

// Report is the result of Evaluate. Quantities of a direction that was
// not run are NaN.
type Report struct {
	// Forward and Reverse are the raw results of the two directions (nil
	// when not run).
	Forward, Reverse *Result
	// LogZ and LogZStdErr are the forward AIS estimate of log Z and its
	// standard error, in nats: a stochastic lower bound.
	LogZ, LogZStdErr float64
	// ReverseLogZ and ReverseStdErr are the reverse (RAISE) log Z from the
	// start rows, Result.MeanChainLogZ, and its standard error over rows.
	ReverseLogZ, ReverseStdErr float64
	// LogLikelihood and ReverseLogLikelihood are the mean log-likelihoods
	// of all data rows, -<F>_data - LogZ (optimistic in expectation) and
	// -<F>_data - ReverseLogZ (conservative), in nats per row.
	LogLikelihood, ReverseLogLikelihood float64
	// Disagreement is |LogZ - ReverseLogZ| in nats (Both only), and
	// Disagree reports that it exceeds Margin or is NaN: neither estimate
	// is then reliable, and the schedule needs more steps.
	Disagreement float64
	Disagree     bool
	// Runs is the number of forward runs and Steps the number of
	// annealing steps.
	Runs, Steps int
}

// Evaluate estimates log Z of the model m by annealed importance sampling
// from its base-rate model fitted to the rows of data (n × m.Dim(), see
// NewPath), forward, in reverse from data rows, or both, and returns the
// log-likelihoods of the data they give. With both directions the two
// estimates bracket log Z in expectation (the package doc), and their
// disagreement measures how far both are from the truth.
func Evaluate(m model.Model, data *mat.Dense, s *EvaluateSettings) (Report, error) {
	var set EvaluateSettings
	if s != nil {
		set = *s
	}
	n, d := data.Dims()
	if n == 0 || d != m.Dim() {
		return Report{}, fmt.Errorf("ais: Evaluate needs data rows of %d columns, got %d×%d", m.Dim(), n, d)
	}
	base, err := (&Settings{Runs: set.Runs, Schedule: set.Schedule}).withDefaults()
	if err != nil {
		return Report{}, err
	}
	path, err := NewPath(m, data)
	if err != nil {
		return Report{}, err
	}
	nan := math.NaN()
	rep := Report{LogZ: nan, LogZStdErr: nan, ReverseLogZ: nan, ReverseStdErr: nan,
		LogLikelihood: nan, ReverseLogLikelihood: nan, Disagreement: nan,
		Runs: base.Runs, Steps: base.Schedule.Steps()}
	f := make([]float64, n)
	m.FreeEnergy(data, f)
	meanF := 0.0
	for _, v := range f {
		meanF += v
	}
	meanF /= float64(n)

	if set.Direction != ReverseOnly {
		r, err := Forward(path, &Settings{Runs: base.Runs, Schedule: base.Schedule, Seed: set.Seed, OnStep: set.OnForwardStep, Procs: set.Procs})
		if err != nil {
			return Report{}, err
		}
		rep.Forward = &r
		rep.LogZ, rep.LogZStdErr = r.LogZ, r.StdErr
		rep.LogLikelihood = -meanF - r.LogZ
	}
	if set.Direction != ForwardOnly {
		start := startRows(data, base.Runs, set.Seed)
		r, err := Reverse(path, start, &Settings{Schedule: base.Schedule, Seed: set.Seed + 1, OnStep: set.OnReverseStep, Procs: set.Procs})
		if err != nil {
			return Report{}, err
		}
		rep.Reverse = &r
		rep.ReverseLogZ, rep.ReverseStdErr = r.MeanChainLogZ, r.MeanChainStdErr
		rep.ReverseLogLikelihood = -meanF - r.MeanChainLogZ
	}
	if rep.Forward != nil && rep.Reverse != nil {
		rep.Disagreement = math.Abs(rep.LogZ - rep.ReverseLogZ)
		rep.Disagree = rep.Disagreement > set.Margin || math.IsNaN(rep.Disagreement)
	}
	return rep, nil
}

// startRows returns min(k, n) rows of x drawn without replacement with
// seed (all rows, in order, when k ≥ n).
func startRows(x *mat.Dense, k int, seed uint64) *mat.Dense {
	n, d := x.Dims()
	if k >= n {
		return x
	}
	perm := rand.New(rand.NewPCG(seed, 0x7e5e)).Perm(n)[:k]
	out := mat.NewDense(k, d, nil)
	for i, r := range perm {
		out.SetRow(i, x.RawRowView(r))
	}
	return out
}
