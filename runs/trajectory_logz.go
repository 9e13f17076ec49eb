package runs

// log Z of a run's final model along its training trajectory.

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"

	"boltzmann/ais"
	"boltzmann/exact"
	"boltzmann/model"
	"boltzmann/sample"
	"boltzmann/sample/tempering"
)

// Pilot runs of the trajectory ladder (NewTrajectoryLadder), shared by
// 'sample --sampler trajectory' and EstimateTrajectoryLogZ.
const (
	TrajectoryPilotChains = 200
	TrajectoryPilotSteps  = 100
)

// TrajectoryWithFinal returns the snapshots of the run in dir (earliest
// first) with final, the run's model.npz, as the last one: it replaces
// the last snapshot when their parameters are equal (the last epoch was
// saved) and is appended otherwise, one epoch after the last snapshot.
func TrajectoryWithFinal(dir string, final model.Model) ([]model.Model, []int, error) {
	snap, epochs, err := LoadTrajectory(dir)
	if err != nil {
		return nil, nil, err
	}
	if last := snap[len(snap)-1]; !slices.Equal(last.Params(), final.Params()) {
		return append(snap, final), append(epochs, epochs[len(epochs)-1]+1), nil
	}
	snap[len(snap)-1] = final
	return snap, epochs, nil
}

// TrajectoryLogZSettings configure EstimateTrajectoryLogZ. Zero values
// select the defaults.
type TrajectoryLogZSettings struct {
	// SwapAcceptance is the least pilot swap acceptance of neighbouring
	// levels (tempering.ChooseLadder); default 0.3.
	SwapAcceptance float64
	// Chains is the number of independent tempering chains (default
	// 200), BurnIn the transitions before the swaps are recorded
	// (default 200), Steps the transitions recorded (default 1000).
	Chains, BurnIn, Steps int
	// Seed fixes the pilot runs and the chains (AIS has its own seed).
	Seed uint64
	// Groups is the number of jackknife groups of chains (0: 20).
	Groups int
	// Prepare, if set, is applied to every level before it is used (the
	// command line chooses an rbm's float32 kernels with it).
	Prepare func(model.Model)
	// AIS configures forward AIS of the first level when its log Z is
	// neither analytic nor enumerable; Data are the rows of its base-rate
	// model. Without Data such a first level is an error.
	AIS  ais.EvaluateSettings
	Data *mat.Dense
}

// TrajectoryLogZ is log Z of a run's final model along its trajectory:
// log Z_0 = log Z_{R-1} + Σ_p (log Z_p - log Z_{p+1}) over the levels
// from the final model (0) to the first, each ratio by Bennett's
// acceptance ratio from the swaps of trajectory tempering
// (tempering.Bridge).
type TrajectoryLogZ struct {
	// Epochs[r] is the epoch of level r (-1: the zero-weight start of an
	// rbm); Pilot and Swap the pilot and the measured mean swap
	// acceptance of each pair; RoundTrips the walkers' round trips.
	Epochs     []int
	Pilot      []float64
	Swap       []float64
	RoundTrips int
	// LogRatios[p] = log Z_p - log Z_{p+1}, with jackknife errors.
	LogRatios, LogRatiosStdErr []float64
	// FirstLogZ is log Z of the first level, FirstMethod how it was
	// computed: "analytic" (the zero-weight rbm: Σ softplus of the
	// biases), "exact" (enumeration) or "ais" (forward AIS, with
	// FirstLogZStdErr; 0 otherwise).
	FirstLogZ, FirstLogZStdErr float64
	FirstMethod                string
	// LogZ is log Z of the final model and LogZStdErr its standard
	// error: the jackknife error of the ratios' sum over groups of
	// chains combined with FirstLogZStdErr (independent runs).
	LogZ, LogZStdErr float64
	// Chains, BurnIn and Steps are the settings in force.
	Chains, BurnIn, Steps int
}

