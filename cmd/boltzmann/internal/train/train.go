// Package train implements 'boltzmann train': maximum-likelihood training
// of a model on rows of data (package train, this file) or on a multiple
// sequence alignment (package bmdca, bmdca.go), written to a run directory
// through package runs.
package train

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"gonum.org/v1/gonum/mat"

	"boltzmann/bmdca"
	"boltzmann/cmd/boltzmann/internal/cmdutil"
	"boltzmann/model"
	_ "boltzmann/model/gaussian" // register the kinds trained here
	"boltzmann/model/gbrbm"
	_ "boltzmann/model/ising"
	"boltzmann/model/rbm"
	"boltzmann/optim"
	"boltzmann/runs"
	trainlib "boltzmann/train"
)

// Options are the settings of one train invocation.
type Options struct {
	IO        *cmdutil.Factory
	Ctx       context.Context
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
	Labels    string // joint model of data and one-hot labels
	Float32   bool   // --float32: the default for a plain rbm, kept for scripts
	Float64   bool   // --float64: rbm arithmetic in float64
	DataFlags cmdutil.DataFlags
	BMDCA     BMDCAFlags // alignments (bmdca.go)
	GBRBM     GBRBMFlags // real-valued data (gbrbm.go)
	Reduction string     // --reduction: "", "blocks" or "exact" (mpi.go)

	// Which flags were given: unset ones take the trainer's defaults or,
	// with --resume, the run's settings.
	EpochsSet, KSet, OptimizerSet, MaxUpdatesSet, Float32Set bool

	// Labeled runs (labeled.go): objective, sparsity target, validation.
	Objective    string
	Alpha        float64
	Sparsity     float64
	SparsityCost float64
	ValLabels    string
	ValFraction  float64
	Patience     int
	AlphaSet     bool
	// Serve is the address of --serve, the live page of the run (serve.go).
	Serve cmdutil.Addr
	// Negative holds --sampler, --replicas, --swap-acceptance and
	// --centering (negative.go).
	Negative NegativeFlags
}

