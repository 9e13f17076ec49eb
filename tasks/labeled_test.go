package tasks_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"boltzmann/internal/mathx"
	"boltzmann/internal/stattest"
	"boltzmann/model/rbm"
	"boltzmann/tasks"
)

const labD, labC, labH = 6, 3, 4

// labeledModel returns a labeled RBM (6 data units, 3 classes, 4 hidden)
// with N(0, scale²) parameters.
func labeledModel(scale float64, seed uint64) *rbm.Labeled {
	l := rbm.NewLabeled(labD, labC, labH)
	rng := rand.New(rand.NewPCG(seed, 17))
	for i := range l.Params() {
		l.Params()[i] = scale * rng.NormFloat64()
	}
	return l
}

// labeledJoint returns the exact p(x, y) of every data configuration x
// (row index(x) of configs(D)) and class y: joint[x][y].
func labeledJoint(l *rbm.Labeled) [][]float64 {
	xs := configs(labD, []float64{0, 1})
	n, _ := xs.Dims()
	lw := make([]float64, 0, n*labC)
	v := mat.NewDense(1, labD+labC, nil)
	f := make([]float64, 1)
	for k := range n {
		for y := range labC {
			row := v.RawRowView(0)
			copy(row, xs.RawRowView(k))
			clear(row[labD:])
			row[labD+y] = 1
			l.FreeEnergy(v, f)
			lw = append(lw, -f[0])
		}
	}
	lz := mathx.LogSumExp(lw)
	joint := make([][]float64, n)
	for k := range n {
		joint[k] = make([]float64, labC)
		for y := range labC {
			joint[k][y] = math.Exp(lw[k*labC+y] - lz)
		}
	}
	return joint
}

func labelClamp(k int) *mat.Dense {
	c := mat.NewDense(1, labD+labC, nil)
	row := c.RawRowView(0)
	for i := range labD {
		row[i] = math.NaN()
	}
	row[labD+k] = 1
	return c
}

// TestLabeledSampleWithClampedClass: chains with the label block clamped
// to e_K (with and without annealed burn-in) draw data from the exact
// p(x | y = K), and the test has power against another class. Independent chains,
// chi-square at the 0.001 level (fixed seeds).
func TestLabeledSampleWithClampedClass(t *testing.T) {
	l := labeledModel(1.2, 3)
	joint := labeledJoint(l)
	for _, tc := range []struct {
		name       string
		k          int
		burn       int
		annealFrom float64
	}{{"plain", 1, 30, 0}, {"annealed", 2, 60, 4}} {
		t.Run(tc.name, func(t *testing.T) {
			cond, other := classConditional(joint, tc.k), classConditional(joint, (tc.k+1)%labC)
			const n = 3000
			s, err := tasks.Sample(l, &tasks.SampleSettings{Chains: n, BurnIn: tc.burn, AnnealFrom: tc.annealFrom, Seed: 9, Clamp: labelClamp(tc.k)})
			if err != nil {
				t.Fatal(err)
			}
			counts := make([]int, len(cond))
			for r := range n {
				row := s.X.RawRowView(r)
				for c, v := range row[labD:] {
					if want := float64(btoi(c == tc.k)); v != want {
						t.Fatalf("chain %d: label block %v, want e_%d", r, row[labD:], tc.k)
					}
				}
				counts[index(row[:labD], []float64{0, 1})]++
			}
			if stat, df, p := stattest.ChiSquare(counts, cond, 5); p < 1e-3 {
				t.Errorf("samples of class %d vs exact p(x | y): chi2 = %.1f, df = %d, p = %.2g", tc.k, stat, df, p)
			}
			if _, _, p := stattest.ChiSquare(counts, other, 5); p > 1e-3 {
				t.Errorf("samples of class %d also fit p(x | y = %d) (p = %.2g): the test has no power", tc.k, (tc.k+1)%labC, p)
			}
		})
	}
}

