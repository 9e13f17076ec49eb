// Package tempering is parallel tempering (replica exchange; Swendsen &
// Wang 1986, Geyer 1991, Hukushima & Nemoto 1996) as a wrapper over any
// model and its sampler.
//
// Each of the n chains that a caller advances (a sample.Chains, the
// "cold" replicas) is one PT chain: it has R replicas on an inverse
// temperature ladder β_0 = 1 > β_1 > … > β_{R-1} > 0, replica r sampling
// the tempered model p_r(x) ∝ exp(-F_r(x)), F_r the free energy of the
// model seen through model.Tempering(β_r). One PT transition advances every
// replica by one step of the base sampler (through model.NewTransformed, so
// that an RBM's block Gibbs kernel runs with β) and then proposes swaps of
// neighbouring replicas, accepted with the Metropolis probability
//
//	A(i, j) = min(1, exp(F_i(x_i) + F_j(x_j) - F_i(x_j) - F_j(x_i))),
//
// which leaves the product Π_r p_r(x_r) invariant. For a fully visible
// model F_r = β_r E, and A is the familiar min(1, exp((β_i-β_j)(E_i-E_j))).
// For a model with hidden units (an RBM) the base sampler is a Markov chain
// on the visible states whose invariant law is the marginal of the tempered
// joint, p_r(v) ∝ Σ_h exp(-β_r E(v,h)) = exp(-F_r(v)); a replica's state is
// its v (block Gibbs redraws h from v), so the swap is a Metropolis move on
// the product of these marginals, and the criterion above with the tempered
// free energies F_r(v) is exact for it. (F_r(v) is not β_r F(v): the
// softplus of the hidden units does not scale; using β_r F would bias the
// cold replica.) TestSwapDetailedBalance checks the move by enumeration.
//
// Swaps alternate between the even pairs (0,1), (2,3), … and the odd pairs
// (1,2), (3,4), … at successive transitions (deterministic even-odd swaps,
// Okabe et al. 2001; Syed et al. 2022 show that it makes replicas travel
// the ladder ballistically instead of diffusively). Each swap move leaves
// the product distribution invariant, so the cold replicas sample the model
// exactly once the chains are stationary and the ladder is fixed.
//
// The ladder adapts to a target swap acceptance (default 0.3) by
// Robbins-Monro steps on the logarithms of its gaps in log β: with
// β_{p+1} = β_p·exp(-δ_p) and s_p = log δ_p, every attempted pair p moves
//
//	s_p ← s_p + γ_t (ā_p - target),   γ_t = ½ (1 + t/100)^(-0.6),
//
// ā_p the mean acceptance probability of the pair over the n chains at
// transition t: a pair that accepts too often gets a wider gap, and
// narrowing a gap lifts every β below it. δ_p stays in [1e-6, 5]. β_0 stays
// 1 and the lowest β floats: a model that swaps more often than the
// target even at β ≈ 0 needs fewer replicas, and its ladder ends close to
// β = 0, which is still exact. Adapt says how long the ladder adapts: for
// sampling, the burn-in (then the sampler is a fixed Markov kernel), for
// training, every transition (the default), since the model keeps
// changing.
//
// Randomness: the replicas at β < 1 are chains of their own, each level a
// sample.Chains with per-block streams seeded from the cold chains' first
// stream when the sampler first runs; the swap decisions of chain k draw
// from the stream of k's block of the cold chains. Results therefore
// depend on the seed alone, not on the number of cores, and MarshalBinary
// saves everything (replicas, ladder, counters, diagnostics) so that a run
// resumed from it continues bit for bit.
//
// With Settings.Models the levels are not tempered copies of one model but
// a fixed list of models (trajectory tempering, trajectory.go): the same
// swaps, diagnostics and state, each level sampled by Base as it is.
package tempering

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/mat"

	"boltzmann/model"
	"boltzmann/sample"
)

