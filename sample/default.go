package sample

import (
	"fmt"

	"boltzmann/model"
)

// DefaultSampler returns the natural sampler of m: the model's own if it
// provides one (Provider), block Gibbs for bipartite models, exact draws
// for models that sample themselves exactly, and single-site Gibbs for
// other discrete models. A model.Transformed model is sampled like its
// base: block Gibbs and single-site Gibbs run the transform with the base
// model's kernels (a base with a sampler of its own other than these is
// refused by them). It panics for models with none of these.
func DefaultSampler(m model.Model) Sampler {
	switch m := m.(type) {
	case Provider:
		return m.Sampler()
	case model.Bipartite:
		return BlockGibbs{}
	case model.ExactSampler:
		return Exact{}
	case model.Discrete:
		return SiteGibbs{}
	}
	panic(fmt.Sprintf("sample: no default sampler for %T; choose one", m))
}
