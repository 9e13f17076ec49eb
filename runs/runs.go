// Package runs reads and writes run directories, the unit of work of the
// boltzmann command line, and carries a run through its lifecycle:
//
//	RUN_DIR/
//	  config.json      model spec and the typed settings of its trainer (human-readable)
//	  model.npz        parameters, one array per group (NumPy: np.load); with a
//	                   validation error (labeled runs), those of the best epoch
//	  params.dat       Potts runs: the parameters in adabmDCA's text format
//	  history.jsonl    one JSON record per epoch (bmDCA: per update)
//	  curves.png       learning curves
//	  correlations.json bmDCA runs: connected correlations, data and model (Correlations)
//	  checkpoint.bin   full training state for resuming (binary)
//	  .lock            the writer's advisory lock, with its process id
//
// # Lifecycle
//
// Create makes a new run directory (refusing a non-empty one unless
// forced), Open reads an existing one's config.json, Run.LoadModel rebuilds
// its model. NewModel and NewCategorical build and initialize a model for
// data or an alignment; TrainConfig.Settings and BMDCAConfig.Settings turn
// the recorded settings into those of package train or bmdca (both build
// the one train.Trainer). After each epoch (bmDCA: every SaveEvery
// updates) Run.Save writes the results, through the train.Recorder that
// Run.Saver returns; Run.Resume restores a trainer from the checkpoint,
// and the resumed run ends with exactly the parameters of an
// uninterrupted one.
//
// # One writer
//
// A run directory has one writer at a time: Create and Run.Lock (for
// resuming) take an advisory lock (flock(2) on RUN_DIR/.lock), held until
// Run.Close and released by the system when the process ends, however it
// ends. A second writer gets a *LockedError naming the holder's process
// id. Readers (LoadModel, ReadHistory) take no lock: every file is
// replaced atomically, so they see either the previous or the new version.
// Under the lock the temporary files of killed writes are removed, and a
// run that stopped before its first checkpoint is started again by
// Create without force.
//
// # Crash-safe write order
//
// Every file is written atomically (temporary file in the same directory,
// fsync, rename), so a kill at any moment leaves either the previous or the
// new complete version of each file, never a torn one. The files are
// written in this order:
//
//  1. config.json, first, before any training: a directory with a
//     config.json but no checkpoint.bin is a run that stopped before its
//     first epoch; resuming it is refused with a message to start again,
//     and Create takes it again without force.
//  2. After each epoch: model.npz, params.dat, history.jsonl, curves.png
//     (model.npz of a run with a validation error only after an epoch
//     that is the best so far: Run.Save).
//  3. checkpoint.bin, last. It is self-contained (parameters, optimizer
//     state, chains, random streams and history), so resuming reads only
//     config.json and checkpoint.bin: a kill between steps 2 and 3 leaves
//     model.npz and the history one epoch ahead of the checkpoint, and the
//     resumed run recomputes that epoch bit for bit and rewrites them.
//
// A resumed run whose totals change (more epochs, more updates) rewrites
// config.json after reading the checkpoint and before training. Create
// with force removes the previous run's files checkpoint first and
// config.json last.
//
// # Integrity
//
// Nothing read back is silently wrong. model.npz is verified against the
// CRC-32 of each member and each array's shape against its group's Shape.
// checkpoint.bin carries a header with a magic string, a format version,
// the payload length and the CRC-32C of the payload (the trainer's
// MarshalBinary bytes); a damaged file is a one-line error naming it, and
// nothing is resumed. A checkpoint written before the header existed (the
// payload alone) is still read as it is, without verification, and the
// next saved epoch rewrites it with the header.
//
// config.json of version 1 (one "train" object for both trainers, with
// the alignment settings and the data seed as strings in "options") is
// still read; WriteConfig writes the current version.
package runs

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"boltzmann/dataset"
	"boltzmann/figure"
	"boltzmann/internal/atomicfile"
	"boltzmann/model"
	"boltzmann/train"
)

// File names inside a run directory.
const (
	ConfigFile     = "config.json"
	ModelFile      = "model.npz"
	HistoryFile    = "history.jsonl"
	CurvesFile     = "curves.png"
	CheckpointFile = "checkpoint.bin"
	// ParamsFile is the adabmDCA-format copy of a Potts run's parameters.
	ParamsFile = "params.dat"
)

// ErrNotRunDir is returned for a directory without a config.json.
var ErrNotRunDir = errors.New("not a run directory")

