package optim

import (
	"fmt"
	"math"
	"strings"

	"gonum.org/v1/gonum/floats"

	"boltzmann/model"
)

// Penalty is an L1 and L2 (weight decay) regularization term added to the
// objective being minimized (Mehta et al. 2019, sec. VI):
//
//	E_reg(θ) = L1 Σ_i |θ_i| + L2 Σ_i θ_i²
//
// over the parameters selected by Mask. Its gradient is 2 L2 θ_i (for L2)
// and L1 sign(θ_i) (for L1, a subgradient with sign(0) = 0).
//
// The L1 term can be applied in two ways. With Proximal false, AddGradient
// adds its subgradient, which makes parameters oscillate around zero
// without ever reaching it. With Proximal true, AddGradient adds only the
// L2 gradient and ApplyProximalL1, called after the optimizer's step,
// soft-thresholds the parameters,
//
//	θ_i ← sign(θ_i) max(|θ_i| - η L1, 0),
//
// the proximal operator of η L1 |θ|, so that small parameters become
// exactly zero. For plain SGD this is proximal gradient descent (ISTA); with
// momentum or Adam, η is the base learning rate and it is the usual
// heuristic. Trainers should use Proximal = true whenever L1 > 0 and call
// both methods unconditionally: ApplyProximalL1 does nothing when Proximal
// is false.
//
// The zero value is no penalty.
type Penalty struct {
	// L1 and L2 are the non-negative penalty strengths λ1 and λ2.
	L1, L2 float64
	// Mask selects the penalized parameters (length len(params)); nil
	// penalizes all of them. See MaskFromGroups and MaskNamed.
	Mask []bool
	// Proximal applies the L1 term by soft thresholding in
	// ApplyProximalL1 instead of adding its subgradient in AddGradient.
	Proximal bool
}

func (p *Penalty) check(n int) {
	if !(p.L1 >= 0) || !(p.L2 >= 0) || math.IsInf(p.L1, 0) || math.IsInf(p.L2, 0) {
		panic(fmt.Sprintf("optim: penalty strengths L1 = %v, L2 = %v must be finite and non-negative", p.L1, p.L2))
	}
	if p.Mask != nil && len(p.Mask) != n {
		panic(fmt.Sprintf("optim: penalty mask has length %d, want %d", len(p.Mask), n))
	}
}

func (p *Penalty) on(i int) bool { return p.Mask == nil || p.Mask[i] }

// Value returns E_reg(params) = L1 Σ|θ_i| + L2 Σ θ_i² over the masked
// parameters (the L1 term is included whether or not it is proximal).
func (p *Penalty) Value(params []float64) float64 {
	p.check(len(params))
	var l1, l2 float64
	for i, t := range params {
		if p.on(i) {
			l1 += math.Abs(t)
			l2 += t * t
		}
	}
	return p.L1*l1 + p.L2*l2
}

// AddGradient adds the gradient of the penalty at params to grad: 2 L2 θ_i,
// plus L1 sign(θ_i) unless Proximal is set. It panics if the lengths of
// params, grad and Mask differ.
func (p *Penalty) AddGradient(params, grad []float64) {
	p.check(len(params))
	if len(grad) != len(params) {
		panic(fmt.Sprintf("optim: Penalty.AddGradient: %d parameters but %d gradient components", len(params), len(grad)))
	}
	if p.gradientFree() {
		return
	}
	chunks(len(params), func(lo, hi int) { p.AddGradientRange(params, grad, lo, hi) })
}

// gradientFree reports whether AddGradient adds nothing.
func (p *Penalty) gradientFree() bool { return (p.Proximal || p.L1 == 0) && p.L2 == 0 }

