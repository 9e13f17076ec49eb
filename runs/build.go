package runs

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/mat"

	"boltzmann/bmdca"
	"boltzmann/dataset"
	"boltzmann/model"
	"boltzmann/model/catrbm"
	"boltzmann/model/gbrbm"
	"boltzmann/model/potts"
	"boltzmann/model/rbm"
	"boltzmann/msa"
	"boltzmann/optim"
	"boltzmann/train"
)

// initStream is the second word of the PCG seed of a model's initial
// parameters (the first is the trainer's seed).
const initStream = 0x1417

// ErrKind is returned by NewModel for a model kind it does not build.
var ErrKind = errors.New("model kind not trained on rows of data")

// NewModel builds a model of spec.Kind ("rbm", "ising", "gaussian" or
// "gbrbm") for the rows x (n × d): spec.Visible is set to d, an ising
// model takes the encoding of x ({0,1} or {-1,+1}), an rbm needs {0,1}
// data and spec.Hidden ≥ 1, a gbrbm real data and spec.Hidden ≥ 1. The parameters are initialized from x
// (model.DataInitializer) with seed.
func NewModel(spec model.Spec, x *mat.Dense, seed uint64) (model.Model, error) {
	_, d := x.Dims()
	spec.Visible = d
	switch spec.Kind {
	case rbm.Kind:
		if spec.Hidden < 1 {
			return nil, fmt.Errorf("an rbm needs at least 1 hidden unit, got %d", spec.Hidden)
		}
		if enc, err := dataset.DetectBinary(x); err != nil || enc != dataset.ZeroOne {
			return nil, fmt.Errorf("an rbm needs data in {0,1}: %v", binaryProblem(err, enc))
		}
	case "ising":
		enc, err := dataset.DetectBinary(x)
		if err != nil {
			return nil, err
		}
		spec.Encode = string(enc)
	case "gaussian":
		spec.Hidden = 0 // no hidden units: --hidden's default is the rbm's
	case gbrbm.Kind:
		if spec.Hidden < 1 {
			return nil, fmt.Errorf("a gbrbm needs at least 1 hidden unit, got %d", spec.Hidden)
		}
	default:
		if !slices.Contains(model.Kinds(), spec.Kind) {
			return nil, fmt.Errorf("unknown model kind %q: use one of %v", spec.Kind, model.Kinds())
		}
		return nil, fmt.Errorf("%w: %s", ErrKind, spec.Kind)
	}
	m, err := model.New(spec)
	if err != nil {
		return nil, err
	}
	m.(model.DataInitializer).InitFromData(x, rand.New(rand.NewPCG(seed, initStream)))
	return m, nil
}

func binaryProblem(err error, enc dataset.Encoding) string {
	if err != nil {
		return err.Error()
	}
	return fmt.Sprintf("the data are in %s; convert them with (x+1)/2", enc)
}

// NewLabeledModel builds the joint rbm of rows x (n × d) and one-hot class
// labels y ∈ [0, classes) with hidden units, initialized from its training
// rows [x, one-hot(y)] (n × (d+classes)), which it returns as well.
func NewLabeledModel(x *mat.Dense, y []int, classes, hidden int, seed uint64) (*rbm.Labeled, *mat.Dense) {
	_, d := x.Dims()
	l := rbm.NewLabeled(d, classes, hidden)
	v := l.Concat(x, y)
	l.InitFromData(v, rand.New(rand.NewPCG(seed, initStream)))
	return l, v
}

// NewCategorical builds a Potts model (potts.Kind) or a categorical rbm
// (catrbm.Kind, with hidden units) over the columns of the alignment a,
// with a's alphabet, started from the target's one-site frequencies:
// bmdca.InitIndependent for Potts, catrbm's InitFromFrequencies with seed.
func NewCategorical(kind string, hidden int, a *msa.Alignment, tgt *bmdca.Target, seed uint64) (model.Model, error) {
	switch kind {
	case potts.Kind:
		pm := potts.New(a.L(), a.Q())
		pm.Alphabet = a.Alphabet.Symbols()
		bmdca.InitIndependent(pm, tgt)
		return pm, nil
	case catrbm.Kind:
		if hidden < 1 {
			return nil, fmt.Errorf("a catrbm needs at least 1 hidden unit, got %d", hidden)
		}
		cm := catrbm.New(a.L(), a.Q(), hidden)
		cm.Alphabet = a.Alphabet.Symbols()
		cm.InitFromFrequencies(tgt.Fi, rand.New(rand.NewPCG(seed, initStream)))
		return cm, nil
	}
	return nil, fmt.Errorf("model kind %q is not fitted to alignments: use %s or %s", kind, potts.Kind, catrbm.Kind)
}

// ReadOptions returns how to read the training data (Data).
func (c *TrainConfig) ReadOptions() dataset.ReadOptions {
	return dataset.ReadOptions{Key: c.Key, Binarize: c.Binarize, Seed: c.DataSeed, Limit: c.Limit, N: c.N}
}

// ValidationReadOptions returns how to read the validation data: as the
// training data, with the next data seed (independent builtin samples and
// binarization noise).
func (c *TrainConfig) ValidationReadOptions() dataset.ReadOptions {
	o := c.ReadOptions()
	o.Seed++
	return o
}