// NewCmdTrain returns the train command; runF, if not nil, replaces the
// run function (tests of the flags).
func NewCmdTrain(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	o := &Options{IO: f}
	cmd := &cobra.Command{
		Use:   "train DATA --model {rbm,ising,gaussian,gbrbm,potts,catrbm} --out RUN_DIR",
		Short: "Fit a model to data by maximum likelihood with Monte Carlo gradients",
		Long: `Fit a model to the rows of DATA by maximizing the log-likelihood. Each update
reads a minibatch, advances the fantasy particles (CD-k restarts them at the
minibatch, PCD-k keeps persistent chains), and steps along <O>_data - <O>_model.
After each epoch the model, the training history, learning curves and a
checkpoint are written to RUN_DIR; --resume RUN_DIR continues a stopped run
and ends with exactly the parameters of an uninterrupted one.

DATA: ` + cmdutil.DataFormats + `.` + labeledHelp,
		Example: `  boltzmann train builtin:bars-and-stripes --model rbm --hidden 16 --epochs 50 --out runs/bas
  boltzmann train spins.npy --model ising --method pcd --chains 1000 --l2 1e-4 --out runs/ising
  boltzmann train --resume runs/bas --epochs 100
  boltzmann train x.npy --labels y.npy --model rbm --hidden 500 --objective hybrid --alpha 0.01 \
      --val-fraction 0.1 --patience 5 --out runs/cls
  boltzmann train PF00014.fasta --model potts --out runs/pf14   # bmDCA; flags marked "alignments:"`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.Data = args[0]
			}
			fl := cmd.Flags()
			o.Ctx = cmd.Context()
			o.EpochsSet, o.KSet = fl.Changed("epochs"), fl.Changed("k")
			o.OptimizerSet, o.MaxUpdatesSet = fl.Changed("optimizer"), fl.Changed("max-updates")
			o.Float32Set = fl.Changed("float32")
			o.GBRBM.StandardizeSet, o.GBRBM.FixedVarianceSet = fl.Changed("standardize"), fl.Changed("fixed-variance")
			o.AlphaSet = fl.Changed("alpha")
			if o.Resume != "" {
				if err := checkResumeFlags(o, fl); err != nil {
					return err
				}
			}
			if err := o.validate(); err != nil {
				return err
			}
			if o.Resume == "" {
				if err := checkApplies(o, fl); err != nil { // applies.go
					return err
				}
			}
			if runF != nil {
				return runF(o)
			}
			return runJob(o) // mpi.go
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.Model, "model", "", "model kind: rbm, ising, gaussian or gbrbm (Gaussian-Bernoulli rbm, real-valued data) for rows of data; potts (the default for an alignment) or catrbm for alignments")
	fl.IntVar(&o.Hidden, "hidden", 64, "number of hidden units (rbm, labeled rbm, gbrbm, catrbm; ising, gaussian and potts have none)")
	fl.StringVar(&o.Method, "method", "pcd", "gradient estimator: cd (chains restart at the data) or pcd (persistent chains) (rbm, ising, gbrbm; alignments: always persistent chains; gaussian: exact samples)")
	fl.IntVar(&o.K, "k", 1, "Monte Carlo transitions per update: Gibbs steps or sweeps; the default below is for rows of data (alignments: "+strconv.Itoa(bmdca.DefaultSweeps)+" sweeps; gaussian: not used, its samples are exact)")
	fl.IntVar(&o.Chains, "chains", 0, "number of persistent chains for pcd (default: the batch size; alignments: "+strconv.Itoa(bmdca.DefaultChains)+"; gaussian: the number of exact samples per update)")
	fl.IntVar(&o.Epochs, "epochs", 10, "passes over the training data (with --resume: the new total)")
	fl.IntVar(&o.BatchSize, "batch-size", 100, "minibatch size")
	fl.Float64Var(&o.LR, "lr", 0, "initial learning rate (default: 0.05 for sgd, 0.01 for adam; alignments: "+strconv.FormatFloat(bmdca.DefaultLR, 'g', -1, 64)+", constant)")
	fl.StringVar(&o.Optimizer, "optimizer", "", "optimizer: sgd or adam (default: sgd for rbm and ising, adam for gaussian and gbrbm)")
	fl.Float64Var(&o.Momentum, "momentum", 0.5, "momentum of sgd (rows of data with sgd: rbm and ising by default; alignments take plain steps)")
	fl.StringVar(&o.Schedule, "schedule", "", "(default: linear decay to 1/50 of the initial rate; alignments: constant) "+strings.Replace(optim.ScheduleHelp, " (default)", "", 1))
	fl.Float64Var(&o.L1, "l1", 0, "L1 (LASSO) penalty strength on weights and couplings")
	fl.Float64Var(&o.L2, "l2", 0, "L2 (ridge) penalty strength on weights and couplings")
	fl.StringSliceVar(&o.Penalize, "penalize", nil, "parameter groups the L1/L2 penalties apply to (default: weights and couplings), e.g. weights,hidden_bias")
	fl.StringVar(&o.Val, "val", "", "held-out data monitored each epoch")
	fl.Uint64Var(&o.Seed, "seed", 1, "random seed: the same seed gives the same run")
	fl.StringVar(&o.Out, "out", "", "run directory to create")
	fl.StringVar(&o.Resume, "resume", "", "continue the run in this directory from its last checkpoint, with its settings; only --epochs, --lr, --schedule (alignments: --max-updates, --lr) may be given, and apply from the next update")
	fl.BoolVar(&o.Force, "force", false, "replace an existing run directory given to --out")
	fl.BoolVar(&o.Float64, "float64", false, "rbm: compute conditionals, gradient statistics and Gibbs sampling in float64 (default: float32, with sums in float64; the other models always use float64)")
	fl.BoolVar(&o.Float32, "float32", false, "rbm: float32 arithmetic (the default; see --float64)")
	_ = fl.MarkHidden("float32")
	fl.StringVar(&o.Labels, "labels", "", "class labels of DATA (.npy ints or IDX): learn a joint rbm of data and one-hot labels for 'boltzmann classify'")
	o.DataFlags.Register(cmd)
	o.BMDCA.register(cmd)    // alignments: bmdca.go
	o.GBRBM.register(cmd)    // real-valued data: gbrbm.go
	o.registerLabeled(cmd)   // labeled runs: labeled.go
	o.Negative.register(cmd) // negative phase: negative.go
	fl.Var(&o.Serve, "serve", "serve the live page of the run at this address while training, e.g. 127.0.0.1:8080 (0.0.0.0:PORT to be reached from other machines)")
	fl.StringVar(&o.Reduction, "reduction", "", "how the phase sums are formed: blocks adds per-block sums in a fixed order, so that the run gives the same parameters in one process and across any number of MPI processes (the default under mpirun); exact (rbm): sums in fixed point (hidden probabilities rounded to 2^-30), exact in any order, so each process sends one partial instead of one per block, with the same independence of the process count; default in one process: the fastest arithmetic")
	return cmd
}

