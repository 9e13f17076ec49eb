package ais

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"boltzmann/internal/mathx"
	"boltzmann/model"
	"boltzmann/sample"
)

// BaseRateSites returns the per-site log-probabilities θ[i][k] =
// log P(x_i = States()[k]) of the independent-site base model: the
// marginals of the rows of x (n × Dim), each clamped to at least
// BaseRateEps and renormalized, or uniform when x is nil.
func BaseRateSites(m model.Discrete, x *mat.Dense) [][]float64 {
	states := m.States()
	q, d := len(states), m.Dim()
	theta := make([][]float64, d)
	for i := range theta {
		theta[i] = make([]float64, q)
	}
	if x == nil {
		for i := range theta {
			for k := range theta[i] {
				theta[i][k] = -math.Log(float64(q))
			}
		}
		return theta
	}
	n, c := x.Dims()
	if c != d || n == 0 {
		panic(fmt.Sprintf("ais: BaseRateSites with %d×%d data for %d units", n, c, d))
	}
	for r := range n {
		for i, v := range x.RawRowView(r) {
			theta[i][stateIndex(states, v)]++
		}
	}
	for i := range theta {
		tot := 0.0
		for k := range theta[i] {
			theta[i][k] = max(theta[i][k]/float64(n), BaseRateEps)
			tot += theta[i][k]
		}
		for k := range theta[i] {
			theta[i][k] = math.Log(theta[i][k] / tot)
		}
	}
	return theta
}

// SitePath anneals a discrete fully visible model (Ising, Potts, max-ent)
// from the independent-site model E_A(x) = -Σ_i θ_i(x_i) along
// E_β = (1-β) E_A + β E_B, with one sweep of single-site heat-bath Gibbs
// updates at β per step. Z_0 = 1 because each θ_i is normalized. The
// target is used, not copied: do not change it during a run.
type SitePath struct {
	target model.Discrete
	states []float64
	theta  [][]float64
	logZ0  float64
	e      []float64 // scratch: E_B of each chain
}

var _ Path = (*SitePath)(nil)

// NewSitePath returns the path from the independent-site model with
// log-probabilities theta (Dim × len(States()), as from BaseRateSites) to
// target.
func NewSitePath(target model.Discrete, theta [][]float64) *SitePath {
	states := target.States()
	if len(theta) != target.Dim() {
		panic(fmt.Sprintf("ais: NewSitePath with %d sites of base probabilities for %d units", len(theta), target.Dim()))
	}
	logZ0 := 0.0
	for i, t := range theta {
		if len(t) != len(states) {
			panic(fmt.Sprintf("ais: NewSitePath: site %d has %d log-probabilities for %d states", i, len(t), len(states)))
		}
		logZ0 += mathx.LogSumExp(t)
	}
	return &SitePath{target: target, states: states, theta: theta, logZ0: logZ0}
}

// Dim is the number of units.
func (p *SitePath) Dim() int { return p.target.Dim() }

// LogZ0 is log Σ_x exp(-E_A(x)), 0 for normalized θ.
func (p *SitePath) LogZ0() float64 { return p.logZ0 }

// SampleBase draws every unit independently from its base marginal.
func (p *SitePath) SampleBase(c *sample.Chains) {
	c.ForBlocks(func(lo, hi int, rng *rand.Rand) {
		w := make([]float64, len(p.states))
		for r := lo; r < hi; r++ {
			row := c.X.RawRowView(r)
			for i, t := range p.theta {
				for k, v := range t {
					w[k] = -(v - p.logZ0Site(i))
				}
				row[i] = p.states[sample.HeatBath(rng, w, w)]
			}
		}
	})
	c.H = nil
}

func (p *SitePath) logZ0Site(i int) float64 { return mathx.LogSumExp(p.theta[i]) }

// baseEnergy returns E_A(x) = -Σ_i θ_i(x_i).
func (p *SitePath) baseEnergy(x []float64) float64 {
	e := 0.0
	for i, v := range x {
		e -= p.theta[i][stateIndex(p.states, v)]
	}
	return e
}

// Step adds -(to-from)(E_B(x) - E_A(x)) to each log weight and then, if
// move, applies one sweep of heat-bath updates at β = to, visiting the
// units in order, or in reverse order if reverse.
func (p *SitePath) Step(c *sample.Chains, from, to float64, logw []float64, move, reverse bool) {
	n, d := c.Len(), p.Dim()
	if len(p.e) != n {
		p.e = make([]float64, n)
	}
	p.target.FreeEnergy(c.X, p.e)
	for r := range n {
		logw[r] -= (to - from) * (p.e[r] - p.baseEnergy(c.X.RawRowView(r)))
	}
	if !move {
		return
	}
	q := len(p.states)
	c.ForBlocks(func(lo, hi int, rng *rand.Rand) {
		deltas := model.NewSiteDeltas(p.target)
		dE := make([]float64, q)
		for r := lo; r < hi; r++ {
			x := c.X.RawRowView(r)
			for s := range d {
				i := s
				if reverse {
					i = d - 1 - s
				}
				deltas(x, i, dE)
				th := p.theta[i]
				cur := th[stateIndex(p.states, x[i])]
				for k := range dE {
					dE[k] = to*dE[k] + (1-to)*(cur-th[k])
				}
				x[i] = p.states[sample.HeatBath(rng, dE, dE)]
			}
		}
	})
	c.H = nil
}

func stateIndex(states []float64, v float64) int {
	k := model.StateIndex(states, v)
	if k < 0 {
		panic(fmt.Sprintf("ais: unit value %v is not one of the model's states %v", v, states))
	}
	return k
}
