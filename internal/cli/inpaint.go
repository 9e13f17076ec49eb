package cli

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"gonum.org/v1/gonum/mat"

	"boltzmann/dataset"
	"boltzmann/figure"
	"boltzmann/model"
	"boltzmann/runs"
	"boltzmann/tasks"
)

// inferFlags are the Monte Carlo settings shared by inpaint and denoise.
type inferFlags struct {
	BurnIn, Sweeps, Replicas int
	Seed                     uint64
	Output                   string
	PNG, Shape               string
	JSON                     bool
}

func (f *inferFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.IntVar(&f.BurnIn, "burn-in", 50, "sweeps discarded before averaging")
	fl.IntVar(&f.Sweeps, "sweeps", 200, "sweeps averaged for the posterior mean")
	fl.IntVar(&f.Replicas, "replicas", 10, "independent chains per row, averaged for the posterior mean: one chain tends to stay in one mode and is overconfident")
	fl.Uint64Var(&f.Seed, "seed", 1, "random seed")
	fl.StringVar(&f.Output, "output", "mean", "what to write: mean (posterior mean, the probability of 1 for {0,1} units) or samples (one posterior draw per row)")
	fl.StringVar(&f.PNG, "png", "", "also draw originals, corrupted input and result side by side into this PNG (images only; needs --shape unless square)")
	fl.StringVar(&f.Shape, "shape", "", "image shape HxW of each row, e.g. 28x28 (default: square)")
	fl.BoolVar(&f.JSON, "json", false, "print one JSON object with the measured quality")
}

func (f *inferFlags) check() error {
	if f.BurnIn < 0 || f.Sweeps < 1 || f.Replicas < 1 {
		return badInput("--burn-in must be >= 0, --sweeps and --replicas >= 1")
	}
	if f.Output != "mean" && f.Output != "samples" {
		return badInput("unknown --output %q: use mean or samples", f.Output)
	}
	return nil
}

func (f *inferFlags) settings() *tasks.InferSettings {
	b := f.BurnIn
	if b == 0 {
		b = -1 // no burn-in (0 selects the library default)
	}
	return &tasks.InferSettings{BurnIn: b, Sweeps: f.Sweeps, Replicas: f.Replicas, Seed: f.Seed}
}

type inpaintOptions struct {
	Run, Data, Mask, Out string
	infer                inferFlags
	data                 dataFlags
}

func init() { register(newInpaintCmd) }

func newInpaintCmd(e *env) *cobra.Command {
	o := &inpaintOptions{}
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

When the true values of the masked entries are known (DATA is complete and
the mask comes from --mask), --json reports the mean log-probability of the
true values (nats per missing entry, probabilities clipped to [1e-6, 1-1e-6])
and the accuracy of the thresholded posterior mean, and the same for filling
in with the per-unit mean of the run's training data.`,
		Example: `  boltzmann inpaint runs/mnist t10k-images-idx3-ubyte.gz --binarize threshold --limit 100 \
      --mask bottom-half --out filled.npy --png inpaint.png --shape 28x28 --json`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Run, o.Data = args[0], args[1]
			return runInpaint(e, o, cmd.Flags().Changed("binarize"))
		},
	}
	cmd.Flags().StringVar(&o.Mask, "mask", "", "missing entries: bottom-half, random:P or MASK.npy (NaN entries of DATA are always missing)")
	cmd.Flags().StringVar(&o.Out, "out", "", "output file (.npy, .npz or .csv)")
	o.infer.register(cmd)
	o.data.register(cmd)
	return cmd
}

// inpaintReport is the JSON printed by inpaint --json.
type inpaintReport struct {
	NSamples         int      `json:"n_samples"`
	Missing          int      `json:"missing"`
	LogProb          *float64 `json:"log_prob,omitempty"`
	Accuracy         *float64 `json:"accuracy,omitempty"`
	BaselineLogProb  *float64 `json:"train_mean_log_prob,omitempty"`
	BaselineAccuracy *float64 `json:"train_mean_accuracy,omitempty"`
}