// AddGradientRange is AddGradient on params[lo:hi] and grad[lo:hi] (the
// mask, if any, indexed like params); calls on disjoint ranges may run
// concurrently. It does not validate the strengths: call Check once first.
func (p *Penalty) AddGradientRange(params, grad []float64, lo, hi int) {
	if p.gradientFree() {
		return
	}
	l1 := p.L1
	if p.Proximal {
		l1 = 0
	}
	if l1 == 0 { // ridge only: no sign test
		c, mask := 2*p.L2, p.Mask
		g := grad[lo:hi]
		if mask == nil {
			for i, t := range params[lo:hi] {
				g[i] += c * t
			}
			return
		}
		for i, on := range mask[lo:hi] {
			if on {
				g[i] += c * params[lo+i]
			}
		}
		return
	}
	for i, t := range params[lo:hi] {
		if !p.on(lo + i) {
			continue
		}
		g := 2 * p.L2 * t
		switch {
		case t > 0:
			g += l1
		case t < 0:
			g -= l1
		}
		grad[lo+i] += g
	}
}

// ApplyProximalL1 soft-thresholds the masked parameters by lr·L1 when
// Proximal is set (see Penalty); otherwise it does nothing. lr is the
// learning rate of the step just taken (Optimizer.LastRate).
func (p *Penalty) ApplyProximalL1(params []float64, lr float64) {
	p.check(len(params))
	if !p.Proximal || p.L1 == 0 {
		return
	}
	if !(lr >= 0) {
		panic(fmt.Sprintf("optim: ApplyProximalL1: learning rate %v is negative", lr))
	}
	chunks(len(params), func(lo, hi int) { p.ApplyProximalL1Range(params, lr, lo, hi) })
}

// ApplyProximalL1Range is ApplyProximalL1 on params[lo:hi]; calls on
// disjoint ranges may run concurrently. lr must be non-negative.
func (p *Penalty) ApplyProximalL1Range(params []float64, lr float64, lo, hi int) {
	if !p.Proximal || p.L1 == 0 {
		return
	}
	th := lr * p.L1
	for i, t := range params[lo:hi] {
		if !p.on(lo + i) {
			continue
		}
		switch {
		case t > th:
			params[lo+i] = t - th
		case t < -th:
			params[lo+i] = t + th
		default:
			params[lo+i] = 0
		}
	}
}

// Check panics, with a message naming the problem, if the strengths are
// negative or not finite or the mask's length is not n; the Range methods
// assume it has passed.
func (p *Penalty) Check(n int) { p.check(n) }

// MaskFromGroups returns the penalty mask that penalizes the groups marked
// Penalized (weights and couplings, not biases and fields). Its length is
// the end of the last group, which is len(Params()) for the groups of a
// model.
func MaskFromGroups(groups []model.Group) []bool {
	mask := make([]bool, groupsLen(groups))
	for _, g := range groups {
		for i := g.Start; i < g.Start+g.Len; i++ {
			mask[i] = g.Penalized
		}
	}
	return mask
}

// MaskNamed returns the penalty mask that penalizes exactly the groups with
// the given names, for a command-line flag such as
// --penalize=weights,couplings. It returns an error naming the known groups
// if a name is unknown.
func MaskNamed(groups []model.Group, names []string) ([]bool, error) {
	mask := make([]bool, groupsLen(groups))
	for _, name := range names {
		found := false
		for _, g := range groups {
			if g.Name == name {
				for i := g.Start; i < g.Start+g.Len; i++ {
					mask[i] = true
				}
				found = true
			}
		}
		if !found {
			known := make([]string, len(groups))
			for i, g := range groups {
				known[i] = g.Name
			}
			return nil, fmt.Errorf("optim: unknown parameter group %q (known: %s)", name, strings.Join(known, ", "))
		}
	}
	return mask, nil
}

func groupsLen(groups []model.Group) int {
	n := 0
	for _, g := range groups {
		if g.Start < 0 || g.Len < 0 {
			panic(fmt.Sprintf("optim: parameter group %q has negative start or length", g.Name))
		}
		n = max(n, g.Start+g.Len)
	}
	return n
}

// ClipNorm rescales grad in place so that its Euclidean norm is at most
// maxNorm, and returns the norm it had before. maxNorm <= 0 disables
// clipping (the norm is still returned).
func ClipNorm(grad []float64, maxNorm float64) float64 {
	norm := floats.Norm(grad, 2)
	if maxNorm > 0 && norm > maxNorm {
		floats.Scale(maxNorm/norm, grad)
	}
	return norm
}
