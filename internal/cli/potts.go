package cli

// Training of categorical models on multiple sequence alignments (bmDCA):
// `boltzmann train MSA.fasta --model potts`. train.go routes FASTA/A2M data,
// --model potts/catrbm and the resumption of such runs here.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"boltzmann/bmdca"
	"boltzmann/figure"
	"boltzmann/internal/atomicfile"
	"boltzmann/model"
	"boltzmann/model/catrbm"
	"boltzmann/model/potts"
	"boltzmann/msa"
	"boltzmann/runs"
	"boltzmann/train"
)

// ParamsFile is the adabmDCA-format copy of a Potts run's parameters.
const ParamsFile = "params.dat"

// bmdcaMethod is the training method recorded in config.json.
const bmdcaMethod = "bmdca"

// bmdcaFlags are the train flags specific to alignments.
type bmdcaFlags struct {
	Reweight    float64
	Pseudocount float64
	Target      float64
	MaxUpdates  int
	SaveEvery   int
	Alphabet    string
}

func (f *bmdcaFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.Float64Var(&f.Reweight, "reweight", bmdca.DefaultReweight, "alignments: sequence identity above which sequences share their weight (0: no reweighting)")
	fl.Float64Var(&f.Pseudocount, "pseudocount", -1, "alignments: pseudocount of the frequencies in [0,1]; -1 means 1/Neff, adabmDCA's default")
	fl.Float64Var(&f.Target, "target-pearson", bmdca.DefaultTarget, "alignments: stop when the Pearson correlation of data and model connected correlations reaches this")
	fl.IntVar(&f.MaxUpdates, "max-updates", bmdca.DefaultMax, "alignments: stop after this many parameter updates (with --resume: the new total)")
	fl.IntVar(&f.SaveEvery, "save-every", 50, "alignments: write the run directory every this many updates")
	fl.StringVar(&f.Alphabet, "alphabet", "protein", "alignments: protein, rna, dna, or the symbols in code order")
}

// msaExtensions are the file extensions read as alignments.
var msaExtensions = []string{".fasta", ".fa", ".faa", ".fas", ".afa", ".a2m", ".aln"}

func isAlignmentPath(path string) bool {
	return slices.Contains(msaExtensions, strings.ToLower(filepath.Ext(path)))
}

