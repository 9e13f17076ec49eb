package maxent_test

import (
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"

	"gonum.org/v1/gonum/mat"

	"boltzmann/model"
	"boltzmann/model/maxent"
)

// chainModel returns a model on a ring of n units with fields, nearest-
// neighbour couplings and one three-body feature, with random parameters.
func chainModel(n int, states []float64, seed uint64) *maxent.Model {
	var fs []maxent.Feature
	for i := range n {
		fs = append(fs, maxent.Field(i))
	}
	for i := range n {
		fs = append(fs, maxent.Coupling(i, (i+1)%n))
	}
	fs = append(fs, func(x []float64) float64 { return x[0] * x[1] * x[2] })
	m := maxent.New(n, states, fs...)
	rng := rand.New(rand.NewPCG(seed, 1))
	for j := range m.Params() {
		m.Params()[j] = 0.5 * rng.NormFloat64()
	}
	return m
}

// enumerate returns every configuration of m (States()^Dim rows) and their
// exact probabilities: brute force for small systems only.
func enumerate(m model.Discrete) (*mat.Dense, []float64) {
	st := m.States()
	d := m.Dim()
	n := int(math.Pow(float64(len(st)), float64(d)))
	x := mat.NewDense(n, d, nil)
	for r := range n {
		c := r
		for i := range d {
			x.Set(r, i, st[c%len(st)])
			c /= len(st)
		}
	}
	e := make([]float64, n)
	m.FreeEnergy(x, e)
	emin := math.Inf(1)
	for _, v := range e {
		emin = math.Min(emin, v)
	}
	p := make([]float64, n)
	z := 0.0
	for r, v := range e {
		p[r] = math.Exp(-(v - emin))
		z += p[r]
	}
	for r := range p {
		p[r] /= z
	}
	return x, p
}

// E is linear in θ: central differences are exact up to rounding
// (tolerance 1e-9).
func TestAddStatsFiniteDifference(t *testing.T) {
	m := chainModel(5, []float64{-1, 1}, 1)
	x, _ := enumerate(m)
	rows := x.Slice(3, 9, 0, 5).(*mat.Dense)
	w := []float64{1, 0.5, 2, 0, 3, 0.25}
	for _, weights := range [][]float64{nil, w} {
		sum := make([]float64, len(m.Params()))
		m.AddStats(rows, weights, sum)
		e := make([]float64, 6)
		const h = 1e-4
		for j := range m.Params() {
			p := m.Params()
			old := p[j]
			p[j] = old + h
			m.FreeEnergy(rows, e)
			plus := dotW(e, weights)
			p[j] = old - h
			m.FreeEnergy(rows, e)
			minus := dotW(e, weights)
			p[j] = old
			if fd := (plus - minus) / (2 * h); math.Abs(fd-sum[j]) > 1e-9 {
				t.Errorf("weights=%v: θ_%d: AddStats %v, finite difference %v", weights != nil, j, sum[j], fd)
			}
		}
	}
}

func dotW(e, w []float64) float64 {
	s := 0.0
	for i, v := range e {
		if w == nil {
			s += v
		} else {
			s += w[i] * v
		}
	}
	return s
}

// SiteDeltas equals direct energy differences, for binary and three-state
// units, on every configuration and site (tolerance 1e-12).
func TestSiteDeltas(t *testing.T) {
	for _, states := range [][]float64{{0, 1}, {-1, 1}, {-1, 0, 1}} {
		m := chainModel(4, states, 2)
		x, _ := enumerate(m)
		n, d := x.Dims()
		out := make([]float64, len(states))
		for r := range n {
			row := x.RawRowView(r)
			orig := append([]float64(nil), row...)
			e0 := m.Energy(row)
			for i := range d {
				m.SiteDeltas(row, i, out)
				for k, s := range states {
					y := append([]float64(nil), row...)
					y[i] = s
					if want := m.Energy(y) - e0; math.Abs(out[k]-want) > 1e-12 {
						t.Errorf("states %v, x=%v, site %d → %v: delta %v, want %v", states, row, i, s, out[k], want)
					}
				}
			}
			for i := range row {
				if row[i] != orig[i] {
					t.Fatalf("SiteDeltas modified its input")
				}
			}
		}
	}
}

// SiteDeltas and FreeEnergy share pooled scratch buffers: calling them from
// several goroutines at once must give the serial results.
func TestConcurrentUse(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	m := chainModel(6, []float64{0, 1}, 3)
	x, _ := enumerate(m)
	n, _ := x.Dims()
	want := make([]float64, n)
	m.FreeEnergy(x, want)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out := make([]float64, 2)
			for rep := range 20 {
				r := (g*17 + rep*5) % n
				m.SiteDeltas(x.RawRowView(r), rep%6, out)
				if e := m.Energy(x.RawRowView(r)); e != want[r] {
					t.Errorf("goroutine %d: E = %v, want %v", g, e, want[r])
				}
			}
		}()
	}
	wg.Wait()
}

// Maximum entropy: gradient descent on -L with the exact model averages
// (brute-force enumeration) converges to the model whose feature averages
// equal the data's. Tolerance 1e-6 on every average after convergence.
func TestExactTrainingMatchesFeatureAverages(t *testing.T) {
	m := chainModel(5, []float64{-1, 1}, 4)
	// Data: 200 configurations drawn from a different model of the same
	// family (so the averages are attainable).
	truth := chainModel(5, []float64{-1, 1}, 5)
	xs, p := enumerate(truth)
	rng := rand.New(rand.NewPCG(6, 7))
	data := mat.NewDense(200, 5, nil)
	for r := range 200 {
		u, k := rng.Float64(), 0
		for ; k < len(p)-1 && u >= p[k]; k++ {
			u -= p[k]
		}
		data.SetRow(r, xs.RawRowView(k))
	}
	np := len(m.Params())
	pos := make([]float64, np)
	m.AddStats(data, nil, pos)
	for j := range pos {
		pos[j] /= 200
	}
	neg := make([]float64, np)
	for range 5000 {
		x, pm := enumerate(m)
		clear(neg)
		m.AddStats(x, pm, neg)
		for j := range m.Params() {
			m.Params()[j] -= 0.5 * (pos[j] - neg[j])
		}
	}
	x, pm := enumerate(m)
	clear(neg)
	m.AddStats(x, pm, neg)
	for j := range pos {
		if math.Abs(pos[j]-neg[j]) > 1e-6 {
			t.Errorf("feature %d: model average %v, data average %v", j, -neg[j], -pos[j])
		}
	}
}

func TestSetGroups(t *testing.T) {
	m := maxent.New(3, []float64{0, 1}, maxent.Field(0), maxent.Field(1), maxent.Coupling(0, 1))
	m.SetGroups(model.Group{Name: "fields", Start: 0, Len: 2}, model.Group{Name: "couplings", Start: 2, Len: 1, Penalized: true})
	if g := m.Groups(); len(g) != 2 || g[1].Name != "couplings" || g[0].Shape[0] != 2 {
		t.Errorf("groups %+v", g)
	}
	defer func() {
		if recover() == nil {
			t.Error("groups that do not cover the parameters were accepted")
		}
	}()
	m.SetGroups(model.Group{Name: "fields", Start: 0, Len: 2})
}
