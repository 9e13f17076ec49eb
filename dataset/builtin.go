package dataset

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"
)

// Builtin data sets, so that examples and tests need no downloads.
const (
	// BarsAndStripes is "bars-and-stripes[:S]": S×S binary images in
	// {0, 1} (default S = 4), each row (a stripe) or each column (a bar)
	// all on or all off, drawn uniformly from the 2^(S+1)-2 distinct
	// patterns (MacKay 2003; the all-off and all-on images are counted
	// once each). Pixel (r, c) is feature r·S+c.
	BarsAndStripes = "bars-and-stripes"

	// Ising2D is "ising2d[:L[:T]]": configurations of the ferromagnetic
	// Ising model on an L×L square lattice with periodic boundaries,
	//
	//	E(s) = -Σ_i s_i (s_{i+x̂} + s_{i+ŷ}),   p(s) ∝ exp(-E(s)/T),
	//
	// spins s_i ∈ {-1, +1}, J = 1, no field, temperature T (default 2.5;
	// the critical point is T_c = 2/ln(1+√2) ≈ 2.269) and L = 4 by default.
	// Site (r, c) is feature r·L+c. For L = 2 each pair of neighbours is
	// joined by two bonds, as the formula says.
	//
	// For L·L <= 16 the samples are exact and independent: they are drawn
	// from the Boltzmann distribution by enumerating all 2^(L·L) states.
	// Larger lattices are sampled by one Wolff cluster chain (Wolff 1989)
	// started from random spins: 200 sweeps of burn-in, then a sample
	// every 5 sweeps, where a sweep is L·L flipped spins counted over
	// clusters. The number of cluster flips between samples is fixed
	// (5·L² divided by the mean cluster size during burn-in, rounded up),
	// never decided by the state. Near T_c successive samples may still be
	// weakly correlated.
	Ising2D = "ising2d"

	// GaussianMixture is "gaussian-mixture[:D[:H]]": real-valued rows in
	// ℝ^D (default D = 4) from a factorial mixture of 2^H equally weighted
	// Gaussians (default H = 2, at most D) with identity covariance and
	// means A·h, h ∈ {0,1}^H: each row draws H fair coins h and adds
	// standard normal noise to A·h. The columns of the D×H matrix A
	// (GaussianMixtureLoadings) are orthogonal, of length 3, drawn once
	// with the fixed stream PCG(D, H), the same for every data seed, so
	// that training and held-out samples come from one distribution. It is
	// exactly the visible distribution of a Gaussian-Bernoulli RBM with H
	// hidden units (W = A, b = 0, σ = 1, c_j = -|A_j|²/2 = -4.5), whose log
	// density is known in closed form.
	GaussianMixture = "gaussian-mixture"
)

// Wolff chain settings for Ising2D, in sweeps (L·L flipped spins).
const (
	wolffBurnIn = 200
	wolffThin   = 5
)

// BuiltinNames lists the built-in data set families.
func BuiltinNames() []string { return []string{BarsAndStripes, Ising2D, GaussianMixture} }

// IsBuiltin reports whether name, with or without a "builtin:" prefix,
// names a built-in data set family, such as "bars-and-stripes" or
// "ising2d:8:2.27". It does not check the parameters; Builtin does.
func IsBuiltin(name string) bool {
	name = strings.TrimPrefix(name, "builtin:")
	family, _, _ := strings.Cut(name, ":")
	for _, b := range BuiltinNames() {
		if family == b {
			return true
		}
	}
	return false
}

// Builtin returns n samples (n × features) of the built-in data set spec,
// drawn with the given seed; see BarsAndStripes and Ising2D for the specs.
// The same spec, n and seed always give the same data.
func Builtin(spec string, n int, seed uint64) (*mat.Dense, error) {
	spec = strings.TrimPrefix(spec, "builtin:")
	if n <= 0 {
		return nil, fmt.Errorf("dataset: builtin:%s: need a positive number of samples, got %d", spec, n)
	}
	b, err := parseBuiltin(spec)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(seed, 0xda7a5e7))
	switch {
	case b.family == BarsAndStripes:
		return barsAndStripes(b.size, n, rng), nil
	case b.family == GaussianMixture:
		return gaussianMixture(b.dim, b.factors, n, rng), nil
	case b.size*b.size <= 16:
		return isingExact(b.size, b.temp, n, rng), nil
	}
	return isingWolff(b.size, b.temp, n, wolffBurnIn, wolffThin, rng), nil
}

// BuiltinFeatures returns the number of features (columns) of the
// built-in data set spec without generating it, so that its size can be
// checked first: S·S for bars-and-stripes:S, L·L for ising2d:L, D for
// gaussian-mixture:D:H.
func BuiltinFeatures(spec string) (int, error) {
	b, err := parseBuiltin(strings.TrimPrefix(spec, "builtin:"))
	if err != nil {
		return 0, err
	}
	if b.family == GaussianMixture {
		return b.dim, nil
	}
	return b.size * b.size, nil
}

