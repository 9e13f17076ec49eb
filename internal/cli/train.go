package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"time"

	"github.com/spf13/cobra"
	"gonum.org/v1/gonum/mat"

	"boltzmann/dataset"
	"boltzmann/model"
	"boltzmann/model/rbm"
	"boltzmann/optim"
	"boltzmann/runs"
	"boltzmann/train"
)

type trainOptions struct {
	Data      string
	Model     string
	Hidden    int
	Method    string
	K         int
	Chains    int
	Epochs    int
	BatchSize int
	LR        float64
	Optimizer string
	Momentum  float64
	Schedule  string
	L1, L2    float64
	Penalize  []string
	Val       string
	Seed      uint64
	Out       string
	Resume    string
	Force     bool
	Labels    string // joint model of data and one-hot labels (classify.go)
	Float32   bool
	data      dataFlags
	bm        bmdcaFlags // alignments (potts.go)
}

func init() { register(newTrainCmd) }

func newTrainCmd(e *env) *cobra.Command {
	o := &trainOptions{}
	cmd := &cobra.Command{
		Use:   "train DATA --model {rbm,ising,gaussian,potts,catrbm} --out RUN_DIR",
		Short: "Fit a model to data by maximum likelihood with Monte Carlo gradients",
		Long: `Fit a model to the rows of DATA by maximizing the log-likelihood. Each update
reads a minibatch, advances the fantasy particles (CD-k restarts them at the
minibatch, PCD-k keeps persistent chains), and steps along <O>_data - <O>_model.
After each epoch the model, the training history, learning curves and a
checkpoint are written to RUN_DIR; --resume RUN_DIR continues a stopped run
and ends with exactly the parameters of an uninterrupted one.

DATA: ` + dataFormats + `.`,
		Example: `  boltzmann train builtin:bars-and-stripes --model rbm --hidden 16 --epochs 50 --out runs/bas
  boltzmann train spins.npy --model ising --method pcd --chains 1000 --l2 1e-4 --out runs/ising
  boltzmann train --resume runs/bas --epochs 100
  boltzmann train PF00014.fasta --model potts --out runs/pf14   # bmDCA; flags marked "alignments:"`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.Data = args[0]
			}
			if handled, err := trainMSA(cmd, e, o); handled { // alignments: potts.go
				return err
			}
			return runTrain(cmd.Context(), e, o, cmd.Flags().Changed("epochs"))
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Model, "model", "", "model kind: rbm, ising or gaussian")
	f.IntVar(&o.Hidden, "hidden", 64, "number of hidden units (rbm)")
	f.StringVar(&o.Method, "method", "pcd", "gradient estimator: cd (chains restart at the data) or pcd (persistent chains)")
	f.IntVar(&o.K, "k", 1, "Monte Carlo transitions per update (Gibbs steps or sweeps)")
	f.IntVar(&o.Chains, "chains", 0, "number of persistent chains for pcd (default: the batch size)")
	f.IntVar(&o.Epochs, "epochs", 10, "passes over the training data (with --resume: the new total)")
	f.IntVar(&o.BatchSize, "batch-size", 100, "minibatch size")
	f.Float64Var(&o.LR, "lr", 0, "initial learning rate (default: 0.05 for sgd, 0.01 for adam)")
	f.StringVar(&o.Optimizer, "optimizer", "", "optimizer: sgd or adam (default: sgd for rbm and ising, adam for gaussian)")
	f.Float64Var(&o.Momentum, "momentum", 0.5, "momentum of sgd")
	f.StringVar(&o.Schedule, "schedule", "", "(default: linear decay to 1/50 of the initial rate) "+optim.ScheduleHelp)
	f.Float64Var(&o.L1, "l1", 0, "L1 (LASSO) penalty strength on weights and couplings")
	f.Float64Var(&o.L2, "l2", 0, "L2 (ridge) penalty strength on weights and couplings")
	f.StringSliceVar(&o.Penalize, "penalize", nil, "parameter groups the L1/L2 penalties apply to (default: weights and couplings), e.g. weights,hidden_bias")
	f.StringVar(&o.Val, "val", "", "held-out data monitored each epoch")
	f.Uint64Var(&o.Seed, "seed", 1, "random seed: the same seed gives the same run")
	f.StringVar(&o.Out, "out", "", "run directory to create")
	f.StringVar(&o.Resume, "resume", "", "continue the run in this directory from its last checkpoint")
	f.BoolVar(&o.Force, "force", false, "replace an existing run directory given to --out")
	f.BoolVar(&o.Float32, "float32", false, "rbm: compute conditionals, gradient statistics and Gibbs sampling in float32 (sums stay float64); fastest in a build with -tags openblas")
	f.StringVar(&o.Labels, "labels", "", "class labels of DATA (.npy ints or IDX): learn a joint rbm of data and one-hot labels for 'boltzmann classify'")
	o.data.register(cmd)
	o.bm.register(cmd) // alignments: potts.go
	return cmd
}

