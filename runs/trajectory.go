package runs

// The training trajectory: model snapshots along a run, for trajectory
// tempering (tempering.Settings.Models) and log Z along the trajectory.

import (
	"fmt"
	"math"
	"math/bits"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"

	"boltzmann/dataset"
	"boltzmann/internal/mathx"
	"boltzmann/model"
	"boltzmann/model/rbm"
	"boltzmann/sample"
	"boltzmann/sample/tempering"
	"boltzmann/train"
)

// TrajectoryDir is the directory of a run's snapshots, one
// epoch-NNNN.npz (the format of model.npz) per saved epoch.
const TrajectoryDir = "trajectory"

// SamplerTrajectory is trajectory tempering: over the saved snapshots of
// a trained run for sampling, over models saved along the same run for
// training (tempering.Online).
const SamplerTrajectory = "trajectory"

// TrajectoryEpoch reports whether epoch e ≥ 1 is saved with
// --save-trajectory every: every every-th epoch and, below every, the
// powers of two (1, 2, 4, …), where the model changes fastest; the last
// epoch is saved too (TrajectoryRecorder).
func TrajectoryEpoch(e, every int) bool {
	if every < 1 || e < 1 {
		return false
	}
	return e%every == 0 || (e < every && bits.OnesCount(uint(e)) == 1)
}

// TrajectoryFile is the snapshot file of epoch e, relative to the run.
func TrajectoryFile(e int) string {
	return filepath.Join(TrajectoryDir, fmt.Sprintf("epoch-%04d.npz", e))
}

// TrajectoryRecorder returns the train.Recorder that writes a snapshot of
// the model (in the data's own units, as Save does) after every epoch
// chosen by TrajectoryEpoch(e, every) and after the last one, each file
// written atomically.
func (r *Run) TrajectoryRecorder(every int) train.Recorder {
	return train.RecorderFunc(func(tr *train.Trainer, rec train.Record) error {
		if rec.Event != train.EpochEvent || !(TrajectoryEpoch(tr.Epoch(), every) || tr.Done()) {
			return nil
		}
		m, err := r.dataUnits(tr.Model())
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Join(r.Dir, TrajectoryDir), 0o755); err != nil {
			return err
		}
		return saveParams(filepath.Join(r.Dir, TrajectoryFile(tr.Epoch())), m)
	})
}

func saveParams(path string, m model.Model) error {
	p := m.Params()
	var arrays []dataset.Array
	for _, g := range m.Groups() {
		arrays = append(arrays, dataset.Array{Name: g.Name, Shape: g.Shape, Data: g.Slice(p)})
	}
	return dataset.WriteNPZ(path, arrays)
}

// LoadTrajectory returns the snapshots of the run in dir, from the
// earliest to the latest, and their epochs. A run without snapshots is an
// error that says how to make them.
func LoadTrajectory(dir string) ([]model.Model, []int, error) {
	c, err := ReadConfig(dir)
	if err != nil {
		return nil, nil, err
	}
	entries, err := os.ReadDir(filepath.Join(dir, TrajectoryDir))
	if err != nil && !os.IsNotExist(err) {
		return nil, nil, err
	}
	var epochs []int
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, "epoch-") || !strings.HasSuffix(name, ".npz") {
			continue
		}
		k, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(name, "epoch-"), ".npz"))
		if err == nil {
			epochs = append(epochs, k)
		}
	}
	slices.Sort(epochs)
	if len(epochs) < 1 {
		return nil, nil, fmt.Errorf("%s has no training trajectory: train it with --save-trajectory N", dir)
	}
	models := make([]model.Model, len(epochs))
	for i, e := range epochs {
		m, err := model.New(savedSpec(c))
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", dir, err)
		}
		if err := readParams(dir, TrajectoryFile(e), m); err != nil {
			return nil, nil, err
		}
		models[i] = m
	}
	return models, epochs, nil
}

