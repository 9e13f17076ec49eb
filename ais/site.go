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

// BaseRateSites returns the per-variable log-probabilities θ[v][k] =
// log P(variable v = k) of the independent-variable base model, for the
// variables of m's space (model.Space.Vars: one per unit, θ[i][k] = log
// P(x_i = States()[k]), except that a one-hot block is one variable over
// its one-hot vectors): the marginals of the rows of x (n × Dim), each
// clamped to at least BaseRateEps and renormalized, or uniform when x is
// nil. It panics if m's space has real units or a row of x is outside it.
func BaseRateSites(m model.Discrete, x *mat.Dense) [][]float64 {
	vars := spaceVars(m)
	theta := make([][]float64, len(vars))
	for i, v := range vars {
		theta[i] = make([]float64, v.Values())
	}
	if x == nil {
		for i := range theta {
			for k := range theta[i] {
				theta[i][k] = -math.Log(float64(len(theta[i])))
			}
		}
		return theta
	}
	n, c := x.Dims()
	if c != m.Dim() || n == 0 {
		panic(fmt.Sprintf("ais: BaseRateSites with %d×%d data for %d units", n, c, m.Dim()))
	}
	for r := range n {
		row := x.RawRowView(r)
		for i, v := range vars {
			theta[i][varValue(v, row)]++
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

func spaceVars(m model.Discrete) []model.Var {
	vars, err := m.Space().Vars()
	if err != nil {
		panic(fmt.Sprintf("ais: %T: %v", m, err))
	}
	return vars
}

// SitePath anneals a discrete fully visible model (Ising, Potts, max-ent)
// from the independent-variable model E_A(x) = -Σ_v θ_v(x_v) along
// E_β = (1-β) E_A + β E_B, with one sweep of heat-bath Gibbs updates at β
// per step, over the variables of the target's space: single units, and
// each one-hot block as one variable redrawn among its one-hot vectors (so
// a labeled RBM is annealed through its allowed configurations only).
// Z_0 = 1 because each θ_v is normalized. The target is used, not copied:
// do not change it during a run.
type SitePath struct {
	target model.Discrete
	vars   []model.Var
	theta  [][]float64
	logZ0  float64
	e      []float64 // scratch: E_B of each chain
}

var _ Path = (*SitePath)(nil)

// NewSitePath returns the path from the independent-variable model with
// log-probabilities theta (one row per variable of the target's space, of
// its number of values, as from BaseRateSites) to target.
func NewSitePath(target model.Discrete, theta [][]float64) *SitePath {
	vars := spaceVars(target)
	if len(theta) != len(vars) {
		panic(fmt.Sprintf("ais: NewSitePath with %d variables of base probabilities for a space of %d variables (%v)", len(theta), len(vars), target.Space()))
	}
	logZ0 := 0.0
	for i, t := range theta {
		if len(t) != vars[i].Values() {
			panic(fmt.Sprintf("ais: NewSitePath: variable %d has %d log-probabilities for %d values", i, len(t), vars[i].Values()))
		}
		logZ0 += mathx.LogSumExp(t)
	}
	return &SitePath{target: target, vars: vars, theta: theta, logZ0: logZ0}
}

// Dim is the number of units.
func (p *SitePath) Dim() int { return p.target.Dim() }

// LogZ0 is log Σ_x exp(-E_A(x)), 0 for normalized θ.
func (p *SitePath) LogZ0() float64 { return p.logZ0 }

// SampleBase draws every variable independently from its base marginal.
func (p *SitePath) SampleBase(c *sample.Chains) {
	q := 0
	for _, t := range p.theta {
		q = max(q, len(t))
	}
	c.ForBlocks(func(lo, hi int, rng *rand.Rand) {
		buf := make([]float64, q)
		for r := lo; r < hi; r++ {
			row := c.Visible().RawRowView(r)
			for i, t := range p.theta {
				w := buf[:len(t)]
				for k, v := range t {
					w[k] = -(v - p.logZ0Site(i))
				}
				p.vars[i].Set(row, sample.HeatBath(rng, w, w))
			}
		}
	})
	c.SetHidden(nil)
}

func (p *SitePath) logZ0Site(i int) float64 { return mathx.LogSumExp(p.theta[i]) }

// baseEnergy returns E_A(x) = -Σ_v θ_v(x_v).
func (p *SitePath) baseEnergy(x []float64) float64 {
	e := 0.0
	for i, v := range p.vars {
		e -= p.theta[i][varValue(v, x)]
	}
	return e
}

// Step adds -(to-from)(E_B(x) - E_A(x)) to each log weight and then, if
// move, applies one sweep of heat-bath updates at β = to, visiting the
// variables in order, or in reverse order if reverse.
func (p *SitePath) Step(c *sample.Chains, from, to float64, logw []float64, move, reverse bool) {
	n, nv := c.Len(), len(p.vars)
	if len(p.e) != n {
		p.e = make([]float64, n)
	}
	p.target.FreeEnergy(c.Visible(), p.e)
	for r := range n {
		logw[r] -= (to - from) * (p.e[r] - p.baseEnergy(c.Visible().RawRowView(r)))
	}
	if !move {
		return
	}
	q := 0
	for _, t := range p.theta {
		q = max(q, len(t))
	}
	c.ForBlocks(func(lo, hi int, rng *rand.Rand) {
		deltas := model.NewVarDeltas(p.target)
		buf := make([]float64, q)
		for r := lo; r < hi; r++ {
			x := c.Visible().RawRowView(r)
			for s := range nv {
				i := s
				if reverse {
					i = nv - 1 - s
				}
				v := p.vars[i]
				th := p.theta[i]
				dE := buf[:len(th)]
				deltas(x, v, dE)
				cur := th[varValue(v, x)]
				for k := range dE {
					dE[k] = to*dE[k] + (1-to)*(cur-th[k])
				}
				v.Set(x, sample.HeatBath(rng, dE, dE))
			}
		}
	})
	c.SetHidden(nil)
}

func varValue(v model.Var, x []float64) int {
	k := v.Get(x)
	if k < 0 {
		panic(fmt.Sprintf("ais: units [%d, %d) = %v are not a configuration of the model's space", v.Start, v.Start+v.Len, x[v.Start:v.Start+v.Len]))
	}
	return k
}