// Settings returns the trainer settings of c for the model m and n
// training rows: method, optimizer with its learning-rate schedule over
// Epochs, penalty and seed; on standardized data (Standardize) the
// epoch log-likelihoods are reported in the data's own units. Callbacks and
// validation rows are left to the caller. With Float32, m must be an *rbm.RBM or an *rbm.Labeled, which is switched to float32
// arithmetic.
func (c *TrainConfig) Settings(m model.Model, n int) (*train.Settings, error) {
	if c.Float32 {
		switch r := m.(type) {
		case *rbm.RBM:
			r.SetFloat32(true)
		case *rbm.Labeled:
			r.RBM().SetFloat32(true)
		default:
			return nil, errors.New("float32 arithmetic applies to rbm models only")
		}
	}
	perEpoch := n / max(1, min(c.BatchSize, n))
	sched, err := optim.ParseSchedule(c.Schedule, c.LR, perEpoch, perEpoch*c.Epochs)
	if err != nil {
		return nil, err
	}
	var opt optim.Optimizer
	if c.Optimizer == "sgd" {
		opt = &optim.SGD{LR: sched, Momentum: c.Momentum}
	} else {
		opt = &optim.Adam{LR: sched}
	}
	var mask []bool
	if len(c.Penalize) > 0 {
		if mask, err = optim.MaskNamed(m.Groups(), c.Penalize); err != nil {
			return nil, err
		}
	}
	s := &train.Settings{
		Method: train.Method(c.Method), K: c.K, Chains: c.Chains, Epochs: c.Epochs, BatchSize: c.BatchSize,
		Optimizer: opt, Penalty: optim.Penalty{L1: c.L1, L2: c.L2, Mask: mask}, Seed: c.Seed,
	}
	if c.Standardize != nil {
		s.Monitor = rawUnits{train.Likelihoods{}, c.Standardize.LogJacobian()}
	}
	if s.Objective, err = c.TrainingObjective(); err != nil {
		return nil, err
	}
	if c.Patience > 0 {
		s.Convergers = append(s.Convergers, train.EarlyStopping{Patience: c.Patience})
	}
	if err := c.negativePhase(m, s); err != nil {
		return nil, err
	}
	s.Monitor = &train.Mixing{Base: s.Monitor}
	return s, nil
}

// The objectives of TrainConfig.Objective.
const (
	ObjectiveGenerative     = "generative"     // maximum likelihood of p(x, y) (the default)
	ObjectiveDiscriminative = "discriminative" // the exact conditional log-likelihood log p(y | x)
	ObjectiveHybrid         = "hybrid"         // log p(y | x) + Alpha · log p(x, y)
)

// TrainingObjective returns the train.Objective of c: nil for generative
// training without a sparsity target (maximum likelihood), else a
// train.Hybrid with the objective's weights and the sparsity penalty.
func (c *TrainConfig) TrainingObjective() (train.Objective, error) {
	var h train.Hybrid
	switch c.Objective {
	case "", ObjectiveGenerative:
		if c.Sparsity == 0 {
			return nil, nil
		}
		h.Likelihood = 1
	case ObjectiveDiscriminative:
		h.Conditional = 1
	case ObjectiveHybrid:
		h.Conditional, h.Likelihood = 1, c.Alpha
	default:
		return nil, fmt.Errorf("unknown objective %q: use %s, %s or %s", c.Objective, ObjectiveGenerative, ObjectiveDiscriminative, ObjectiveHybrid)
	}
	if c.Sparsity != 0 {
		h.SparsityTarget, h.SparsityCost = c.Sparsity, c.SparsityCost
	}
	return h, nil
}

// Target returns the statistics bmDCA fits for the alignment a: one- and
// two-site frequencies with sequence weights at identity Reweight (none
// when 0) and Pseudocount.
func (c *BMDCAConfig) Target(a *msa.Alignment) *bmdca.Target {
	var w []float64
	if c.Reweight > 0 {
		w = a.Weights(c.Reweight)
	}
	return bmdca.NewTarget(a.Seqs, a.Q(), w, c.Pseudocount)
}

// Settings returns the bmDCA settings of c, with the optimizer of its
// Preset and its Sampler (parallel tempering for "pt", whose ladder adapts
// at every transition); the callback is left to the caller. It panics on an unknown
// preset, which the command line refuses before it writes or resumes a run.
func (c *BMDCAConfig) Settings() *bmdca.Settings {
	s := &bmdca.Settings{
		Chains: c.Chains, Sweeps: c.Sweeps, LR: c.LR, Target: c.TargetPearson,
		MaxUpdates: c.MaxUpdates, Seed: c.Seed,
	}
	if err := s.ApplyPreset(c.Preset); err != nil {
		panic(err) // the command line checks the preset before a run is written
	}
	if c.Sampler == SamplerPT {
		pt, err := NewTempering(c.Replicas, c.SwapAcceptance, 0)
		if err != nil {
			panic(err) // the command line checks the replicas and acceptance
		}
		s.Sampler = pt
	}
	return s
}
