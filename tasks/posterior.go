package tasks

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"boltzmann/model"
	"boltzmann/model/rbm"
	"boltzmann/sample"
)

// InferSettings configure Inpaint and Denoise. The zero value of each field
// selects the documented default.
type InferSettings struct {
	// BurnIn is the number of sweeps discarded before averaging; default
	// 50, and a negative value means none.
	BurnIn int
	// Sweeps is the number of sweeps averaged after burn-in; default 200.
	Sweeps int
	// Replicas is the number of independent chains run per row, whose
	// averages are pooled; default 1.
	Replicas int
	Seed     uint64
}

func (s *InferSettings) withDefaults() InferSettings {
	var c InferSettings
	if s != nil {
		c = *s
	}
	switch {
	case c.BurnIn == 0:
		c.BurnIn = 50
	case c.BurnIn < 0:
		c.BurnIn = 0
	}
	if c.Sweeps <= 0 {
		c.Sweeps = 200
	}
	if c.Replicas <= 0 {
		c.Replicas = 1
	}
	return c
}

// Posterior is the result of Inpaint or Denoise for data x (n × Dim).
type Posterior struct {
	// Mean holds the posterior mean E[x_ri | evidence] (n × Dim) in the
	// model's encoding: for {0,1} units the probability of 1. Clamped
	// (observed) entries of Inpaint are copied from the data.
	Mean *mat.Dense
	// Sample holds one draw from the posterior per row (n × Dim): the final
	// state of the row's first replica.
	Sample *mat.Dense
}

// Inpaint fills in the missing entries of x (n × Dim), those with
// missing[r·Dim + i] true, by sampling p(x_missing | x_observed) under m
// with the observed entries clamped. Values of x at missing entries are
// ignored (they may be NaN). m must be a model.Bipartite with {0,1} visible
// units (an RBM) or a model.Discrete (single-site Gibbs over the missing
// units). Observed entries must be states of the model.
func Inpaint(m model.Model, x *mat.Dense, missing []bool, s *InferSettings) (*Posterior, error) {
	n, d := x.Dims()
	if len(missing) != n*d {
		return nil, fmt.Errorf("tasks: Inpaint: mask has %d entries for %d×%d data", len(missing), n, d)
	}
	return infer(m, x, missing, 0, s)
}

// Denoise infers clean data from x (n × Dim), whose units were each
// replaced independently with probability flipRate by a different state
// (for binary units: flipped), by sampling p(x | x̃) ∝ p(x) Π_i p(x̃_i | x_i)
// with p(x̃_i | x_i) = 1 - flipRate if x̃_i = x_i and flipRate/(q-1)
// otherwise (q states). Each unit feels its noisy observation as an extra
// field; for binary units a log-odds of ±log((1-ε)/ε) toward the observed
// value. Entries with missing[r·Dim + i] true carry no evidence (missing
// may be nil). flipRate must lie in (0, (q-1)/q).
func Denoise(m model.Model, x *mat.Dense, flipRate float64, missing []bool, s *InferSettings) (*Posterior, error) {
	n, d := x.Dims()
	if missing != nil && len(missing) != n*d {
		return nil, fmt.Errorf("tasks: Denoise: mask has %d entries for %d×%d data", len(missing), n, d)
	}
	dm, ok := m.(model.Discrete)
	if !ok {
		return nil, fmt.Errorf("tasks: Denoise needs a discrete model, got %T", m)
	}
	q := float64(len(dm.States()))
	if !(flipRate > 0 && flipRate < (q-1)/q) {
		return nil, fmt.Errorf("tasks: Denoise: flip rate %g must lie in (0, %g)", flipRate, (q-1)/q)
	}
	return infer(m, x, missing, flipRate, s)
}

// evidence describes what is known of each entry: clamped (observed
// exactly: Inpaint's observed entries), noisy (observed through the noise
// channel: Denoise) or absent (missing entries).
type evidence struct {
	x       *mat.Dense
	missing []bool
	noise   float64 // 0: observed entries are clamped
	states  []float64
	match   float64 // log p(x̃ | x) when x = x̃
	differ  float64 // log p(x̃ | x) when x ≠ x̃
}

func (e *evidence) clamped(r, i, d int) bool {
	return e.noise == 0 && (e.missing == nil || !e.missing[r*d+i])
}

func (e *evidence) absent(r, i, d int) bool { return e.missing != nil && e.missing[r*d+i] }

