package train

import (
	"fmt"

	"gonum.org/v1/gonum/mat"

	"boltzmann/model"
)

// The training loop has the shape of gonum's optimize.Minimize: the
// Settings hold the pieces, each an interface with the defaults of
// persistent contrastive divergence, and Run drives them until a limit, a
// Converger or an error ends the run. One update is
//
//  1. the positive phase (Positive): the data rows of the update, or
//     statistics computed once;
//  2. the negative phase: Sampler advances the fantasy particles K
//     transitions (CD restarts them at the minibatch, PCD keeps them);
//  3. the Monitor measures the update (bmDCA's Pearson correlations), and
//     the Convergers may end the run here, before the step, so that the
//     model is the one whose chains were measured;
//  4. the gradient <O>_pos - <O>_neg, with the phases combined across
//     processes by the Reducer when there is one, weighted and completed
//     by the Objective when there is one (objective.go);
//  5. the step: Penalty and Optimizer;
//  6. the Recorders see the update's Record; after the last update of an
//     epoch the Monitor measures the epoch and the Recorders and
//     Convergers see its Record.

// Positive is the positive (data) phase of the gradient, <O>_data. It is
// one of Minibatch (the default), FullBatch or Cached.
type Positive interface{ positive() }

// Minibatch takes the positive phase of each update from its minibatch of
// Settings.BatchSize rows; an epoch is a pass over a random permutation of
// the rows.
type Minibatch struct{}

// FullBatch recomputes the positive phase on all the rows (with their
// weights) at every update, for latent-variable models whose data
// statistics depend on the parameters (a categorical RBM on an alignment).
// An epoch is one update.
type FullBatch struct{}

// Cached computes the positive phase once, for fully visible models whose
// data statistics do not depend on the parameters (Ising, Potts). Stats,
// when set, are the precomputed statistics (bmDCA's pseudocounted
// frequencies, as sums in the layout and sign of the model's AddStats with
// their total weight); nil Stats are computed from the rows and weights by
// AddStats when the trainer is created. An epoch is one update. Cached
// needs PCD.
type Cached struct{ Stats *Phase }

func (Minibatch) positive() {}
func (FullBatch) positive() {}
func (Cached) positive()    {}

// A Reducer combines the phases of the processes of a distributed run.
// With a Reducer the Trainer computes both phases as explicit sums
// (Phase.Add: the model's AddStats, or Settings.NegativeStats) and steps
// from the reduced phases; the model's one-pass shortcuts
// (model.PhaseDifference, model.HiddenPhaseDifference) and the fused
// update (model.FusedPhaseDifference), which never form the separate sums,
// step aside. The chains are advanced as without a Reducer. A
// *BlockReducer (parallel.go) is the Reducer of data-parallel runs: the
// Trainer then splits the chains and rows itself and sums per-block
// partial phases in block order, so that the result does not depend on the
// number of processes.
type Reducer interface {
	// Reduce replaces pos and neg, this process's sums and counts, by
	// their totals over all processes, identically on every process.
	Reduce(pos, neg *Phase) error
}

// Event says when a Record was made.
type Event uint8

const (
	// UpdateEvent records are made at every update: measured after its
	// negative phase and before its step, emitted after the step.
	UpdateEvent Event = 1 << iota
	// EpochEvent records are made after the last update of each epoch.
	EpochEvent
)

// A Monitor measures the fit into the records of the events it names.
// Those records are kept in the Trainer's history; the others carry the
// counters only (their measurements are NaN).
type Monitor interface {
	// Events are the events whose records Measure fills.
	Events() Event
	// Measure fills the measured fields of r. For an update record the
	// chains (Trainer.Chains) are those of the update's negative phase
	// and the parameters those before its step.
	Measure(t *Trainer, r *Record)
}

// A Recorder is told of every record, update and epoch records alike (see
// Record.Event): monitoring output, history files, checkpoints and
// figures are recorders. An error stops training (Status Failed) and is
// returned by Run.
type Recorder interface {
	Record(t *Trainer, r Record) error
}

// RecorderFunc adapts a function to the Recorder interface.
type RecorderFunc func(t *Trainer, r Record) error

// Record calls f.
func (f RecorderFunc) Record(t *Trainer, r Record) error { return f(t, r) }

// A Converger decides from the measured records whether training is done.
// It is asked after each record is measured: an update record before the
// update's step (a converged run does not take it), an epoch record after
// the epoch. The limits Settings.Epochs and Settings.MaxUpdates are not
// Convergers: they are checked before each update.
type Converger interface {
	// Converged returns Converged to stop, NotTerminated to go on.
	Converged(t *Trainer, r Record) Status
}

// Status is how a run ended.
type Status int

const (
	// NotTerminated: the run has not ended (or has not started).
	NotTerminated Status = iota
	// Converged: a Converger stopped the run.
	Converged
	// MaxEpochs: Settings.Epochs epochs are complete.
	MaxEpochs
	// MaxUpdates: Settings.MaxUpdates updates are complete.
	MaxUpdates
	// Diverged: a parameter became NaN or infinite, or the model became
	// invalid; the model has the parameters of the last completed epoch.
	Diverged
	// Canceled: the context was canceled.
	Canceled
	// Failed: a Recorder or the Reducer returned an error.
	Failed
)

var statusNames = [...]string{"NotTerminated", "Converged", "MaxEpochs", "MaxUpdates", "Diverged", "Canceled", "Failed"}

func (s Status) String() string {
	if s >= 0 && int(s) < len(statusNames) {
		return statusNames[s]
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// Stats adds the statistics sums Σ_r w_r O(x_r) of the rows of x (nil w:
// weight 1 each) to sum, in the layout and sign of model.Model.AddStats,
// which is the default. Settings.NegativeStats plugs in a faster
// computation for the chains (bmDCA's integer counts of a Potts model).
type Stats interface {
	AddStats(x *mat.Dense, w []float64, sum []float64)
}

var _ Stats = model.Model(nil)

// A GradientTransform changes the log-likelihood gradient of each update
// after it is computed and before the penalty and the optimizer step:
// rbm.Centering turns an RBM's gradient into the centered gradient
// (Melchior, Fischer & Wiskott 2016). A transform that keeps state (running
// means) and implements encoding.BinaryMarshaler and BinaryUnmarshaler is
// saved with the trainer's state, so that a resumed run stays exact. With
// a GradientTransform the fused update (model.FusedPhaseDifference), which
// steps inside the gradient kernel, steps aside.
type GradientTransform interface {
	// TransformGradient rewrites grad (the gradient of -L, in the layout
	// of m's Params) of the update whose positive phase is the rows of
	// batch with weights w (nil: 1 each).
	TransformGradient(m model.Model, batch *mat.Dense, w []float64, grad []float64)
}

// A PhaseGradientTransform is a GradientTransform that can work from the
// positive phase's sums instead of the minibatch's rows. A data-parallel
// Trainer (a BlockReducer), whose minibatch is spread over processes,
// calls TransformGradientPhase with the positive phase summed over all of
// them (sum in the layout of Params, count its total weight), so that
// every process transforms alike; it refuses a GradientTransform without
// it.
type PhaseGradientTransform interface {
	GradientTransform
	TransformGradientPhase(m model.Model, sum []float64, count float64, grad []float64)
}
