package train

import (
	"math"

	"gonum.org/v1/gonum/mat"

	"boltzmann/sample"
	"boltzmann/sample/tempering"
)

// An UpdateObserver is a Monitor that is also shown the trainer at every
// update, before its negative phase, whatever Events returns: to follow
// the chains through an epoch without keeping update records.
type UpdateObserver interface {
	Monitor
	ObserveUpdate(t *Trainer)
}

// MixingChains is the number of chains whose free energy Mixing follows:
// the first ones, so that following them costs a small part of an update.
const MixingChains = 16

// Mixing is a Monitor that measures what Base measures (nil: Likelihoods)
// and, in each epoch record, the mixing of the persistent chains:
// Record.AutocorrTime, the integrated autocorrelation time of the first
// MixingChains chains' free energy over the epoch's updates (PCD with more
// than 2 updates per epoch), and, when the sampler is parallel tempering
// (*tempering.Sampler, or any sampler with its Diagnostics, such as
// tempering.Online), the epoch's swap acceptance and round trips. Use
// one Mixing per Trainer (it keeps the epoch's free energies).
type Mixing struct {
	Base Monitor

	series  [][]float64 // series[k][u]: free energy of chain k before update u of the epoch
	sweeps0 int         // Trainer.Sweeps at the epoch's first update
	diag0   tempering.Diagnostics
	f       []float64
}

// swapDiagnoser is a tempering sampler's swap and round-trip counts.
type swapDiagnoser interface {
	Diagnostics() tempering.Diagnostics
}

func (m *Mixing) base() Monitor {
	if m.Base == nil {
		return Likelihoods{}
	}
	return m.Base
}

// Events returns those of Base and EpochEvent.
func (m *Mixing) Events() Event { return m.base().Events() | EpochEvent }

// ObserveUpdate records the free energy of the followed chains.
func (m *Mixing) ObserveUpdate(t *Trainer) {
	first := len(m.series) == 0 || len(m.series[0]) == 0
	if first {
		m.sweeps0 = t.Sweeps()
		if pt, ok := t.settings.Sampler.(swapDiagnoser); ok {
			m.diag0 = pt.Diagnostics()
		}
	}
	if t.settings.Method != PCD || t.chains == nil || !t.generative() {
		return
	}
	n := min(t.chains.Len(), MixingChains)
	if n == 0 {
		return
	}
	if len(m.series) != n {
		m.series = make([][]float64, n)
	}
	if len(m.f) != n {
		m.f = make([]float64, n)
	}
	x := t.chains.VisibleView().Slice(0, n, 0, t.chains.Dim()).(*mat.Dense)
	t.model.FreeEnergy(x, m.f)
	for k, v := range m.f {
		m.series[k] = append(m.series[k], v)
	}
}

// Measure fills what Base measures and, in an epoch record, the mixing
// fields; it then starts the next epoch's series.
func (m *Mixing) Measure(t *Trainer, r *Record) {
	b := m.base()
	if b.Events()&r.Event != 0 {
		b.Measure(t, r)
	}
	if r.Event != EpochEvent {
		return
	}
	if len(m.series) > 0 && len(m.series[0]) > 2 {
		u := len(m.series[0])
		perUpdate := float64(t.Sweeps()-m.sweeps0) / float64(u)
		r.AutocorrTime = sample.IntegratedAutocorrTimeChains(m.series) * perUpdate
	}
	if pt, ok := t.settings.Sampler.(swapDiagnoser); ok {
		d := pt.Diagnostics()
		if d.Steps < m.diag0.Steps || len(d.Attempts) != len(m.diag0.Attempts) {
			m.diag0 = tempering.Diagnostics{} // the counts restarted (the ladder stopped adapting)
		}
		mean, lo, pairs := 0.0, math.Inf(1), 0
		for p, n := range d.Attempts {
			if p < len(m.diag0.Attempts) {
				n -= m.diag0.Attempts[p]
			}
			if n <= 0 {
				continue
			}
			acc := d.Acceptance[p]
			if p < len(m.diag0.Acceptance) {
				acc -= m.diag0.Acceptance[p]
			}
			a := acc / float64(n)
			mean += a
			lo = math.Min(lo, a)
			pairs++
		}
		if pairs > 0 {
			r.SwapAcceptance, r.SwapAcceptanceMin = mean/float64(pairs), lo
		}
		r.RoundTrips = float64(d.RoundTrips - m.diag0.RoundTrips)
	}
	for k := range m.series {
		m.series[k] = m.series[k][:0]
	}
}
