package potts

import (
	"bytes"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"boltzmann/model"
	"boltzmann/msa"
)

// bruteModel holds parameters as plain arrays, for an energy written
// independently of the model's storage.
type bruteModel struct {
	l, q int
	h    [][]float64     // [i][a]
	j    [][][][]float64 // [i][j][a][b], i < j
}

func newBrute(rng *rand.Rand, l, q int, sh, sj float64) (*bruteModel, *Model) {
	b := &bruteModel{l: l, q: q, h: make([][]float64, l), j: make([][][][]float64, l)}
	m := New(l, q)
	for i := range l {
		b.h[i] = make([]float64, q)
		for a := range q {
			b.h[i][a] = sh * rng.NormFloat64()
			m.SetField(i, a, b.h[i][a])
		}
		b.j[i] = make([][][]float64, l)
		for j := i + 1; j < l; j++ {
			b.j[i][j] = make([][]float64, q)
			for a := range q {
				b.j[i][j][a] = make([]float64, q)
				for c := range q {
					b.j[i][j][a][c] = sj * rng.NormFloat64()
					m.SetCoupling(i, j, a, c, b.j[i][j][a][c])
				}
			}
		}
	}
	return b, m
}

func (b *bruteModel) energy(x []int) float64 {
	e := 0.0
	for i := range b.l {
		e -= b.h[i][x[i]]
		for j := i + 1; j < b.l; j++ {
			e -= b.j[i][j][x[i]][x[j]]
		}
	}
	return e
}

// enumerate returns every configuration of l sites with q states (q^l × l)
// and their exact probabilities under m.
func enumerate(m *Model) (*mat.Dense, []float64) {
	l, q := m.L(), m.Q()
	n := int(math.Pow(float64(q), float64(l)))
	x := mat.NewDense(n, l, nil)
	for s := range n {
		k := s
		for i := range l {
			x.Set(s, i, float64(k%q))
			k /= q
		}
	}
	e := make([]float64, n)
	m.FreeEnergy(x, e)
	p := make([]float64, n)
	lo := math.Inf(1)
	for _, v := range e {
		lo = math.Min(lo, v)
	}
	z := 0.0
	for s, v := range e {
		p[s] = math.Exp(lo - v)
		z += p[s]
	}
	for s := range p {
		p[s] /= z
	}
	return x, p
}

func row(x *mat.Dense, r int) []int {
	out := make([]int, x.RawMatrix().Cols)
	for i, v := range x.RawRowView(r) {
		out[i] = int(v)
	}
	return out
}

func TestEnergyAndSiteDeltas(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, lq := range [][2]int{{1, 4}, {3, 2}, {4, 3}, {3, 21}} {
		b, m := newBrute(rng, lq[0], lq[1], 1, 0.7)
		x, _ := enumerate(m)
		n, l := x.Dims()
		e := make([]float64, n)
		m.FreeEnergy(x, e)
		deltas := make([]float64, m.Q())
		for s := range n {
			if d := math.Abs(e[s] - b.energy(row(x, s))); d > 1e-12 {
				t.Fatalf("L=%d q=%d: E = %g, brute force %g", l, m.Q(), e[s], b.energy(row(x, s)))
			}
			if s%7 != 0 {
				continue
			}
			for i := range l {
				m.SiteDeltas(x.RawRowView(s), i, deltas)
				for a := range deltas {
					y := row(x, s)
					y[i] = a
					if want := b.energy(y) - e[s]; math.Abs(deltas[a]-want) > 1e-12 {
						t.Fatalf("SiteDeltas[%d] at site %d = %g, want %g", a, i, deltas[a], want)
					}
				}
			}
		}
	}
}

