package train

// Training of categorical models on multiple sequence alignments (bmDCA):
// `boltzmann train MSA.fasta --model potts`. train.go routes alignment
// files, --model potts/catrbm and the resumption of such runs here.

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"boltzmann/bmdca"
	"boltzmann/cmd/boltzmann/internal/cmdutil"
	"boltzmann/model"
	"boltzmann/model/catrbm"
	"boltzmann/model/potts"
	"boltzmann/msa"
	"boltzmann/runs"
	trainlib "boltzmann/train"
)

// BMDCAFlags are the train flags specific to alignments.
type BMDCAFlags struct {
	Reweight    float64
	Pseudocount float64
	Target      float64
	MaxUpdates  int
	SaveEvery   int
	Alphabet    string
	Preset      string
}

func (f *BMDCAFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.Float64Var(&f.Reweight, "reweight", bmdca.DefaultReweight, "alignments: sequence identity above which sequences share their weight (0: no reweighting)")
	fl.Float64Var(&f.Pseudocount, "pseudocount", -1, "alignments: pseudocount of the frequencies in [0,1]; -1 means 1/Neff, adabmDCA's default")
	fl.Float64Var(&f.Target, "target-pearson", bmdca.DefaultTarget, "alignments: stop when the Pearson correlation of data and model connected correlations reaches this")
	fl.IntVar(&f.MaxUpdates, "max-updates", bmdca.DefaultMax, "alignments: stop after this many parameter updates (with --resume: the new total)")
	fl.IntVar(&f.SaveEvery, "save-every", 50, "alignments: write the run directory every this many updates")
	fl.StringVar(&f.Alphabet, "alphabet", "protein", "alignments: protein, rna, dna, or the symbols in code order")
	fl.StringVar(&f.Preset, "preset", bmdca.DefaultPreset, "alignments: adabmdca (adabmDCA 2's constant-rate step) or adaptive (one learning rate per parameter, grown and shrunk by the gradient's signs)")
}

// alignment reports whether a new run trains on an alignment: --model
// potts or catrbm, or DATA with an alignment extension.
func (o *Options) alignment() bool {
	return o.Model == potts.Kind || o.Model == catrbm.Kind || cmdutil.IsAlignmentPath(o.Data)
}

// bmdcaConfig checks the flags of a new bmDCA run and returns its settings
// and model kind (default potts).
func (o *Options) bmdcaConfig() (*runs.BMDCAConfig, string, error) {
	kind := o.Model
	switch kind {
	case potts.Kind, catrbm.Kind:
	case "":
		kind = potts.Kind
	default:
		return nil, "", cmdutil.BadInput("an alignment (%s) trains --model potts or --model catrbm, not %q", o.Data, o.Model)
	}
	if o.OptimizerSet && o.Optimizer != "sgd" {
		return nil, "", cmdutil.BadInput("bmDCA uses plain gradient steps: drop --optimizer %s (or pass --optimizer sgd)", o.Optimizer)
	}
	b := &runs.BMDCAConfig{
		Data: o.Data, Alphabet: o.BMDCA.Alphabet, Reweight: o.BMDCA.Reweight, Pseudocount: o.BMDCA.Pseudocount,
		TargetPearson: o.BMDCA.Target, MaxUpdates: o.BMDCA.MaxUpdates, SaveEvery: o.BMDCA.SaveEvery,
		Sweeps: bmdca.DefaultSweeps, Chains: o.Chains, LR: o.LR, Seed: o.Seed, Preset: o.BMDCA.Preset,
	}
	if o.KSet {
		b.Sweeps = o.K
	}
	if b.Chains == 0 {
		b.Chains = bmdca.DefaultChains
	}
	if b.LR == 0 {
		b.LR = bmdca.DefaultLR
	}
	switch {
	case o.Data == "":
		return nil, "", cmdutil.BadInput("train needs an alignment argument (MSA.fasta)")
	case o.Out == "":
		return nil, "", cmdutil.BadInput("train needs --out RUN_DIR, the directory to write the model to")
	case b.Sweeps < 1:
		return nil, "", cmdutil.BadInput("--k must be at least 1, got %d", b.Sweeps)
	case b.Chains < 1:
		return nil, "", cmdutil.BadInput("--chains must be positive, got %d", b.Chains)
	case b.LR <= 0 || math.IsInf(b.LR, 0):
		return nil, "", cmdutil.BadInput("--lr must be positive, got %g", b.LR)
	case b.Reweight < 0 || b.Reweight > 1:
		return nil, "", cmdutil.BadInput("--reweight must be in [0, 1] (0: no reweighting), got %g", b.Reweight)
	case b.Pseudocount > 1 || (b.Pseudocount < 0 && b.Pseudocount != -1):
		return nil, "", cmdutil.BadInput("--pseudocount must be in [0, 1], got %g", b.Pseudocount)
	case b.TargetPearson <= 0 || b.TargetPearson > 1:
		return nil, "", cmdutil.BadInput("--target-pearson must be in (0, 1], got %g", b.TargetPearson)
	case b.MaxUpdates < 1:
		return nil, "", cmdutil.BadInput("--max-updates must be at least 1")
	case b.SaveEvery < 1:
		return nil, "", cmdutil.BadInput("--save-every must be at least 1")
	case !slices.Contains(bmdca.Presets, b.Preset):
		return nil, "", cmdutil.BadInput("--preset must be one of %s, got %q", strings.Join(bmdca.Presets, ", "), b.Preset)
	case kind == catrbm.Kind && o.Hidden < 1:
		return nil, "", cmdutil.BadInput("--hidden must be at least 1, got %d", o.Hidden)
	}
	if err := checkBMDCANumbers(b, o.Hidden); err != nil {
		return nil, "", err
	}
	if err := o.bmdcaSampler(b); err != nil {
		return nil, "", err
	}
	return b, kind, nil
}

