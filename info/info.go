// Package info computes information-theoretic quantities of discrete
// probability distributions: Shannon entropy, cross entropy and the
// Kullback-Leibler divergence, in nats (natural-log units) unless stated
// otherwise.
//
// Following Mehta et al. (2019), "A high-bias, low-variance introduction to
// Machine Learning for physicists", the entropy of a distribution p is
//
//	S_p = -Σ_x p(x) log p(x)
//
// with the convention 0 log 0 = 0, and the Kullback-Leibler divergence (the
// relative entropy) of q from p is
//
//	D(p||q) = Σ_x p(x) log(p(x)/q(x)).
//
// D(p||q) >= 0, with equality if and only if p = q: with π = q/p,
// log(1/π) >= 1-π gives D >= Σ p (1 - q/p) = 1 - Σ q >= 0. It is not a
// distance: in general D(p||q) != D(q||p). Training an energy-based model
// by maximum likelihood minimizes D(p_data||p_model) (KLDataModel), which
// differs from the cross entropy -<log p_model>_data only by the data
// entropy.
//
// The functions here do not validate their inputs; use Check to make sure
// a vector is a probability distribution.
package info

import (
	"errors"
	"fmt"
	"math"
)

// ErrNotDistribution is wrapped by the errors Check returns.
var ErrNotDistribution = errors.New("info: not a probability distribution")

// SumTolerance is the largest |Σ p_i - 1| that Check accepts.
const SumTolerance = 1e-9

// Check returns nil if p is a probability distribution: it is not empty,
// every p_i is finite and non-negative, and |Σ p_i - 1| <= SumTolerance.
// Otherwise the error wraps ErrNotDistribution and says which entry or sum
// is wrong.
func Check(p []float64) error {
	if len(p) == 0 {
		return fmt.Errorf("%w: it is empty", ErrNotDistribution)
	}
	for i, v := range p {
		switch {
		case math.IsNaN(v) || math.IsInf(v, 0):
			return fmt.Errorf("%w: p[%d] = %v is not finite", ErrNotDistribution, i, v)
		case v < 0:
			return fmt.Errorf("%w: p[%d] = %v is negative", ErrNotDistribution, i, v)
		}
	}
	if s := sum(p); math.Abs(s-1) > SumTolerance {
		return fmt.Errorf("%w: it sums to %.17g, not 1 (tolerance %g)", ErrNotDistribution, s, SumTolerance)
	}
	return nil
}

// Bits converts an information quantity from nats to bits (divides by
// log 2).
func Bits(nats float64) float64 { return nats / math.Ln2 }

// Entropy returns the Shannon entropy S_p = -Σ p_i log p_i of the
// distribution p, in nats. Zero entries contribute 0 (0 log 0 = 0).
func Entropy(p []float64) float64 {
	var s kahan
	for _, v := range p {
		if v != 0 {
			s.add(-v * math.Log(v))
		}
	}
	return s.sum()
}

// EntropyLog returns the Shannon entropy -Σ p_i log p_i, in nats, of the
// distribution given by its log-probabilities logp_i = log p_i (which must
// be normalized: Σ exp(logp_i) = 1). Entries equal to -Inf (p_i = 0)
// contribute 0. Working from log-probabilities avoids the loss of precision
// of log(exp(logp)) for very improbable states, as produced by exact
// enumeration of a model's free energies: logp_i = -F(x_i) - log Z.
func EntropyLog(logp []float64) float64 {
	var s kahan
	for _, l := range logp {
		if !math.IsInf(l, -1) {
			s.add(-math.Exp(l) * l)
		}
	}
	return s.sum()
}

// CrossEntropy returns the cross entropy H(p, q) = -Σ p_i log q_i, in nats,
// which equals S_p + D(p||q). It is +Inf if q_i = 0 where p_i > 0. It
// panics if len(p) != len(q).
func CrossEntropy(p, q []float64) float64 {
	checkLen("CrossEntropy", len(p), len(q))
	var s kahan
	for i, pi := range p {
		if pi == 0 {
			continue
		}
		if q[i] == 0 {
			return math.Inf(1)
		}
		s.add(-pi * math.Log(q[i]))
	}
	return s.sum()
}

// KL returns the Kullback-Leibler divergence D(p||q) = Σ p_i log(p_i/q_i),
// in nats. Terms with p_i = 0 contribute 0; the result is +Inf if q_i = 0
// where p_i > 0. It panics if len(p) != len(q).
func KL(p, q []float64) float64 {
	checkLen("KL", len(p), len(q))
	var s kahan
	for i, pi := range p {
		if pi == 0 {
			continue
		}
		qi := q[i]
		if qi == 0 {
			return math.Inf(1)
		}
		r := pi / qi
		if r == 0 || math.IsInf(r, 0) {
			// The ratio under- or overflows; the difference of logs does not.
			s.add(pi * (math.Log(pi) - math.Log(qi)))
		} else {
			s.add(pi * math.Log(r))
		}
	}
	return s.sum()
}

// KLLog returns D(p||q) = Σ p_i (log p_i - log q_i), in nats, from the
// log-probabilities logp and logq. Terms with logp_i = -Inf contribute 0;
// the result is +Inf if logq_i = -Inf where logp_i > -Inf. It panics if
// len(logp) != len(logq).
func KLLog(logp, logq []float64) float64 {
	checkLen("KLLog", len(logp), len(logq))
	var s kahan
	for i, lp := range logp {
		if math.IsInf(lp, -1) {
			continue
		}
		lq := logq[i]
		if math.IsInf(lq, -1) {
			return math.Inf(1)
		}
		s.add(math.Exp(lp) * (lp - lq))
	}
	return s.sum()
}

func checkLen(fn string, n, m int) {
	if n != m {
		panic(fmt.Sprintf("info: %s: length mismatch %d != %d", fn, n, m))
	}
}

// kahan is a compensated (Neumaier) sum, so that sums over the 2^20 states
// of an enumerated model keep full precision.
type kahan struct{ s, c float64 }

func (k *kahan) add(x float64) {
	t := k.s + x
	if math.IsInf(t, 0) || math.IsNaN(t) {
		k.s = t // the compensation would turn ±Inf into NaN
		return
	}
	if math.Abs(k.s) >= math.Abs(x) {
		k.c += (k.s - t) + x
	} else {
		k.c += (x - t) + k.s
	}
	k.s = t
}

func (k *kahan) sum() float64 {
	if math.IsInf(k.s, 0) || math.IsNaN(k.s) {
		return k.s
	}
	return k.s + k.c
}

func sum(p []float64) float64 {
	var k kahan
	for _, v := range p {
		k.add(v)
	}
	return k.sum()
}