// validate checks the flags without reading any file.
func (o *Options) validate() error {
	if err := o.checkReduction(); err != nil { // mpi.go
		return err
	}
	switch {
	case o.Resume != "":
		if o.EpochsSet && o.Epochs < 1 {
			return cmdutil.BadInput("--epochs must be at least 1, got %d", o.Epochs)
		}
		if o.MaxUpdatesSet && o.BMDCA.MaxUpdates < 1 {
			return cmdutil.BadInput("--max-updates must be at least 1")
		}
		return nil
	case o.alignment():
		_, _, err := o.bmdcaConfig()
		return err
	}
	_, err := o.trainConfig()
	return err
}

// run trains; it validates everything it can before creating RUN_DIR, so
// that bad input leaves nothing behind.
func run(o *Options) error {
	if o.Serve != "" {
		stop, err := o.startServe()
		if err != nil {
			return err
		}
		defer stop()
	}
	if o.Resume != "" {
		r, err := runs.Open(o.Resume)
		if err != nil {
			return cmdutil.Input(err)
		}
		if isRoot() { // one writer per run directory: process 0 of an MPI job
			if err := r.Lock(); err != nil {
				return cmdutil.Input(err)
			}
			defer r.Close()
		}
		if err := cmdutil.CheckModelMemory(r.Config.Model, r.Dir); err != nil {
			return err
		}
		if r.Config.BMDCA != nil {
			return resumeBMDCA(o, r)
		}
		return resumeTrain(o, r)
	}
	if o.alignment() {
		return trainBMDCA(o)
	}
	tc, err := o.trainConfig()
	if err != nil {
		return err
	}
	if err := checkBuiltinTrainMemory(o, tc); err != nil {
		return err
	}
	x, val, err := readTrainingData(tc)
	if err != nil {
		return err
	}
	n, d := x.Dims()
	if err := checkTrainMemory(o, tc, n, d); err != nil {
		return err
	}
	if o.Model == gbrbm.Kind {
		if x, val, err = o.GBRBM.standardize(tc, x, val); err != nil {
			return err
		}
	}
	var m model.Model
	if tc.Labels != "" {
		if o.Hidden < 1 {
			return cmdutil.BadInput("an rbm needs at least 1 hidden unit, got %d", o.Hidden)
		}
		if err := cmdutil.CheckIntensities(x, tc.Data); err != nil {
			return err // binary data or grey levels in [0, 1]
		}
		xt, yt, xv, yv, classes, err := labeledData(tc, x, val, 0)
		if err != nil {
			return err
		}
		l, rows := runs.NewLabeledModel(xt, yt, classes, o.Hidden, tc.Seed)
		m, x, val = l, rows, labeledRows(l, xv, yv)
	} else if m, err = runs.NewModel(o.spec(), x, tc.Seed); err != nil {
		return cmdutil.Input(err)
	}
	if err := cmdutil.CheckFits(m, x, tc.Data); err != nil {
		return err
	}
	if val != nil {
		if err := cmdutil.CheckFits(m, val, tc.Validation); err != nil {
			return err
		}
	}
	r, err := createRun(o.Out, o.Force)
	if err != nil {
		return err
	}
	defer r.Close()
	r.Config = &runs.Config{Model: m.(model.Specifier).Spec(), Train: tc}
	if err := writeConfig(r); err != nil {
		r.Discard()
		return err
	}
	releaseMemory() // the garbage of reading, before the trainer's copy
	tr, err := newTrainer(o.IO, r, m, x, val)
	if err != nil {
		r.Discard()
		return err
	}
	x = nil
	releaseMemory()
	err = fit(o.Ctx, o.IO, tr, r)
	if tr.Epoch() == 0 {
		r.Discard()
	}
	return err
}

