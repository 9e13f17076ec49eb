package runs

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"

	"boltzmann/internal/atomicfile"
	"boltzmann/model"
)

// Config is the human-readable description of a run (config.json): the
// model spec and the settings of the one trainer that fits it. Exactly one
// of Train and BMDCA is set.
type Config struct {
	Version int        `json:"version"`
	Model   model.Spec `json:"model"`
	// Train holds the settings of the likelihood trainer (package train):
	// CD-k or PCD-k minibatch training on rows of data.
	Train *TrainConfig `json:"train,omitempty"`
	// BMDCA holds the settings of Boltzmann-machine DCA (package bmdca)
	// on a multiple sequence alignment.
	BMDCA *BMDCAConfig `json:"bmdca,omitempty"`
}

// TrainConfig records how a model was trained by package train, enough to
// resume the run bit for bit.
type TrainConfig struct {
	Data       string   `json:"data"`                 // data file or builtin:SPEC
	Key        string   `json:"key,omitempty"`        // array of an .npz file
	Binarize   string   `json:"binarize,omitempty"`   // "", "threshold" or "stochastic"
	Limit      int      `json:"limit,omitempty"`      // rows read (0: all)
	N          int      `json:"n,omitempty"`          // rows generated for builtin data
	DataSeed   uint64   `json:"data_seed"`            // seed of builtin data and stochastic binarization
	Validation string   `json:"validation,omitempty"` // held-out data monitored each epoch
	Labels     string   `json:"labels,omitempty"`     // class labels: a joint rbm of data and one-hot labels
	Method     string   `json:"method"`               // "cd" or "pcd"
	K          int      `json:"k"`                    // Monte Carlo transitions per update
	Chains     int      `json:"chains"`               // persistent chains (0: the batch size)
	Epochs     int      `json:"epochs"`               // passes over the data
	BatchSize  int      `json:"batch_size"`           // rows per minibatch
	Optimizer  string   `json:"optimizer"`            // "sgd" or "adam"
	LR         float64  `json:"lr"`                   // initial learning rate
	Schedule   string   `json:"schedule,omitempty"`   // learning-rate schedule (optim.ParseSchedule)
	Momentum   float64  `json:"momentum,omitempty"`   // momentum of sgd
	L1         float64  `json:"l1,omitempty"`         // L1 penalty strength
	L2         float64  `json:"l2,omitempty"`         // L2 penalty strength
	Penalize   []string `json:"penalize,omitempty"`   // parameter groups penalized (default: weights and couplings)
	Seed       uint64   `json:"seed"`                 // seed of the trainer
	Float32    bool     `json:"float32,omitempty"`    // RBM computations in float32
	// Standardize, if set, is the per-column standardization of the data
	// the model was trained on (Standardization).
	Standardize *Standardization `json:"standardize,omitempty"`
	// Reduction "blocks": phase sums per block of chains and rows, added in
	// block order (train.BlockReducer), so that the run gives the same
	// parameters in one process and across any number of MPI processes;
	// "exact": an RBM's sums in fixed point (rbm.ExactStats), exact in any
	// order, one partial per process, with the same independence; "": one
	// process, the fastest arithmetic.
	Reduction string `json:"reduction,omitempty"`

	// Labeled runs (Labels set): the training objective and its validation.
	ValLabels    string  `json:"validation_labels,omitempty"`   // class labels of Validation
	ValFraction  float64 `json:"validation_fraction,omitempty"` // the last fraction of the rows (after Limit) held out for validation
	Objective    string  `json:"objective,omitempty"`           // ObjectiveGenerative (also ""), ObjectiveDiscriminative or ObjectiveHybrid
	Alpha        float64 `json:"alpha,omitempty"`               // hybrid: weight of the generative log-likelihood
	Sparsity     float64 `json:"sparsity,omitempty"`            // target mean activation of the hidden units (0: no penalty)
	SparsityCost float64 `json:"sparsity_cost,omitempty"`       // strength of the sparsity penalty
	Patience     int     `json:"patience,omitempty"`            // stop after this many epochs without a better validation error (0: never)

	// The negative phase (tempering.go); absent from older configs, which
	// read as the model's own sampler without centering.
	Sampler        string  `json:"sampler,omitempty"`         // "" or "gibbs": the model's own sampler; "pt": parallel tempering; "trajectory": tempering.Online
	Replicas       int     `json:"replicas,omitempty"`        // pt: replicas per chain (0: tempering.DefaultReplicas)
	SwapAcceptance float64 `json:"swap_acceptance,omitempty"` // pt: target swap acceptance (0: tempering.DefaultSwapAcceptance)
	Centering      bool    `json:"centering,omitempty"`       // rbm: centered gradients (rbm.Centering)
	// SaveTrajectory > 0 keeps model snapshots along training in
	// RUN_DIR/trajectory (TrajectoryEpoch says which epochs); 0: none.
	SaveTrajectory int `json:"save_trajectory,omitempty"`
}

