// Package inpaint implements 'boltzmann inpaint': missing entries of data
// filled in under a trained model (tasks.Inpaint, scored by
// tasks.MissingScore).
package inpaint

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"gonum.org/v1/gonum/mat"

	"boltzmann/cmd/boltzmann/internal/cmdutil"
	"boltzmann/dataset"
	"boltzmann/model/gbrbm"
	"boltzmann/runs"
	"boltzmann/tasks"
)

// Options are the settings of one inpaint invocation.
type Options struct {
	IO                   *cmdutil.Factory
	Run, Data, Mask, Out string
	Infer                cmdutil.InferFlags
	DataFlags            cmdutil.DataFlags
	BinarizeSet          bool // --binarize given (else the run's)
}

// NewCmdInpaint returns the inpaint command; runF, if not nil, replaces
// the run function (tests of the flags).
func NewCmdInpaint(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	o := &Options{IO: f}
	cmd := &cobra.Command{
		Use:   "inpaint RUN_DIR DATA --mask {bottom-half,random:P,MASK.npy} --out FILE.npy",
		Short: "Fill in missing entries of data with a trained model",
		Long: `Infer the missing entries of DATA conditional on the observed ones under the
model in RUN_DIR. Missing entries are the NaN values of DATA (.npy) and those
selected by --mask: bottom-half (the lower half of each HxW image), random:P
(each entry independently with probability P, seeded by --seed), or a boolean
.npy file of DATA's shape (or of one row's shape) with true = missing.

The observed entries are clamped unit by unit and the missing ones sampled
from p(missing | observed): block Gibbs v -> h -> v with the observed units
reset after each visible update for an rbm, single-site Gibbs over the missing
units for fully visible models. The output has DATA's shape: observed entries
copied, missing ones the posterior mean (Rao-Blackwellized over --sweeps
sweeps after --burn-in) or, with --output samples, one posterior draw.

For a labeled rbm (trained with --labels), DATA may hold the data units only:
the label is then unknown and sampled with the missing units, as one
categorical variable, so the posterior mean sums over the classes. DATA with
the label units too clamps the label block where it is given (a one-hot row)
and infers it where it is NaN.

When the true values of the masked entries are known (DATA is complete and
the mask comes from --mask), --json reports the mean log-probability of the
true values (nats per missing entry, probabilities clipped to [1e-6, 1-1e-6])
and the accuracy of the thresholded posterior mean, and the same for filling
in with the per-unit mean of the run's training data.

For a gbrbm run (real-valued data) the observed entries are clamped in its
block Gibbs sampler, which draws the missing ones from their Gaussian
conditionals; --json reports the root mean squared error on the missing
entries of the posterior mean and of the training mean.`,
		Example: `  boltzmann inpaint runs/mnist t10k-images-idx3-ubyte.gz --binarize threshold --limit 100 \
      --mask bottom-half --out filled.npy --png inpaint.png --shape 28x28 --json`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Run, o.Data = args[0], args[1]
			o.BinarizeSet = cmd.Flags().Changed("binarize")
			if o.Out == "" {
				return cmdutil.BadInput("inpaint needs --out FILE.npy")
			}
			if err := o.Infer.Check(); err != nil {
				return err
			}
			if runF != nil {
				return runF(o)
			}
			return run(o)
		},
	}
	cmd.Flags().StringVar(&o.Mask, "mask", "", "missing entries: bottom-half, random:P or MASK.npy (NaN entries of DATA are always missing)")
	cmd.Flags().StringVar(&o.Out, "out", "", "output file (.npy, .npz or .csv)")
	o.Infer.Register(cmd)
	o.DataFlags.Register(cmd)
	return cmd
}

// report is the JSON printed by inpaint --json.
type report struct {
	NSamples         int      `json:"n_samples"`
	Missing          int      `json:"missing"`
	LogProb          *float64 `json:"log_prob,omitempty"`
	Accuracy         *float64 `json:"accuracy,omitempty"`
	BaselineLogProb  *float64 `json:"train_mean_log_prob,omitempty"`
	BaselineAccuracy *float64 `json:"train_mean_accuracy,omitempty"`
	// RMSE and BaselineRMSE score real-valued data (a gbrbm run): the root
	// mean squared error of the posterior mean and of the training mean on
	// the missing entries.
	RMSE         *float64 `json:"rmse,omitempty"`
	BaselineRMSE *float64 `json:"train_mean_rmse,omitempty"`
}