// trainMSA handles the train invocations that concern alignments and
// reports whether it did.
func trainMSA(cmd *cobra.Command, e *env, o *trainOptions) (bool, error) {
	if o.Resume != "" {
		cfg, err := runs.ReadConfig(o.Resume)
		if err != nil || cfg.Train.Method != bmdcaMethod {
			return false, nil
		}
		return true, resumeBMDCA(cmd.Context(), e, o, cfg, cmd.Flags().Changed("max-updates"))
	}
	categorical := o.Model == potts.Kind || o.Model == catrbm.Kind
	if !categorical && !isAlignmentPath(o.Data) {
		return false, nil
	}
	if !categorical && o.Model != "" {
		return true, badInput("an alignment (%s) trains --model potts or --model catrbm, not %q", o.Data, o.Model)
	}
	if o.Model == "" {
		o.Model = potts.Kind
	}
	fl := cmd.Flags()
	if fl.Changed("optimizer") && o.Optimizer != "sgd" {
		return true, badInput("bmDCA uses plain gradient steps: drop --optimizer %s (or pass --optimizer sgd)", o.Optimizer)
	}
	k := bmdca.DefaultSweeps
	if fl.Changed("k") {
		k = o.K
	}
	cfg := &runs.Config{Train: runs.TrainInfo{
		Data: o.Data, Method: bmdcaMethod, K: k, Chains: o.Chains, Optimizer: "sgd", LR: o.LR, Seed: o.Seed,
		Options: map[string]string{
			"reweight":       strconv.FormatFloat(o.bm.Reweight, 'g', -1, 64),
			"pseudocount":    strconv.FormatFloat(o.bm.Pseudocount, 'g', -1, 64),
			"target_pearson": strconv.FormatFloat(o.bm.Target, 'g', -1, 64),
			"max_updates":    strconv.Itoa(o.bm.MaxUpdates),
			"save_every":     strconv.Itoa(o.bm.SaveEvery),
			"alphabet":       o.bm.Alphabet,
		},
	}}
	if cfg.Train.Chains == 0 {
		cfg.Train.Chains = bmdca.DefaultChains
	}
	if cfg.Train.LR == 0 {
		cfg.Train.LR = bmdca.DefaultLR
	}
	if o.Data == "" {
		return true, badInput("train needs an alignment argument (MSA.fasta)")
	}
	if o.Out == "" {
		return true, badInput("train needs --out RUN_DIR, the directory to write the model to")
	}
	if err := checkBMDCA(cfg.Train); err != nil {
		return true, err
	}
	if o.Model == catrbm.Kind && o.Hidden < 1 {
		return true, badInput("--hidden must be at least 1, got %d", o.Hidden)
	}
	a, tgt, err := readTarget(cfg.Train)
	if err != nil {
		return true, err
	}
	var m model.Model
	switch o.Model {
	case potts.Kind:
		pm := potts.New(a.L(), a.Q())
		pm.Alphabet = a.Alphabet.Symbols()
		bmdca.InitIndependent(pm, tgt)
		m = pm
	default:
		cm := catrbm.New(a.L(), a.Q(), o.Hidden)
		cm.Alphabet = a.Alphabet.Symbols()
		cm.InitFromFrequencies(tgt.Fi, rand.New(rand.NewPCG(o.Seed, 0x1417)))
		m = cm
	}
	cfg.Model = m.(model.Specifier).Spec()
	created, err := makeRunDir(o.Out, o.Force)
	if err != nil {
		return true, err
	}
	if err := runs.WriteConfig(o.Out, cfg); err != nil {
		return true, cleanupAfter(o.Out, created, err)
	}
	tr, err := newBMDCATrainer(e, m, tgt, cfg, o.Out)
	if err != nil {
		return true, cleanupAfter(o.Out, created, err)
	}
	e.log.Info("alignment", "sequences", a.N(), "columns", a.L(), "states", a.Q(),
		"neff", round(tgt.Neff, 1), "pseudocount", tgt.Pseudocount)
	return true, fitBMDCA(cmd.Context(), e, tr, o.Out, targetPearson(cfg.Train))
}

func checkBMDCA(t runs.TrainInfo) error {
	opt := func(k string) float64 { v, _ := strconv.ParseFloat(t.Options[k], 64); return v }
	switch {
	case t.K < 1:
		return badInput("--k must be at least 1, got %d", t.K)
	case t.Chains < 1:
		return badInput("--chains must be positive, got %d", t.Chains)
	case t.LR <= 0 || math.IsInf(t.LR, 0):
		return badInput("--lr must be positive, got %g", t.LR)
	case opt("reweight") < 0 || opt("reweight") > 1:
		return badInput("--reweight must be in [0, 1] (0: no reweighting), got %g", opt("reweight"))
	case opt("pseudocount") > 1 || (opt("pseudocount") < 0 && opt("pseudocount") != -1):
		return badInput("--pseudocount must be in [0, 1], got %g", opt("pseudocount"))
	case opt("target_pearson") <= 0 || opt("target_pearson") > 1:
		return badInput("--target-pearson must be in (0, 1], got %g", opt("target_pearson"))
	case opt("max_updates") < 1:
		return badInput("--max-updates must be at least 1")
	case opt("save_every") < 1:
		return badInput("--save-every must be at least 1")
	}
	return nil
}