// builtinSpec is a parsed built-in data set spec: the family, the image
// side S or lattice side L, the temperature of ising2d, and the dimension
// D and number of factors H of gaussian-mixture.
type builtinSpec struct {
	family       string
	size         int
	temp         float64
	dim, factors int
}

// parseBuiltin parses and checks spec (without "builtin:").
func parseBuiltin(spec string) (builtinSpec, error) {
	family, params, _ := strings.Cut(spec, ":")
	var args []string
	if params != "" {
		args = strings.Split(params, ":")
	}
	bad := func(format string, a ...any) (builtinSpec, error) {
		return builtinSpec{}, fmt.Errorf("dataset: builtin:%s: %s", spec, fmt.Sprintf(format, a...))
	}
	switch family {
	case BarsAndStripes:
		b := builtinSpec{family: family, size: 4}
		if len(args) > 1 {
			return bad("too many parameters (use bars-and-stripes:S)")
		}
		if len(args) == 1 {
			v, err := strconv.Atoi(args[0])
			if err != nil || v < 1 || v > 12 {
				return bad("size %q must be an integer from 1 to 12 (use bars-and-stripes:S)", args[0])
			}
			b.size = v
		}
		return b, nil
	case Ising2D:
		b := builtinSpec{family: family, size: 4, temp: 2.5}
		if len(args) > 2 {
			return bad("too many parameters (use ising2d:L:T)")
		}
		if len(args) >= 1 {
			v, err := strconv.Atoi(args[0])
			if err != nil || v < 2 || v > 1024 {
				return bad("lattice size %q must be an integer from 2 to 1024 (use ising2d:L:T)", args[0])
			}
			b.size = v
		}
		if len(args) == 2 {
			v, err := strconv.ParseFloat(args[1], 64)
			if err != nil || !(v > 0) || math.IsInf(v, 0) {
				return bad("temperature %q must be a positive number (use ising2d:L:T)", args[1])
			}
			b.temp = v
		}
		return b, nil
	case GaussianMixture:
		b := builtinSpec{family: family, dim: 4, factors: 2}
		if len(args) > 2 {
			return bad("too many parameters (use gaussian-mixture:D:H)")
		}
		for i, p := range args {
			v, err := strconv.Atoi(p)
			if err != nil || v < 1 || v > 1024 || (i == 1 && v > min(b.dim, 20)) {
				return bad("%s %q must be an integer from 1 to %d (use gaussian-mixture:D:H)", []string{"dimension", "number of factors"}[i], p, []int{1024, min(b.dim, 20)}[i])
			}
			if i == 0 {
				b.dim = v
				b.factors = min(b.factors, b.dim)
			} else {
				b.factors = v
			}
		}
		return b, nil
	}
	return bad("unknown built-in data set (available: bars-and-stripes[:S], ising2d[:L[:T]], gaussian-mixture[:D[:H]])")
}

// numBarsAndStripes is the number of distinct S×S bars-and-stripes images.
func numBarsAndStripes(s int) int { return 1<<(s+1) - 2 }

// barsAndStripesPattern writes pattern k (0 <= k < 2^(S+1)-2) into row:
// patterns 0 … 2^S-1 light the rows (stripes) in the bits of k, the others
// light the columns (bars) in the bits of k-2^S+1, which skips the all-off
// and all-on images already counted.
func barsAndStripesPattern(s, k int, row []float64) {
	stripes := k < 1<<s
	mask := k
	if !stripes {
		mask = k - 1<<s + 1
	}
	for r := range s {
		for c := range s {
			bit := c
			if stripes {
				bit = r
			}
			row[r*s+c] = float64(mask >> bit & 1)
		}
	}
}

// BarsAndStripesPatterns returns the 2^(S+1)-2 distinct S×S
// bars-and-stripes images, one per row ((2^(S+1)-2) × S², values {0, 1}):
// the exact data distribution of builtin:bars-and-stripes:S is uniform over
// these rows. It panics unless 1 <= S <= 12.
func BarsAndStripesPatterns(s int) *mat.Dense {
	if s < 1 || s > 12 {
		panic(fmt.Sprintf("dataset: BarsAndStripesPatterns needs 1 <= S <= 12, got %d", s))
	}
	m := numBarsAndStripes(s)
	x := mat.NewDense(m, s*s, nil)
	for k := range m {
		barsAndStripesPattern(s, k, x.RawRowView(k))
	}
	return x
}

func barsAndStripes(s, n int, rng *rand.Rand) *mat.Dense {
	x := mat.NewDense(n, s*s, nil)
	m := numBarsAndStripes(s)
	for i := range n {
		barsAndStripesPattern(s, rng.IntN(m), x.RawRowView(i))
	}
	return x
}

// isingEnergy is E(s) = -Σ_i s_i (s_{i+x̂} + s_{i+ŷ}) on the periodic L×L
// lattice, for spins in {-1, +1} stored row by row.
func isingEnergy(l int, s []float64) float64 {
	e := 0.0
	for r := range l {
		for c := range l {
			si := s[r*l+c]
			e -= si * (s[r*l+(c+1)%l] + s[((r+1)%l)*l+c])
		}
	}
	return e
}