// Defaults of Settings.
const (
	DefaultReplicas       = 8
	DefaultSwapAcceptance = 0.3
	DefaultMinBeta        = 0.3
)

// Settings configure a Sampler. The zero value of each field selects the
// documented default.
type Settings struct {
	// Replicas is the number R ≥ 2 of inverse temperatures; default 8.
	Replicas int
	// Betas, if not nil, is the starting ladder: R values, Betas[0] = 1,
	// strictly decreasing, all > 0. Default: geometric from 1 to MinBeta.
	Betas []float64
	// MinBeta is the lowest β of the default starting ladder; default 0.3.
	MinBeta float64
	// SwapAcceptance is the mean swap acceptance of each neighbouring
	// pair that the ladder adapts to, in (0, 1); default 0.3.
	SwapAcceptance float64
	// Adapt is the number of PT transitions during which the ladder
	// adapts: 0 (the default) adapts at every transition, a negative
	// value never. The diagnostics restart when adaptation ends, so that
	// they describe the fixed ladder.
	Adapt int
	// Base returns a new sampler for a replica's model (the model itself
	// at β = 1, a model.Transformed at β < 1); nil: sample.DefaultSampler.
	Base func(m model.Model) sample.Sampler

	// Models, if not nil, replaces the inverse-temperature ladder by a
	// fixed ladder of models (trajectory tempering, trajectory.go):
	// level 0 is the model given to Step, level r ≥ 1 is Models[r-1]
	// (from the closest to the model of Step to the easiest), each
	// sampled by Base as it is. Replicas is then len(Models)+1, Betas
	// and MinBeta are not used and nothing adapts; swaps use each model's
	// own free energy F_r(x) = FreeEnergy of model r. Every model must
	// have the Dim of the model given to Step.
	Models []model.Model
	// OnSwap, if not nil, is called once for each pair p = (p, p+1)
	// tried at a transition, before its swaps, with the free-energy
	// differences of each chain k's two states: fwd[k] = F_{p+1}(x_p) -
	// F_p(x_p) and rev[k] = F_p(x_{p+1}) - F_{p+1}(x_{p+1}), in nats,
	// x_p the state at level p (length: the number of chains; the slices
	// are reused after the call). Bridge.Add records them for a log Z
	// estimate. It is called from Step's goroutine, in pair order.
	OnSwap func(pair int, fwd, rev []float64)
}

// Sampler is parallel tempering over the sampler Settings.Base; it
// implements sample.Sampler. The chains it is given are the cold (β = 1)
// replicas; the others are kept by the Sampler, so use one Sampler per set
// of chains.
type Sampler struct {
	set Settings

	// State, saved by MarshalBinary.
	betas   []float64        // ladder, length R
	logGap  []float64        // s_p = log(log β_p - log β_{p+1}), length R-1
	steps   int              // PT transitions done
	adapted int              // adaptation steps done (the Robbins-Monro clock)
	hot     []*sample.Chains // replicas at β_1 … β_{R-1}, n chains each
	walker  []int8           // walker[r*n+k]: the walker (its starting level) at level r of chain k
	trip    []int8           // trip[w*n+k]: round-trip state of walker w of chain k
	diag    Diagnostics

	// Derived, rebuilt by prepare.
	m        model.Model
	models   []model.Model
	samplers []sample.Sampler
	fields   []*mat.Dense // β_r × the field of a transformed m

	share *share // the chains' processes (ShareChains), nil: one process
}

// Round-trip states of a walker.
const (
	tripNone       int8 = iota // not yet at an end of the ladder
	tripAtTop                  // last end visited: β_0
	tripAtBottom               // last end visited: β_{R-1}, after β_0
	tripBottomOnly             // visited β_{R-1} but never β_0
)