func infer(m model.Model, x *mat.Dense, missing []bool, noise float64, s *InferSettings) (*Posterior, error) {
	set := s.withDefaults()
	n, d := x.Dims()
	if d != m.Dim() {
		return nil, fmt.Errorf("tasks: data have %d columns, the model %d visible units", d, m.Dim())
	}
	dm, ok := m.(model.Discrete)
	if !ok {
		return nil, fmt.Errorf("tasks: inference needs a discrete model, got %T", m)
	}
	ev := &evidence{x: x, missing: missing, noise: noise, states: dm.States()}
	if noise > 0 {
		q := float64(len(ev.states))
		ev.match, ev.differ = math.Log1p(-noise), math.Log(noise/(q-1))
	}
	for r := range n {
		for i, v := range x.RawRowView(r) {
			if !ev.absent(r, i, d) && model.StateIndex(ev.states, v) < 0 {
				return nil, fmt.Errorf("tasks: row %d column %d: value %v is not one of the model's states %v", r+1, i+1, v, ev.states)
			}
		}
	}
	if l, ok := m.(*rbm.Labeled); ok {
		for r := range n {
			for i := l.DataDim(); i < d; i++ {
				if !ev.clamped(r, i, d) {
					return nil, errors.New("tasks: the label units of a labeled RBM must be observed (use Classify to infer labels)")
				}
			}
		}
	}
	c := sample.NewChains(n*set.Replicas, d, set.Seed)
	// Start every chain at the data, with absent entries drawn uniformly.
	c.ForBlocks(func(lo, hi int, rng *rand.Rand) {
		for k := lo; k < hi; k++ {
			r, row := k%n, c.X.RawRowView(k)
			copy(row, x.RawRowView(r))
			for i := range row {
				if ev.absent(r, i, d) {
					row[i] = ev.states[rng.IntN(len(ev.states))]
				}
			}
		}
	})
	sum := mat.NewDense(n*set.Replicas, d, nil)
	if b, ok := m.(model.Bipartite); ok && len(ev.states) == 2 && ev.states[0] == 0 && ev.states[1] == 1 {
		inferBipartite(b, c, ev, set, sum)
	} else {
		inferSites(dm, c, ev, set, sum)
	}
	p := &Posterior{Mean: mat.NewDense(n, d, nil), Sample: mat.NewDense(n, d, nil)}
	p.Sample.Copy(c.X.Slice(0, n, 0, d))
	scale := 1 / float64(set.Sweeps*set.Replicas)
	for k := range n * set.Replicas {
		r := k % n
		mr, sr := p.Mean.RawRowView(r), sum.RawRowView(k)
		for i, v := range sr {
			mr[i] += v * scale
		}
	}
	for r := range n {
		for i := range d {
			if ev.clamped(r, i, d) {
				p.Mean.Set(r, i, x.At(r, i))
			}
		}
	}
	return p, nil
}

// inferBipartite runs clamped block Gibbs v → h → v on an RBM, adding to
// sum the Rao-Blackwellized P(v_i = 1 | h, evidence) of every sweep after
// burn-in.
func inferBipartite(b model.Bipartite, c *sample.Chains, ev *evidence, set InferSettings, sum *mat.Dense) {
	nc, d := c.X.Dims()
	n, _ := ev.x.Dims()
	nh := b.HiddenDim()
	h := mat.NewDense(nc, nh, nil)
	ph := mat.NewDense(nc, nh, nil)
	pv := mat.NewDense(nc, d, nil)
	field := ev.match - ev.differ // log-odds toward the noisy observation
	for t := range set.BurnIn + set.Sweeps {
		keep := t >= set.BurnIn
		b.HiddenProb(c.X, ph)
		c.ForBlocks(func(lo, hi int, rng *rand.Rand) {
			for k := lo; k < hi; k++ {
				hk := h.RawRowView(k)
				for j, p := range ph.RawRowView(k) {
					hk[j] = bit(rng.Float64() < p)
				}
			}
		})
		b.VisibleProb(h, pv)
		c.ForBlocks(func(lo, hi int, rng *rand.Rand) {
			for k := lo; k < hi; k++ {
				r := k % n
				row, p, obs := c.X.RawRowView(k), pv.RawRowView(k), ev.x.RawRowView(r)
				var acc []float64
				if keep {
					acc = sum.RawRowView(k)
				}
				for i := range row {
					if ev.clamped(r, i, d) {
						continue
					}
					pi := p[i]
					if ev.noise > 0 && !ev.absent(r, i, d) {
						logit := math.Log(pi) - math.Log1p(-pi)
						if obs[i] == 1 {
							logit += field
						} else {
							logit -= field
						}
						pi = sigmoid(logit)
					}
					row[i] = bit(rng.Float64() < pi)
					if keep {
						acc[i] += pi
					}
				}
			}
		})
	}
}

// inferSites runs single-site heat-bath Gibbs over the unclamped units,
// adding to sum the Rao-Blackwellized conditional mean Σ_k s_k P(x_i = s_k |
// rest, evidence) of every visit after burn-in.
func inferSites(m model.Discrete, c *sample.Chains, ev *evidence, set InferSettings, sum *mat.Dense) {
	_, d := c.X.Dims()
	n, _ := ev.x.Dims()
	states := ev.states
	q := len(states)
	c.ForBlocks(func(lo, hi int, rng *rand.Rand) {
		deltas := model.NewSiteDeltas(m)
		dE, w := make([]float64, q), make([]float64, q)
		for k := lo; k < hi; k++ {
			r := k % n
			row, obs, acc := c.X.RawRowView(k), ev.x.RawRowView(r), sum.RawRowView(k)
			for t := range set.BurnIn + set.Sweeps {
				for i := range row {
					if ev.clamped(r, i, d) {
						continue
					}
					deltas(row, i, dE)
					if ev.noise > 0 && !ev.absent(r, i, d) {
						for s, v := range states {
							if v == obs[i] {
								dE[s] -= ev.match
							} else {
								dE[s] -= ev.differ
							}
						}
					}
					normalize(dE, w)
					if t >= set.BurnIn {
						for s, v := range states {
							acc[i] += w[s] * v
						}
					}
					row[i] = states[draw(rng, w)]
				}
			}
		}
	})
}

// normalize writes the probabilities w_k ∝ exp(-dE_k).
func normalize(dE, w []float64) {
	lo := dE[0]
	for _, v := range dE[1:] {
		lo = min(lo, v)
	}
	tot := 0.0
	for k, v := range dE {
		w[k] = math.Exp(lo - v)
		tot += w[k]
	}
	for k := range w {
		w[k] /= tot
	}
}

func draw(rng *rand.Rand, w []float64) int {
	u := rng.Float64()
	for k, v := range w {
		u -= v
		if u < 0 {
			return k
		}
	}
	return len(w) - 1
}

func bit(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}