// readAlignment reads an alignment file with a named alphabet; every
// problem is an input error naming the file (and the line).
func readAlignment(path, alphabet string) (*msa.Alignment, error) {
	alpha, err := msa.ByName(alphabet)
	if err != nil {
		return nil, inputError{err}
	}
	if _, err := os.Stat(path); err != nil {
		return nil, badInput("cannot open alignment %s: %v (check the path)", path, unwrapPathError(err))
	}
	a, err := msa.ReadFile(path, msa.Options{Alphabet: alpha})
	if err != nil {
		return nil, inputError{fmt.Errorf("%s: %w", path, err)}
	}
	return a, nil
}

func readTarget(t runs.TrainInfo) (*msa.Alignment, *bmdca.Target, error) {
	a, err := readAlignment(t.Data, t.Options["alphabet"])
	if err != nil {
		return nil, nil, err
	}
	if a.L() < 3 {
		return nil, nil, badInput("%s has %d aligned columns: bmDCA needs at least 3", t.Data, a.L())
	}
	rw, _ := strconv.ParseFloat(t.Options["reweight"], 64)
	pc, _ := strconv.ParseFloat(t.Options["pseudocount"], 64)
	var w []float64
	if rw > 0 {
		w = a.Weights(rw)
	}
	return a, bmdca.NewTarget(a.Seqs, a.Q(), w, pc), nil
}

func newBMDCATrainer(e *env, m model.Model, tgt *bmdca.Target, cfg *runs.Config, dir string) (*train.Trainer, error) {
	t := cfg.Train
	opt := func(k string) float64 { v, _ := strconv.ParseFloat(t.Options[k], 64); return v }
	saveEvery := int(opt("save_every"))
	s := &bmdca.Settings{
		Chains: t.Chains, Sweeps: t.K, LR: t.LR, Target: opt("target_pearson"),
		MaxUpdates: int(opt("max_updates")), Seed: t.Seed,
		Recorders: []train.Recorder{train.RecorderFunc(func(tr *train.Trainer, r train.Record) error {
			if r.Event != train.UpdateEvent {
				return nil
			}
			e.log.Info("update", "update", r.Update, "pearson", round(r.Pearson, 4), "slope", round(r.Slope, 3),
				"pearson_fi", round(r.PearsonFi, 4), "sweeps", r.Sweeps, "seconds", round(r.Seconds, 1))
			if tr.Done() || tr.Updates()%saveEvery == 0 {
				return saveBMDCA(dir, tr, opt("target_pearson"))
			}
			return nil
		})},
	}
	tr, err := bmdca.New(m, tgt, s)
	if err != nil {
		return nil, inputError{err}
	}
	return tr, nil
}

// saveBMDCA writes the run directory; the checkpoint comes last, so that
// a run killed while saving resumes from the previous complete save.
func saveBMDCA(dir string, tr *train.Trainer, target float64) error {
	m := tr.Model()
	if err := runs.SaveModel(dir, m); err != nil {
		return err
	}
	if pm, ok := m.(*potts.Model); ok {
		err := atomicfile.Write(filepath.Join(dir, ParamsFile), func(w io.Writer) error { return pm.WriteAdabmDCA(w) })
		if err != nil {
			return err
		}
	}
	var hist bytes.Buffer
	for _, r := range tr.History() {
		line, err := json.Marshal(r)
		if err != nil {
			return err
		}
		hist.Write(line)
		hist.WriteByte('\n')
	}
	if err := atomicfile.WriteBytes(filepath.Join(dir, runs.HistoryFile), hist.Bytes()); err != nil {
		return err
	}
	if err := writeBMDCACurves(dir, tr.History(), target); err != nil {
		return err
	}
	state, err := tr.MarshalBinary()
	if err != nil {
		return err
	}
	return atomicfile.WriteBytes(filepath.Join(dir, runs.CheckpointFile), state)
}