func runInpaint(e *env, o *inpaintOptions, binarizeSet bool) error {
	if o.Out == "" {
		return badInput("inpaint needs --out FILE.npy")
	}
	if err := o.infer.check(); err != nil {
		return err
	}
	write, err := arrayWriter(o.Out)
	if err != nil {
		return err
	}
	m, cfg, x, nanMask, err := loadRunAndEvidence(o.Run, o.Data, o.data, binarizeSet)
	if err != nil {
		return err
	}
	n, d := x.Dims()
	h, w, err := imageShape(o.infer.Shape, d, o.infer.PNG != "" || o.Mask == "bottom-half")
	if err != nil {
		return err
	}
	ruleMask, err := parseMask(o.Mask, n, d, h, w, o.infer.Seed)
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
		return badInput("nothing is missing: give --mask or NaN entries in %s", o.Data)
	}
	if err := checkStates(m, x, missing, o.Data); err != nil {
		return err
	}
	post, err := tasks.Inpaint(m, x, missing, o.infer.settings())
	if err != nil {
		return inputError{err}
	}
	result := post.Mean
	if o.infer.Output == "samples" {
		result = post.Sample
	}
	if err := write(result); err != nil {
		return err
	}
	e.log.Info("inpainted", "rows", n, "missing", count, "out", o.Out)
	if o.infer.PNG != "" {
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
		if err := sideBySide(o.infer.PNG, cols, titles, h, w); err != nil {
			return err
		}
	}
	if !o.infer.JSON {
		return nil
	}
	rep := inpaintReport{NSamples: n, Missing: count}
	if nanMask == nil {
		lp, acc := missingScore(x, post.Mean, missing)
		rep.LogProb, rep.Accuracy = ptr(lp), ptr(acc)
		if mean, err := trainingMean(cfg); err == nil {
			base := mat.NewDense(n, d, nil)
			for r := range n {
				copy(base.RawRowView(r), mean)
			}
			lp, acc := missingScore(x, base, missing)
			rep.BaselineLogProb, rep.BaselineAccuracy = ptr(lp), ptr(acc)
		} else {
			e.log.Warn("no training-mean baseline", "reason", err)
		}
	}
	return json.NewEncoder(e.stdout).Encode(rep)
}

// missingScore returns the mean log-probability of the true {0,1} values of
// the missing entries under independent Bernoullis with the probabilities
// p (clipped to [1e-6, 1-1e-6]), and the accuracy of p thresholded at 1/2.
func missingScore(truth, p *mat.Dense, missing []bool) (logProb, accuracy float64) {
	t, q := truth.RawMatrix().Data, p.RawMatrix().Data
	n := 0
	for i, mi := range missing {
		if !mi {
			continue
		}
		n++
		pi := min(max(q[i], 1e-6), 1-1e-6)
		if t[i] == 1 {
			logProb += math.Log(pi)
		} else {
			logProb += math.Log1p(-pi)
		}
		if (q[i] >= 0.5) == (t[i] == 1) {
			accuracy++
		}
	}
	return logProb / float64(n), accuracy / float64(n)
}

// trainingMean reads the run's training data and returns its column means.
func trainingMean(cfg *runs.Config) ([]float64, error) {
	dataSeed, _ := strconv.ParseUint(cfg.Train.Options["data_seed"], 10, 64)
	t := cfg.Train
	t.Validation = ""
	x, _, err := readTrainingData(t, dataSeed)
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
		if err != nil || p <= 0 || p > 1 {
			return nil, badInput("--mask %s: P must be a number in (0, 1], e.g. random:0.3", spec)
		}
		return tasks.RandomMask(n, d, p, rand.New(rand.NewPCG(seed, 0x6d61736b))), nil
	}
	if _, err := os.Stat(spec); err != nil {
		return nil, badInput("unknown --mask %q: use bottom-half, random:P or an existing .npy file", spec)
	}
	mx, err := dataset.Read(spec, dataset.ReadOptions{SingleSample: true})
	if err != nil {
		return nil, inputError{err}
	}
	r, c := mx.Dims()
	if c != d || (r != n && r != 1) {
		return nil, badInput("mask %s has shape %d×%d, want %d×%d (DATA's shape) or 1×%d", spec, r, c, n, d, d)
	}
	m := make([]bool, n*d)
	for k := range n {
		for i, v := range mx.RawRowView(k % r) {
			m[k*d+i] = v != 0
		}
	}
	return m, nil
}

