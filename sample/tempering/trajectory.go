package tempering

// Trajectory tempering (Béreux, Decelle, Furtlehner & Seoane): the
// replicas are models saved along a training run.
//
// The ladder of a Sampler with Settings.Models holds, from level 0 to
// level R-1, the final model and earlier and earlier ones; the earliest,
// barely trained, mixes fast, and configurations travel up the ladder
// through the swaps. The swap criterion is the one of the package doc
// with F_r the free energy of model r, so the move leaves Π_r p_r(x_r)
// invariant whatever the models are (TestTrajectorySwapDetailedBalance).
// ChooseLadder picks which saved models to use so that neighbours swap
// often enough, and Bridge turns the swap statistics into log Z of the
// final model by Bennett's acceptance ratio along the ladder.

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"boltzmann/model"
)

// PairAcceptance estimates the mean swap acceptance of models a and b
// from independent samples xa of a and xb of b (n × Dim each, paired row
// by row): the mean over k of min(1, exp(F_a(xa_k) + F_b(xb_k) -
// F_a(xb_k) - F_b(xa_k))).
func PairAcceptance(a, b model.Model, xa, xb *mat.Dense) float64 {
	n, _ := xa.Dims()
	if nb, _ := xb.Dims(); nb != n || n == 0 {
		panic(fmt.Sprintf("tempering: PairAcceptance with %d and %d samples", n, nb))
	}
	faa, fbb, fab, fba := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	a.FreeEnergy(xa, faa)
	b.FreeEnergy(xb, fbb)
	a.FreeEnergy(xb, fab)
	b.FreeEnergy(xa, fba)
	s := 0.0
	for k := range n {
		la := faa[k] + fbb[k] - fab[k] - fba[k]
		if la < 0 {
			s += math.Exp(la)
		} else if la >= 0 {
			s++
		}
	}
	return s / float64(n)
}

// ChooseLadder chooses the levels of trajectory tempering among saved
// models ordered from the earliest (0) to the final one (len-1), given
// pilot samples of each (pilot[i] drawn from models[i], the same number
// of rows for all): starting at the final model, each next level is the
// earliest model whose estimated swap acceptance (PairAcceptance) with
// the current level is at least target, or the next earlier model if
// none reaches it; the ladder ends at model 0. It returns the chosen
// indices from the final model to model 0 (the order of Sampler levels)
// and the estimated acceptance of each chosen pair.
func ChooseLadder(models []model.Model, pilot []*mat.Dense, target float64) (levels []int, acceptance []float64) {
	if len(models) < 2 || len(pilot) != len(models) {
		panic(fmt.Sprintf("tempering: ChooseLadder with %d models and %d pilot samples", len(models), len(pilot)))
	}
	cur := len(models) - 1
	levels = []int{cur}
	for cur > 0 {
		next, acc := cur-1, PairAcceptance(models[cur], models[cur-1], pilot[cur], pilot[cur-1])
		for j := cur - 2; j >= 0; j-- {
			a := PairAcceptance(models[cur], models[j], pilot[cur], pilot[j])
			if a >= target {
				next, acc = j, a
			}
		}
		levels, acceptance = append(levels, next), append(acceptance, acc)
		cur = next
	}
	return levels, acceptance
}

// Bridge collects the free-energy differences of the swap proposals of a
// Sampler (use Add as Settings.OnSwap) and estimates, for every pair p of
// levels, log Z_p - log Z_{p+1} by Bennett's acceptance ratio (Bennett
// 1976; the optimal bridge estimator of Meng & Wong 1996): with n_F draws
// x of level p+1 and n_R draws y of level p, Δ solves
//
//	Σ_x f(M + F_p(x) - F_{p+1}(x) + Δ) = Σ_y f(-M + F_{p+1}(y) - F_p(y) - Δ),
//
// f(t) = 1/(1+e^t), M = log(n_F/n_R). The draws of a chain are
// correlated, so the error bars come from a jackknife over groups of
// chains (the chains are independent): the chains are cut into Groups
// groups by index, and the variance of an estimate is (G-1)/G Σ_g (θ_{-g}
// - θ̄)², θ_{-g} the estimate without group g.
type Bridge struct {
	chains, groups int
	// fwd[p][g], rev[p][g]: the differences of pair p from the chains of
	// group g (see Settings.OnSwap).
	fwd, rev [][][]float64
}

// NewBridge returns a Bridge for a Sampler of replicas levels over chains
// chains, with groups jackknife groups (at most chains; 0: min(chains, 20)).
func NewBridge(replicas, chains, groups int) *Bridge {
	if groups <= 0 {
		groups = 20
	}
	groups = min(groups, chains)
	if replicas < 2 || chains < 1 {
		panic(fmt.Sprintf("tempering: NewBridge with %d replicas and %d chains", replicas, chains))
	}
	b := &Bridge{chains: chains, groups: groups}
	b.fwd, b.rev = make([][][]float64, replicas-1), make([][][]float64, replicas-1)
	for p := range b.fwd {
		b.fwd[p], b.rev[p] = make([][]float64, groups), make([][]float64, groups)
	}
	return b
}