// readParams sets the parameters of m from the .npz file (relative to
// dir) written by SaveModel or TrajectoryRecorder: each array must have
// exactly its group's shape, and every parameter must be finite.
func readParams(dir, file string, m model.Model) error {
	arrays, err := dataset.ReadNPZ(filepath.Join(dir, file))
	if err != nil {
		return fmt.Errorf("%s: cannot read the parameters: %w", dir, err)
	}
	byName := map[string]dataset.Array{}
	for _, a := range arrays {
		byName[a.Name] = a
	}
	p := m.Params()
	for _, g := range m.Groups() {
		a, ok := byName[g.Name]
		if !ok {
			return fmt.Errorf("%s: %s lacks the array %q", dir, file, g.Name)
		}
		if !slices.Equal(a.Shape, g.Shape) || len(a.Data) != g.Len {
			return fmt.Errorf("%s: %s: array %s has shape %s, the model needs %s", dir, file, g.Name, shapeString(a.Shape), shapeString(g.Shape))
		}
		copy(g.Slice(p), a.Data)
	}
	for j, v := range p {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%s: parameter %d is %v", dir, j, v)
		}
	}
	return nil
}

// ZeroWeights returns the rbm with r's biases and zero weights, and its
// exact log partition function Σ_i softplus(a_i) + Σ_j softplus(b_j).
func ZeroWeights(r *rbm.RBM) (*rbm.RBM, float64) {
	z := rbm.New(r.Dim(), r.HiddenDim())
	copy(z.VisibleBias(), r.VisibleBias())
	copy(z.HiddenBias(), r.HiddenBias())
	logZ := 0.0
	for _, a := range r.VisibleBias() {
		logZ += mathx.Softplus(a)
	}
	for _, b := range r.HiddenBias() {
		logZ += mathx.Softplus(b)
	}
	return z, logZ
}

// TrajectoryLadder is the ladder of trajectory tempering for a run.
type TrajectoryLadder struct {
	// Models are the levels from the final model (Models[0]) to the
	// easiest; Epochs[r] is the epoch of level r's snapshot, -1 for the
	// zero-weight start of an rbm.
	Models []model.Model
	Epochs []int
	// Pilot is the pilot estimate of each neighbouring pair's swap
	// acceptance (length len(Models)-1).
	Pilot []float64
	// LogZLast is the exact log Z of the last level (the zero-weight
	// rbm), NaN when the last level's log Z is not known.
	LogZLast float64
}

// NewTrajectoryLadder chooses the levels among the snapshots of a run
// (earliest first, the final model last) by tempering.ChooseLadder for
// the target swap acceptance, from pilot draws of pilotChains chains run
// for pilotSteps transitions of each model's own sampler from uniformly
// random states (seeded by seed). An rbm's trajectory starts at the
// zero-weight model with the earliest snapshot's biases, whose log Z is
// exact, so that the ladder yields log Z of the final model; other
// models start at the earliest snapshot.
func NewTrajectoryLadder(snap []model.Model, epochs []int, target float64, pilotChains, pilotSteps int, seed uint64) (*TrajectoryLadder, error) {
	models, eps := slices.Clone(snap), slices.Clone(epochs)
	logZ := math.NaN()
	if r, ok := snap[0].(*rbm.RBM); ok {
		z, lz := ZeroWeights(r)
		models, eps, logZ = append([]model.Model{z}, models...), append([]int{-1}, eps...), lz
	}
	if len(models) < 2 {
		return nil, fmt.Errorf("the trajectory holds one model: train with --save-trajectory N below the number of epochs")
	}
	d, ok := snap[0].(model.Discrete)
	if !ok {
		return nil, fmt.Errorf("trajectory tempering needs a model of discrete units, not %T", snap[0])
	}
	pilot := make([]*mat.Dense, len(models))
	for k, m := range models {
		c := sample.NewChains(pilotChains, m.Dim(), seed+uint64(k)*0x9e3779b97f4a7c15)
		c.Randomize(d.States())
		sample.DefaultSampler(m).Step(m, c, pilotSteps)
		pilot[k] = c.Visible()
	}
	levels, acc := tempering.ChooseLadder(models, pilot, target)
	l := &TrajectoryLadder{Pilot: acc, LogZLast: math.NaN()}
	for _, i := range levels {
		l.Models, l.Epochs = append(l.Models, models[i]), append(l.Epochs, eps[i])
	}
	if levels[len(levels)-1] == 0 {
		l.LogZLast = logZ
	}
	return l, nil
}