// isingStates returns every configuration of the L×L lattice (state k has
// spin i = +1 iff bit i of k is set) and its Boltzmann probability at
// temperature t. It needs L·L <= 24 or so to fit in memory.
func isingStates(l int, t float64) (states [][]float64, prob []float64) {
	nsites := l * l
	ns := 1 << nsites
	states = make([][]float64, ns)
	energy := make([]float64, ns)
	emin := math.Inf(1)
	for k := range ns {
		s := make([]float64, nsites)
		for i := range s {
			s[i] = float64(2*(k>>i&1) - 1)
		}
		states[k] = s
		energy[k] = isingEnergy(l, s)
		emin = min(emin, energy[k])
	}
	prob = make([]float64, ns)
	z := 0.0
	for k, e := range energy {
		prob[k] = math.Exp(-(e - emin) / t)
		z += prob[k]
	}
	for k := range prob {
		prob[k] /= z
	}
	return states, prob
}

// isingExact draws n independent samples by inverting the cumulative
// distribution over all states.
func isingExact(l int, t float64, n int, rng *rand.Rand) *mat.Dense {
	states, prob := isingStates(l, t)
	cum := make([]float64, len(prob))
	acc := 0.0
	for k, p := range prob {
		acc += p
		cum[k] = acc
	}
	x := mat.NewDense(n, l*l, nil)
	for i := range n {
		u := rng.Float64() * acc
		k := sort.SearchFloat64s(cum, u)
		k = min(k, len(cum)-1)
		copy(x.RawRowView(i), states[k])
	}
	return x
}

// isingWolff runs one Wolff cluster chain and records n samples after
// burnIn sweeps, one about every thin sweeps (a sweep flips L·L spins in
// total, counted over clusters).
func isingWolff(l int, t float64, n, burnIn, thin int, rng *rand.Rand) *mat.Dense {
	nsites := l * l
	s := make([]int8, nsites)
	for i := range s {
		s[i] = int8(2*rng.IntN(2) - 1)
	}
	padd := 1 - math.Exp(-2/t) // bond probability for J = 1
	stack := make([]int, 0, nsites)
	flip := func() int {
		seed := rng.IntN(nsites)
		old := s[seed]
		s[seed] = -old
		stack = append(stack[:0], seed)
		size := 1
		for len(stack) > 0 {
			i := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			r, c := i/l, i%l
			for _, j := range [4]int{r*l + (c+1)%l, r*l + (c+l-1)%l, ((r+1)%l)*l + c, ((r+l-1)%l)*l + c} {
				if s[j] == old && rng.Float64() < padd {
					s[j] = -old
					stack = append(stack, j)
					size++
				}
			}
		}
		return size
	}
	// Burn in until burnIn·L² spins have been flipped. Between samples the
	// number of cluster flips must not depend on the state (stopping after
	// a large cluster would favour ordered states), so it is fixed from
	// the mean cluster size seen during burn-in.
	flips, flipped := 0, 0
	for flipped < burnIn*nsites {
		flipped += flip()
		flips++
	}
	per := max(1, int(math.Ceil(float64(thin*nsites)*float64(flips)/float64(flipped))))
	x := mat.NewDense(n, nsites, nil)
	for i := range n {
		for range per {
			flip()
		}
		row := x.RawRowView(i)
		for j, v := range s {
			row[j] = float64(v)
		}
	}
	return x
}

// GaussianMixtureLoadings returns the D×H matrix A of
// builtin:gaussian-mixture:D:H (H ≤ D): orthogonal columns of length 3,
// Gram-Schmidt of N(0, I) draws from the stream PCG(D, H).
func GaussianMixtureLoadings(d, h int) *mat.Dense {
	rng := rand.New(rand.NewPCG(uint64(d), uint64(h)))
	a := mat.NewDense(d, h, nil)
	col := make([]float64, d)
	for j := range h {
		for {
			for i := range col {
				col[i] = rng.NormFloat64()
			}
			for k := range j {
				dot := 0.0
				for i := range col {
					dot += col[i] * a.At(i, k) / 9
				}
				for i := range col {
					col[i] -= dot * a.At(i, k)
				}
			}
			norm := 0.0
			for _, v := range col {
				norm += v * v
			}
			if norm > 1e-6 {
				for i, v := range col {
					a.Set(i, j, 3*v/math.Sqrt(norm))
				}
				break
			}
		}
	}
	return a
}

func gaussianMixture(d, h, n int, rng *rand.Rand) *mat.Dense {
	a := GaussianMixtureLoadings(d, h)
	x := mat.NewDense(n, d, nil)
	coins := make([]bool, h)
	for r := range n {
		for j := range coins {
			coins[j] = rng.IntN(2) == 1
		}
		row := x.RawRowView(r)
		for i := range row {
			v := rng.NormFloat64()
			for j, on := range coins {
				if on {
					v += a.At(i, j)
				}
			}
			row[i] = v
		}
	}
	return x
}
