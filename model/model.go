// Package model defines the interfaces shared by every energy-based model in
// boltzmann, and the small types that describe a model's parameters.
//
// A model assigns each visible configuration x (a vector of length Dim) the
// probability
//
//	p_θ(x) = exp(-F_θ(x)) / Z_θ,   Z_θ = Σ_x exp(-F_θ(x)),
//
// where F is the energy E for a fully visible model and the free energy
// F(v) = -log Σ_h exp(-E(v,h)) for a model with hidden units. All energies are
// in nats (natural-log units, inverse temperature β = 1).
//
// The log-likelihood of data is L(θ) = -<F_θ>_data - log Z_θ and its gradient
// is, with O_j = ∂F_θ/∂θ_j (Mehta et al. 2019, eq. 195),
//
//	∂(-L)/∂θ_j = <O_j>_data - <O_j>_model,
//
// the positive phase minus the negative phase. A Model therefore only has to
// provide F and the sums of O_j over a batch (AddStats); samplers and
// estimators use the optional interfaces below when a model offers them.
//
// Every model declares the domain of its visible units as a Space
// (space.go): a sequence of blocks, binary {0,1}, spin {-1,+1},
// categorical codes {0, …, q-1}, a listed set of values, one-hot groups of
// which exactly one unit is 1, or reals. Enumeration, single-site samplers
// and annealing move through the space's variables (a unit, or a whole
// one-hot block), so a constrained block is never treated as free units.
//
// Batches are *mat.Dense values with one configuration per row
// (batch × Dim). Nothing in this package allocates on behalf of the caller:
// output buffers are passed in.
package model

