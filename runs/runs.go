// Package runs reads and writes run directories, the unit of work of the
// boltzmann command line:
//
//	RUN_DIR/
//	  config.json      model spec and training settings (human-readable)
//	  model.npz        parameters, one array per group (NumPy: np.load)
//	  history.jsonl    one JSON record per epoch
//	  curves.png       learning curves
//	  checkpoint.bin   full training state for --resume (binary)
//
// Every file is written atomically (temporary file, then rename), so a run
// killed at any moment leaves the previous complete version of each file.
package runs

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"

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
)

// ErrNotRunDir is returned for a directory without a config.json.
var ErrNotRunDir = errors.New("not a run directory")

// Config is the human-readable description of a run.
type Config struct {
	Version int        `json:"version"`
	Model   model.Spec `json:"model"`
	Train   TrainInfo  `json:"train"`
}

// TrainInfo records how a model was trained, enough to resume the run.
type TrainInfo struct {
	Data       string   `json:"data"`
	Key        string   `json:"key,omitempty"`
	Binarize   string   `json:"binarize,omitempty"`
	Limit      int      `json:"limit,omitempty"`
	N          int      `json:"n,omitempty"` // rows generated for builtin data
	Validation string   `json:"validation,omitempty"`
	Labels     string   `json:"labels,omitempty"`
	Method     string   `json:"method"`
	K          int      `json:"k"`
	Chains     int      `json:"chains"`
	Epochs     int      `json:"epochs"`
	BatchSize  int      `json:"batch_size"`
	Optimizer  string   `json:"optimizer"`
	LR         float64  `json:"lr"`
	Schedule   string   `json:"schedule,omitempty"`
	Momentum   float64  `json:"momentum,omitempty"`
	L1         float64  `json:"l1,omitempty"`
	L2         float64  `json:"l2,omitempty"`
	Penalize   []string `json:"penalize,omitempty"`
	Seed       uint64   `json:"seed"`
	Float32    bool     `json:"float32,omitempty"` // RBM computations in float32
	// Options holds settings specific to a model kind.
	Options map[string]string `json:"options,omitempty"`
}

const configVersion = 1

// ReadConfig reads RUN_DIR/config.json.
func ReadConfig(dir string) (*Config, error) {
	data, err := os.ReadFile(filepath.Join(dir, ConfigFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s is %w (no %s): pass a directory written by 'boltzmann train --out'", dir, ErrNotRunDir, ConfigFile)
	}
	if err != nil {
		return nil, err
	}
	var c Config
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("%s: %s is not valid JSON: %v", dir, ConfigFile, err)
	}
	if c.Model.Kind == "" {
		return nil, fmt.Errorf("%s: %s names no model kind", dir, ConfigFile)
	}
	return &c, nil
}

// WriteConfig writes RUN_DIR/config.json atomically.
func WriteConfig(dir string, c *Config) error {
	c.Version = configVersion
	data, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteBytes(filepath.Join(dir, ConfigFile), append(data, '\n'))
}

// SaveModel writes the parameters as RUN_DIR/model.npz, one array per group
// with the group's shape.
func SaveModel(dir string, m model.Model) error {
	p := m.Params()
	var arrays []dataset.Array
	for _, g := range m.Groups() {
		arrays = append(arrays, dataset.Array{Name: g.Name, Shape: g.Shape, Data: g.Slice(p)})
	}
	return dataset.WriteNPZ(filepath.Join(dir, ModelFile), arrays)
}

// LoadModel rebuilds the model of a run directory with its saved
// parameters.
func LoadModel(dir string) (model.Model, *Config, error) {
	c, err := ReadConfig(dir)
	if err != nil {
		return nil, nil, err
	}
	m, err := model.New(c.Model)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", dir, err)
	}
	arrays, err := dataset.ReadNPZ(filepath.Join(dir, ModelFile))
	if err != nil {
		return nil, nil, fmt.Errorf("%s: cannot read the parameters: %w", dir, err)
	}
	byName := map[string]dataset.Array{}
	for _, a := range arrays {
		byName[a.Name] = a
	}
	p := m.Params()
	for _, g := range m.Groups() {
		a, ok := byName[g.Name]
		if !ok {
			return nil, nil, fmt.Errorf("%s: %s lacks the array %q", dir, ModelFile, g.Name)
		}
		if len(a.Data) != g.Len {
			return nil, nil, fmt.Errorf("%s: array %q has %d values, the model needs %d", dir, g.Name, len(a.Data), g.Len)
		}
		copy(g.Slice(p), a.Data)
	}
	for j, v := range p {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, nil, fmt.Errorf("%s: parameter %d is %v", dir, j, v)
		}
	}
	return m, c, nil
}