// bmdcaSampler checks --sampler, --replicas and --swap-acceptance of a
// bmDCA run and records them in b: Gibbs sweeps, or parallel tempering
// (potts only; --k then counts PT transitions, each a sweep of every
// replica).
func (o *Options) bmdcaSampler(b *runs.BMDCAConfig) error {
	f := o.Negative
	switch {
	case f.Sampler == runs.SamplerTrajectory:
		return cmdutil.BadInput("bmDCA samples by Gibbs sweeps or --sampler pt, not %s", f.Sampler)
	case f.Sampler != "" && f.Sampler != runs.SamplerGibbs && f.Sampler != runs.SamplerPT:
		return cmdutil.BadInput("unknown --sampler %q: use gibbs or pt", f.Sampler)
	case f.Sampler != runs.SamplerPT && (f.Replicas != 0 || f.SwapAcceptance != 0):
		return cmdutil.BadInput("--replicas and --swap-acceptance tune --sampler pt: add it or drop them")
	}
	if err := f.checkLadder(); err != nil {
		return err
	}
	if f.Sampler == runs.SamplerPT {
		b.Sampler = runs.SamplerPT
		b.Replicas, b.SwapAcceptance = f.ladder()
	}
	return nil
}

func trainBMDCA(o *Options) error {
	b, kind, err := o.bmdcaConfig()
	if err != nil {
		return err
	}
	a, tgt, err := readTarget(b)
	if err != nil {
		return err
	}
	if err := checkBMDCAMemory(kind, o.Hidden, b, a.L(), a.Q()); err != nil {
		return err
	}
	m, err := runs.NewCategorical(kind, o.Hidden, a, tgt, b.Seed)
	if err != nil {
		return cmdutil.Input(err)
	}
	r, err := createRun(o.Out, o.Force)
	if err != nil {
		return err
	}
	defer r.Close()
	r.Config = &runs.Config{Model: m.(model.Specifier).Spec(), BMDCA: b}
	if err := writeConfig(r); err != nil {
		r.Discard()
		return err
	}
	tr, err := newBMDCATrainer(o.IO, r, m, tgt)
	if err != nil {
		r.Discard()
		return err
	}
	o.IO.Logger().Info("alignment", "sequences", a.N(), "columns", a.L(), "states", a.Q(),
		"neff", cmdutil.Round(tgt.Neff, 1), "pseudocount", tgt.Pseudocount)
	return fitBMDCA(o.Ctx, o.IO, tr, r)
}

// readTarget reads the alignment of a bmDCA run and its target statistics.
func readTarget(b *runs.BMDCAConfig) (*msa.Alignment, *bmdca.Target, error) {
	a, err := cmdutil.ReadAlignment(b.Data, b.Alphabet)
	if err != nil {
		return nil, nil, err
	}
	if a.L() < 3 {
		return nil, nil, cmdutil.BadInput("%s has %d aligned columns: bmDCA needs at least 3", b.Data, a.L())
	}
	return a, b.Target(a), nil
}