// Diagnostics of a Sampler, counted since the start or since the ladder
// stopped adapting.
type Diagnostics struct {
	// Attempts[p] is the number of swaps proposed between levels p and
	// p+1 (one per chain per transition that tried pair p).
	Attempts []int
	// Acceptance[p] is the sum of the acceptance probabilities of those
	// proposals: Acceptance[p]/Attempts[p] is the pair's mean acceptance.
	Acceptance []float64
	// RoundTrips is the number of completed round trips β_0 → β_{R-1} →
	// β_0 of the walkers (a walker is a configuration followed through its
	// swaps), summed over walkers and chains.
	RoundTrips int
	// Steps is the number of PT transitions counted.
	Steps int
}

// New returns a parallel tempering sampler, or an error naming a setting
// out of range.
func New(s Settings) (*Sampler, error) {
	if s.Models != nil {
		return newFixed(s)
	}
	if s.Replicas == 0 {
		s.Replicas = DefaultReplicas
		if s.Betas != nil {
			s.Replicas = len(s.Betas)
		}
	}
	if s.SwapAcceptance == 0 {
		s.SwapAcceptance = DefaultSwapAcceptance
	}
	if s.MinBeta == 0 {
		s.MinBeta = DefaultMinBeta
	}
	switch {
	case s.Replicas < 2 || s.Replicas > 127:
		return nil, fmt.Errorf("tempering: %d replicas; use 2 to 127", s.Replicas)
	case !(s.SwapAcceptance > 0 && s.SwapAcceptance < 1):
		return nil, fmt.Errorf("tempering: target swap acceptance %v; use a value in (0, 1)", s.SwapAcceptance)
	case !(s.MinBeta > 0 && s.MinBeta < 1):
		return nil, fmt.Errorf("tempering: lowest inverse temperature %v; use a value in (0, 1)", s.MinBeta)
	}
	b := s.Betas
	if b == nil {
		b = make([]float64, s.Replicas)
		for r := range b {
			b[r] = math.Pow(s.MinBeta, float64(r)/float64(s.Replicas-1))
		}
	}
	if len(b) != s.Replicas {
		return nil, fmt.Errorf("tempering: %d inverse temperatures for %d replicas", len(b), s.Replicas)
	}
	if b[0] != 1 {
		return nil, fmt.Errorf("tempering: the ladder starts at β = %v; it must start at 1", b[0])
	}
	for r := 1; r < len(b); r++ {
		if !(b[r] > 0 && b[r] < b[r-1]) {
			return nil, fmt.Errorf("tempering: the ladder %v is not strictly decreasing and positive", b)
		}
	}
	p := &Sampler{set: s}
	p.betas = slices.Clone(b)
	p.logGap = make([]float64, s.Replicas-1)
	for i := range p.logGap {
		p.logGap[i] = math.Log(math.Log(b[i]) - math.Log(b[i+1]))
	}
	p.diag = newDiagnostics(s.Replicas)
	return p, nil
}

func newDiagnostics(r int) Diagnostics {
	return Diagnostics{Attempts: make([]int, r-1), Acceptance: make([]float64, r-1)}
}

// Settings returns the settings in force, defaults filled in.
func (p *Sampler) Settings() Settings { return p.set }

// Betas returns a copy of the current ladder (length R, Betas[0] = 1);
// nil for a ladder of models (Settings.Models).
func (p *Sampler) Betas() []float64 {
	if p.set.Models != nil {
		return nil
	}
	return slices.Clone(p.betas)
}

// Replicas returns the number R of levels.
func (p *Sampler) Replicas() int { return len(p.betas) }

