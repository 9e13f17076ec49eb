package train

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"boltzmann/model"
)

// An Objective changes what the updates of the one training loop follow
// (Settings.Objective). The gradient of an update is
//
//	λ · (<O>_pos - <O>_neg) + the objective's own term,
//
// λ = LikelihoodWeight(): the log-likelihood gradient of the Monte Carlo
// phases, weighted, plus a term that the objective computes from the
// update's rows (for example the exact gradient of a conditional
// log-likelihood). With λ = 0 the negative phase is skipped: the chains
// are not advanced and the model's sampler never runs. The penalty and the
// optimizer step then apply to the sum as usual. With an Objective the
// fused update (model.FusedPhaseDifference) steps aside, and a Reducer is
// refused: the objective's term would not be combined across processes.
type Objective interface {
	// LikelihoodWeight is the weight λ ≥ 0 of the log-likelihood
	// gradient (1: maximum likelihood plus the objective's term).
	LikelihoodWeight() float64
	// AddGradient adds the gradient of the objective's own term, in the
	// sign of a gradient of -L (the optimizer descends it), for the rows
	// x of the update (its minibatch; all rows with FullBatch or Cached)
	// with weights w (nil: 1 each) to grad (the layout of m.Params()).
	// An error stops training (Status Failed).
	AddGradient(m model.Model, x *mat.Dense, w []float64, grad []float64) error
	// Check reports whether the objective applies to m; New calls it.
	Check(m model.Model) error
}

// Hybrid is the family of objectives of Larochelle & Bengio (2008),
// "Classification using discriminative restricted Boltzmann machines", for
// models of data and labels (model.Conditional, the labeled RBM): each
// update ascends
//
//	Conditional · (1/N) Σ_r w_r log p(y_r | x_r) + Likelihood · L(θ) - S(θ),
//
// where the sum runs over the update's rows with a label, N = Σ_r w_r over
// all its rows (rows without a label count in N and add to L only: the
// semi-supervised objective), L is the log-likelihood per row estimated by
// the positive and negative phases, and S the optional sparsity penalty on
// the mean hidden activations (model.HiddenSparsity). The discriminative
// objective is Hybrid{Conditional: 1}, the hybrid one -L_disc - α·L_gen
// is Hybrid{Conditional: 1, Likelihood: α} (α = 0.01 in the paper), and
// Hybrid{Likelihood: 1, SparsityTarget: p, SparsityCost: c} is generative
// training with a sparsity target. The conditional part and its gradient
// are exact (a sum over the classes; no partition function, no Monte
// Carlo).
type Hybrid struct {
	// Conditional is the weight of the conditional log-likelihood
	// log p(y | x) (0: none; the model must be a model.Conditional
	// otherwise).
	Conditional float64
	// Likelihood is the weight α of the log-likelihood (LikelihoodWeight);
	// 0 skips the negative phase.
	Likelihood float64
	// SparsityTarget is the target p ∈ (0, 1) of the hidden units' mean
	// activation, SparsityCost the strength of the penalty (0: none).
	SparsityTarget, SparsityCost float64
}

var _ Objective = Hybrid{}

// LikelihoodWeight returns h.Likelihood.
func (h Hybrid) LikelihoodWeight() float64 { return h.Likelihood }

// Check reports weights that are negative or not finite, an objective with
// nothing to maximize, and a model without the interfaces the terms need.
func (h Hybrid) Check(m model.Model) error {
	for _, v := range []float64{h.Conditional, h.Likelihood, h.SparsityCost} {
		if !(v >= 0) || math.IsInf(v, 0) {
			return fmt.Errorf("train: objective weights must be finite and non-negative, got %+v", h)
		}
	}
	if h.Conditional == 0 && h.Likelihood == 0 {
		return errors.New("train: the objective has neither a conditional nor a likelihood term")
	}
	if _, ok := m.(model.Conditional); h.Conditional > 0 && !ok {
		return fmt.Errorf("train: a conditional log-likelihood objective needs a model of data and labels (model.Conditional, e.g. a labeled RBM), got %T", m)
	}
	if h.SparsityCost > 0 {
		if !(h.SparsityTarget > 0 && h.SparsityTarget < 1) {
			return fmt.Errorf("train: the sparsity target must lie in (0, 1), got %v", h.SparsityTarget)
		}
		if _, ok := m.(model.HiddenSparsity); !ok {
			return fmt.Errorf("train: a sparsity target needs a model with logistic hidden units (model.HiddenSparsity, an RBM), got %T", m)
		}
	}
	return nil
}

// AddGradient adds Conditional times the gradient of -(1/N) Σ_r w_r
// log p(y_r | x_r) and the gradient of the sparsity penalty to grad.
func (h Hybrid) AddGradient(m model.Model, x *mat.Dense, w []float64, grad []float64) error {
	n, _ := x.Dims()
	if h.Conditional > 0 {
		total := float64(n)
		if w != nil {
			total = 0
			for _, v := range w {
				total += v
			}
		}
		if !(total > 0) {
			return nil
		}
		cw := make([]float64, n)
		for r := range cw {
			cw[r] = h.Conditional / total
			if w != nil {
				cw[r] *= w[r]
			}
		}
		m.(model.Conditional).AddConditionalGradient(x, cw, grad)
	}
	if h.SparsityCost > 0 {
		m.(model.HiddenSparsity).AddSparsityGradient(x, w, h.SparsityTarget, h.SparsityCost, grad)
	}
	return nil
}

// EarlyStopping is the Converger that ends a run when the validation
// classification error (Record.ValErr, measured by the default monitor for
// a model.Conditional with labeled Settings.Validation) has not improved
// for Patience epochs: it stops after the epoch record that is Patience
// epochs past the best one. An epoch improves on the best when its error
// is lower, or equal with a higher mean log p(y | x) (Record.ValCLL). It
// keeps no state of its own (it reads Trainer.History), so a resumed run
// stops where the uninterrupted one does. The trainer's model is that of
// the last epoch; the history says which epoch was best (BestEpoch), and a
// run directory keeps that epoch's parameters in model.npz (runs.Run.Save).
type EarlyStopping struct {
	Patience int // epochs without improvement before stopping (≥ 1)
}

// Converged returns Converged at an epoch record Patience epochs past the
// best validation error of the history.
func (e EarlyStopping) Converged(t *Trainer, r Record) Status {
	if r.Event != EpochEvent || e.Patience < 1 || math.IsNaN(r.ValErr) {
		return NotTerminated
	}
	best, ok := BestEpoch(t.History())
	if ok && r.Epoch-best.Epoch >= e.Patience {
		return Converged
	}
	return NotTerminated
}

// BestEpoch returns the epoch record of h with the lowest validation error
// (ties: the higher ValCLL, then the earlier epoch), and false when no
// epoch record has one.
func BestEpoch(h []Record) (Record, bool) {
	var best Record
	found := false
	for _, r := range h {
		if r.Event != EpochEvent || math.IsNaN(r.ValErr) {
			continue
		}
		if !found || r.ValErr < best.ValErr || (r.ValErr == best.ValErr && r.ValCLL > best.ValCLL) {
			best, found = r, true
		}
	}
	return best, found
}
