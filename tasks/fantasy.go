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
	// Procs, if set, shares the chains among the processes of a job: each
	// advances its blocks of sample.BlockSize chains (with the random
	// streams they have in one process), and process 0 gathers the
	// samples and free energies: its Samples are the one-process ones bit
	// for bit, and the other processes get nil. Every process must call
	// Sample with the same arguments.
	Procs sample.Procs
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
	all := c
	c, err := sample.Share(c, set.Procs, "chains")
	if err != nil {
		return nil, fmt.Errorf("tasks: Sample: %w", err)
	}
	if err := sample.ShareSampler(set.Sampler, set.Procs, all.Len()); err != nil {
		return nil, fmt.Errorf("tasks: Sample: %w", err)
	}
	first := 0 // global index of this process's first chain
	if c != all {
		lo, _ := sample.ShareBlocks(all.NumBlocks(), set.Procs.Rank(), set.Procs.Size())
		first = lo * sample.BlockSize
	}
	nc = c.Len()
	set.Clamp = rotateRows(set.Clamp, first)
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
	if c != all {
		if out, err = gatherSamples(set.Procs, out, all.Len(), set.PerChain, span, dim); out == nil || err != nil {
			return nil, err
		}
		nc = all.Len()
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

// rotateRows returns the rows of clamp rotated so that row r of the result
// is row (r+first) mod rows of clamp: the clamp of chains first, first+1,
// … (nil stays nil).
func rotateRows(clamp *mat.Dense, first int) *mat.Dense {
	if clamp == nil || first == 0 {
		return clamp
	}
	rows, d := clamp.Dims()
	out := mat.NewDense(rows, d, nil)
	for r := range rows {
		copy(out.RawRowView(r), clamp.RawRowView((r+first)%rows))
	}
	return out
}

// gatherSamples gathers every process's samples and free energies (of its
// blocks of the job's total chains) on process 0, in the one-process
// order, and returns nil on the others.
func gatherSamples(p sample.Procs, mine *Samples, total, perChain, span, dim int) (*Samples, error) {
	fe := make([]float64, 0, len(mine.FreeEnergy)*span)
	for _, f := range mine.FreeEnergy {
		fe = append(fe, f...)
	}
	fe, err := sample.GatherFloats(p, fe)
	if err != nil {
		return nil, fmt.Errorf("tasks: gathering the free energies: %w", err)
	}
	x, err := sample.GatherFloats(p, mine.X.RawMatrix().Data)
	if err != nil || x == nil {
		return nil, err
	}
	n, nb := p.Size(), (total+sample.BlockSize-1)/sample.BlockSize
	chains := make([]int, n) // chains of each process
	for k := range n {
		lo, hi := sample.ShareBlocks(nb, k, n)
		chains[k] = min(hi*sample.BlockSize, total) - lo*sample.BlockSize
	}
	if len(fe) != total*span || len(x) != total*perChain*dim {
		return nil, fmt.Errorf("tasks: gathered %d free energies and %d values for %d chains", len(fe), len(x), total)
	}
	out := &Samples{X: mat.NewDense(perChain*total, dim, nil), FreeEnergy: make([][]float64, total)}
	for c := range total {
		out.FreeEnergy[c] = fe[c*span : (c+1)*span]
	}
	// Process k's rows are its perChain × chains[k] draws, draw by draw;
	// draw r of the job is every process's draw r in rank order.
	at, first := 0, 0
	for k := range n {
		for r := range perChain {
			for j := range chains[k] {
				copy(out.X.RawRowView(r*total+first+j), x[at:at+dim])
				at += dim
			}
		}
		first += chains[k]
	}
	return out, nil
}