// BMDCAConfig records how a categorical model was fitted to an alignment
// by package bmdca, enough to resume the run bit for bit.
type BMDCAConfig struct {
	Data          string  `json:"data"`           // alignment file (FASTA/A2M)
	Alphabet      string  `json:"alphabet"`       // protein, rna, dna, or the symbols in code order
	Reweight      float64 `json:"reweight"`       // identity threshold of sequence reweighting (0: none)
	Pseudocount   float64 `json:"pseudocount"`    // pseudocount in [0,1]; -1 means 1/Neff
	TargetPearson float64 `json:"target_pearson"` // stop at this Pearson correlation of C_ij
	MaxUpdates    int     `json:"max_updates"`    // stop after this many updates
	SaveEvery     int     `json:"save_every"`     // write the run directory every this many updates
	Sweeps        int     `json:"sweeps"`         // sampler sweeps per update
	Chains        int     `json:"chains"`         // persistent chains
	LR            float64 `json:"lr"`             // learning rate
	Seed          uint64  `json:"seed"`           // seed of the chains

	// Preset is the optimizer preset (bmdca.Presets); "" is adabmdca, the
	// optimizer of runs written before presets existed.
	Preset string `json:"preset,omitempty"`

	// The sampler of the chains: "" (or "gibbs") Gibbs sweeps, "pt"
	// parallel tempering with Replicas levels adapted to SwapAcceptance
	// (0: tempering's defaults), Sweeps PT transitions per update.
	Sampler        string  `json:"sampler,omitempty"`
	Replicas       int     `json:"replicas,omitempty"`
	SwapAcceptance float64 `json:"swap_acceptance,omitempty"`
}

// configVersion 2 has typed "train" or "bmdca" settings; version 1 had
// one "train" object for both trainers, with the alignment settings and
// the data seed as strings in "train.options" (read by UnmarshalJSON).
const configVersion = 2

// bmdcaMethod is the "train.method" of a version-1 bmDCA run.
const bmdcaMethod = "bmdca"

// UnmarshalJSON reads both the current form of config.json and version 1.
func (c *Config) UnmarshalJSON(data []byte) error {
	var raw struct {
		Version int             `json:"version"`
		Model   model.Spec      `json:"model"`
		Train   json.RawMessage `json:"train"`
		BMDCA   *BMDCAConfig    `json:"bmdca"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	*c = Config{Version: raw.Version, Model: raw.Model, BMDCA: raw.BMDCA}
	if len(raw.Train) == 0 || string(raw.Train) == "null" {
		return nil
	}
	var v1 struct {
		TrainConfig
		Options map[string]string `json:"options"`
	}
	if err := json.Unmarshal(raw.Train, &v1); err != nil {
		return err
	}
	opt := v1.Options
	float := func(k string) (float64, error) {
		v, err := strconv.ParseFloat(opt[k], 64)
		if err != nil {
			return 0, fmt.Errorf("train.options.%s: %v", k, err)
		}
		return v, nil
	}
	if v1.Method != bmdcaMethod {
		t := v1.TrainConfig
		if s, ok := opt["data_seed"]; ok {
			seed, err := strconv.ParseUint(s, 10, 64)
			if err != nil {
				return fmt.Errorf("train.options.data_seed: %v", err)
			}
			t.DataSeed = seed
		}
		c.Train = &t
		return nil
	}
	b := &BMDCAConfig{Data: v1.Data, Alphabet: opt["alphabet"], Sweeps: v1.K, Chains: v1.Chains, LR: v1.LR, Seed: v1.Seed}
	var errs []error
	var err error
	b.Reweight, err = float("reweight")
	errs = append(errs, err)
	b.Pseudocount, err = float("pseudocount")
	errs = append(errs, err)
	b.TargetPearson, err = float("target_pearson")
	errs = append(errs, err)
	mu, err := float("max_updates")
	errs = append(errs, err)
	se, err := float("save_every")
	errs = append(errs, err)
	b.MaxUpdates, b.SaveEvery = int(mu), int(se)
	if err := errors.Join(errs...); err != nil {
		return err
	}
	c.BMDCA = b
	return nil
}

// ReadConfig reads RUN_DIR/config.json, in the current form or version 1.
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

// WriteConfig writes RUN_DIR/config.json atomically in the current form.
func WriteConfig(dir string, c *Config) error {
	c.Version = configVersion
	data, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteBytes(filepath.Join(dir, ConfigFile), append(data, '\n'))
}