// newBMDCATrainer builds the bmDCA trainer of a run; it logs every update
// and saves the run every SaveEvery updates and at the end.
func newBMDCATrainer(f *cmdutil.Factory, r *runs.Run, m model.Model, tgt *bmdca.Target) (*trainlib.Trainer, error) {
	b := r.Config.BMDCA
	s := b.Settings()
	var bar *cmdutil.Progress // on a terminal: updates of --max-updates, under the log lines
	s.Recorders = append(s.Recorders, trainlib.RecorderFunc(func(tr *trainlib.Trainer, rec trainlib.Record) error {
		if rec.Event != trainlib.UpdateEvent {
			return nil
		}
		if bar == nil {
			bar = cmdutil.NewProgress(f, "bmDCA updates", b.MaxUpdates)
		}
		bar.Clear()
		f.Logger().Info("update", "update", rec.Update, "pearson", cmdutil.Round(rec.Pearson, 4), "slope", cmdutil.Round(rec.Slope, 3),
			"pearson_fi", cmdutil.Round(rec.PearsonFi, 4), "sweeps", rec.Sweeps, "train_seconds", cmdutil.Round(rec.Seconds, 1))
		bar.Set(rec.Update + 1)
		if tr.Done() || rec.Update+1 >= b.MaxUpdates {
			bar.Finish()
		}
		return nil
	}))
	s.Recorders = append(s.Recorders, bmdcaSavers(r, b.SaveEvery, tgt)...) // mpi.go
	s.Recorders = append(s.Recorders, liveRecorders(r.Dir)...)
	setBMDCAReducer(s)
	tr, err := bmdca.New(m, tgt, s)
	if err != nil {
		return nil, cmdutil.Input(err)
	}
	return tr, nil
}

func fitBMDCA(ctx context.Context, f *cmdutil.Factory, tr *trainlib.Trainer, r *runs.Run) error {
	if err := current.begin(tr); err != nil { // mpi.go
		return err
	}
	err := tr.Run(ctx)
	f.EndProgress()
	if werr := r.Wait(); werr != nil { // the last save, written in the background
		return errors.Join(err, werr)
	}
	h := tr.History()
	switch {
	case err == nil:
		last := h[len(h)-1]
		if tr.Status() == trainlib.Converged {
			f.Logger().Info("converged", "updates", tr.Updates(), "pearson", cmdutil.Round(last.Pearson, 4), "slope", cmdutil.Round(last.Slope, 3),
				"train_seconds", cmdutil.Round(last.Seconds, 1), "run", r.Dir)
		} else {
			f.Logger().Warn("stopped at --max-updates before reaching --target-pearson", "updates", tr.Updates(),
				"pearson", cmdutil.Round(last.Pearson, 4), "run", r.Dir)
		}
		return nil
	case errors.Is(err, context.Canceled):
		if len(h) > 0 {
			if serr := saveRun(r, tr); serr != nil {
				return serr
			}
			return fmt.Errorf("interrupted; %d updates are saved: continue with 'boltzmann train --resume %s'", tr.Updates(), r.Dir)
		}
		return errors.New("interrupted before the first update; nothing was saved")
	case errors.Is(err, trainlib.ErrDiverged):
		return fmt.Errorf("%v; the last checkpoint is kept in %s", err, r.Dir)
	}
	return err
}

func resumeBMDCA(o *Options, r *runs.Run) error {
	b := r.Config.BMDCA
	m, err := r.LoadModel()
	if err != nil {
		return cmdutil.Input(err)
	}
	if o.MaxUpdatesSet {
		b.MaxUpdates = o.BMDCA.MaxUpdates
	}
	if err := o.applyResumeBMDCA(b); err != nil {
		return err
	}
	if b.Preset != "" && !slices.Contains(bmdca.Presets, b.Preset) {
		return cmdutil.BadInput("%s/config.json has the unknown preset %q: set \"preset\" to one of %s", r.Dir, b.Preset, strings.Join(bmdca.Presets, ", "))
	}
	_, tgt, err := readTarget(b)
	if err != nil {
		return err
	}
	tr, err := newBMDCATrainer(o.IO, r, m, tgt)
	if err != nil {
		return err
	}
	if err := r.Resume(tr); err != nil {
		return cmdutil.Input(err)
	}
	if tr.Done() {
		if tr.Status() == trainlib.Converged {
			return cmdutil.BadInput("%s already reached --target-pearson %g: nothing to do", r.Dir, b.TargetPearson)
		}
		return cmdutil.BadInput("%s already has %d updates: pass a larger --max-updates to train further", r.Dir, tr.Updates())
	}
	if err := writeConfig(r); err != nil {
		return err
	}
	o.IO.Logger().Info("resuming", "run", r.Dir, "from_update", tr.Updates(), "max_updates", b.MaxUpdates, "lr", b.LR)
	return fitBMDCA(o.Ctx, o.IO, tr, r)
}