// Add records the differences of one transition's proposals of pair p
// (the signature of Settings.OnSwap).
func (b *Bridge) Add(p int, fwd, rev []float64) {
	if len(fwd) != b.chains || len(rev) != b.chains {
		panic(fmt.Sprintf("tempering: Bridge of %d chains given %d", b.chains, len(fwd)))
	}
	for k := range fwd {
		g := k * b.groups / b.chains
		b.fwd[p][g] = append(b.fwd[p][g], fwd[k])
		b.rev[p][g] = append(b.rev[p][g], rev[k])
	}
}

// LogRatios returns, for every pair p, the estimate of log Z_p - log
// Z_{p+1} and its jackknife standard error (NaN for a pair without
// draws).
func (b *Bridge) LogRatios() (est, se []float64) {
	P := len(b.fwd)
	est, se = make([]float64, P), make([]float64, P)
	for p := range P {
		est[p], se[p] = b.jackknife(func(skip int) float64 { return b.pair(p, skip) })
	}
	return est, se
}

// LogZ returns log Z_0 = logZLast + Σ_p (log Z_p - log Z_{p+1}), given
// log Z of the last level, and its jackknife standard error (the sum is
// jackknifed as a whole, so that the pairs' shared chains are accounted
// for).
func (b *Bridge) LogZ(logZLast float64) (logZ, se float64) {
	sum := func(skip int) float64 {
		s := logZLast
		for p := range b.fwd {
			s += b.pair(p, skip)
		}
		return s
	}
	return b.jackknife(sum)
}

// jackknife returns est(-1) (all groups) and the jackknife standard
// error of est over leaving out each group.
func (b *Bridge) jackknife(est func(skip int) float64) (float64, float64) {
	all := est(-1)
	G := b.groups
	if G < 2 {
		return all, math.NaN()
	}
	loo := make([]float64, G)
	mean := 0.0
	for g := range G {
		loo[g] = est(g)
		mean += loo[g] / float64(G)
	}
	v := 0.0
	for _, x := range loo {
		v += (x - mean) * (x - mean)
	}
	return all, math.Sqrt(v * float64(G-1) / float64(G))
}

// pair solves Bennett's equation for pair p without group skip (-1:
// none): the draws x of level p+1 are the rev values, F_p(x) - F_{p+1}(x);
// the draws y of level p the fwd values, F_{p+1}(y) - F_p(y). The root of
// the decreasing g(Δ) (left side minus right side) is found by Newton
// steps kept inside a bracket that bisection narrows.
func (b *Bridge) pair(p, skip int) float64 {
	var x, y [][]float64
	nx, ny := 0, 0
	for g := range b.groups {
		if g == skip {
			continue
		}
		x, y = append(x, b.rev[p][g]), append(y, b.fwd[p][g])
		nx += len(b.rev[p][g])
		ny += len(b.fwd[p][g])
	}
	if nx == 0 || ny == 0 {
		return math.NaN()
	}
	M := math.Log(float64(nx) / float64(ny))
	// g and its derivative at d.
	g := func(d float64) (v, dv float64) {
		for _, xs := range x {
			for _, w := range xs {
				f := fermi(M + w + d)
				v += f
				dv -= f * (1 - f)
			}
		}
		for _, ys := range y {
			for _, u := range ys {
				f := fermi(-M + u - d)
				v -= f
				dv -= f * (1 - f)
			}
		}
		return v, dv
	}
	lo, hi := math.Inf(-1), math.Inf(1) // g(lo) > 0 > g(hi)
	d := 0.0
	for range 200 {
		v, dv := g(d)
		if v == 0 {
			return d
		}
		if v > 0 {
			lo = d
		} else {
			hi = d
		}
		next := d - v/dv
		switch {
		case dv == 0 || math.IsNaN(next) || next <= lo || next >= hi:
			// Outside the bracket: bisect, or widen an open side.
			switch {
			case math.IsInf(lo, -1):
				next = hi - max(1, math.Abs(hi))
			case math.IsInf(hi, 1):
				next = lo + max(1, math.Abs(lo))
			default:
				next = (lo + hi) / 2
			}
		}
		if math.Abs(next-d) < 1e-10*max(1, math.Abs(d)) {
			return next
		}
		d = next
	}
	return d
}

// fermi is 1/(1+e^t).
func fermi(t float64) float64 {
	if t > 0 {
		e := math.Exp(-t)
		return e / (1 + e)
	}
	return 1 / (1 + math.Exp(t))
}
