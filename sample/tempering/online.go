package tempering

// Trajectory tempering during training: the ladder is made of models saved
// earlier along the same run, refreshed as the model trains.

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"

	"boltzmann/model"
	"boltzmann/sample"
)

// OnlineSettings configure an Online sampler. Zero values select the
// defaults.
type OnlineSettings struct {
	// Levels is the most levels R ≥ 3 of the ladder: the model being
	// trained and at most R-1 saved models; default 8.
	Levels int
	// SwapAcceptance is the acceptance A below which a new snapshot is
	// saved (the rule in the Online doc); default 0.3.
	SwapAcceptance float64
	// Base returns a new sampler for a level's model; nil:
	// sample.DefaultSampler.
	Base func(m model.Model) sample.Sampler
}

// Online is trajectory tempering for the negative phase of training
// (Béreux, Decelle, Furtlehner & Seoane): a sample.Sampler whose level 0
// is the model given to Step (the model being trained, changing between
// calls) and whose levels 1 … L are copies of that model saved earlier in
// the run, the newest at level 1 and the first one, saved at the first
// Step (the initial model, which mixes fast), at level L. Each transition
// is the one of a Sampler with Settings.Models (a base-sampler step of
// every level, then the even or odd swaps with each level's own free
// energy), so the caller's chains, level 0, sample the current model.
//
// The ladder follows the training by this rule, applied at the start of
// every Step call (one call per update in training):
//
//   - a[p] is a running mean of the swap acceptance of pair (p, p+1): after
//     each Step it moves a tenth of the way to the mean acceptance of swaps
//     proposed between level p's chain k and level p+1's chain k+1
//     (PairAcceptance; paired across chains, because chains that started
//     from the same states stay alike and would overstate the overlap);
//   - when a[0], between the current model and the newest snapshot, is
//     below A, a copy of the current model is saved as the new level 1
//     (its chains start as copies of the caller's chains, its a[0] is 1
//     and the old a[0] becomes the acceptance of the pair it forms with the
//     old newest snapshot);
//   - when that makes more than R-1 snapshots, one is dropped: among
//     levels 2 … L-1 (neither the new snapshot nor the earliest), level i
//     with the largest a[i-1]·a[i], the proxy of the acceptance of the
//     pair that removing it creates (which takes that value as its
//     running mean), if that proxy is at least A; otherwise the earliest
//     level, so that the ladder slides along the run instead of leaving a
//     pair that hardly ever swaps.
//
// Neighbours therefore keep swapping at about A or more as the model moves
// away from its past. The diagnostics (Diagnostics) restart at every change
// of the ladder; Snapshots counts the changes. MarshalBinary saves the
// snapshots, the running means and the inner sampler's state, so that a
// resumed run continues bit for bit.
type Online struct {
	set   OnlineSettings
	inner *Sampler      // over the snapshots, newest first; nil before the first Step
	saved []model.Model // the snapshots, newest first (inner's Settings.Models)
	at    []int         // the Step call at which each snapshot was saved
	ema   []float64     // running swap acceptance of each pair
	calls int           // Step calls done
	shots int           // snapshots taken, the first included
	trips int           // round trips of the ladders before the last change
}

// NewOnline returns an Online sampler, or an error naming a setting out
// of range.
func NewOnline(s OnlineSettings) (*Online, error) {
	if s.Levels == 0 {
		s.Levels = DefaultReplicas
	}
	if s.SwapAcceptance == 0 {
		s.SwapAcceptance = DefaultSwapAcceptance
	}
	switch {
	case s.Levels < 3 || s.Levels > 127:
		return nil, fmt.Errorf("tempering: a training trajectory of %d levels; use 3 to 127", s.Levels)
	case !(s.SwapAcceptance > 0 && s.SwapAcceptance < 1):
		return nil, fmt.Errorf("tempering: swap acceptance %v; use a value in (0, 1)", s.SwapAcceptance)
	}
	return &Online{set: s}, nil
}

var _ sample.Sampler = (*Online)(nil)

// ShareChains refuses to share the chains among processes: the snapshot
// decisions measure this process's chains only.
func (o *Online) ShareChains(p sample.Procs, total int) error {
	if p == nil || p.Size() == 1 {
		return nil
	}
	return fmt.Errorf("tempering: trajectory tempering during training does not share its chains among %d processes: train it in one process", p.Size())
}

// Settings returns the settings in force, defaults filled in.
func (o *Online) Settings() OnlineSettings { return o.set }

