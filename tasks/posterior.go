package tasks

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"boltzmann/model"
	"boltzmann/model/gbrbm"
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
	// OnSweep, if not nil, is called after each sweep (burn-in included)
	// with the number done and the total (for progress bars).
	OnSweep func(done, total int)
}

// sweepDone reports sweep s (from 0) done to OnSweep.
func (s *InferSettings) sweepDone(sweep int) {
	if s.OnSweep != nil {
		s.OnSweep(sweep+1, s.BurnIn+s.Sweeps)
	}
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
// units). Observed entries must be states of the model. A Gaussian-
// Bernoulli RBM (gbrbm.Model, or gbrbm.Whitened: the clamped entries are
// entries of the data, and the missing ones are drawn from their
// full-covariance Gaussian conditional) takes real observed values, clamped while
// its Gibbs sampler draws the missing ones. For a labeled RBM
// (rbm.Labeled) x may hold the D data units only (n × D: the label block
// is sampled with the missing units and so summed over; the posterior has
// D columns) or all D + C units with the label block given (clamped) or
// missing whole.
func Inpaint(m model.Model, x *mat.Dense, missing []bool, s *InferSettings) (*Posterior, error) {
	n, d := x.Dims()
	if len(missing) != n*d {
		return nil, fmt.Errorf("tasks: Inpaint: mask has %d entries for %d×%d data", len(missing), n, d)
	}
	if gbrbm.IsReal(m) {
		return inpaintGaussian(m.(realModel), x, missing, s)
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
// may be nil). flipRate must lie in (0, (q-1)/q). A labeled RBM takes x
// of D or D + C columns as in Inpaint; a given label block is clamped, not
// taken as noisy.
func Denoise(m model.Model, x *mat.Dense, flipRate float64, missing []bool, s *InferSettings) (*Posterior, error) {
	n, d := x.Dims()
	if missing != nil && len(missing) != n*d {
		return nil, fmt.Errorf("tasks: Denoise: mask has %d entries for %d×%d data", len(missing), n, d)
	}
	dm, ok := m.(model.Discrete)
	if !ok {
		return nil, fmt.Errorf("tasks: Denoise needs a discrete model, got %T (real-valued data: DenoiseGaussian)", m)
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
	// clampFrom is the first column whose observed entries are clamped
	// even when noise > 0 (a labeled RBM's label block).
	clampFrom int
	states    []float64
	match     float64 // log p(x̃ | x) when x = x̃
	differ    float64 // log p(x̃ | x) when x ≠ x̃
}

func (e *evidence) clamped(r, i, d int) bool {
	return (e.noise == 0 || i >= e.clampFrom) && (e.missing == nil || !e.missing[r*d+i])
}

func (e *evidence) absent(r, i, d int) bool { return e.missing != nil && e.missing[r*d+i] }

func infer(m model.Model, x *mat.Dense, missing []bool, noise float64, s *InferSettings) (*Posterior, error) {
	if l, ok := m.(*rbm.Labeled); ok {
		return inferLabeled(l, x, missing, noise, s)
	}
	return inferModel(m, x, missing, noise, m.Dim(), s)
}

// inferLabeled runs the inference of a labeled RBM on rows of D data units
// (the label block is then unknown: it is sampled with the free units, as
// one categorical variable, so the posterior mean sums over the classes)
// or of D + C units whose label block is given whole (clamped, also when
// denoising) or missing whole. The posterior has as many columns as x.
func inferLabeled(l *rbm.Labeled, x *mat.Dense, missing []bool, noise float64, s *InferSettings) (*Posterior, error) {
	n, d := x.Dims()
	nd, nv := l.DataDim(), l.Dim()
	if d != nd {
		return inferModel(l, x, missing, noise, nd, s)
	}
	full := mat.NewDense(n, nv, nil)
	fm := make([]bool, n*nv)
	for r := range n {
		row := full.RawRowView(r)
		copy(row, x.RawRowView(r))
		for i := nd; i < nv; i++ {
			row[i] = math.NaN()
			fm[r*nv+i] = true
		}
		if missing != nil {
			copy(fm[r*nv:r*nv+nd], missing[r*nd:(r+1)*nd])
		}
	}
	p, err := inferModel(l, full, fm, noise, nd, s)
	if err != nil {
		return nil, err
	}
	return &Posterior{
		Mean:   mat.DenseCopyOf(p.Mean.Slice(0, n, 0, nd)),
		Sample: mat.DenseCopyOf(p.Sample.Slice(0, n, 0, nd)),
	}, nil
}

// inferModel is the inference of m on data x (n × Dim); the entries of
// columns from clampFrom on are clamped where observed even when denoising
// (a labeled RBM's label block; Dim for other models). A labeled RBM's
// label block must be observed or missing whole, and one-hot where
// observed.
func inferModel(m model.Model, x *mat.Dense, missing []bool, noise float64, clampFrom int, s *InferSettings) (*Posterior, error) {
	set := s.withDefaults()
	n, d := x.Dims()
	if d != m.Dim() {
		return nil, fmt.Errorf("tasks: data have %d columns, the model %d visible units", d, m.Dim())
	}
	dm, ok := m.(model.Discrete)
	if !ok {
		return nil, fmt.Errorf("tasks: inference needs a discrete model, got %T", m)
	}
	ev := &evidence{x: x, missing: missing, noise: noise, states: dm.States(), clampFrom: clampFrom}
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
		label := model.Var{Start: l.DataDim(), Len: l.Classes(), OneHot: true}
		for r := range n {
			given := 0
			for i := label.Start; i < d; i++ {
				if !ev.absent(r, i, d) {
					given++
				}
			}
			if given != 0 && (given != l.Classes() || label.Get(x.RawRowView(r)) < 0) {
				return nil, fmt.Errorf("tasks: row %d: the label block of a labeled RBM must be a one-hot vector or missing whole", r+1)
			}
		}
	}
	t, err := ev.transform()
	if err != nil {
		return nil, err
	}
	tm, err := model.NewTransformed(m, t)
	if err != nil {
		return nil, fmt.Errorf("tasks: %w", err)
	}
	c := sample.NewChains(n*set.Replicas, d, set.Seed)
	// Start every chain at the data, with absent entries drawn uniformly.
	c.ForBlocks(func(lo, hi int, rng *rand.Rand) {
		for k := lo; k < hi; k++ {
			r, row := k%n, c.Visible().RawRowView(k)
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
		inferBipartite(b, tm, c, set, sum)
	} else {
		inferSites(tm.(model.Discrete), c, set, sum)
	}
	p := &Posterior{Mean: mat.NewDense(n, d, nil), Sample: mat.NewDense(n, d, nil)}
	p.Sample.Copy(c.Visible().Slice(0, n, 0, d))
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

// transform returns the model transform of the evidence, with one row per
// data row: Inpaint clamps the observed entries (Clamp: the observed
// value, NaN where missing); Denoise adds the log-likelihood of the noisy
// observation as a visible field. For two states lo < hi, log p(x̃_i | x_i)
// = differ + (match - differ)·[x_i = x̃_i] is linear in x_i: the field is
// ±(match - differ)/(hi - lo), + toward x̃_i = hi (the constant does not
// matter). With more than two states per unit it is not linear in x_i and
// becomes the transform's evidence for the observed states, a reward of
// match - differ nats for x_i = x̃_i.
func (e *evidence) transform() (*model.Transform, error) {
	n, d := e.x.Dims()
	t := &model.Transform{Beta: 1}
	if e.noise == 0 {
		t.Clamp = mat.NewDense(n, d, nil)
		for r := range n {
			row := t.Clamp.RawRowView(r)
			for i, v := range e.x.RawRowView(r) {
				row[i] = v
				if !e.clamped(r, i, d) {
					row[i] = math.NaN()
				}
			}
		}
		return t, nil
	}
	if e.clampFrom < d {
		t.Clamp = mat.NewDense(n, d, nil)
		for r := range n {
			row := t.Clamp.RawRowView(r)
			for i := range row {
				row[i] = math.NaN()
				if e.clamped(r, i, d) {
					row[i] = e.x.At(r, i)
				}
			}
		}
	}
	if len(e.states) != 2 {
		// log p(x̃_i | x_i) = differ + (match - differ)·[x_i = x̃_i]:
		// evidence for the observed state.
		t.Evidence = mat.NewDense(n, d, nil)
		t.EvidenceWeight = e.match - e.differ
		for r := range n {
			row := t.Evidence.RawRowView(r)
			for i, v := range e.x.RawRowView(r) {
				row[i] = v
				if e.absent(r, i, d) || e.clamped(r, i, d) {
					row[i] = math.NaN()
				}
			}
		}
		return t, nil
	}
	lo, hi := min(e.states[0], e.states[1]), max(e.states[0], e.states[1])
	g := (e.match - e.differ) / (hi - lo)
	t.Field = mat.NewDense(n, d, nil)
	for r := range n {
		row := t.Field.RawRowView(r)
		for i, v := range e.x.RawRowView(r) {
			switch {
			case e.absent(r, i, d) || e.clamped(r, i, d):
			case v == hi:
				row[i] = g
			default:
				row[i] = -g
			}
		}
	}
	return t, nil
}

// inferBipartite runs block Gibbs v → h → v of the transformed model tm
// (the model's own transformed kernel, model.BipartiteTransformer, when it
// has one; otherwise sample.BlockGibbs), adding to sum the
// Rao-Blackwellized P_t(v_i = 1 | h) of the hidden states of every sweep
// after burn-in: the probabilities the visible states were drawn from.
func inferBipartite(b model.Bipartite, tm model.Transformed, c *sample.Chains, set InferSettings, sum *mat.Dense) {
	nc, d := c.Visible().Dims()
	pv := mat.NewDense(nc, d, nil)
	t := tm.Transform()
	k, fast := b.(model.BipartiteTransformer)
	rngs := make([]*rand.Rand, c.NumBlocks())
	for i := range rngs {
		rngs[i] = c.Rand(i)
	}
	if fast && c.Hidden() == nil {
		c.SetHidden(mat.NewDense(nc, b.HiddenDim(), nil))
	}
	for s := range set.BurnIn + set.Sweeps {
		if fast {
			// The model's kernel directly (for a labeled RBM its own
			// sampler, the label block one categorical variable).
			k.GibbsStepsTransformed(t, c.Visible(), c.Hidden(), 1, sample.BlockSize, rngs)
		} else {
			sample.BlockGibbs{}.Step(tm, c, 1)
		}
		set.sweepDone(s)
		if s < set.BurnIn {
			continue
		}
		tm.(model.Bipartite).VisibleProb(c.Hidden(), pv)
		sum.Add(sum, pv)
	}
}

// inferSites runs single-site heat-bath Gibbs (sample.SiteGibbs) of the
// transformed model tm, which leaves the clamped units alone, and adds to
// sum, after every sweep after burn-in, the Rao-Blackwellized conditional
// mean of every unclamped variable of the model's space given the rest of
// the chain's state: Σ_k s_k P_t(x_i = s_k | x_-i) for a unit, and for a
// one-hot block (the labels of a labeled RBM) the probability of each of
// its one-hot settings in its units.
func inferSites(tm model.Discrete, c *sample.Chains, set InferSettings, sum *mat.Dense) {
	vars, err := tm.Space().Vars()
	if err != nil {
		panic(err.Error()) // checked by the caller: a discrete space
	}
	q := 0
	for _, v := range vars {
		q = max(q, v.Values())
	}
	for s := range set.BurnIn + set.Sweeps {
		sample.SiteGibbs{}.Step(tm, c, 1)
		set.sweepDone(s)
		if s < set.BurnIn {
			continue
		}
		c.ForBlocks(func(lo, hi int, _ *rand.Rand) {
			deltas := model.NewRowVarDeltas(tm)
			buf, wbuf := make([]float64, q), make([]float64, q)
			for k := lo; k < hi; k++ {
				row, acc := c.Visible().RawRowView(k), sum.RawRowView(k)
				for _, v := range vars {
					dE, w := buf[:v.Values()], wbuf[:v.Values()]
					if deltas(k, row, v, dE) {
						continue
					}
					normalize(dE, w)
					if v.OneHot {
						for j, p := range w {
							acc[v.Start+j] += p
						}
						continue
					}
					for j, st := range v.States {
						acc[v.Start] += w[j] * st
					}
				}
			}
		})
	}
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