// releaseMemory returns the memory of the data as read (float64 rows,
// which the trainer has copied compactly where it could) to the system
// before training starts, so that the process's peak memory is not the
// data read plus the garbage collector's headroom over it.
func releaseMemory() { debug.FreeOSMemory() }

// create makes the run directory with the messages of the command line.
func create(dir string, force bool) (*runs.Run, error) {
	r, err := runs.Create(dir, force)
	switch {
	case errors.Is(err, runs.ErrExists):
		return nil, cmdutil.BadInput("run directory %s already exists and is not empty: choose another --out, continue it with --resume %s, or pass --force to replace it", dir, dir)
	case errors.Is(err, runs.ErrNotDir):
		return nil, cmdutil.BadInput("--out %s is a file, not a directory: choose another path", dir)
	}
	return r, cmdutil.Input(err)
}

// trainKinds names the model kinds train takes, as the usage line does.
const trainKinds = "rbm, ising, gaussian or gbrbm for rows of data (rbm with --labels: a labeled rbm); potts or catrbm for alignments"

// trainConfig checks the flags of a new run on rows of data and returns
// its settings, with the defaults that fit the model kind without tuning
// for what the user left unset: SGD with momentum for the binary models
// (as in Hinton's guide and scikit-learn), Adam for the Gaussian model,
// whose gradient scales with the data; the learning rate decays linearly
// to 1/50 of its initial value, which settles the noisy PCD updates at the
// end of training.
func (o *Options) trainConfig() (*runs.TrainConfig, error) {
	switch {
	case o.Data == "":
		return nil, cmdutil.BadInput("train needs a DATA argument (a data file or builtin:bars-and-stripes)")
	case o.Out == "":
		return nil, cmdutil.BadInput("train needs --out RUN_DIR, the directory to write the model to")
	case o.Model == "":
		return nil, cmdutil.BadInput("train needs --model: %s", trainKinds)
	}
	t := &runs.TrainConfig{
		Data: o.Data, Key: o.DataFlags.Key, Binarize: o.DataFlags.Binarize, Limit: o.DataFlags.Limit, N: o.DataFlags.N,
		DataSeed: o.DataFlags.DataSeed, Validation: o.Val, Labels: o.Labels, Method: o.Method, K: o.K, Chains: o.Chains,
		Epochs: o.Epochs, BatchSize: o.BatchSize, Optimizer: o.Optimizer, LR: o.LR, Schedule: o.Schedule,
		Momentum: o.Momentum, L1: o.L1, L2: o.L2, Penalize: o.Penalize, Seed: o.Seed,
		Float32: o.Model == rbm.Kind && !o.Float64,
	}
	t.Reduction = o.reduction()
	if t.Optimizer == "" {
		t.Optimizer = "sgd"
		if o.Model == "gaussian" || o.Model == gbrbm.Kind {
			t.Optimizer = "adam"
		}
	}
	if t.LR == 0 {
		t.LR = 0.05
		if t.Optimizer == "adam" {
			t.LR = 0.01
		}
	}
	if t.Schedule == "" {
		t.Schedule = "linear:" + strconv.FormatFloat(t.LR/50, 'g', -1, 64)
	}
	switch o.Model {
	case rbm.Kind, "ising", "gaussian", gbrbm.Kind:
	default:
		switch {
		case o.Model == rbm.LabeledKind:
			return nil, cmdutil.BadInput("a labeled rbm is trained with --model rbm --labels LABELS")
		case !slices.Contains(model.Kinds(), o.Model):
			return nil, cmdutil.BadInput("unknown --model %q: use %s", o.Model, trainKinds)
		}
		return nil, cmdutil.BadInput("--model %s is not trained by this command: use %s", o.Model, trainKinds)
	}
	switch {
	case t.Method != string(trainlib.CD) && t.Method != string(trainlib.PCD):
		return nil, cmdutil.BadInput("unknown --method %q: use cd or pcd", t.Method)
	case t.Optimizer != "adam" && t.Optimizer != "sgd":
		return nil, cmdutil.BadInput("unknown --optimizer %q: use adam or sgd", t.Optimizer)
	case t.K < 1:
		return nil, cmdutil.BadInput("--k must be at least 1, got %d", t.K)
	case t.Epochs < 1:
		return nil, cmdutil.BadInput("--epochs must be at least 1, got %d", t.Epochs)
	case t.BatchSize < 1:
		return nil, cmdutil.BadInput("--batch-size must be at least 1, got %d", t.BatchSize)
	case t.Chains < 0:
		return nil, cmdutil.BadInput("--chains must be positive, got %d", t.Chains)
	case !(t.LR > 0):
		return nil, cmdutil.BadInput("--lr must be positive, got %g", t.LR)
	case t.L1 < 0 || t.L2 < 0:
		return nil, cmdutil.BadInput("--l1 and --l2 must be non-negative")
	case (o.Model == rbm.Kind || o.Model == gbrbm.Kind) && o.Hidden < 1:
		return nil, cmdutil.BadInput("--hidden must be at least 1, got %d", o.Hidden)
	case o.Float32Set && o.Float64:
		return nil, cmdutil.BadInput("--float32 and --float64 exclude each other: give one")
	case o.Float32Set && o.Model != rbm.Kind:
		return nil, cmdutil.BadInput("--float32 applies to --model rbm only")
	case t.Labels != "" && o.Model != rbm.Kind:
		return nil, cmdutil.BadInput("--labels needs --model rbm (a joint rbm over data and one-hot labels), got %q", o.Model)
	}
	if err := o.labeledConfig(t); err != nil {
		return nil, err
	}
	if err := checkTrainNumbers(t, o.Hidden); err != nil {
		return nil, err
	}
	if _, err := optim.ParseSchedule(t.Schedule, 1, 1, 1); err != nil {
		return nil, cmdutil.Input(err)
	}
	if err := o.GBRBM.check(o.Model); err != nil {
		return nil, err
	}
	if err := o.Negative.apply(t, o.Model); err != nil {
		return nil, err
	}
	return t, nil
}