// newFixed returns the sampler over the fixed ladder of models s.Models.
// Its β's are all 1 (placeholders that nothing reads but the state's
// length checks).
func newFixed(s Settings) (*Sampler, error) {
	R := len(s.Models) + 1
	switch {
	case R < 2 || R > 127:
		return nil, fmt.Errorf("tempering: a ladder of %d models; use 2 to 127", R)
	case s.Replicas != 0 && s.Replicas != R:
		return nil, fmt.Errorf("tempering: %d replicas for a ladder of %d models", s.Replicas, R)
	case s.Betas != nil:
		return nil, fmt.Errorf("tempering: both a ladder of models and inverse temperatures; give one")
	}
	for r, m := range s.Models {
		if m == nil || m.Dim() != s.Models[0].Dim() {
			return nil, fmt.Errorf("tempering: ladder model %d is nil or of another dimension", r+1)
		}
	}
	s.Replicas, s.Adapt = R, -1
	if s.SwapAcceptance == 0 {
		s.SwapAcceptance = DefaultSwapAcceptance
	}
	p := &Sampler{set: s, betas: make([]float64, R), logGap: make([]float64, R-1), diag: newDiagnostics(R)}
	for r := range p.betas {
		p.betas[r] = 1
	}
	return p, nil
}

// Diagnostics returns a copy of the swap and round-trip counts.
func (p *Sampler) Diagnostics() Diagnostics {
	d := p.diag
	d.Attempts, d.Acceptance = slices.Clone(d.Attempts), slices.Clone(d.Acceptance)
	return d
}

// MeanAcceptance returns each pair's mean swap acceptance, NaN for a pair
// never tried.
func (d Diagnostics) MeanAcceptance() []float64 {
	a := make([]float64, len(d.Attempts))
	for p, n := range d.Attempts {
		a[p] = d.Acceptance[p] / float64(n)
	}
	return a
}

// RoundTripTime returns the mean number of transitions per round trip of
// one walker, chains × R × Steps / RoundTrips, given the number of chains;
// +Inf when no round trip was completed.
func (d Diagnostics) RoundTripTime(chains int) float64 {
	if d.RoundTrips == 0 {
		return math.Inf(1)
	}
	return float64(chains*(len(d.Attempts)+1)*d.Steps) / float64(d.RoundTrips)
}

// Level returns the replicas at level r (0: the cold chains c given to
// Step, which are returned as they are), or nil before the first Step.
func (p *Sampler) Level(r int, c *sample.Chains) *sample.Chains {
	if r == 0 {
		return c
	}
	if p.hot == nil {
		return nil
	}
	return p.hot[r-1]
}

var _ sample.Sampler = (*Sampler)(nil)

// Step advances every PT chain by n transitions: a base-sampler step of
// every replica, then the swaps of the even or the odd pairs, then (while
// it adapts) a ladder update. c holds the cold replicas; the first call
// starts the other replicas at copies of c.
func (p *Sampler) Step(m model.Model, c *sample.Chains, n int) {
	if n <= 0 {
		return
	}
	p.start(c)
	p.prepare(m)
	for s := range n {
		if s > 0 && p.adapting() {
			p.setLadder()
		}
		for r := range p.betas {
			p.samplers[r].Step(p.models[r], p.Level(r, c), 1)
		}
		acc := p.swap(c)
		p.count(acc)
		p.adapt(acc)
		p.steps++
	}
}

// start creates the replicas at β < 1 if they do not exist for chains of
// c's shape.
func (p *Sampler) start(c *sample.Chains) {
	n, d := c.Len(), c.Dim()
	if p.hot != nil && p.hot[0].Len() == n && p.hot[0].Dim() == d {
		return
	}
	R := len(p.betas)
	seed := p.startSeed(func() uint64 { return c.Rand(0).Uint64() })
	block0 := 0
	if p.share != nil {
		if n != p.share.local() {
			panic(fmt.Sprintf("tempering: %d chains given to a process that shares %d of %d", n, p.share.local(), p.share.total))
		}
		block0 = p.share.b0
	}
	p.hot = make([]*sample.Chains, R-1)
	for r := range p.hot {
		h := sample.NewChainsAt(n, d, seed+uint64(r)*0x632be59bd9b4e019, block0)
		h.Visible().Copy(c.Visible())
		if c.Hidden() != nil {
			h.SetHidden(mat.DenseCopyOf(c.Hidden()))
		}
		p.hot[r] = h
	}
	p.walker = make([]int8, R*n)
	p.trip = make([]int8, R*n)
	for r := range R {
		for k := range n {
			p.walker[r*n+k] = int8(r)
		}
	}
	for k := range n {
		p.trip[k] = tripAtTop
		p.trip[(R-1)*n+k] = tripBottomOnly
	}
}