// imageShape parses --shape HxW; an empty shape means square images when
// needed (d a perfect square) and 0×0 otherwise.
func imageShape(shape string, d int, needed bool) (h, w int, err error) {
	if shape == "" {
		if !needed {
			return 0, 0, nil
		}
		s := int(math.Round(math.Sqrt(float64(d))))
		if s*s != d {
			return 0, 0, badInput("rows of %d values are not square images: give --shape HxW", d)
		}
		return s, s, nil
	}
	hs, ws, ok := strings.Cut(strings.ToLower(shape), "x")
	h, err1 := strconv.Atoi(hs)
	w, err2 := strconv.Atoi(ws)
	if !ok || err1 != nil || err2 != nil || h < 1 || w < 1 {
		return 0, 0, badInput("--shape %q: use HxW, e.g. 28x28", shape)
	}
	if h*w != d {
		return 0, 0, badInput("--shape %s has %d pixels but rows have %d values", shape, h*w, d)
	}
	return h, w, nil
}

// sideBySide draws at most 20 rows of the columns.
func sideBySide(path string, cols []*mat.Dense, titles []string, h, w int) error {
	n, _ := cols[0].Dims()
	k := min(n, 20)
	sub := make([]*mat.Dense, len(cols))
	for i, c := range cols {
		_, d := c.Dims()
		sub[i] = mat.DenseCopyOf(c.Slice(0, k, 0, d))
	}
	scale := max(1, 84/max(h, w))
	return figure.SideBySide(path, sub, titles, h, w, scale)
}

// loadRunAndEvidence loads the model of a run and the data to infer from
// (NaN entries as a missing-value mask, the run's binarization unless given
// here), checking that the data have the model's number of columns.
func loadRunAndEvidence(run, path string, flags dataFlags, binarizeSet bool) (model.Model, *runs.Config, *mat.Dense, []bool, error) {
	m, cfg, err := loadRun(run)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	x, nanMask, err := readDataWithNaN(path, withRunBinarization(flags, cfg, binarizeSet))
	if err != nil {
		return nil, nil, nil, nil, err
	}
	if _, d := x.Dims(); d != m.Dim() {
		return nil, nil, nil, nil, badInput("%s has %d columns but the model has %d visible units: use data of the shape the model was trained on", path, d, m.Dim())
	}
	return m, cfg, x, nanMask, nil
}

// readDataWithNaN reads a data file like readData, but NaN entries are
// allowed and returned as a mask of missing values (nil when there are
// none).
func readDataWithNaN(path string, f dataFlags) (*mat.Dense, []bool, error) {
	opt := f.options()
	opt.AllowNaN = true
	x, err := dataset.Read(path, opt)
	if err != nil {
		return nil, nil, inputError{err}
	}
	if r, _ := x.Dims(); r == 0 {
		return nil, nil, badInput("%s holds no samples: give a file with one sample per row", path)
	}
	nan := tasks.NaNMask(x)
	for _, v := range nan {
		if v {
			return x, nan, nil
		}
	}
	return x, nil, nil
}

// checkStates checks that the entries of x not marked in skip are states of
// a discrete model.
func checkStates(m model.Model, x *mat.Dense, skip []bool, what string) error {
	dm, ok := m.(model.Discrete)
	if !ok {
		return badInput("%s: this command needs a discrete model", what)
	}
	_, d := x.Dims()
	for i, v := range x.RawMatrix().Data {
		if (skip == nil || !skip[i]) && !contains(dm.States(), v) {
			return badInput("%s row %d column %d: value %v is not one of the model's states %v (binarize the data, e.g. --binarize threshold)", what, i/d+1, i%d+1, v, dm.States())
		}
	}
	return nil
}