func run(o *Options) error {
	write, err := cmdutil.ArrayWriter(o.Out)
	if err != nil {
		return err
	}
	m, cfg, x, nanMask, err := cmdutil.LoadRunAndEvidence(o.Run, o.Data, o.DataFlags, o.BinarizeSet)
	if err != nil {
		return err
	}
	cmdutil.UsePrecision(m, o.Infer.Float64)
	n, d := x.Dims()
	if err := o.Infer.CheckMemory(m, n); err != nil {
		return err
	}
	h, w, err := cmdutil.ImageShape(o.Infer.Shape, d, o.Infer.PNG != "" || o.Mask == "bottom-half")
	if err != nil {
		return err
	}
	ruleMask, err := parseMask(o.Mask, n, d, h, w, o.Infer.Seed)
	if err != nil {
		return err
	}
	missing := make([]bool, n*d)
	count := 0
	for i := range missing {
		missing[i] = (nanMask != nil && nanMask[i]) || (ruleMask != nil && ruleMask[i])
		if missing[i] {
			count++
		}
	}
	if count == 0 {
		return cmdutil.BadInput("nothing is missing: give --mask or NaN entries in %s", o.Data)
	}
	if !gbrbm.IsReal(m) {
		if err := cmdutil.CheckStates(m, x, missing, o.Data); err != nil {
			return err
		}
	}
	settings := o.Infer.Settings()
	settings.OnSweep = cmdutil.ProgressFunc(o.IO, "inpainting", "sweeps")
	post, err := tasks.Inpaint(m, x, missing, settings)
	if err != nil {
		return cmdutil.Input(err)
	}
	result := post.Mean
	if o.Infer.Output == "samples" {
		result = post.Sample
	}
	if err := write(result); err != nil {
		return err
	}
	o.IO.Logger().Info("inpainted", "rows", n, "missing", count, "out", o.Out)
	if o.Infer.PNG != "" {
		masked := mat.DenseCopyOf(x)
		for i, mi := range missing {
			if mi {
				masked.RawMatrix().Data[i] = 0.5 // grey
			}
		}
		cols := []*mat.Dense{masked, result}
		titles := []string{"observed", "inpainted"}
		if nanMask == nil {
			cols = []*mat.Dense{x, masked, result}
			titles = []string{"original", "observed", "inpainted"}
		}
		if err := cmdutil.SideBySide(o.Infer.PNG, cols, titles, h, w); err != nil {
			return err
		}
	}
	if !o.Infer.JSON {
		return nil
	}
	rep := report{NSamples: n, Missing: count}
	if gbrbm.IsReal(m) && nanMask == nil {
		rep.RMSE = cmdutil.Ptr(tasks.RMSE(x, post.Mean, missing))
		if mean, err := trainingMean(cfg); err == nil {
			rep.BaselineRMSE = cmdutil.Ptr(tasks.RMSE(x, rowsOf(mean, n), missing))
		}
	} else if nanMask == nil {
		lp, acc := tasks.MissingScore(x, post.Mean, missing)
		rep.LogProb, rep.Accuracy = cmdutil.Ptr(lp), cmdutil.Ptr(acc)
		if mean, err := trainingMean(cfg); err == nil {
			base := mat.NewDense(n, d, nil)
			for r := range n {
				copy(base.RawRowView(r), mean)
			}
			lp, acc := tasks.MissingScore(x, base, missing)
			rep.BaselineLogProb, rep.BaselineAccuracy = cmdutil.Ptr(lp), cmdutil.Ptr(acc)
		} else {
			o.IO.Logger().Warn("no training-mean baseline", "reason", err)
		}
	}
	return json.NewEncoder(o.IO.Stdout).Encode(rep)
}

// trainingMean reads the run's training data and returns its column means.
func trainingMean(cfg *runs.Config) ([]float64, error) {
	if cfg.Train == nil {
		return nil, cmdutil.BadInput("the run was not trained on rows of data")
	}
	x, err := cmdutil.ReadData(cfg.Train.Data, cfg.Train.ReadOptions())
	if err != nil {
		return nil, err
	}
	n, d := x.Dims()
	mean := make([]float64, d)
	for r := range n {
		for i, v := range x.RawRowView(r)[:d] {
			mean[i] += v / float64(n)
		}
	}
	return mean, nil
}

// parseMask builds the mask of a named rule or reads a mask file; "" gives
// nil.
func parseMask(spec string, n, d, h, w int, seed uint64) ([]bool, error) {
	switch {
	case spec == "":
		return nil, nil
	case spec == "bottom-half":
		return tasks.BottomHalf(n, h, w), nil
	case strings.HasPrefix(spec, "random:"):
		p, err := strconv.ParseFloat(strings.TrimPrefix(spec, "random:"), 64)
		if err != nil || !(p > 0 && p <= 1) {
			return nil, cmdutil.BadInput("--mask %s: P must be a number in (0, 1], e.g. random:0.3", spec)
		}
		return tasks.RandomMask(n, d, p, rand.New(rand.NewPCG(seed, 0x6d61736b))), nil
	}
	if _, err := os.Stat(spec); err != nil {
		return nil, cmdutil.BadInput("unknown --mask %q: use bottom-half, random:P or an existing .npy file", spec)
	}
	mx, err := dataset.Read(spec, dataset.ReadOptions{SingleSample: true})
	if err != nil {
		return nil, cmdutil.Input(err)
	}
	r, c := mx.Dims()
	if c != d || (r != n && r != 1) {
		return nil, cmdutil.BadInput("mask %s has shape %d×%d, want %d×%d (DATA's shape) or 1×%d", spec, r, c, n, d, d)
	}
	for k := range r {
		for i, v := range mx.RawRowView(k) {
			if v != 0 && v != 1 {
				return nil, cmdutil.BadInput("mask %s row %d column %d is %v: a mask holds 1 (missing) or 0 (observed) only", spec, k+1, i+1, v)
			}
		}
	}
	m := make([]bool, n*d)
	for k := range n {
		for i, v := range mx.RawRowView(k % r) {
			m[k*d+i] = v != 0
		}
	}
	return m, nil
}

// rowsOf returns n copies of row (n × len(row)).
func rowsOf(row []float64, n int) *mat.Dense {
	out := mat.NewDense(n, len(row), nil)
	for r := range n {
		copy(out.RawRowView(r), row)
	}
	return out
}
