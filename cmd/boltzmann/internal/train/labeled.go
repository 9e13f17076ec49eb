package train

import (
	"math"

	"github.com/spf13/cobra"
	"gonum.org/v1/gonum/mat"

	"boltzmann/cmd/boltzmann/internal/cmdutil"
	"boltzmann/dataset"
	"boltzmann/model/rbm"
	"boltzmann/runs"
)

// The flags of labeled runs (--labels): the training objective, the
// sparsity target and the validation that early stopping watches.

// labeledHelp is the part of the command's help about labeled runs.
const labeledHelp = `

With --labels LABELS (one class number per row; NaN or -1 for a row without a
label) the model is a joint rbm of the data and a one-hot block of label
units, for 'boltzmann classify'. --objective chooses what training maximizes
(Larochelle & Bengio 2008): generative, the log-likelihood of p(x, y) (rows
without a label contribute log p(x)); discriminative, the exact conditional
log-likelihood log p(y | x) of the labeled rows (no sampling); hybrid,
log p(y | x) + --alpha times the generative log-likelihood (rows without a
label contribute to the generative part only). --sparsity P adds a penalty
(--sparsity-cost) pulling the mean activation of each hidden unit towards P.
Validation rows are --val DATA with --val-labels LABELS, or the last
--val-fraction of the rows of DATA (held out from training); their
classification error and mean log p(y|x) are logged each epoch and drawn in
RUN_DIR/curves.png, and --patience N stops training when the validation error
has not improved for N epochs. With validation labels RUN_DIR/model.npz holds
the parameters of the epoch with the lowest validation error (the history
names it; checkpoint.bin keeps the last epoch's for --resume).`

// registerLabeled declares the flags of labeled runs.
func (o *Options) registerLabeled(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&o.Objective, "objective", runs.ObjectiveGenerative, "with --labels: generative, discriminative or hybrid")
	fl.Float64Var(&o.Alpha, "alpha", 0.01, "--objective hybrid: weight of the generative log-likelihood")
	fl.Float64Var(&o.Sparsity, "sparsity", 0, "rbm: target mean activation P in (0, 1) of the hidden units (0: no sparsity penalty)")
	fl.Float64Var(&o.SparsityCost, "sparsity-cost", 0.1, "strength of the --sparsity penalty")
	fl.StringVar(&o.ValLabels, "val-labels", "", "with --labels: class labels of the --val data")
	fl.Float64Var(&o.ValFraction, "val-fraction", 0, "with --labels: hold out this last fraction of the rows of DATA for validation")
	fl.IntVar(&o.Patience, "patience", 0, "with validation labels: stop after this many epochs without a better validation error (0: never)")
}

// labeledConfig checks the flags of labeled runs and records them in t.
func (o *Options) labeledConfig(t *runs.TrainConfig) error {
	labeled := t.Labels != ""
	switch {
	case o.Objective != runs.ObjectiveGenerative && o.Objective != runs.ObjectiveDiscriminative && o.Objective != runs.ObjectiveHybrid:
		return cmdutil.BadInput("unknown --objective %q: use %s, %s or %s", o.Objective, runs.ObjectiveGenerative, runs.ObjectiveDiscriminative, runs.ObjectiveHybrid)
	case o.Objective != runs.ObjectiveGenerative && !labeled:
		return cmdutil.BadInput("--objective %s needs --labels LABELS", o.Objective)
	case o.AlphaSet && o.Objective != runs.ObjectiveHybrid:
		return cmdutil.BadInput("--alpha applies to --objective hybrid only")
	case o.Objective == runs.ObjectiveHybrid && (!(o.Alpha > 0) || math.IsInf(o.Alpha, 0)):
		return cmdutil.BadInput("--alpha must be positive, got %g (--objective discriminative has no generative part)", o.Alpha)
	case o.Sparsity != 0 && o.Model != rbm.Kind:
		return cmdutil.BadInput("--sparsity applies to --model rbm only")
	case o.Sparsity != 0 && !(o.Sparsity > 0 && o.Sparsity < 1):
		return cmdutil.BadInput("--sparsity must lie in (0, 1), got %g", o.Sparsity)
	case !(o.SparsityCost >= 0) || math.IsInf(o.SparsityCost, 0):
		return cmdutil.BadInput("--sparsity-cost must be non-negative, got %g", o.SparsityCost)
	case o.ValLabels != "" && (!labeled || t.Validation == ""):
		return cmdutil.BadInput("--val-labels needs --labels and --val")
	case labeled && t.Validation != "" && o.ValLabels == "":
		return cmdutil.BadInput("--val with --labels needs --val-labels, the labels of the validation rows")
	case o.ValFraction != 0 && (!labeled || t.Validation != ""):
		return cmdutil.BadInput("--val-fraction needs --labels and no --val")
	case o.ValFraction != 0 && !(o.ValFraction > 0 && o.ValFraction < 1):
		return cmdutil.BadInput("--val-fraction must lie in (0, 1), got %g", o.ValFraction)
	case o.Patience < 0:
		return cmdutil.BadInput("--patience must be non-negative, got %d", o.Patience)
	case o.Patience > 0 && o.ValLabels == "" && o.ValFraction == 0:
		return cmdutil.BadInput("--patience needs labeled validation rows: --val with --val-labels, or --val-fraction")
	}
	if labeled {
		t.Objective = o.Objective
	}
	if o.Objective == runs.ObjectiveHybrid {
		t.Alpha = o.Alpha
	}
	if o.Sparsity != 0 {
		t.Sparsity, t.SparsityCost = o.Sparsity, o.SparsityCost
	}
	t.ValLabels, t.ValFraction, t.Patience = o.ValLabels, o.ValFraction, o.Patience
	return nil
}