// prepare builds (for a new m) or refreshes the tempered models and their
// samplers for the current ladder.
func (p *Sampler) prepare(m model.Model) {
	R := len(p.betas)
	base, t0 := m, (*model.Transform)(nil)
	if tm, ok := m.(model.Transformed); ok {
		base, t0 = tm.Base(), tm.Transform()
	}
	newSampler := p.set.Base
	if newSampler == nil {
		newSampler = sample.DefaultSampler
	}
	if p.set.Models != nil {
		if p.m != m {
			if m.Dim() != p.set.Models[0].Dim() {
				panic(fmt.Sprintf("tempering: a model of %d units for a ladder of models of %d", m.Dim(), p.set.Models[0].Dim()))
			}
			p.m = m
			p.models = append([]model.Model{m}, p.set.Models...)
			p.samplers = make([]sample.Sampler, R)
			for r := range R {
				p.samplers[r] = newSampler(p.models[r])
			}
		}
		return
	}
	if p.m != m {
		p.m = m
		p.models = make([]model.Model, R)
		p.samplers = make([]sample.Sampler, R)
		p.fields = make([]*mat.Dense, R)
		p.models[0] = m
		for r := 1; r < R; r++ {
			t := &model.Transform{Beta: p.betas[r] * t0.InvTemp()}
			if t0 != nil {
				t.Clamp = t0.Clamp
				if t0.Field != nil {
					p.fields[r] = mat.DenseCopyOf(t0.Field)
					t.Field = p.fields[r]
				}
			}
			tm, err := model.NewTransformed(base, t)
			if err != nil {
				panic(fmt.Sprintf("tempering: cannot temper %T: %v", base, err))
			}
			p.models[r] = tm
		}
		for r := range R {
			p.samplers[r] = newSampler(p.models[r])
		}
	}
	p.setLadder()
}

// setLadder sets each level's β, field and scaled copy (refreshing it for
// parameters that changed, as in training) for the current ladder.
func (p *Sampler) setLadder() {
	if p.set.Models != nil {
		return
	}
	var t0 *model.Transform
	if tm, ok := p.m.(model.Transformed); ok {
		t0 = tm.Transform()
	}
	for r := 1; r < len(p.betas); r++ {
		if f := p.fields[r]; f != nil {
			f.Scale(p.betas[r], t0.Field)
		}
		p.models[r].(model.Transformed).SetBeta(p.betas[r] * t0.InvTemp())
	}
}

// swap proposes the swaps of this transition's pairs for every chain and
// returns the sum over chains of each pair's acceptance probability
// (length R-1, zero for pairs not tried).
func (p *Sampler) swap(c *sample.Chains) []float64 {
	R, n := len(p.betas), c.Len()
	first := p.steps % 2
	// self[r] = F_r(x_r), cross[r] = F_r(x_partner(r)).
	self, cross := make([][]float64, R), make([][]float64, R)
	for i := first; i+1 < R; i += 2 {
		for _, r := range [2]int{i, i + 1} {
			self[r], cross[r] = make([]float64, n), make([]float64, n)
			p.models[r].FreeEnergy(p.Level(r, c).Visible(), self[r])
		}
		p.models[i].FreeEnergy(p.Level(i+1, c).Visible(), cross[i])
		p.models[i+1].FreeEnergy(p.Level(i, c).Visible(), cross[i+1])
		if p.set.OnSwap != nil {
			fwd, rev := make([]float64, n), make([]float64, n)
			for k := range n {
				fwd[k] = cross[i+1][k] - self[i][k]
				rev[k] = cross[i][k] - self[i+1][k]
			}
			p.set.OnSwap(i, fwd, rev)
		}
	}
	nb := c.NumBlocks()
	accB := make([][]float64, nb)
	tripsB := make([]int, nb)
	c.ForBlocks(func(lo, hi int, rng *rand.Rand) {
		b := lo / sample.BlockSize
		acc := make([]float64, R-1)
		for k := lo; k < hi; k++ {
			for i := first; i+1 < R; i += 2 {
				j := i + 1
				la := self[i][k] + self[j][k] - cross[i][k] - cross[j][k]
				a := 1.0
				if la < 0 {
					a = math.Exp(la)
				}
				if la != la { // NaN free energies: never swap
					a = 0
				}
				acc[i] += a
				if rng.Float64() < a {
					p.exchange(c, i, j, k)
				}
			}
			tripsB[b] += p.track(k, n)
		}
		accB[b] = acc
	})
	// In block order (over the processes, if shared): the sums depend
	// neither on the cores nor on the processes.
	acc, trips := p.sumBlocks(accB, tripsB)
	p.diag.RoundTrips += trips
	return acc
}