// readTrainingData reads the training and validation rows of a run.
func readTrainingData(t *runs.TrainConfig) (x, val *mat.Dense, err error) {
	if x, err = cmdutil.ReadData(t.Data, t.ReadOptions()); err != nil {
		return nil, nil, err
	}
	if t.Validation != "" {
		if val, err = cmdutil.ReadData(t.Validation, t.ValidationReadOptions()); err != nil {
			return nil, nil, err
		}
	}
	return x, val, nil
}

// newTrainer builds the trainer of a run on rows x (validation rows val,
// or nil) whose epochs are saved into r.
func newTrainer(f *cmdutil.Factory, r *runs.Run, m model.Model, x, val *mat.Dense) (*trainlib.Trainer, error) {
	n, _ := x.Dims()
	s, err := r.Config.Train.Settings(m, n)
	if err != nil {
		return nil, cmdutil.Input(err)
	}
	if err := setReducer(s, m, r.Config.Train, r.Dir); err != nil {
		return nil, err
	}
	epochs := r.Config.Train.Epochs
	start := time.Now()
	var bar *cmdutil.Progress
	s.Validation = val
	s.Recorders = append(s.Recorders, trainlib.RecorderFunc(func(tr *trainlib.Trainer, rec trainlib.Record) error {
		if rec.Event == trainlib.UpdateEvent {
			total := tr.UpdatesPerEpoch()
			if bar == nil {
				bar = cmdutil.NewProgress(f, fmt.Sprintf("epoch %d/%d", rec.Epoch+1, epochs), total)
			}
			bar.Set(rec.Updates - rec.Epoch*total)
			return nil
		}
		bar.Finish()
		bar = nil
		if err := saveRunInBackground(r, tr); err != nil {
			return err
		}
		logEpoch(f, rec, time.Since(start))
		return nil
	}))
	s.Recorders = append(s.Recorders, liveRecorders(r.Dir)...)
	if k := r.Config.Train.SaveTrajectory; k > 0 {
		s.Recorders = append(s.Recorders, r.TrajectoryRecorder(k))
	}
	tr, err := trainlib.New(m, x, s)
	if err != nil {
		return nil, cmdutil.Input(err)
	}
	return tr, nil
}

