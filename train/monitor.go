package train

import (
	"math"

	"gonum.org/v1/gonum/mat"

	"boltzmann/estimate"
	"boltzmann/exact"
	"boltzmann/model"
)

// Record is what is measured after an epoch. Log-likelihoods are mean nats
// per sample; a quantity that could not be computed is NaN.
type Record struct {
	Epoch    int     `json:"epoch"`
	Updates  int     `json:"updates"`
	Seconds  float64 `json:"seconds"`   // cumulative training time
	LR       float64 `json:"lr"`        // learning rate of the last update
	GradNorm float64 `json:"grad_norm"` // norm of the last log-likelihood gradient

	// LogZ is the exact log partition function when the model is
	// enumerable within Settings.ExactLimit configurations (or has an
	// analytic one).
	LogZ    float64 `json:"log_z"`
	TrainLL float64 `json:"train_log_likelihood"` // exact, on up to MonitorRows training rows
	ValLL   float64 `json:"val_log_likelihood"`   // exact, on the validation data
	// TrainPL and ValPL are pseudo-log-likelihoods on the first
	// plRows(model) monitored training and validation rows: all of them
	// for small models, fewer (at least 32) where the pseudo-likelihood
	// would cost more than about 2^24 parameter-sized operations, so that
	// monitoring stays a small part of an epoch.
	TrainPL float64 `json:"train_pseudo_log_likelihood"`
	ValPL   float64 `json:"val_pseudo_log_likelihood"`
	Recon   float64 `json:"reconstruction_error"` // mean squared, training rows
}

func (t *Trainer) monitor() Record {
	m := t.model
	s := t.settings
	nan := math.NaN()
	r := Record{
		Epoch: t.epoch, Updates: t.updates, LR: s.Optimizer.LastRate(),
		LogZ: nan, TrainLL: nan, ValLL: nan, TrainPL: nan, ValPL: nan, Recon: nan,
	}
	n, d := t.data.Dims()
	rows := min(n, s.MonitorRows)
	train := t.data.Slice(0, rows, 0, d).(*mat.Dense)
	var trainW []float64
	if s.Weights != nil {
		trainW = s.Weights[:rows]
	}
	if logZ, ok := t.exactLogZ(); ok {
		r.LogZ = logZ
		r.TrainLL = logLikelihood(m, train, trainW, logZ)
		if s.Validation != nil {
			r.ValLL = logLikelihood(m, s.Validation, nil, logZ)
		}
	}
	if dm, ok := m.(model.Discrete); ok {
		k := min(rows, plRows(m))
		var w []float64
		if trainW != nil {
			w = trainW[:k]
		}
		r.TrainPL = estimate.PseudoLogLikelihood(dm, train.Slice(0, k, 0, d).(*mat.Dense), w)
		if v := s.Validation; v != nil {
			nv, _ := v.Dims()
			r.ValPL = estimate.PseudoLogLikelihood(dm, v.Slice(0, min(nv, plRows(m)), 0, d).(*mat.Dense), nil)
		}
	}
	r.Recon = estimate.ReconstructionError(m, train)
	return r
}

// exactLogZ returns log Z when it is analytic or cheap to enumerate.
func (t *Trainer) exactLogZ() (float64, bool) {
	m := t.model
	if _, ok := m.(model.AnalyticLogPartition); !ok {
		sp, err := exact.SpaceOf(m)
		if err != nil || sp.Count > t.settings.ExactLimit {
			return 0, false
		}
	}
	logZ, err := exact.LogPartition(m)
	return logZ, err == nil
}

func logLikelihood(m model.Model, x *mat.Dense, w []float64, logZ float64) float64 {
	n, _ := x.Dims()
	f := make([]float64, n)
	m.FreeEnergy(x, f)
	s, sw := 0.0, 0.0
	for i, v := range f {
		wi := 1.0
		if w != nil {
			wi = w[i]
		}
		s += wi * (-v - logZ)
		sw += wi
	}
	return s / sw
}

// plBudget bounds the cost of the per-epoch pseudo-log-likelihood, in rows
// times parameters (the cost of all single-unit flips of a row is about one
// pass over the parameters).
const plBudget = 1 << 24

// plRows is the number of rows on which the pseudo-log-likelihood of m is
// monitored: 2^24/#parameters, at least 32.
func plRows(m model.Model) int {
	return max(32, plBudget/max(1, len(m.Params())))
}