// labeledData reads the labels of a labeled run and splits its rows x (and
// validation rows val, or nil) into training data xt with labels yt
// (dataset.MissingLabel for rows without one) and validation data xv (nil
// if none) with labels yv: --val with --val-labels, or the last
// --val-fraction of the rows. classes > 0 fixes the number of classes (a
// resumed run); 0 takes it from the labels.
func labeledData(t *runs.TrainConfig, x, val *mat.Dense, classes int) (xt *mat.Dense, yt []int, xv *mat.Dense, yv []int, c int, err error) {
	n, d := x.Dims()
	y, err := cmdutil.ReadPartialLabels(t.Labels, n, classes, t.Limit)
	if err != nil {
		return nil, nil, nil, nil, 0, err
	}
	if classes == 0 {
		for _, v := range y {
			classes = max(classes, v+1)
		}
	}
	if classes < 2 {
		return nil, nil, nil, nil, 0, cmdutil.BadInput("%s holds a single class: classification needs at least 2", t.Labels)
	}
	xt, yt = x, y
	switch {
	case val != nil:
		nv, _ := val.Dims()
		if yv, err = cmdutil.ReadLabels(t.ValLabels, nv, classes, t.Limit); err != nil {
			return nil, nil, nil, nil, 0, err
		}
		xv = val
	case t.ValFraction > 0:
		k := int(t.ValFraction * float64(n))
		if k < 1 || k >= n {
			return nil, nil, nil, nil, 0, cmdutil.BadInput("--val-fraction %g of %d rows holds out %d: choose a fraction that leaves rows on both sides", t.ValFraction, n, k)
		}
		xt, yt = x.Slice(0, n-k, 0, d).(*mat.Dense), y[:n-k]
		xv, yv = x.Slice(n-k, n, 0, d).(*mat.Dense), y[n-k:]
		if t.Patience > 0 && !anyLabel(yv) {
			return nil, nil, nil, nil, 0, cmdutil.BadInput("the %d validation rows of --val-fraction have no label: --patience needs labeled validation rows", k)
		}
	}
	if t.Objective != "" && t.Objective != runs.ObjectiveGenerative && !anyLabel(yt) {
		return nil, nil, nil, nil, 0, cmdutil.BadInput("the training rows have no label: --objective %s needs labeled rows", t.Objective)
	}
	return xt, yt, xv, yv, classes, nil
}

func anyLabel(y []int) bool {
	for _, v := range y {
		if v != dataset.MissingLabel {
			return true
		}
	}
	return false
}

// labeledRows returns the visible rows [x, one-hot y] of l (nil for nil x).
func labeledRows(l *rbm.Labeled, x *mat.Dense, y []int) *mat.Dense {
	if x == nil {
		return nil
	}
	return l.Concat(x, y)
}