// classConditional returns p(x | y = k) from the joint of labeledJoint.
func classConditional(joint [][]float64, k int) []float64 {
	p, tot := make([]float64, len(joint)), 0.0
	for x, q := range joint {
		p[x] = q[k]
		tot += q[k]
	}
	for x := range p {
		p[x] /= tot
	}
	return p
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestLabeledInpaintAndDenoise: inference with a labeled RBM on rows of D
// data units (labels unknown, summed over) and of D + C units (label
// given, clamped) gives the exact posterior means, enumerated over x and
// y; posteriorCheck's tolerance.
func TestLabeledInpaintAndDenoise(t *testing.T) {
	l := labeledModel(1.2, 5)
	joint := labeledJoint(l)
	xs := configs(labD, []float64{0, 1})
	x0 := []float64{1, 0, 0, 1, 1, 0}
	miss := []bool{false, true, false, true, true, false}
	const eps = 0.2
	// exact returns the posterior mean of the data units given evidence
	// lik(x) and, if label >= 0, the label.
	exact := func(lik func(x []float64) float64, label int) []float64 {
		mean, tot := make([]float64, labD), 0.0
		for k, p := range joint {
			for y, q := range p {
				if label >= 0 && y != label {
					continue
				}
				w := q * lik(xs.RawRowView(k))
				tot += w
				for i, v := range xs.RawRowView(k) {
					mean[i] += w * v
				}
			}
		}
		for i := range mean {
			mean[i] /= tot
		}
		return mean
	}
	consistent := func(x []float64) float64 {
		for i, mi := range miss {
			if !mi && x[i] != x0[i] {
				return 0
			}
		}
		return 1
	}
	noisy := func(x []float64) float64 {
		p := 1.0
		for i, v := range x {
			if v == x0[i] {
				p *= 1 - eps
			} else {
				p *= eps
			}
		}
		return p
	}
	const n = 400
	set := &tasks.InferSettings{BurnIn: 20, Sweeps: 40, Seed: 7}
	for _, label := range []int{-1, 2} {
		cols := labD
		row := append([]float64(nil), x0...)
		if label >= 0 {
			cols = labD + labC
			row = append(row, 0, 0, 0)
			row[labD+label] = 1
		}
		x := repeatRow(row, n)
		mask := make([]bool, 0, n*cols)
		for range n {
			mask = append(mask, miss...)
			mask = append(mask, make([]bool, cols-labD)...)
		}
		got, err := tasks.Inpaint(l, x, mask, set)
		if err != nil {
			t.Fatal(err)
		}
		if _, c := got.Mean.Dims(); c != cols {
			t.Fatalf("label %d: posterior has %d columns for %d-column data", label, c, cols)
		}
		posteriorCheck(t, "inpaint", got, exact(consistent, label), func(i int) bool { return i >= labD || !miss[i] })
		got, err = tasks.Denoise(l, x, eps, nil, set)
		if err != nil {
			t.Fatal(err)
		}
		posteriorCheck(t, "denoise", got, exact(noisy, label), func(i int) bool { return i >= labD })
		if label >= 0 {
			for r := range n {
				if s := got.Sample.RawRowView(r)[labD:]; s[label] != 1 {
					t.Fatalf("denoise row %d: clamped label block became %v", r, s)
				}
			}
		}
	}
	// A label block given in part is refused.
	bad := repeatRow([]float64{1, 0, 0, 1, 1, 0, 1, 1, 0}, 2)
	if _, err := tasks.Inpaint(l, bad, make([]bool, 18), set); err == nil {
		t.Error("Inpaint accepted a label block that is not one-hot")
	}
}

// TestLabeledFeaturesMatchExact: the features of data rows without labels
// are E[h_j | x] enumerated over y and h from the joint energy.
func TestLabeledFeaturesMatchExact(t *testing.T) {
	l := labeledModel(1, 8)
	xs := configs(labD, []float64{0, 1})
	hs := configs(labH, []float64{0, 1})
	got, err := tasks.Features(l, xs)
	if err != nil {
		t.Fatal(err)
	}
	nx, _ := xs.Dims()
	nh, _ := hs.Dims()
	v := mat.NewDense(nh, labD+labC, nil)
	e := make([]float64, nh)
	for k := range nx {
		var lw []float64
		var hrows [][]float64
		for y := range labC {
			for r := range nh {
				row := v.RawRowView(r)
				copy(row, xs.RawRowView(k))
				clear(row[labD:])
				row[labD+y] = 1
			}
			l.Energy(v, hs, e)
			for r := range nh {
				lw = append(lw, -e[r])
				hrows = append(hrows, hs.RawRowView(r))
			}
		}
		lz := mathx.LogSumExp(lw)
		for j := range labH {
			want := 0.0
			for i, w := range lw {
				want += math.Exp(w-lz) * hrows[i][j]
			}
			if d := math.Abs(got.At(k, j) - want); d > 1e-12 {
				t.Fatalf("x #%d unit %d: feature %v, exact E[h|x] %v", k, j, got.At(k, j), want)
			}
		}
	}
}
