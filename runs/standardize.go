package runs

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"boltzmann/model"
	"boltzmann/train"
)

// Standardization is the per-column affine map of a run's data: the model
// is trained on v = (x - Mean)/Std, and what the run writes (model.npz) is
// the model of x itself, so that every command reads and writes data in
// their own units. It is recorded in config.json (TrainConfig.Standardize)
// and applied again to the data when a run is resumed.
//
// The checkpoint holds the trainer's state in standardized units. The
// epoch measurements (TrainConfig.Settings' Monitor) are reported in the
// units of x: log p(x) = log p(v) - Σ_i log Std_i (LogJacobian), and
// log Z grows by the same amount.
type Standardization struct {
	Mean []float64 `json:"mean"` // column means of the training data
	Std  []float64 `json:"std"`  // column standard deviations (divisor n), > 0
}

// Unstandardizer is a model that can be changed in place into the model
// of x = mean + std ⊙ v from a model of v (gbrbm.Model.Unstandardize).
type Unstandardizer interface {
	model.Model
	Unstandardize(mean, std []float64)
}

// NewStandardization returns the column means and standard deviations of
// x (n × d). A column whose deviation is zero, or too small relative to its
// mean to divide by (below 1e-12·(1+|mean|)), cannot be standardized: the
// error names it.
func NewStandardization(x *mat.Dense) (*Standardization, error) {
	n, d := x.Dims()
	s := &Standardization{Mean: make([]float64, d), Std: make([]float64, d)}
	for r := range n {
		for i, v := range x.RawRowView(r) {
			s.Mean[i] += v / float64(n)
		}
	}
	for r := range n {
		for i, v := range x.RawRowView(r) {
			s.Std[i] += (v - s.Mean[i]) * (v - s.Mean[i]) / float64(n)
		}
	}
	for i, v := range s.Std {
		s.Std[i] = math.Sqrt(v)
		if !(s.Std[i] > 1e-12*(1+math.Abs(s.Mean[i]))) {
			return nil, fmt.Errorf("column %d is constant (%g in every row) and cannot be standardized: drop it, or crop the images to where the pixels vary", i+1, x.At(0, i))
		}
	}
	return s, nil
}

// Apply returns (x - Mean)/Std column by column (a copy; nil for nil x).
func (s *Standardization) Apply(x *mat.Dense) *mat.Dense {
	if x == nil {
		return nil
	}
	out := mat.DenseCopyOf(x)
	n, _ := out.Dims()
	for r := range n {
		row := out.RawRowView(r)
		for i, v := range row {
			row[i] = (v - s.Mean[i]) / s.Std[i]
		}
	}
	return out
}

// LogJacobian is Σ_i log Std_i: log p(x) = log p(v) - LogJacobian.
func (s *Standardization) LogJacobian() float64 {
	j := 0.0
	for _, v := range s.Std {
		j += math.Log(v)
	}
	return j
}

// Check returns an error unless s fits data of d columns.
func (s *Standardization) Check(d int) error {
	if len(s.Mean) != d || len(s.Std) != d {
		return fmt.Errorf("the standardization has %d means and %d deviations for %d columns", len(s.Mean), len(s.Std), d)
	}
	for i, v := range s.Std {
		if !(v > 0) || math.IsInf(v, 0) || math.IsNaN(s.Mean[i]) || math.IsInf(s.Mean[i], 0) {
			return fmt.Errorf("the standardization of column %d (mean %v, deviation %v) is not usable", i+1, s.Mean[i], v)
		}
	}
	return nil
}

// unstandardized returns the model of the run's data in their own units:
// m itself without a standardization, else a copy of m (rebuilt from its
// Spec) changed by Unstandardize.
func (s *Standardization) unstandardized(m model.Model) (model.Model, error) {
	if s == nil {
		return m, nil
	}
	sp, ok := m.(model.Specifier)
	if !ok {
		return nil, fmt.Errorf("runs: %T cannot be saved in the units of standardized data", m)
	}
	c, err := model.New(sp.Spec())
	if err != nil {
		return nil, err
	}
	u, ok := c.(Unstandardizer)
	if !ok {
		return nil, fmt.Errorf("runs: a %s model cannot be trained on standardized data", sp.Spec().Kind)
	}
	copy(u.Params(), m.Params())
	u.Unstandardize(s.Mean, s.Std)
	return u, nil
}

// rawUnits reports the log-likelihoods and log Z that its Monitor measures
// on standardized rows in the units of the data: log p(x) = log p(v) -
// jac, log Z_x = log Z_v + jac (NaN stays NaN).
type rawUnits struct {
	train.Monitor
	jac float64
}

func (m rawUnits) Measure(t *train.Trainer, r *train.Record) {
	m.Monitor.Measure(t, r)
	r.TrainLL -= m.jac
	r.ValLL -= m.jac
	r.TrainPL -= m.jac
	r.ValPL -= m.jac
	r.LogZ += m.jac
}