// SaveModel writes the parameters as RUN_DIR/model.npz, one array per group
// with the group's shape.
func SaveModel(dir string, m model.Model) error {
	return dataset.WriteNPZ(filepath.Join(dir, ModelFile), paramArrays(m, false))
}

// LoadModel rebuilds the model of a run directory with its saved
// parameters. Each array of model.npz must have exactly the shape of its
// group (an (8, 32) weight matrix saved as (4, 64) is refused), and
// model.npz is verified against the CRC-32 of its members.
func LoadModel(dir string) (model.Model, *Config, error) {
	c, err := ReadConfig(dir)
	if err != nil {
		return nil, nil, err
	}
	m, err := model.New(savedSpec(c))
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", dir, err)
	}
	if err := readParams(dir, ModelFile, m); err != nil {
		return nil, nil, err
	}
	return m, c, nil
}

// shapeString formats a shape as NumPy prints it: (8,32), (5,), ().
func shapeString(shape []int) string {
	s := make([]string, len(shape))
	for i, k := range shape {
		s[i] = strconv.Itoa(k)
	}
	if len(s) == 1 {
		return "(" + s[0] + ",)"
	}
	return "(" + strings.Join(s, ",") + ")"
}

// WriteHistory writes the records as JSON lines (train.Record's JSON: NaN
// measurements left out), atomically.
func WriteHistory(dir string, recs []train.Record) error {
	var buf bytes.Buffer
	for _, r := range recs {
		line, err := json.Marshal(r)
		if err != nil {
			return err
		}
		buf.Write(line)
		buf.WriteByte('\n')
	}
	return atomicfile.WriteBytes(filepath.Join(dir, HistoryFile), buf.Bytes())
}

// ReadHistory reads RUN_DIR/history.jsonl, of either kind of run and of
// earlier versions; missing values come back NaN.
func ReadHistory(dir string) ([]train.Record, error) {
	f, err := os.Open(filepath.Join(dir, HistoryFile))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var recs []train.Record
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r train.Record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, fmt.Errorf("%s: %w", HistoryFile, err)
		}
		recs = append(recs, r)
	}
	return recs, sc.Err()
}

// WriteCheckpoint writes the trainer's state atomically as
// RUN_DIR/checkpoint.bin, with a header carrying its length and CRC-32C
// (see the package doc).
func WriteCheckpoint(dir string, t *train.Trainer) error {
	data, err := t.MarshalBinary()
	if err != nil {
		return err
	}
	return writeCheckpointFile(dir, data)
}

// ReadCheckpoint restores a trainer's state from RUN_DIR/checkpoint.bin.
// A damaged file (checksum, length or header wrong) is a one-line error
// naming it, and t is left untouched.
func ReadCheckpoint(dir string, t *train.Trainer) error {
	return restore(dir, t.UnmarshalBinary)
}

// WriteCurves draws the learning curves of the records into
// RUN_DIR/curves.png: log-likelihoods (exact where available), pseudo-
// log-likelihoods and reconstruction error against the epoch, and the
// chains' mixing diagnostics when recorded.
func WriteCurves(dir string, recs []train.Record) error { return WriteCurvesTitled(dir, "", recs) }

// WriteCurvesTitled is WriteCurves with settings (Config.Title) as the
// second line of the figure's title; "" for none.
func WriteCurvesTitled(dir, settings string, recs []train.Record) error {
	ep := make([]float64, len(recs))
	col := func(f func(train.Record) float64) []float64 {
		out := make([]float64, len(recs))
		for i, r := range recs {
			out[i] = f(r)
		}
		return out
	}
	for i, r := range recs {
		ep[i] = float64(r.Epoch)
	}
	var panels []figure.Panel
	ll := []figure.Series{
		{Name: "train", X: ep, Y: col(func(r train.Record) float64 { return r.TrainLL })},
		{Name: "validation", X: ep, Y: col(func(r train.Record) float64 { return r.ValLL })},
	}
	if anyFinite(ll[0].Y) {
		panels = append(panels, figure.Panel{Title: "exact log-likelihood", XLabel: "epochs", YLabel: "nats per sample", Series: ll})
	}
	pl := []figure.Series{
		{Name: "train", X: ep, Y: col(func(r train.Record) float64 { return r.TrainPL })},
		{Name: "validation", X: ep, Y: col(func(r train.Record) float64 { return r.ValPL })},
	}
	if anyFinite(pl[0].Y) {
		panels = append(panels, figure.Panel{Title: "pseudo-log-likelihood", XLabel: "epochs", YLabel: "nats per sample", Series: pl})
	}
	panels = append(panels, figure.Panel{Title: "reconstruction error", XLabel: "epochs", YLabel: "mean squared error per unit",
		Series: []figure.Series{{Name: "train", X: ep, Y: col(func(r train.Record) float64 { return r.Recon })}}})
	panels = append(panels, classificationPanels(ep, col)...)
	panels = append(panels, mixingPanels(ep, col)...)
	return figure.Curves(filepath.Join(dir, CurvesFile), figureTitle("learning curves", settings), panels)
}

