package train

import (
	"encoding/json"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"boltzmann/estimate"
	"boltzmann/exact"
	"boltzmann/model"
)

// Record is what is measured after an update or an epoch (Event says
// which). Log-likelihoods are mean nats per sample; a quantity that was
// not measured is NaN. The JSON keys (MarshalJSON) are those of the
// history.jsonl files of both kinds of run: epoch records as written by
// the boltzmann command's train runs, update records as its bmDCA runs.
type Record struct {
	Event   Event   `json:"-"`
	Epoch   int     `json:"epoch"`   // completed epochs
	Update  int     `json:"update"`  // update records: updates completed before this one
	Updates int     `json:"updates"` // completed parameter updates
	Sweeps  int     `json:"sweeps"`  // transitions of every chain so far
	Seconds float64 `json:"seconds"` // cumulative training time
	LR      float64 `json:"lr"`      // learning rate of the last update
	// GradNorm is the norm of the log-likelihood gradient of the epoch's
	// last update (epoch records).
	GradNorm float64 `json:"grad_norm"`

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

	// Pearson and Slope compare the chains' connected correlations with
	// the data's (bmDCA's convergence measures, package bmdca), PearsonFi
	// the one-site frequencies.
	Pearson   float64 `json:"pearson"`
	Slope     float64 `json:"slope"`
	PearsonFi float64 `json:"pearson_fi"`

	// TrainErr and ValErr are the classification error rates (fractions)
	// of a model of data and labels (model.Conditional) on the monitored
	// training rows and the validation rows that have a label; TrainCLL
	// and ValCLL are the mean log p(y | x) of their labels (nats).
	TrainErr float64 `json:"train_error"`
	ValErr   float64 `json:"val_error"`
	TrainCLL float64 `json:"train_conditional_log_likelihood"`
	ValCLL   float64 `json:"val_conditional_log_likelihood"`

	// Mixing diagnostics of the persistent chains (Mixing), epoch
	// records: AutocorrTime is the integrated autocorrelation time of the
	// chains' free energy in sweeps (transitions of every chain), from its
	// value at each update of the epoch; with parallel tempering,
	// SwapAcceptance and SwapAcceptanceMin are the mean over neighbouring
	// pairs of the epoch's swap acceptance and the lowest pair's
	// (fractions), RoundTrips the round trips completed in the epoch.
	AutocorrTime      float64 `json:"autocorr_time"`
	SwapAcceptance    float64 `json:"swap_acceptance"`
	SwapAcceptanceMin float64 `json:"swap_acceptance_min"`
	RoundTrips        float64 `json:"round_trips"`
}

// nanRecord returns a record with every measurement NaN.
func nanRecord() Record {
	nan := math.NaN()
	return Record{LR: nan, Seconds: nan, GradNorm: nan, LogZ: nan, TrainLL: nan, ValLL: nan, TrainPL: nan, ValPL: nan,
		Recon: nan, Pearson: nan, Slope: nan, PearsonFi: nan, TrainErr: nan, ValErr: nan, TrainCLL: nan, ValCLL: nan,
		AutocorrTime: nan, SwapAcceptance: nan, SwapAcceptanceMin: nan, RoundTrips: nan}
}

// floats lists the measured fields with their JSON keys.
func (r *Record) floats() []struct {
	key string
	v   *float64
} {
	return []struct {
		key string
		v   *float64
	}{
		{"seconds", &r.Seconds}, {"lr", &r.LR}, {"grad_norm", &r.GradNorm}, {"log_z", &r.LogZ},
		{"train_log_likelihood", &r.TrainLL}, {"val_log_likelihood", &r.ValLL},
		{"train_pseudo_log_likelihood", &r.TrainPL}, {"val_pseudo_log_likelihood", &r.ValPL},
		{"reconstruction_error", &r.Recon}, {"pearson", &r.Pearson}, {"slope", &r.Slope}, {"pearson_fi", &r.PearsonFi},
		{"train_error", &r.TrainErr}, {"val_error", &r.ValErr},
		{"train_conditional_log_likelihood", &r.TrainCLL}, {"val_conditional_log_likelihood", &r.ValCLL},
		{"autocorr_time", &r.AutocorrTime}, {"swap_acceptance", &r.SwapAcceptance},
		{"swap_acceptance_min", &r.SwapAcceptanceMin}, {"round_trips", &r.RoundTrips},
	}
}