func writeBMDCACurves(dir string, h []train.Record, target float64) error {
	if len(h) == 0 {
		return nil
	}
	x := make([]float64, len(h))
	pc, pf, sl, tg := make([]float64, len(h)), make([]float64, len(h)), make([]float64, len(h)), make([]float64, len(h))
	for k, r := range h {
		x[k] = float64(r.Update)
		pc[k], pf[k], sl[k], tg[k] = r.Pearson, r.PearsonFi, r.Slope, target
	}
	return figure.Curves(filepath.Join(dir, runs.CurvesFile), "bmDCA training", []figure.Panel{
		{Title: "Pearson correlation with the data", XLabel: "update", YLabel: "Pearson r", Series: []figure.Series{
			{Name: "connected correlations C_ij", X: x, Y: pc}, {Name: "frequencies f_i", X: x, Y: pf}, {Name: "target", X: x, Y: tg}}},
		{Title: "slope of C_model against C_data", XLabel: "update", YLabel: "slope", Series: []figure.Series{{Name: "slope", X: x, Y: sl}}},
	})
}

func fitBMDCA(ctx context.Context, e *env, tr *train.Trainer, dir string, target float64) error {
	err := tr.Run(ctx)
	h := tr.History()
	switch {
	case err == nil:
		last := h[len(h)-1]
		if tr.Status() == train.Converged {
			e.log.Info("converged", "updates", tr.Updates(), "pearson", round(last.Pearson, 4), "slope", round(last.Slope, 3),
				"seconds", round(last.Seconds, 1), "run", dir)
		} else {
			e.log.Warn("stopped at --max-updates before reaching --target-pearson", "updates", tr.Updates(),
				"pearson", round(last.Pearson, 4), "run", dir)
		}
		return nil
	case errors.Is(err, context.Canceled):
		if len(h) > 0 {
			if serr := saveBMDCA(dir, tr, target); serr != nil {
				return serr
			}
			return fmt.Errorf("interrupted; %d updates are saved: continue with 'boltzmann train --resume %s'", tr.Updates(), dir)
		}
		return errors.New("interrupted before the first update; nothing was saved")
	case errors.Is(err, train.ErrDiverged):
		return fmt.Errorf("%v; the last checkpoint is kept in %s", err, dir)
	}
	return err
}

func resumeBMDCA(ctx context.Context, e *env, o *trainOptions, cfg *runs.Config, maxSet bool) error {
	dir := o.Resume
	m, _, err := loadRun(dir)
	if err != nil {
		return err
	}
	if maxSet {
		cfg.Train.Options["max_updates"] = strconv.Itoa(o.bm.MaxUpdates)
	}
	_, tgt, err := readTarget(cfg.Train)
	if err != nil {
		return err
	}
	tr, err := newBMDCATrainer(e, m, tgt, cfg, dir)
	if err != nil {
		return err
	}
	data, err := os.ReadFile(filepath.Join(dir, runs.CheckpointFile))
	if err != nil {
		return badInput("%s has no readable %s (%v): start the run again without --resume", dir, runs.CheckpointFile, unwrapPathError(err))
	}
	if err := tr.UnmarshalBinary(data); err != nil {
		return inputError{fmt.Errorf("%s: %w", dir, err)}
	}
	if tr.Done() {
		if tr.Status() == train.Converged {
			return badInput("%s already reached --target-pearson %s: nothing to do", dir, cfg.Train.Options["target_pearson"])
		}
		return badInput("%s already has %d updates: pass a larger --max-updates to train further", dir, tr.Updates())
	}
	if err := runs.WriteConfig(dir, cfg); err != nil {
		return err
	}
	e.log.Info("resuming", "run", dir, "from_update", tr.Updates(), "max_updates", cfg.Train.Options["max_updates"])
	return fitBMDCA(ctx, e, tr, dir, targetPearson(cfg.Train))
}

// targetPearson is the --target-pearson of a run's settings.
func targetPearson(t runs.TrainInfo) float64 {
	v, _ := strconv.ParseFloat(t.Options["target_pearson"], 64)
	return v
}
