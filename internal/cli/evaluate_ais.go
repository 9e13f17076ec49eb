package cli

import (
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"

	"github.com/spf13/cobra"
	"gonum.org/v1/gonum/mat"

	"boltzmann/ais"
	"boltzmann/exact"
	"boltzmann/model"
)

// aisFlags are evaluate's settings of annealed importance sampling.
type aisFlags struct {
	Runs       int
	Steps      int
	Schedule   string
	Seed       uint64
	WarnMargin float64
}

func (f *aisFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.IntVar(&f.Runs, "ais-runs", 100, "number of AIS runs, and of DATA rows (drawn at random; all if fewer) annealed by reverse AIS")
	fl.IntVar(&f.Steps, "ais-steps", 0, fmt.Sprintf("number of annealing steps (0: %d; with the default schedule this is Salakhutdinov & Murray's, expensive for large models)", ais.DefaultSteps))
	fl.StringVar(&f.Schedule, "ais-schedule", "sm", "inverse-temperature schedule: "+ais.ScheduleNames+" (sm: Salakhutdinov & Murray 2008, scaled to --ais-steps)")
	fl.Uint64Var(&f.Seed, "ais-seed", 1, "seed of the AIS runs")
	fl.Float64Var(&f.WarnMargin, "ais-warn-margin", 1, "warn when AIS and reverse AIS log-likelihoods differ by more than this many nats")
}

// aisEvaluation holds the AIS fields of evaluate's JSON.
type aisEvaluation struct {
	AISRuns           *int     `json:"ais_runs,omitempty"`
	AISSteps          *int     `json:"ais_steps,omitempty"`
	ReverseLogZ       *float64 `json:"reverse_log_z,omitempty"`
	ReverseLogZStderr *float64 `json:"reverse_log_z_stderr,omitempty"`
	ReverseLL         *float64 `json:"reverse_log_likelihood,omitempty"`
	// AISDisagreement is |log Z by AIS - reverse log Z| in nats, and
	// AISWarning is set when it exceeds --ais-warn-margin.
	AISDisagreement *float64 `json:"ais_disagreement,omitempty"`
	AISWarning      string   `json:"ais_warning,omitempty"`
}

// showAIS prints the error bars and AIS fields of ev in evaluate's text
// output.
func showAIS(w io.Writer, ev *evaluation, show func(string, *float64)) {
	show("log Z standard error", ev.LogZStderr)
	if ev.AISRuns != nil {
		fmt.Fprintf(w, "%-28s %d runs × %d steps\n", "AIS", *ev.AISRuns, *ev.AISSteps)
	}
	show("reverse AIS log Z", ev.ReverseLogZ)
	show("reverse AIS log-likelihood", ev.ReverseLL)
	show("AIS disagreement (nats)", ev.AISDisagreement)
}

// logPartition computes log Z by the method of --logz and fills ev's error
// bars and AIS fields. x are the data rows, which give the base-rate model
// and the start rows of reverse AIS.
func (o *evaluateOptions) logPartition(e *env, m model.Model, x *mat.Dense, ev *evaluation) (float64, string, error) {
	method := o.LogZ
	switch method {
	case "auto":
		logZ, name, err := logPartition(m, "exact")
		if err == nil {
			return logZ, name, nil
		}
		if _, err := exact.SpaceOf(m); !errors.Is(err, exact.ErrNotEnumerable) {
			return 0, "", err
		}
		method = "ais+reverse"
	case "ais", "reverse-ais":
	default:
		return logPartition(m, method)
	}
	a := o.ais
	if a.Runs < 1 {
		return 0, "", badInput("--ais-runs must be at least 1, got %d", a.Runs)
	}
	if a.Steps < 0 || (a.Steps > 0 && a.Steps < 3) {
		return 0, "", badInput("--ais-steps must be at least 3 (or 0 for %d), got %d", ais.DefaultSteps, a.Steps)
	}
	sched, err := ais.ParseSchedule(a.Schedule, a.Steps)
	if err != nil {
		return 0, "", badInput("unknown --ais-schedule %q: use %s", a.Schedule, ais.ScheduleNames)
	}
	path, err := ais.NewPath(m, x)
	if err != nil {
		return 0, "", badInput("--logz %s needs an rbm or a discrete fully visible model (%v); use --logz exact for small models", o.LogZ, err)
	}
	runs, steps := a.Runs, sched.Steps()
	ev.AISRuns, ev.AISSteps = &runs, &steps

	var fwd, rev *ais.Result
	if method != "reverse-ais" {
		bar := newProgress(e, "AIS", steps)
		r, err := ais.Forward(path, &ais.Settings{Runs: runs, Schedule: sched, Seed: a.Seed, OnStep: func(k, _ int) { bar.set(k) }})
		bar.finish()
		if err != nil {
			return 0, "", err
		}
		fwd = &r
	}
	if method != "ais" {
		start := reverseStartRows(x, runs, a.Seed)
		bar := newProgress(e, "reverse AIS", steps)
		r, err := ais.Reverse(path, start, &ais.Settings{Schedule: sched, Seed: a.Seed + 1, OnStep: func(k, _ int) { bar.set(k) }})
		bar.finish()
		if err != nil {
			return 0, "", err
		}
		rev = &r
		ev.ReverseLogZ = ptr(r.MeanChainLogZ)
		ev.ReverseLogZStderr = ptr(r.MeanChainStdErr)
		n, _ := x.Dims()
		f := make([]float64, n)
		m.FreeEnergy(x, f)
		ev.ReverseLL = ptr(-meanOf(f) - r.MeanChainLogZ)
	}
	switch {
	case fwd != nil && rev != nil:
		d := math.Abs(fwd.LogZ - rev.MeanChainLogZ)
		ev.AISDisagreement = ptr(d)
		if d > a.WarnMargin || math.IsNaN(d) {
			ev.AISWarning = fmt.Sprintf("AIS (log Z %.3f) and reverse AIS (%.3f) disagree by %.3f nats, more than --ais-warn-margin %g: neither figure is reliable; use more --ais-steps", fwd.LogZ, rev.MeanChainLogZ, d, a.WarnMargin)
			e.log.Warn("AIS and reverse AIS disagree", "log_z", fwd.LogZ, "reverse_log_z", rev.MeanChainLogZ, "nats", d, "margin", a.WarnMargin)
		}
		fallthrough
	case fwd != nil:
		ev.LogZStderr, ev.LogZLower, ev.LogZUpper = ptr(fwd.StdErr), ptr(fwd.Lower), ptr(fwd.Upper)
		return fwd.LogZ, "ais", nil
	default:
		se := rev.MeanChainStdErr
		ev.LogZStderr, ev.LogZLower, ev.LogZUpper = ptr(se), ptr(rev.MeanChainLogZ-3*se), ptr(rev.MeanChainLogZ+3*se)
		return rev.MeanChainLogZ, "reverse-ais", nil
	}
}

// reverseStartRows returns min(k, n) rows of x drawn without replacement
// with seed (all rows, in order, when k ≥ n).
func reverseStartRows(x *mat.Dense, k int, seed uint64) *mat.Dense {
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

func meanOf(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}