// exchange swaps the states of levels i and j of chain k.
func (p *Sampler) exchange(c *sample.Chains, i, j, k int) {
	a, b := p.Level(i, c), p.Level(j, c)
	swapRows(a.Visible().RawRowView(k), b.Visible().RawRowView(k))
	if a.Hidden() != nil && b.Hidden() != nil {
		swapRows(a.Hidden().RawRowView(k), b.Hidden().RawRowView(k))
	}
	n := c.Len()
	p.walker[i*n+k], p.walker[j*n+k] = p.walker[j*n+k], p.walker[i*n+k]
}

func swapRows(a, b []float64) {
	for i := range a {
		a[i], b[i] = b[i], a[i]
	}
}

// track updates the round-trip states of the walkers at the two ends of
// chain k's ladder and returns the number of round trips completed.
func (p *Sampler) track(k, n int) int {
	R := len(p.betas)
	top := &p.trip[int(p.walker[k])*n+k]
	done := 0
	if *top == tripAtBottom {
		done = 1
	}
	*top = tripAtTop
	bot := &p.trip[int(p.walker[(R-1)*n+k])*n+k]
	switch *bot {
	case tripAtTop:
		*bot = tripAtBottom
	case tripNone:
		*bot = tripBottomOnly
	}
	return done
}

// count adds a transition's acceptances to the diagnostics.
func (p *Sampler) count(acc []float64) {
	first := p.steps % 2
	n := p.chains()
	for i := first; i < len(acc); i += 2 {
		p.diag.Attempts[i] += n
		p.diag.Acceptance[i] += acc[i]
	}
	p.diag.Steps++
}

// adapt takes the Robbins-Monro step of the ladder after a transition
// whose summed acceptances are acc.
func (p *Sampler) adapt(acc []float64) {
	if !p.adapting() {
		return
	}
	a := p.set.Adapt
	gain := 0.5 * math.Pow(1+float64(p.adapted)/100, -0.6)
	n := float64(p.chains())
	for i := p.steps % 2; i < len(acc); i += 2 {
		s := p.logGap[i] + gain*(acc[i]/n-p.set.SwapAcceptance)
		p.logGap[i] = min(max(s, math.Log(1e-6)), math.Log(5))
	}
	for i, s := range p.logGap {
		p.betas[i+1] = p.betas[i] * math.Exp(-math.Exp(s))
	}
	p.adapted++
	if a > 0 && p.adapted == a {
		p.diag = newDiagnostics(len(p.betas))
	}
}

// adapting reports whether the ladder still adapts.
func (p *Sampler) adapting() bool {
	a := p.set.Adapt
	return a == 0 || (a > 0 && p.adapted < a)
}

// ErrState is returned (wrapped) by UnmarshalBinary for data that are not
// the state of a Sampler with these settings.
var ErrState = errors.New("tempering: invalid sampler state")
