package tasks

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"boltzmann/model"
	"boltzmann/model/rbm"
	"boltzmann/sample"
)

// SampleSettings configure Sample. The zero value of each field selects the
// documented default; BurnIn has none (zero means no burn-in).
//
// Each of the Chains chains starts from a uniformly random state (or from
// Init), runs BurnIn transitions whose samples are discarded, and then
// records PerChain samples Thin transitions apart: chain c's k-th sample is
// taken after BurnIn + k·Thin + 1 transitions (k = 0, …, PerChain-1). With
// AnnealFrom = T > 1 the burn-in runs at inverse temperatures rising
// linearly from 1/T to 1 (the model transformed by model.Tempering, sampled
// with the model's own kernels), which lets chains cross energy
// barriers before they settle at β = 1; the recorded samples are always
// drawn at β = 1.
type SampleSettings struct {
	Chains   int // number of independent chains; default 10
	PerChain int // samples recorded per chain; default 1
	BurnIn   int // transitions discarded before the first sample
	Thin     int // transitions between recorded samples; default 1

	// AnnealFrom is the starting temperature T of annealed burn-in; values
	// <= 1 mean no annealing.
	AnnealFrom float64

	Seed uint64
	// Sampler advances the chains, at β = 1 and during annealed burn-in;
	// default sample.DefaultSampler of the model and of the tempered model.
	Sampler sample.Sampler
	// Init, if not nil, holds starting states (cycled if it has fewer rows
	// than Chains).
	Init *mat.Dense
	// Clamp, if not nil, holds rows × Dim clamped values (NaN: free; row
	// c mod rows for chain c, as model.Transform.Clamp): the chains sample
	// p(x_free | x_clamped), at every temperature of annealed burn-in. For
	// a labeled RBM, clamping its label block to e_K draws data of class K.
	// The recorded FreeEnergy is the model's own.
	Clamp *mat.Dense
	// OnStep is called after each transition with the number done and the
	// total (for progress bars).
	OnStep func(done, total int)
}

// Samples are the draws of Sample and their mixing diagnostics.
type Samples struct {
	// X holds the samples (PerChain·Chains × Dim), in draw order: row
	// k·Chains + c is the k-th sample of chain c.
	X *mat.Dense
	// FreeEnergy[c] is F(x) of chain c after every transition from its
	// first recorded sample to its last ((PerChain-1)·Thin + 1 values), in
	// nats.
	FreeEnergy [][]float64
	// Tau is the integrated autocorrelation time of the free energy in
	// transitions (sample.IntegratedAutocorrTimeChains over the chains),
	// NaN when the series are too short (PerChain·Thin < 2) or constant.
	Tau float64
	// ESS is the effective sample size of X for estimating the mean free
	// energy: Chains · len(FreeEnergy[c]) / Tau, at most the number of
	// samples; NaN where Tau is.
	ESS float64
}

// Sample draws fantasy data from m with burn-in, thinning and optional
// annealing (see SampleSettings) and estimates how well the chains mix.
func Sample(m model.Model, s *SampleSettings) (*Samples, error) {
	var set SampleSettings
	if s != nil {
		set = *s
	}
	if set.Chains <= 0 {
		set.Chains = 10
	}
	if set.PerChain <= 0 {
		set.PerChain = 1
	}
	if set.BurnIn < 0 {
		return nil, fmt.Errorf("tasks: negative burn-in %d", set.BurnIn)
	}
	if set.Thin <= 0 {
		set.Thin = 1
	}
	coldModel := m
	if set.Clamp != nil {
		tm, err := model.NewTransformed(m, &model.Transform{Beta: 1, Clamp: set.Clamp})
		if err != nil {
			return nil, fmt.Errorf("tasks: Sample: %w", err)
		}
		coldModel = tm
	}
	cold, hotSampler := set.Sampler, set.Sampler
	if cold == nil {
		cold = defaultSampler(coldModel)
	}
	var hot model.Transformed
	if set.AnnealFrom > 1 {
		if set.BurnIn < 1 {
			return nil, fmt.Errorf("tasks: annealing from T = %g needs a burn-in of at least 1 transition", set.AnnealFrom)
		}
		var err error
		if hot, err = model.NewTransformed(m, &model.Transform{Beta: 1 / set.AnnealFrom, Clamp: set.Clamp}); err != nil {
			return nil, fmt.Errorf("tasks: annealed burn-in: %w", err)
		}
		if hotSampler == nil {
			hotSampler = defaultSampler(hot)
		}
	}

	nc, dim := set.Chains, m.Dim()
	c := sample.NewChains(nc, dim, set.Seed)
	switch {
	case set.Init != nil:
		c.SetVisible(set.Init)
	default:
		if d, ok := m.(model.Discrete); ok {
			c.Randomize(d.States())
		}
	}
	span := (set.PerChain-1)*set.Thin + 1
	total := set.BurnIn + span
	done := 0
	step := func(s sample.Sampler, mm model.Model) {
		s.Step(mm, c, 1)
		done++
		if set.OnStep != nil {
			set.OnStep(done, total)
		}
	}
	for t := range set.BurnIn {
		if hot != nil {
			// β rises linearly from 1/T at the first transition to 1 at
			// the last one of burn-in.
			b0 := 1 / set.AnnealFrom
			beta := 1.0
			if set.BurnIn > 1 {
				beta = b0 + (1-b0)*float64(t)/float64(set.BurnIn-1)
			}
			hot.SetBeta(beta)
			step(hotSampler, hot)
		} else {
			step(cold, coldModel)
		}
	}

	out := &Samples{X: mat.NewDense(set.PerChain*nc, dim, nil), FreeEnergy: make([][]float64, nc)}
	for k := range nc {
		out.FreeEnergy[k] = make([]float64, 0, span)
	}
	f := make([]float64, nc)
	for t := range span {
		step(cold, coldModel)
		m.FreeEnergy(c.Visible(), f)
		for k, v := range f {
			out.FreeEnergy[k] = append(out.FreeEnergy[k], v)
		}
		if t%set.Thin == 0 {
			r := t / set.Thin
			out.X.Slice(r*nc, (r+1)*nc, 0, dim).(*mat.Dense).Copy(c.Visible())
		}
	}
	out.Tau = sample.IntegratedAutocorrTimeChains(out.FreeEnergy)
	out.ESS = math.NaN()
	if !math.IsNaN(out.Tau) {
		out.ESS = min(float64(nc*span)/out.Tau, float64(set.PerChain*nc))
	}
	return out, nil
}

// defaultSampler is sample.DefaultSampler, except that a labeled RBM seen
// through a transform is sampled with rbm.LabeledGibbs, which runs
// transforms itself (the label block one categorical variable).
func defaultSampler(m model.Model) sample.Sampler {
	if tm, ok := m.(model.Transformed); ok {
		if _, ok := tm.Base().(*rbm.Labeled); ok {
			return rbm.LabeledGibbs{}
		}
	}
	return sample.DefaultSampler(m)
}