// runTrain validates everything it can before creating RUN_DIR, so that bad
// input leaves nothing behind.
func runTrain(ctx context.Context, e *env, o *trainOptions, epochsSet bool) error {
	if o.Resume != "" {
		return resumeTrain(ctx, e, o, epochsSet)
	}
	if o.Data == "" {
		return badInput("train needs a DATA argument (a data file or builtin:bars-and-stripes)")
	}
	if o.Out == "" {
		return badInput("train needs --out RUN_DIR, the directory to write the model to")
	}
	if o.Model == "" {
		return badInput("train needs --model: one of %v", model.Kinds())
	}
	applyModelDefaults(o)
	cfg := &runs.Config{Train: runs.TrainInfo{
		Data: o.Data, Key: o.data.Key, Binarize: o.data.Binarize, Limit: o.data.Limit, N: o.data.N,
		Validation: o.Val, Method: o.Method, K: o.K, Chains: o.Chains, Epochs: o.Epochs,
		BatchSize: o.BatchSize, Optimizer: o.Optimizer, LR: o.LR, Schedule: o.Schedule,
		Momentum: o.Momentum, L1: o.L1, L2: o.L2, Penalize: o.Penalize, Seed: o.Seed, Labels: o.Labels, Float32: o.Float32,
		Options: map[string]string{"data_seed": strconv.FormatUint(o.data.DataSeed, 10)},
	}}
	if err := checkTrainInfo(&cfg.Train); err != nil {
		return err
	}
	x, val, err := readTrainingData(cfg.Train, o.data.DataSeed)
	if err != nil {
		return err
	}
	var m model.Model
	if o.Labels != "" { // --labels: see classify.go
		x, m, err = labeledModel(o.Model, o.Hidden, x, val, o.Labels, o.data.Limit)
	} else {
		m, err = newModel(o.Model, o.Hidden, x)
	}
	if err != nil {
		return err
	}
	cfg.Model = m.(model.Specifier).Spec()
	if err := checkFits(m, x, o.Data); err != nil {
		return err
	}
	if val != nil {
		if err := checkFits(m, val, o.Val); err != nil {
			return err
		}
	}
	m.(model.DataInitializer).InitFromData(x, rand.New(rand.NewPCG(o.Seed, 0x1417)))

	created, err := makeRunDir(o.Out, o.Force)
	if err != nil {
		return err
	}
	if err := runs.WriteConfig(o.Out, cfg); err != nil {
		return cleanupAfter(o.Out, created, err)
	}
	tr, err := newTrainer(e, m, x, val, cfg, o.Out)
	if err != nil {
		return cleanupAfter(o.Out, created, err)
	}
	err = fit(ctx, e, tr, o.Out)
	if tr.Epoch() == 0 {
		return cleanupAfter(o.Out, created, err)
	}
	return err
}

// applyModelDefaults fills the optimizer settings the user left unset with
// those that fit the model kind without tuning: SGD with momentum for the
// binary models (as in Hinton's guide and scikit-learn), Adam for the
// Gaussian model, whose gradient scales with the data; the learning rate
// decays linearly to 1/50 of its initial value, which settles the noisy PCD
// updates at the end of training.
func applyModelDefaults(o *trainOptions) {
	if o.Optimizer == "" {
		o.Optimizer = "sgd"
		if o.Model == "gaussian" {
			o.Optimizer = "adam"
		}
	}
	if o.LR == 0 {
		o.LR = 0.05
		if o.Optimizer == "adam" {
			o.LR = 0.01
		}
	}
	if o.Schedule == "" {
		o.Schedule = "linear:" + strconv.FormatFloat(o.LR/50, 'g', -1, 64)
	}
}

// checkTrainInfo rejects bad settings with a message that names the fix.
func checkTrainInfo(t *runs.TrainInfo) error {
	switch {
	case t.Method != string(train.CD) && t.Method != string(train.PCD):
		return badInput("unknown --method %q: use cd or pcd", t.Method)
	case t.Optimizer != "adam" && t.Optimizer != "sgd":
		return badInput("unknown --optimizer %q: use adam or sgd", t.Optimizer)
	case t.K < 1:
		return badInput("--k must be at least 1, got %d", t.K)
	case t.Epochs < 1:
		return badInput("--epochs must be at least 1, got %d", t.Epochs)
	case t.BatchSize < 1:
		return badInput("--batch-size must be at least 1, got %d", t.BatchSize)
	case t.Chains < 0:
		return badInput("--chains must be positive, got %d", t.Chains)
	case !(t.LR > 0):
		return badInput("--lr must be positive, got %g", t.LR)
	case t.L1 < 0 || t.L2 < 0:
		return badInput("--l1 and --l2 must be non-negative")
	}
	if _, err := optim.ParseSchedule(t.Schedule, 1, 1, 1); err != nil {
		return inputError{err}
	}
	return nil
}