import (
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// Model is an energy-based model p(x) = exp(-F(x))/Z over vectors of Dim
// visible units.
type Model interface {
	// Dim is the number of visible units.
	Dim() int

	// Params returns the flat parameter vector θ. It aliases the model's
	// storage: writing to it changes the model.
	Params() []float64

	// Groups names contiguous ranges of Params, such as "weights" or
	// "visible_bias", in order and covering all of Params.
	Groups() []Group

	// FreeEnergy writes F(x_r) in nats for each row r of x (batch × Dim)
	// into out (length batch).
	FreeEnergy(x *mat.Dense, out []float64)

	// AddStats adds Σ_r w_r ∂F(x_r)/∂θ to sum (length len(Params())) for the
	// rows x_r of x. A nil w means every row has weight 1.
	AddStats(x *mat.Dense, w []float64, sum []float64)
}

// Group is a named, contiguous range [Start, Start+Len) of a model's
// parameter vector, with the array shape it has when saved (for example
// [visible, hidden] for a weight matrix stored row-major).
type Group struct {
	Name  string
	Start int
	Len   int
	Shape []int
	// Penalized reports whether L1/L2 penalties apply to this group by
	// default (weights and couplings yes, biases and fields no).
	Penalized bool
}

// Slice returns the group's range of the parameter vector p.
func (g Group) Slice(p []float64) []float64 { return p[g.Start : g.Start+g.Len] }

// Discrete is a model whose visible units each take one of the values in
// States (for example {0, 1}, {-1, +1} or the Potts colours {0, …, q-1}).
// Its configurations are those of its Space, which can be fewer than
// States^Dim: a one-hot block (the labels of a labeled RBM) allows only its
// one-hot vectors. Code that moves or enumerates configurations goes
// through Space().Vars(), never unit by unit over States, so that it cannot
// leave the space; Discrete embeds Spaced so that no discrete model can
// omit the declaration.
type Discrete interface {
	Spaced
	// States lists the values of every unit that is not in a one-hot block
	// (one-hot units take 0 and 1).
	States() []float64
}

// SiteEnergies is implemented by discrete models that compute single-site
// energy changes cheaply, which single-site Gibbs and Metropolis samplers
// need.
type SiteEnergies interface {
	Discrete
	// SiteDeltas writes into out[k], for each value States()[k], the energy
	// change F(x with x_i = States()[k]) - F(x) in nats for one
	// configuration x (length Dim). len(out) == len(States()).
	SiteDeltas(x []float64, i int, out []float64)
}

// Bipartite is a model with a layer of Bernoulli hidden units h ∈ {0,1}^H
// and a layer of visible units whose conditionals factorize given the other
// layer (a restricted Boltzmann machine). Block Gibbs samplers use it.
type Bipartite interface {
	Model
	// HiddenDim is the number of hidden units H.
	HiddenDim() int
	// HiddenProb writes P(h_j = 1 | v_r) into prob (batch × H) for the rows
	// v_r of v (batch × Dim).
	HiddenProb(v, prob *mat.Dense)
	// VisibleProb writes P(v_i = 1 | h_r) into prob (batch × Dim) for the
	// rows h_r of h (batch × H). Visible units are Bernoulli in {0,1}.
	VisibleProb(h, prob *mat.Dense)
	// HiddenFreeEnergy writes F(h_r) = -log Σ_v exp(-E(v, h_r)) for each row
	// of h into out: the free energy with the visible units summed out, used
	// to enumerate the hidden layer when it is the smaller one.
	HiddenFreeEnergy(h *mat.Dense, out []float64)
	// AddHiddenStats adds Σ_r w_r ∂F(h_r)/∂θ to sum, the hidden-side mirror
	// of AddStats: exact model averages come from enumerating the hidden
	// layer, since <∂F(v)/∂θ>_p(v) = <∂E/∂θ>_p(v,h) = <∂F(h)/∂θ>_p(h).
	AddHiddenStats(h *mat.Dense, w []float64, sum []float64)
	// Energy writes the joint energy E(v_r, h_r) into out.
	Energy(v, h *mat.Dense, out []float64)
}

// EnergyGradient is implemented by models over continuous variables; Langevin
// samplers (MALA) use it.
type EnergyGradient interface {
	Model
	// GradX writes ∂F/∂x at each row of x into grad (batch × Dim).
	GradX(x, grad *mat.Dense)
}

// ExactSampler is implemented by models that can draw independent samples
// from p exactly (for example the Gaussian model).
type ExactSampler interface {
	Model
	// SampleExact overwrites each row of x (batch × Dim) with an independent
	// draw from p, using rng.
	SampleExact(rng *rand.Rand, x *mat.Dense)
}

// AnalyticLogPartition is implemented by models whose log Z has a closed
// form.
type AnalyticLogPartition interface {
	Model
	// LogPartition returns log Z in nats.
	LogPartition() float64
}

// DataInitializer is implemented by models that choose their starting
// parameters from the training data (for example biases matching the data's
// marginals and small random couplings).
type DataInitializer interface {
	Model
	// InitFromData sets the parameters from the rows of x (n × Dim), using
	// rng for any random part.
	InitFromData(x *mat.Dense, rng *rand.Rand)
}

// Validator is implemented by models whose parameters can leave the region
// where the model is defined (for example a Gaussian whose precision matrix
// stops being positive definite). Trainers treat an invalid model like a
// diverged one.
type Validator interface {
	Model
	// Valid returns nil when the parameters define a proper distribution.
	Valid() error
}

// PhaseDifference is implemented by models that compute the Monte Carlo
// log-likelihood gradient of two sets of rows in one pass, faster than two
// AddStats calls and the division that follows (an RBM stacks both sets
// into one matrix product).
type PhaseDifference interface {
	Model
	// PhaseDifference writes into grad (length len(Params())) the gradient
	// of the negative log-likelihood
	//
	//	Σ_r w_r ∂F(x_r)/∂θ / Σ_r w_r  -  Σ_c ∂F(y_c)/∂θ / n_y,
	//
	// the weighted mean of the statistics of the rows x_r of pos (nil w:
	// every row weight 1) minus the mean over the rows y_c of neg. It
	// agrees with AddStats of the two sets to rounding.
	PhaseDifference(pos *mat.Dense, w []float64, neg *mat.Dense, grad []float64)
}