// EstimateTrajectoryLogZ estimates log Z of final (the model of the run
// in dir) along the run's saved trajectory (train --save-trajectory): the
// levels are chosen by NewTrajectoryLadder, Chains tempering chains start
// at uniformly random states and run BurnIn transitions, then Steps more
// whose swap proposals feed the Bennett estimates.
func EstimateTrajectoryLogZ(dir string, final model.Model, s TrajectoryLogZSettings) (*TrajectoryLogZ, error) {
	if s.SwapAcceptance == 0 {
		s.SwapAcceptance = tempering.DefaultSwapAcceptance
	}
	s.Chains = cmp0(s.Chains, 200)
	s.BurnIn = cmp0(s.BurnIn, 200)
	s.Steps = cmp0(s.Steps, 1000)
	snap, epochs, err := TrajectoryWithFinal(dir, final)
	if err != nil {
		return nil, err
	}
	if s.Prepare != nil {
		for _, m := range snap {
			s.Prepare(m)
		}
	}
	l, err := NewTrajectoryLadder(snap, epochs, s.SwapAcceptance, TrajectoryPilotChains, TrajectoryPilotSteps, s.Seed^0x5bd1e995)
	if err != nil {
		return nil, err
	}
	first := l.Models[len(l.Models)-1]
	if s.Prepare != nil {
		s.Prepare(first) // the zero-weight start is made by the ladder
	}
	bridge := tempering.NewBridge(len(l.Models), s.Chains, s.Groups)
	recording := false
	ts, err := tempering.New(tempering.Settings{Models: l.Models[1:], OnSwap: func(p int, fwd, rev []float64) {
		if recording {
			bridge.Add(p, fwd, rev)
		}
	}})
	if err != nil {
		return nil, err
	}
	c := sample.NewChains(s.Chains, final.Dim(), s.Seed)
	c.Randomize(final.(model.Discrete).States()) // NewTrajectoryLadder refuses other models
	ts.Step(final, c, s.BurnIn)
	recording = true
	ts.Step(final, c, s.Steps)

	out := &TrajectoryLogZ{Epochs: l.Epochs, Pilot: l.Pilot, Chains: s.Chains, BurnIn: s.BurnIn, Steps: s.Steps}
	out.Swap = ts.Diagnostics().MeanAcceptance()
	out.RoundTrips = ts.Diagnostics().RoundTrips
	out.LogRatios, out.LogRatiosStdErr = bridge.LogRatios()
	if !math.IsNaN(l.LogZLast) {
		out.FirstLogZ, out.FirstMethod = l.LogZLast, "analytic"
	} else if err := out.firstLogZ(first, l.Epochs[len(l.Epochs)-1], s); err != nil {
		return nil, err
	}
	sum, se := bridge.LogZ(out.FirstLogZ)
	out.LogZ, out.LogZStdErr = sum, math.Hypot(se, out.FirstLogZStdErr)
	return out, nil
}

// firstLogZ sets log Z of the first level (of epoch epoch) by enumeration,
// or by forward AIS where it cannot be enumerated.
func (out *TrajectoryLogZ) firstLogZ(first model.Model, epoch int, s TrajectoryLogZSettings) error {
	switch lz, err := exact.LogPartition(first); {
	case err == nil:
		out.FirstLogZ, out.FirstMethod = lz, "exact"
	case !errors.Is(err, exact.ErrNotEnumerable):
		return err
	case s.Data == nil:
		return fmt.Errorf("the first model of the trajectory (epoch %d) cannot be enumerated and no data were given for AIS", epoch)
	default:
		a := s.AIS
		a.Direction = ais.ForwardOnly
		rep, err := ais.Evaluate(first, s.Data, &a)
		if err != nil {
			return fmt.Errorf("AIS of the first model of the trajectory (epoch %d): %w", epoch, err)
		}
		out.FirstLogZ, out.FirstLogZStdErr, out.FirstMethod = rep.LogZ, rep.LogZStdErr, "ais"
	}
	return nil
}

func cmp0(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}