// Levels returns the number of levels now (the current model and the
// snapshots); 0 before the first Step.
func (o *Online) Levels() int {
	if o.inner == nil {
		return 0
	}
	return len(o.saved) + 1
}

// SavedAt returns the Step call (update) at which each snapshot of the
// ladder was saved, newest first (the first model: 0).
func (o *Online) SavedAt() []int { return slices.Clone(o.at) }

// Acceptance returns the running swap acceptance of each pair.
func (o *Online) Acceptance() []float64 { return slices.Clone(o.ema) }

// Snapshots returns the number of snapshots saved so far, the first
// included.
func (o *Online) Snapshots() int { return o.shots }

// Diagnostics returns the inner sampler's counts since the last change of
// the ladder.
func (o *Online) Diagnostics() Diagnostics {
	if o.inner == nil {
		return newDiagnostics(2)
	}
	return o.inner.Diagnostics()
}

// RoundTrips returns the round trips of the walkers since the start,
// over all the ladders.
func (o *Online) RoundTrips() int {
	if o.inner == nil {
		return o.trips
	}
	return o.trips + o.inner.diag.RoundTrips
}

// Step advances the chains c of the model m (the model being trained) by
// n transitions, after applying the ladder rule.
func (o *Online) Step(m model.Model, c *sample.Chains, n int) {
	if n <= 0 {
		return
	}
	if o.inner == nil {
		o.saved, o.at, o.ema = []model.Model{snapshot(m)}, []int{o.calls}, []float64{1}
		o.shots = 1
		inner, err := newFixed(Settings{Models: o.saved, Base: o.set.Base})
		if err != nil {
			panic(err) // two levels of one model: cannot fail
		}
		o.inner = inner
	} else if o.ema[0] < o.set.SwapAcceptance {
		o.refresh(m, c)
	}
	o.inner.Step(m, c, n)
	o.measure(m, c)
	o.calls++
}

// measure moves the running acceptance of every pair a tenth of the way
// to its estimate from the chains of the two levels paired across
// chains (PairAcceptance of level p's chain k with level p+1's chain
// k+1 mod n): chains of neighbouring levels that started from the same
// states stay alike for a while, and their own swaps would overstate how
// much the two models overlap.
func (o *Online) measure(m model.Model, c *sample.Chains) {
	n := c.Len()
	if n < 2 {
		return
	}
	models := append([]model.Model{m}, o.saved...)
	shifted := mat.NewDense(n, c.Dim(), nil)
	for p := range o.ema {
		next := o.inner.Level(p+1, c).VisibleView()
		for k := range n {
			copy(shifted.RawRowView(k), next.RawRowView((k+1)%n))
		}
		a := PairAcceptance(models[p], models[p+1], o.inner.Level(p, c).VisibleView(), shifted)
		o.ema[p] += 0.1 * (a - o.ema[p])
	}
}

// refresh saves a copy of m as the new level 1 and, beyond Levels-1
// snapshots, drops one (the rule of the Online doc).
func (o *Online) refresh(m model.Model, c *sample.Chains) {
	p := o.inner
	o.trips += p.diag.RoundTrips
	o.saved = slices.Insert(o.saved, 0, snapshot(m))
	o.at = slices.Insert(o.at, 0, o.calls)
	o.ema = slices.Insert(o.ema, 0, 1)
	o.shots++
	h := sample.NewChains(c.Len(), c.Dim(), c.Rand(0).Uint64())
	h.Visible().Copy(c.VisibleView())
	if ch := c.HiddenView(); ch != nil {
		h.SetHidden(mat.DenseCopyOf(ch))
	}
	p.hot = slices.Insert(p.hot, 0, h)
	if len(o.saved) > o.set.Levels-1 {
		best, score := -1, math.Inf(-1)
		for i := 2; i < len(o.saved); i++ { // level i; pairs i-1 and i
			if s := o.ema[i-1] * o.ema[i]; s > score {
				best, score = i, s
			}
		}
		if score < o.set.SwapAcceptance {
			best = len(o.saved) // the earliest level: the ladder slides
		}
		o.saved = slices.Delete(o.saved, best-1, best)
		o.at = slices.Delete(o.at, best-1, best)
		p.hot = slices.Delete(p.hot, best-1, best)
		o.ema = slices.Delete(o.ema, best-1, best)
		if best-1 < len(o.ema) {
			o.ema[best-1] = score
		}
	}
	o.relevel()
}