func readTrainingData(t runs.TrainInfo, dataSeed uint64) (x, val *mat.Dense, err error) {
	df := dataFlags{Key: t.Key, Binarize: t.Binarize, DataSeed: dataSeed, Limit: t.Limit, N: t.N}
	if x, err = readData(t.Data, df); err != nil {
		return nil, nil, err
	}
	if t.Validation != "" {
		vf := df
		vf.DataSeed = dataSeed + 1 // independent builtin samples / binarization noise
		if val, err = readData(t.Validation, vf); err != nil {
			return nil, nil, err
		}
	}
	return x, val, nil
}

// newModel builds a model of the given kind sized for the data x.
func newModel(kind string, hidden int, x *mat.Dense) (model.Model, error) {
	_, d := x.Dims()
	spec := model.Spec{Kind: kind, Visible: d}
	switch kind {
	case "rbm":
		if hidden < 1 {
			return nil, badInput("--hidden must be at least 1, got %d", hidden)
		}
		spec.Hidden = hidden
		if enc, err := dataset.DetectBinary(x); err != nil || enc != dataset.ZeroOne {
			return nil, badInput("an rbm needs data in {0,1}: %v", binaryProblem(err, enc))
		}
	case "ising":
		enc, err := dataset.DetectBinary(x)
		if err != nil {
			return nil, inputError{err}
		}
		spec.Encode = string(enc)
	case "gaussian":
	default:
		if !slices.Contains(model.Kinds(), kind) {
			return nil, badInput("unknown --model %q: use one of %v", kind, model.Kinds())
		}
		return nil, badInput("--model %s is not trained by this command", kind)
	}
	m, err := model.New(spec)
	if err != nil {
		return nil, inputError{err}
	}
	return m, nil
}

func binaryProblem(err error, enc dataset.Encoding) string {
	if err != nil {
		return err.Error()
	}
	return fmt.Sprintf("the data are in %s; convert them with (x+1)/2", enc)
}

// makeRunDir creates dir; it refuses to overwrite an existing run unless
// force is set. created reports whether this call made the directory.
func makeRunDir(dir string, force bool) (created bool, err error) {
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return false, badInput("cannot create the run directory: %v", err)
		}
		return true, nil
	case err != nil:
		return false, badInput("cannot use %s as run directory: %v", dir, err)
	case !st.IsDir():
		return false, badInput("--out %s is a file, not a directory: choose another path", dir)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) > 0 && !force {
		return false, badInput("run directory %s already exists and is not empty: choose another --out, continue it with --resume %s, or pass --force to replace it", dir, dir)
	}
	if force {
		for _, f := range []string{runs.ConfigFile, runs.ModelFile, runs.HistoryFile, runs.CurvesFile, runs.CheckpointFile} {
			os.Remove(dir + string(os.PathSeparator) + f)
		}
	}
	return false, nil
}

// cleanupAfter removes a run directory this command created when the run
// produced nothing useful, and returns err.
func cleanupAfter(dir string, created bool, err error) error {
	if created {
		os.RemoveAll(dir)
	}
	return err
}

func newTrainer(e *env, m model.Model, x, val *mat.Dense, cfg *runs.Config, dir string) (*train.Trainer, error) {
	t := cfg.Train
	if t.Float32 {
		r, ok := m.(*rbm.RBM)
		if !ok {
			return nil, badInput("--float32 applies to --model rbm only")
		}
		r.SetFloat32(true)
	}
	n, _ := x.Dims()
	bs := min(t.BatchSize, n)
	perEpoch := n / bs
	var opt optim.Optimizer
	sched, err := optim.ParseSchedule(t.Schedule, t.LR, perEpoch, perEpoch*t.Epochs)
	if err != nil {
		return nil, inputError{err}
	}
	if t.Optimizer == "sgd" {
		opt = &optim.SGD{LR: sched, Momentum: t.Momentum}
	} else {
		opt = &optim.Adam{LR: sched}
	}
	var mask []bool
	if len(t.Penalize) > 0 {
		if mask, err = optim.MaskNamed(m.Groups(), t.Penalize); err != nil {
			return nil, inputError{err}
		}
	}
	var bar *progress
	s := &train.Settings{
		Method: train.Method(t.Method), K: t.K, Chains: t.Chains, Epochs: t.Epochs, BatchSize: t.BatchSize,
		Optimizer: opt, Penalty: optim.Penalty{L1: t.L1, L2: t.L2, Mask: mask}, Seed: t.Seed, Validation: val,
		Recorders: []train.Recorder{train.RecorderFunc(func(tr *train.Trainer, r train.Record) error {
			if r.Event == train.UpdateEvent {
				total := tr.UpdatesPerEpoch()
				if bar == nil {
					bar = newProgress(e, fmt.Sprintf("epoch %d/%d", tr.Epoch()+1, t.Epochs), total)
				}
				bar.set(r.Updates - r.Epoch*total)
				return nil
			}
			bar.finish()
			bar = nil
			if err := saveEpoch(dir, tr); err != nil {
				return err
			}
			logEpoch(e, tr, r)
			return nil
		})},
	}
	tr, err := train.New(m, x, s)
	if err != nil {
		return nil, inputError{err}
	}
	return tr, nil
}