// logEpoch logs an epoch record: train_seconds is the run's cumulative
// time in updates (the record's Seconds, across resumptions), wall_seconds
// the time since this process built its trainer, with the monitoring and
// saving of every epoch.
func logEpoch(f *cmdutil.Factory, r trainlib.Record, wall time.Duration) {
	args := []any{"epoch", r.Epoch, "updates", r.Updates, "train_seconds", cmdutil.Round(r.Seconds, 2), "wall_seconds", cmdutil.Round(wall.Seconds(), 2)}
	for _, kv := range []struct {
		k string
		v float64
	}{
		{"train_ll", r.TrainLL}, {"val_ll", r.ValLL}, {"train_pll", r.TrainPL},
		{"val_pll", r.ValPL}, {"recon", r.Recon},
		{"train_error", r.TrainErr}, {"val_error", r.ValErr}, {"val_log_p_y_given_x", r.ValCLL},
	} {
		if kv.v == kv.v { // not NaN
			args = append(args, kv.k, cmdutil.Round(kv.v, 4))
		}
	}
	f.Logger().Info("epoch done", args...)
}

// fit runs the trainer and explains how a stopped run goes on.
func fit(ctx context.Context, f *cmdutil.Factory, tr *trainlib.Trainer, r *runs.Run) error {
	if err := current.begin(tr); err != nil { // mpi.go
		return err
	}
	start := time.Now()
	err := tr.Run(ctx)
	f.EndProgress()
	if werr := r.Wait(); werr != nil { // the last save, written in the background
		return errors.Join(err, werr)
	}
	dir := r.Dir
	switch {
	case err == nil:
		if best, ok := trainlib.BestEpoch(tr.History()); ok {
			if tr.Status() == trainlib.Converged {
				f.Logger().Info("early stopping: the validation error stopped improving", "best_epoch", best.Epoch,
					"best_val_error", cmdutil.Round(best.ValErr, 4), "last_epoch", tr.Epoch())
			}
			f.Logger().Info("model.npz holds the epoch with the lowest validation error", "epoch", best.Epoch,
				"val_error", cmdutil.Round(best.ValErr, 4))
		}
		f.Logger().Info("training done", "epochs", tr.Epoch(), "wall_seconds", cmdutil.Round(time.Since(start).Seconds(), 1), "run", dir)
		return nil
	case errors.Is(err, trainlib.ErrDiverged):
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

func resumeTrain(o *Options, r *runs.Run) error {
	tc := r.Config.Train
	if tc == nil {
		return cmdutil.BadInput("%s: %s holds no training settings", r.Dir, runs.ConfigFile)
	}
	m, err := r.LoadModel()
	if err != nil {
		return cmdutil.Input(err)
	}
	m = r.TrainingModel(m) // a whitened gbrbm trains the model of the whitened data
	if o.EpochsSet {
		tc.Epochs = o.Epochs
	}
	if err := o.applyResume(tc); err != nil {
		return err
	}
	x, val, err := readTrainingData(tc)
	if err != nil {
		return err
	}
	if x, val, err = restandardize(tc, x, val); err != nil {
		return err
	}
	if tc.Labels != "" {
		l, ok := m.(*rbm.Labeled)
		if !ok {
			return cmdutil.BadInput("%s: a run with labels holds a %s model", r.Dir, r.Config.Model.Kind)
		}
		xt, yt, xv, yv, _, err := labeledData(tc, x, val, l.Classes())
		if err != nil {
			return err
		}
		x, val = l.Concat(xt, yt), labeledRows(l, xv, yv)
	}
	if err := cmdutil.CheckFits(m, x, tc.Data); err != nil {
		return err
	}
	releaseMemory() // the garbage of reading, before the trainer's copy
	tr, err := newTrainer(o.IO, r, m, x, val)
	if err != nil {
		return err
	}
	x = nil
	releaseMemory()
	if err := r.Resume(tr); err != nil {
		return cmdutil.Input(err)
	}
	if tr.Epoch() >= tc.Epochs {
		return cmdutil.BadInput("%s already has %d epochs: pass a larger --epochs to train further", r.Dir, tr.Epoch())
	}
	if err := writeConfig(r); err != nil {
		return err
	}
	o.IO.Logger().Info("resuming", append([]any{"run", r.Dir, "from_epoch", tr.Epoch(), "to_epoch", tc.Epochs}, scheduleLog(tc, tr)...)...)
	return fit(o.Ctx, o.IO, tr, r)
}