// relevel makes the inner sampler's ladder the snapshots, restarting its
// diagnostics and walkers.
func (o *Online) relevel() {
	p := o.inner
	R := len(o.saved) + 1
	p.set.Models, p.set.Replicas = o.saved, R
	p.betas, p.logGap = make([]float64, R), make([]float64, R-1)
	for r := range p.betas {
		p.betas[r] = 1
	}
	p.diag = newDiagnostics(R)
	p.m = nil
	n := p.hot[0].Len()
	p.walker, p.trip = make([]int8, R*n), make([]int8, R*n)
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

// snapshot returns a copy of m with its parameters (and an rbm's
// precision).
func snapshot(m model.Model) model.Model {
	s, ok := m.(model.Specifier)
	if !ok {
		panic(fmt.Sprintf("tempering: cannot save a snapshot of %T: it does not describe itself with a Spec", m))
	}
	c, err := model.New(s.Spec())
	if err != nil {
		panic(fmt.Sprintf("tempering: cannot save a snapshot of %T: %v", m, err))
	}
	copy(c.Params(), m.Params())
	setPrecision(c, m)
	return c
}

// precisioned is an rbm's choice of float32 kernels.
type precisioned interface {
	Float32() bool
	SetFloat32(bool)
}

func setPrecision(dst, src model.Model) {
	if a, ok := src.(precisioned); ok {
		if b, ok := dst.(precisioned); ok {
			b.SetFloat32(a.Float32())
		}
	}
}

// onlineState is the serialized form of an Online sampler.
type onlineState struct {
	Version int
	Spec    model.Spec
	Float32 bool
	Saved   [][]float64
	At      []int
	EMA     []float64
	Calls   int
	Shots   int
	Trips   int
	Inner   []byte
}

const onlineVersion = 1

// MarshalBinary encodes the snapshots, the running acceptances, the
// counters and the inner sampler's replicas and diagnostics.
func (o *Online) MarshalBinary() ([]byte, error) {
	s := onlineState{Version: onlineVersion, At: o.at, EMA: o.ema, Calls: o.calls, Shots: o.shots, Trips: o.trips}
	if o.inner != nil {
		s.Spec = o.saved[0].(model.Specifier).Spec()
		if p, ok := o.saved[0].(precisioned); ok {
			s.Float32 = p.Float32()
		}
		for _, m := range o.saved {
			s.Saved = append(s.Saved, m.Params())
		}
		b, err := o.inner.MarshalBinary()
		if err != nil {
			return nil, err
		}
		s.Inner = b
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(s); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// UnmarshalBinary restores a state encoded by MarshalBinary.
func (o *Online) UnmarshalBinary(data []byte) error {
	var s onlineState
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&s); err != nil {
		return fmt.Errorf("%w: %v", ErrState, err)
	}
	switch {
	case s.Version != onlineVersion:
		return fmt.Errorf("%w: version %d, this program reads version %d", ErrState, s.Version, onlineVersion)
	case len(s.Saved) > o.set.Levels-1:
		return fmt.Errorf("%w: %d snapshots saved, at most %d levels", ErrState, len(s.Saved), o.set.Levels)
	case len(s.At) != len(s.Saved) || (s.Saved != nil && len(s.EMA) != len(s.Saved)):
		return fmt.Errorf("%w: %d snapshots with %d dates and %d acceptances", ErrState, len(s.Saved), len(s.At), len(s.EMA))
	}
	if s.Saved == nil {
		*o = Online{set: o.set, calls: s.Calls, shots: s.Shots, trips: s.Trips}
		return nil
	}
	saved := make([]model.Model, len(s.Saved))
	for i, p := range s.Saved {
		m, err := model.New(s.Spec)
		if err != nil {
			return fmt.Errorf("%w: %v", ErrState, err)
		}
		if len(p) != len(m.Params()) {
			return fmt.Errorf("%w: snapshot %d has %d parameters, the model %d", ErrState, i, len(p), len(m.Params()))
		}
		copy(m.Params(), p)
		if q, ok := m.(precisioned); ok {
			q.SetFloat32(s.Float32)
		}
		saved[i] = m
	}
	inner, err := newFixed(Settings{Models: saved, Base: o.set.Base})
	if err != nil {
		return fmt.Errorf("%w: %v", ErrState, err)
	}
	if err := inner.UnmarshalBinary(s.Inner); err != nil {
		return err
	}
	o.inner, o.saved, o.at, o.ema = inner, saved, s.At, s.EMA
	o.calls, o.shots, o.trips = s.Calls, s.Shots, s.Trips
	return nil
}