// saveEpoch writes everything a completed epoch produces. The checkpoint is
// written last, so that a run killed while saving resumes from the previous
// complete epoch.
func saveEpoch(dir string, tr *train.Trainer) error {
	if err := runs.SaveModel(dir, tr.Model()); err != nil {
		return err
	}
	if err := runs.WriteHistory(dir, tr.History()); err != nil {
		return err
	}
	if err := runs.WriteCurves(dir, tr.History()); err != nil {
		return err
	}
	return runs.WriteCheckpoint(dir, tr)
}

func logEpoch(e *env, tr *train.Trainer, r train.Record) {
	args := []any{"epoch", r.Epoch, "updates", r.Updates, "seconds", round(r.Seconds, 2)}
	for _, kv := range []struct {
		k string
		v float64
	}{
		{"train_ll", r.TrainLL}, {"val_ll", r.ValLL}, {"train_pll", r.TrainPL},
		{"val_pll", r.ValPL}, {"recon", r.Recon},
	} {
		if kv.v == kv.v { // not NaN
			args = append(args, kv.k, round(kv.v, 4))
		}
	}
	e.log.Info("epoch done", args...)
}

func round(x float64, digits int) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'f', digits, 64), 64)
	return v
}

// fit runs the trainer and explains how a stopped run goes on.
func fit(ctx context.Context, e *env, tr *train.Trainer, dir string) error {
	start := time.Now()
	err := tr.Run(ctx)
	switch {
	case err == nil:
		e.log.Info("training done", "epochs", tr.Epoch(), "seconds", round(time.Since(start).Seconds(), 1), "run", dir)
		return nil
	case errors.Is(err, train.ErrDiverged):
		if tr.Epoch() > 0 {
			return fmt.Errorf("%v; the last good checkpoint (epoch %d) is kept in %s", err, tr.Epoch(), dir)
		}
		return err
	case errors.Is(err, context.Canceled):
		if tr.Epoch() > 0 {
			return fmt.Errorf("interrupted; %d epochs are saved: continue with 'boltzmann train --resume %s'", tr.Epoch(), dir)
		}
		return errors.New("interrupted before the first epoch ended; nothing was saved")
	}
	return err
}

func resumeTrain(ctx context.Context, e *env, o *trainOptions, epochsSet bool) error {
	dir := o.Resume
	m, cfg, err := loadRun(dir)
	if err != nil {
		return err
	}
	if epochsSet {
		cfg.Train.Epochs = o.Epochs
	}
	dataSeed, _ := strconv.ParseUint(cfg.Train.Options["data_seed"], 10, 64)
	x, val, err := readTrainingData(cfg.Train, dataSeed)
	if err != nil {
		return err
	}
	if cfg.Train.Labels != "" { // see classify.go
		if x, _, err = labeledData(x, cfg.Train.Labels, cfg.Train.Limit); err != nil {
			return err
		}
	}
	if err := checkFits(m, x, cfg.Train.Data); err != nil {
		return err
	}
	tr, err := newTrainer(e, m, x, val, cfg, dir)
	if err != nil {
		return err
	}
	if err := runs.ReadCheckpoint(dir, tr); err != nil {
		return inputError{err}
	}
	if tr.Epoch() >= cfg.Train.Epochs {
		return badInput("%s already has %d epochs: pass a larger --epochs to train further", dir, tr.Epoch())
	}
	if err := runs.WriteConfig(dir, cfg); err != nil {
		return err
	}
	e.log.Info("resuming", "run", dir, "from_epoch", tr.Epoch(), "to_epoch", cfg.Train.Epochs)
	return fit(ctx, e, tr, dir)
}
