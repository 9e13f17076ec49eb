package sample

import (
	"fmt"

	"boltzmann/model"
)

// DefaultSampler returns the natural sampler of m: the model's own if it
// provides one (Provider), block Gibbs for bipartite models, exact draws
// for models that sample themselves exactly, and single-site Gibbs for
// other discrete models. A model.Transformed model is sampled with block
// Gibbs or single-site Gibbs, which run the transform with the base model's
// kernels; when the base brings a sampler of its own (a labeled RBM), a
// tempered model is sampled by that sampler run on the tempered copy
// (Transformed.Scaled), and other transforms are refused, unless that
// sampler runs transforms itself (TransformRunner). It panics for
// models with none of these.
func DefaultSampler(m model.Model) Sampler {
	if tm, ok := m.(model.Transformed); ok {
		if p, ok := tm.Base().(Provider); ok {
			s := p.Sampler()
			_, site := s.(SiteGibbs)
			switch t := tm.Transform(); {
			case IsBlockGibbs(s) || site || runsTransforms(s):
				return s
			case t.OnlyTempers() && runsTempering(s):
				return s
			case t.OnlyTempers() && tm.Scaled() != nil:
				return onScaled{s}
			}
			panic(fmt.Sprintf("sample: the sampler %T of %T cannot run a field, clamp or evidence", s, tm.Base()))
		}
	}
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

// onScaled runs a model's own sampler on the tempered copy of a
// model.Transformed model.
type onScaled struct{ s Sampler }

func (o onScaled) Step(m model.Model, c *Chains, n int) {
	o.s.Step(m.(model.Transformed).Scaled(), c, n)
}

// TransformRunner is implemented by a model's own sampler (Provider) that
// runs a model.Transformed view of that model itself, tempering, field and
// clamp included, as BlockGibbs and SiteGibbs do: DefaultSampler of the
// transformed model is then that sampler.
type TransformRunner interface {
	Sampler
	// RunsTransforms reports whether Step accepts a model.Transformed
	// model of the provider.
	RunsTransforms() bool
}

// TemperingRunner is implemented by a model's own sampler (Provider) that
// runs a tempered view of that model itself (a model.Transformed whose
// transform only tempers: p_β ∝ e^{-βE}), without a tempered copy of the
// parameters; DefaultSampler of such a view is then that sampler. (A
// Potts model's Gibbs sampler: its coupling table is the model's, the
// conditional distributions take β.)
type TemperingRunner interface {
	Sampler
	// RunsTempering reports whether Step accepts a tempered
	// model.Transformed model of the provider.
	RunsTempering() bool
}

func runsTempering(s Sampler) bool {
	t, ok := s.(TemperingRunner)
	return ok && t.RunsTempering()
}

func runsTransforms(s Sampler) bool {
	t, ok := s.(TransformRunner)
	return ok && t.RunsTransforms()
}