func anyFinite(v []float64) bool {
	for _, x := range v {
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			return true
		}
	}
	return false
}

// writeBMDCACurves draws the Pearson correlations and the slope of a bmDCA
// history against the update into RUN_DIR/curves.png.
func writeBMDCACurves(dir, settings string, h []train.Record, target float64) error {
	if len(h) == 0 {
		return nil
	}
	x := make([]float64, len(h))
	pc, pf, sl, tg := make([]float64, len(h)), make([]float64, len(h)), make([]float64, len(h)), make([]float64, len(h))
	for k, r := range h {
		x[k] = float64(r.Update)
		pc[k], pf[k], sl[k], tg[k] = r.Pearson, r.PearsonFi, r.Slope, target
	}
	return figure.Curves(filepath.Join(dir, CurvesFile), figureTitle("bmDCA training", settings), []figure.Panel{
		{Title: "Pearson correlation with the data", XLabel: "parameter updates", YLabel: "Pearson r", Series: []figure.Series{
			{Name: "connected correlations C_ij", X: x, Y: pc}, {Name: "frequencies f_i", X: x, Y: pf}, {Name: "target", X: x, Y: tg}}},
		{Title: "slope of C_model against C_data", XLabel: "parameter updates", YLabel: "slope (C_model per C_data)", Series: []figure.Series{{Name: "slope", X: x, Y: sl}}},
	})
}

// classificationPanels are the panels of the classification error and the
// mean log p(y|x) of a labeled run's history (none for other runs).
func classificationPanels(ep []float64, col func(func(train.Record) float64) []float64) []figure.Panel {
	errs := []figure.Series{
		{Name: "train", X: ep, Y: col(func(r train.Record) float64 { return r.TrainErr })},
		{Name: "validation", X: ep, Y: col(func(r train.Record) float64 { return r.ValErr })},
	}
	if !anyFinite(errs[0].Y) {
		return nil
	}
	cll := []figure.Series{
		{Name: "train", X: ep, Y: col(func(r train.Record) float64 { return r.TrainCLL })},
		{Name: "validation", X: ep, Y: col(func(r train.Record) float64 { return r.ValCLL })},
	}
	return []figure.Panel{
		{Title: "classification error", XLabel: "epochs", YLabel: "error rate (fraction)", Series: errs},
		{Title: "conditional log-likelihood log p(y|x)", XLabel: "epochs", YLabel: "nats per sample", Series: cll},
	}
}

// figureTitle is the title of curves.png: what it shows, then the run's
// settings on a second line.
func figureTitle(what, settings string) string {
	if settings == "" {
		return what
	}
	return what + "\n" + settings
}

// mixingPanels are the panels of the chains' mixing diagnostics
// (train.Mixing) when the history has them: the autocorrelation time of
// the free energy, and parallel tempering's swap acceptance and round
// trips.
func mixingPanels(ep []float64, col func(func(train.Record) float64) []float64) []figure.Panel {
	var panels []figure.Panel
	if tau := col(func(r train.Record) float64 { return r.AutocorrTime }); anyFinite(tau) {
		panels = append(panels, figure.Panel{Title: "integrated autocorrelation time of the chains' free energy", XLabel: "epochs",
			YLabel: "sweeps", Series: []figure.Series{{Name: "τ", X: ep, Y: tau}}})
	}
	if acc := col(func(r train.Record) float64 { return r.SwapAcceptance }); anyFinite(acc) {
		panels = append(panels, figure.Panel{Title: "parallel tempering swap acceptance", XLabel: "epochs", YLabel: "fraction accepted",
			Series: []figure.Series{{Name: "mean over pairs", X: ep, Y: acc},
				{Name: "lowest pair", X: ep, Y: col(func(r train.Record) float64 { return r.SwapAcceptanceMin })}}})
		panels = append(panels, figure.Panel{Title: "parallel tempering round trips", XLabel: "epochs", YLabel: "round trips per epoch",
			Series: []figure.Series{{Name: "round trips", X: ep, Y: col(func(r train.Record) float64 { return r.RoundTrips })}}})
	}
	return panels
}