// MarshalJSON writes the counters and the finite measurements (JSON has
// no NaN); "update" only for update records.
func (r Record) MarshalJSON() ([]byte, error) {
	out := map[string]any{"epoch": r.Epoch, "updates": r.Updates, "sweeps": r.Sweeps}
	if r.Event == UpdateEvent {
		out["update"] = r.Update
	}
	for _, f := range r.floats() {
		if v := *f.v; !math.IsNaN(v) && !math.IsInf(v, 0) {
			out[f.key] = v
		}
	}
	return json.Marshal(out)
}

// UnmarshalJSON reads a record written by MarshalJSON (or by earlier
// versions of either trainer); missing measurements are NaN, and a record
// with an "update" key is an update record.
func (r *Record) UnmarshalJSON(data []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return err
	}
	*r = nanRecord()
	r.Event = EpochEvent
	for key, dst := range map[string]*int{"epoch": &r.Epoch, "update": &r.Update, "updates": &r.Updates, "sweeps": &r.Sweeps} {
		if raw, ok := m[key]; ok {
			if err := json.Unmarshal(raw, dst); err != nil {
				return fmt.Errorf("train: record %s: %w", key, err)
			}
		}
	}
	if _, ok := m["update"]; ok {
		r.Event = UpdateEvent
		if _, ok := m["updates"]; !ok {
			r.Updates = r.Update
		}
	}
	for _, f := range r.floats() {
		if raw, ok := m[f.key]; ok {
			if err := json.Unmarshal(raw, f.v); err != nil {
				return fmt.Errorf("train: record %s: %w", f.key, err)
			}
		}
	}
	return nil
}

// Likelihoods is the default Monitor: after each epoch it measures the
// exact log-likelihood (where the model is enumerable within
// Settings.ExactLimit configurations or has an analytic partition
// function), the pseudo-log-likelihood of discrete models and the
// reconstruction error (the first two only on rows that are states of a
// discrete model: not on the grey levels a labeled RBM takes as
// probabilities), on up to Settings.MonitorRows training rows and on
// Settings.Validation; for a model of data and labels (model.Conditional)
// also the classification error and the mean log p(y | x) of the rows
// with a label.
type Likelihoods struct{}

// Events returns EpochEvent.
func (Likelihoods) Events() Event { return EpochEvent }

// Measure fills the likelihood fields of r.
func (Likelihoods) Measure(t *Trainer, r *Record) {
	m := t.model
	s := t.settings
	n, d := t.data.Dims()
	rows := min(n, s.MonitorRows)
	train := t.data.first(rows)
	var trainW []float64
	if s.Weights != nil {
		trainW = s.Weights[:rows]
	}
	dm, discrete := m.(model.Discrete)
	states := !discrete || t.dataInStates()
	if logZ, ok := t.exactLogZ(); ok && states {
		r.LogZ = logZ
		r.TrainLL = logLikelihood(m, train, trainW, logZ)
		if s.Validation != nil {
			r.ValLL = logLikelihood(m, s.Validation, nil, logZ)
		}
	}
	if discrete && states {
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
	if c, ok := m.(model.Conditional); ok {
		r.TrainErr, r.TrainCLL = conditionalMeasures(c, train, trainW)
		if s.Validation != nil {
			r.ValErr, r.ValCLL = conditionalMeasures(c, s.Validation, nil)
		}
	}
}

// conditionalMeasures returns the error rate and the mean log p(y | x) of
// the rows of x with a label, NaN when there are none.
func conditionalMeasures(c model.Conditional, x *mat.Dense, w []float64) (errRate, meanLogP float64) {
	logp, errs, count := c.ConditionalLogLikelihood(x, w)
	if !(count > 0) {
		return math.NaN(), math.NaN()
	}
	return errs / count, logp / count
}

// dataInStates reports whether the training and validation rows are
// states of the discrete model (checked once).
func (t *Trainer) dataInStates() bool {
	if t.inStates == 0 {
		st := t.model.(model.Discrete).States()
		t.inStates = -1
		if t.data.within(st) && (t.settings.Validation == nil || allWithin(t.settings.Validation, st)) {
			t.inStates = 1
		}
	}
	return t.inStates == 1
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