// TestAddStatsFiniteDifferences checks AddStats against central differences
// of Σ_r w_r E(x_r), perturbing a field, or both copies of a tied coupling.
func TestAddStatsFiniteDifferences(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	_, m := newBrute(rng, 4, 3, 1, 1)
	const n = 50
	x := mat.NewDense(n, 4, nil)
	w := make([]float64, n)
	for r := range n {
		w[r] = rng.Float64()
		for i := range 4 {
			x.Set(r, i, float64(rng.IntN(3)))
		}
	}
	sum := make([]float64, len(m.Params()))
	m.AddStats(x, w, sum)
	total := func() float64 {
		e := make([]float64, n)
		m.FreeEnergy(x, e)
		s := 0.0
		for r := range e {
			s += w[r] * e[r]
		}
		return s
	}
	p := m.Params()
	lq := m.L() * m.Q()
	const eps = 1e-5
	for k := range p {
		var idx []int
		if k < lq {
			idx = []int{k}
		} else {
			r, c := (k-lq)/lq, (k-lq)%lq
			if r/m.Q() == c/m.Q() {
				if sum[k] != 0 {
					t.Fatalf("diagonal block entry %d has gradient %g", k, sum[k])
				}
				continue
			}
			idx = []int{k, lq + c*lq + r}
		}
		for _, i := range idx {
			p[i] += eps
		}
		up := total()
		for _, i := range idx {
			p[i] -= 2 * eps
		}
		down := total()
		for _, i := range idx {
			p[i] += eps
		}
		// Energies are linear in the parameters: only rounding error.
		if fd := (up - down) / (2 * eps); math.Abs(fd-sum[k]) > 1e-7 {
			t.Fatalf("parameter %d: AddStats %g, finite difference %g", k, sum[k], fd)
		}
	}
	// With nil weights, -AddStats/N are the frequencies of msa.Frequencies.
	clear(sum)
	m.AddStats(x, nil, sum)
	fi, fij := msa.Frequencies(msa.SeqsFromCodes(x), 3, nil, 0)
	for k := range lq {
		if got, want := -sum[k]/n, fi.RawMatrix().Data[k]; math.Abs(got-want) > 1e-12 {
			t.Fatalf("field stat %d: %g, want %g", k, got, want)
		}
	}
	for r := range lq {
		for c := range lq {
			if r/3 == c/3 {
				continue
			}
			if got, want := -sum[lq+r*lq+c]/n, fij.At(r, c); math.Abs(got-want) > 1e-12 {
				t.Fatalf("coupling stat (%d,%d): %g, want %g", r, c, got, want)
			}
		}
	}
}

func TestGauges(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	_, m := newBrute(rng, 4, 3, 1, 1)
	x, _ := enumerate(m)
	n, _ := x.Dims()
	e0 := make([]float64, n)
	m.FreeEnergy(x, e0)
	for name, fix := range map[string]func(*Model){
		"zero-sum":       (*Model).ZeroSumGauge,
		"lattice-gas(0)": func(m *Model) { m.LatticeGasGauge(0) },
		"lattice-gas(2)": func(m *Model) { m.LatticeGasGauge(2) },
	} {
		g := New(4, 3)
		copy(g.Params(), m.Params())
		fix(g)
		e := make([]float64, n)
		g.FreeEnergy(x, e)
		shift := e[0] - e0[0]
		for s := range e {
			if d := e[s] - e0[s] - shift; math.Abs(d) > 1e-12 {
				t.Fatalf("%s: energy difference changed by %g at configuration %d", name, d, s)
			}
		}
		// The gauge conditions hold.
		for i := range 4 {
			for j := range 4 {
				if i == j {
					continue
				}
				for a := range 3 {
					var rowSum, colSum float64
					for b := range 3 {
						rowSum += g.Coupling(i, j, a, b)
						colSum += g.Coupling(i, j, b, a)
					}
					switch name {
					case "zero-sum":
						if math.Abs(rowSum) > 1e-12 || math.Abs(colSum) > 1e-12 {
							t.Fatalf("%s: J_%d%d sums %g, %g", name, i, j, rowSum, colSum)
						}
					case "lattice-gas(2)":
						if g.Coupling(i, j, 2, a) != 0 && math.Abs(g.Coupling(i, j, 2, a)) > 1e-12 {
							t.Fatalf("%s: J_%d%d(2, %d) = %g", name, i, j, a, g.Coupling(i, j, 2, a))
						}
					}
				}
			}
			if name == "lattice-gas(0)" && math.Abs(g.Field(i, 0)) > 1e-12 {
				t.Fatalf("%s: h_%d(0) = %g", name, i, g.Field(i, 0))
			}
		}
	}
}

func TestAdabmDCARoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, alpha := range []string{"", "-ACGU"} {
		_, m := newBrute(rng, 4, 5, 1, 1)
		m.Alphabet = alpha
		var buf bytes.Buffer
		if err := m.WriteAdabmDCA(&buf); err != nil {
			t.Fatal(err)
		}
		if got, want := strings.Count(buf.String(), "\n"), 6*25+4*5; got != want {
			t.Errorf("%d lines, want %d", got, want)
		}
		back, err := ReadAdabmDCA(&buf, alpha)
		if err != nil {
			t.Fatal(err)
		}
		if back.L() != 4 || back.Q() != 5 || back.Alphabet != alpha {
			t.Fatalf("read L=%d q=%d alphabet %q", back.L(), back.Q(), back.Alphabet)
		}
		for k, v := range m.Params() {
			if back.Params()[k] != v {
				t.Fatalf("alphabet %q: parameter %d is %g, want %g", alpha, k, back.Params()[k], v)
			}
		}
	}
	// A file as adabmDCA 2.0 writes it: 0-based sites, letters for states.
	const file = "J 0 1 A C 0.5\nJ 0 1 - - -0.25\nh 0 A 1.5\nh 1 Y -2\n"
	m, err := ReadAdabmDCA(strings.NewReader(file), msa.Protein.Symbols())
	if err != nil {
		t.Fatal(err)
	}
	if m.L() != 2 || m.Q() != 21 || m.Coupling(0, 1, 1, 2) != 0.5 || m.Coupling(1, 0, 2, 1) != 0.5 ||
		m.Coupling(0, 1, 0, 0) != -0.25 || m.Field(0, 1) != 1.5 || m.Field(1, 20) != -2 {
		t.Errorf("misread adabmDCA file: L=%d q=%d J=%g h=%g,%g", m.L(), m.Q(), m.Coupling(0, 1, 1, 2), m.Field(0, 1), m.Field(1, 20))
	}
	for _, bad := range []string{"J 0 0 A C 1\n", "J 0 1 A C\n", "h 0 Z 1\n", "x 1 2\n", "h -1 A 1\n", "h 0 A abc\n", ""} {
		if _, err := ReadAdabmDCA(strings.NewReader(bad), msa.Protein.Symbols()); err == nil {
			t.Errorf("ReadAdabmDCA(%q) did not fail", bad)
		}
	}
	if _, err := ReadAdabmDCA(strings.NewReader("h 0 A 1\n"), ""); err == nil {
		t.Error("letters without an alphabet did not fail")
	}
}

func TestContacts(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	_, m := newBrute(rng, 10, 4, 0.5, 0.1)
	// Plant a strong coupling between sites 2 and 7 (states 1..3; state 0
	// is excluded by default).
	for a := 1; a < 4; a++ {
		for b := 1; b < 4; b++ {
			v := -1.0
			if a == b {
				v = 2
			}
			m.SetCoupling(2, 7, a, b, v)
		}
	}
	before := append([]float64(nil), m.Params()...)
	pairs := Contacts(m, ContactOptions{})
	if len(pairs) != 45 || pairs[0].I != 2 || pairs[0].J != 7 {
		t.Fatalf("top pair %+v of %d, want (2, 7)", pairs[0], len(pairs))
	}
	for k, v := range before {
		if m.Params()[k] != v {
			t.Fatal("Contacts modified the model")
		}
	}
	// Scores are gauge invariant.
	m.LatticeGasGauge(3)
	again := Contacts(m, ContactOptions{})
	for k := range pairs {
		if pairs[k].I != again[k].I || pairs[k].J != again[k].J || math.Abs(pairs[k].Score-again[k].Score) > 1e-9 {
			t.Fatalf("contact %d changed with the gauge: %+v vs %+v", k, pairs[k], again[k])
		}
	}
	far := Contacts(m, ContactOptions{MinSeparation: 5})
	for _, p := range far {
		if p.J-p.I < 5 {
			t.Fatalf("pair %+v closer than 5", p)
		}
	}
	if len(far) != 15 || far[0].I != 2 || far[0].J != 7 {
		t.Errorf("with MinSeparation 5: %d pairs, top %+v", len(far), far[0])
	}
	var buf bytes.Buffer
	if err := WriteContacts(&buf, pairs[:2]); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), "2 7 ") || strings.Count(buf.String(), "\n") != 2 {
		t.Errorf("WriteContacts wrote %q", buf.String())
	}
}

func TestSpecRegistry(t *testing.T) {
	m := New(5, 21)
	m.Alphabet = msa.Protein.Symbols()
	s := m.Spec()
	got, err := model.New(s)
	if err != nil {
		t.Fatal(err)
	}
	pm := got.(*Model)
	if pm.L() != 5 || pm.Q() != 21 || pm.Alphabet != m.Alphabet {
		t.Errorf("rebuilt L=%d q=%d alphabet %q", pm.L(), pm.Q(), pm.Alphabet)
	}
	if _, err := model.New(model.Spec{Kind: "potts", Visible: 3, States: 4, Options: map[string]string{"alphabet": "-AC"}}); err == nil {
		t.Error("inconsistent alphabet accepted")
	}
	if got, err := model.New(model.Spec{Kind: "potts", Visible: 3, Options: map[string]string{"alphabet": "-ACGU"}}); err != nil || got.(*Model).Q() != 5 {
		t.Errorf("q from the alphabet: %v", err)
	}
	groups := m.Groups()
	if len(groups) != 2 || groups[1].Start+groups[1].Len != len(m.Params()) || !groups[1].Penalized || groups[0].Penalized {
		t.Errorf("groups %+v", groups)
	}
}