// WriteHistory writes the records as JSON lines, atomically.
func WriteHistory(dir string, recs []train.Record) error {
	var buf bytes.Buffer
	for _, r := range recs {
		line, err := json.Marshal(jsonRecord(r))
		if err != nil {
			return err
		}
		buf.Write(line)
		buf.WriteByte('\n')
	}
	return atomicfile.WriteBytes(filepath.Join(dir, HistoryFile), buf.Bytes())
}

// ReadHistory reads RUN_DIR/history.jsonl; missing values come back NaN.
func ReadHistory(dir string) ([]train.Record, error) {
	f, err := os.Open(filepath.Join(dir, HistoryFile))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var recs []train.Record
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			return nil, fmt.Errorf("%s: %w", HistoryFile, err)
		}
		recs = append(recs, fromJSON(m))
	}
	return recs, sc.Err()
}

// jsonRecord encodes a record with NaN values omitted (JSON has no NaN).
func jsonRecord(r train.Record) map[string]any {
	out := map[string]any{}
	put := func(k string, v float64) {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			out[k] = v
		}
	}
	out["epoch"] = r.Epoch
	out["updates"] = r.Updates
	put("seconds", r.Seconds)
	put("lr", r.LR)
	put("grad_norm", r.GradNorm)
	put("log_z", r.LogZ)
	put("train_log_likelihood", r.TrainLL)
	put("val_log_likelihood", r.ValLL)
	put("train_pseudo_log_likelihood", r.TrainPL)
	put("val_pseudo_log_likelihood", r.ValPL)
	put("reconstruction_error", r.Recon)
	return out
}

func fromJSON(m map[string]any) train.Record {
	get := func(k string) float64 {
		if v, ok := m[k].(float64); ok {
			return v
		}
		return math.NaN()
	}
	return train.Record{
		Epoch: int(get("epoch")), Updates: int(get("updates")), Seconds: get("seconds"),
		LR: get("lr"), GradNorm: get("grad_norm"), LogZ: get("log_z"),
		TrainLL: get("train_log_likelihood"), ValLL: get("val_log_likelihood"),
		TrainPL: get("train_pseudo_log_likelihood"), ValPL: get("val_pseudo_log_likelihood"),
		Recon: get("reconstruction_error"),
	}
}

// WriteCheckpoint writes the trainer's state atomically.
func WriteCheckpoint(dir string, t *train.Trainer) error {
	data, err := t.MarshalBinary()
	if err != nil {
		return err
	}
	return atomicfile.WriteBytes(filepath.Join(dir, CheckpointFile), data)
}

// ReadCheckpoint restores a trainer's state from RUN_DIR/checkpoint.bin.
func ReadCheckpoint(dir string, t *train.Trainer) error {
	data, err := os.ReadFile(filepath.Join(dir, CheckpointFile))
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s has no %s: the run stopped before its first epoch ended; start it again without --resume", dir, CheckpointFile)
	}
	if err != nil {
		return err
	}
	if err := t.UnmarshalBinary(data); err != nil {
		return fmt.Errorf("%s: %w", dir, err)
	}
	return nil
}

// WriteCurves draws the learning curves of the records into
// RUN_DIR/curves.png: log-likelihoods (exact where available), pseudo-
// log-likelihoods and reconstruction error against the epoch.
func WriteCurves(dir string, recs []train.Record) error {
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
		panels = append(panels, figure.Panel{Title: "exact log-likelihood", XLabel: "epoch", YLabel: "nats per sample", Series: ll})
	}
	pl := []figure.Series{
		{Name: "train", X: ep, Y: col(func(r train.Record) float64 { return r.TrainPL })},
		{Name: "validation", X: ep, Y: col(func(r train.Record) float64 { return r.ValPL })},
	}
	if anyFinite(pl[0].Y) {
		panels = append(panels, figure.Panel{Title: "pseudo-log-likelihood", XLabel: "epoch", YLabel: "nats per sample", Series: pl})
	}
	panels = append(panels, figure.Panel{Title: "reconstruction error", XLabel: "epoch", YLabel: "mean squared error",
		Series: []figure.Series{{Name: "train", X: ep, Y: col(func(r train.Record) float64 { return r.Recon })}}})
	return figure.Curves(filepath.Join(dir, CurvesFile), "learning curves", panels)
}

func anyFinite(v []float64) bool {
	for _, x := range v {
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			return true
		}
	}
	return false
}
