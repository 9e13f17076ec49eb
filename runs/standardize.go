package runs

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"boltzmann/model"
	"boltzmann/model/gbrbm"
	"boltzmann/train"
)

// Standardization is the affine map of a run's real-valued data: the model
// is trained on v = (x - Mean)/Std column by column, or, for a whitening
// (Whitening set), on v = A(x - Mean) with the full D×D matrix A (Matrix,
// row-major; gbrbm.NewWhitening). What the run writes (model.npz) is the
// model of x itself, so that every command reads and writes data in their
// own units: for a per-column map the model's parameters are mapped back
// (Unstandardizer); a whitening cannot be folded into a Gaussian-Bernoulli
// RBM's diagonal variances, so model.npz holds the model of v with the map
// beside it (gbrbm.Whitened: the arrays whitening_mean and whitening). It
// is recorded in config.json (TrainConfig.Standardize) and applied again to
// the data when a run is resumed.
//
// The checkpoint holds the trainer's state in standardized units. The
// epoch measurements (TrainConfig.Settings' Monitor) are reported in the
// units of x: log p(x) = log p(v) - LogJacobian, LogJacobian = Σ_i log
// Std_i or -log|det A|, and log Z grows by the same amount.
type Standardization struct {
	Mean []float64 `json:"mean"`          // column means of the training data
	Std  []float64 `json:"std,omitempty"` // column standard deviations (divisor n), > 0; per-column maps only
	// Whitening is the method of a whitening (gbrbm.WhitenZCA or
	// gbrbm.WhitenPCA), "" for the per-column map.
	Whitening string `json:"whitening,omitempty"`
	// Matrix is the whitening matrix A (D×D, row-major) of a whitening.
	Matrix []float64 `json:"matrix,omitempty"`
}

// NewWhitening returns the whitening of the rows of x by method
// (gbrbm.NewWhitening); a constant column is an error naming it.
func NewWhitening(x *mat.Dense, method string) (*Standardization, error) {
	mean, a, err := gbrbm.NewWhitening(x, method)
	if err != nil {
		return nil, err
	}
	return &Standardization{Mean: mean, Whitening: method, Matrix: a.RawMatrix().Data}, nil
}

// IsWhitening reports whether s is a whitening (a full matrix).
func (s *Standardization) IsWhitening() bool { return s != nil && s.Whitening != "" }

// matrix returns A of a whitening, aliasing s.
func (s *Standardization) matrix() *mat.Dense {
	d := len(s.Mean)
	return mat.NewDense(d, d, s.Matrix)
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

// Apply returns (x - Mean)/Std column by column, or A(x - Mean) for a
// whitening (a copy; nil for nil x).
func (s *Standardization) Apply(x *mat.Dense) *mat.Dense {
	if x == nil {
		return nil
	}
	if s.IsWhitening() {
		return s.whitened(gbrbm.New(len(s.Mean), 1)).Whiten(x)
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

// LogJacobian is Σ_i log Std_i, or -log|det A| for a whitening: log p(x)
// = log p(v) - LogJacobian.
func (s *Standardization) LogJacobian() float64 {
	if s.IsWhitening() {
		return -s.whitened(gbrbm.New(len(s.Mean), 1)).LogDet()
	}
	j := 0.0
	for _, v := range s.Std {
		j += math.Log(v)
	}
	return j
}

// Check returns an error unless s fits data of d columns.
func (s *Standardization) Check(d int) error {
	if s.IsWhitening() {
		if s.Whitening != gbrbm.WhitenZCA && s.Whitening != gbrbm.WhitenPCA {
			return fmt.Errorf("unknown whitening %q (known: %s, %s)", s.Whitening, gbrbm.WhitenZCA, gbrbm.WhitenPCA)
		}
		if len(s.Mean) != d || len(s.Matrix) != d*d {
			return fmt.Errorf("the whitening has %d means and %d matrix entries for %d columns (want %d and %d)", len(s.Mean), len(s.Matrix), d, d, d*d)
		}
		for _, v := range append(append([]float64(nil), s.Mean...), s.Matrix...) {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return errors.New("the whitening holds a value that is not finite")
			}
		}
		if err := s.whitened(gbrbm.New(d, 1)).Valid(); err != nil {
			return err
		}
		return nil
	}
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
	if s.IsWhitening() {
		g, ok := m.(*gbrbm.Model)
		if !ok {
			return nil, fmt.Errorf("runs: a whitening applies to a gbrbm, not to %T", m)
		}
		return s.whitened(g), nil
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

// whitened returns the model of x whose whitened data follow g (a copy).
func (s *Standardization) whitened(g *gbrbm.Model) *gbrbm.Whitened {
	return gbrbm.NewWhitened(g, s.Mean, s.matrix())
}

// savedSpec returns the spec under which model.npz of a run with config c
// is rebuilt: the run's model spec, marked gbrbm.OptionWhitened for a run
// on whitened data (its model.npz holds a gbrbm.Whitened).
func savedSpec(c *Config) model.Spec {
	s := c.Model
	if c.Train == nil || !c.Train.Standardize.IsWhitening() {
		return s
	}
	o := map[string]string{gbrbm.OptionWhitened: "true"}
	for k, v := range s.Options {
		o[k] = v
	}
	s.Options = o
	return s
}

// TrainingModel returns the model that the trainer of run r trains, given
// m as LoadModel rebuilds it: the model of the whitened data for a run on
// whitened data (gbrbm.Whitened.Inner), m itself otherwise (whose
// parameters a resumed run takes from its checkpoint).
func (r *Run) TrainingModel(m model.Model) model.Model {
	if w, ok := m.(*gbrbm.Whitened); ok && r.Config != nil && r.Config.Train.Standardize.IsWhitening() {
		return w.Inner()
	}
	return m
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
