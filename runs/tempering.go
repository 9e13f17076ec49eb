package runs

import (
	"fmt"

	"boltzmann/model"
	"boltzmann/model/rbm"
	"boltzmann/sample"
	"boltzmann/sample/tempering"
	"boltzmann/train"
)

// Names of TrainConfig.Sampler.
const (
	// SamplerGibbs is the model's own sampler (sample.DefaultSampler):
	// block Gibbs for an rbm, single-site Gibbs sweeps for an ising model.
	SamplerGibbs = "gibbs"
	// SamplerPT is parallel tempering (package tempering) over the
	// model's own sampler; the negative phase comes from the β = 1
	// replicas.
	SamplerPT = "pt"
)

// Samplers lists the names of TrainConfig.Sampler.
func Samplers() []string { return []string{SamplerGibbs, SamplerPT, SamplerTrajectory} }

// NewTempering returns parallel tempering with replicas replicas (0: the
// default) and target swap acceptance acceptance (0: the default) over the
// model's own sampler, the ladder adapting during the first adapt
// transitions (0: always, as in training). A labeled rbm's tempered
// replicas are sampled with rbm.LabeledGibbs, which runs the transform
// with its one-hot label block (and a clamp) itself.
func NewTempering(replicas int, acceptance float64, adapt int) (*tempering.Sampler, error) {
	return tempering.New(tempering.Settings{Replicas: replicas, SwapAcceptance: acceptance, Adapt: adapt, Base: replicaSampler})
}

func replicaSampler(m model.Model) sample.Sampler {
	if tm, ok := m.(model.Transformed); ok {
		if _, ok := tm.Base().(*rbm.Labeled); ok {
			return rbm.LabeledGibbs{}
		}
	}
	return sample.DefaultSampler(m)
}

// negativePhase sets the sampler and the gradient transform of s from c:
// parallel tempering for Sampler "pt" and trajectory tempering over models
// saved along the run for "trajectory" (tempering.Online: at most
// Replicas levels, a snapshot when the swap acceptance with the newest
// falls below SwapAcceptance; PCD only), centering for an rbm.
func (c *TrainConfig) negativePhase(m model.Model, s *train.Settings) error {
	switch c.Sampler {
	case "", SamplerGibbs:
	case SamplerPT:
		if c.Method == string(train.CD) {
			return fmt.Errorf("sampler %s keeps replicas between updates and needs method pcd, not cd", SamplerPT)
		}
		pt, err := NewTempering(c.Replicas, c.SwapAcceptance, 0)
		if err != nil {
			return err
		}
		s.Sampler = pt
	case SamplerTrajectory:
		if c.Method == string(train.CD) {
			return fmt.Errorf("sampler %s keeps replicas between updates and needs method pcd, not cd", SamplerTrajectory)
		}
		tt, err := tempering.NewOnline(tempering.OnlineSettings{Levels: c.Replicas, SwapAcceptance: c.SwapAcceptance, Base: replicaSampler})
		if err != nil {
			return err
		}
		s.Sampler = tt
	default:
		return fmt.Errorf("unknown sampler %q: use one of %v", c.Sampler, Samplers())
	}
	if c.Centering {
		switch m.(type) {
		case *rbm.RBM, *rbm.Labeled:
			s.Gradient = &rbm.Centering{}
		default:
			return fmt.Errorf("centering applies to rbm models only, not %T", m)
		}
	}
	return nil
}
