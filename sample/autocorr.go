package sample

import "math"

// autocorrWindowC is Sokal's window constant c: the summation window M is
// the smallest M with M ≥ c·τ(M). Sokal recommends c between 4 and 10;
// emcee uses 5.
const autocorrWindowC = 5

// IntegratedAutocorrTime estimates the integrated autocorrelation time
//
//	τ = 1 + 2 Σ_{t≥1} ρ(t)
//
// of the series x (one chain, in time order, after burn-in), in units of
// steps, with Sokal's automatic windowing: the sum runs to the smallest
// window M with M ≥ 5·τ(M) (A. Sokal, "Monte Carlo methods in statistical
// mechanics", 1996, §3). ρ(t) is the normalized empirical autocovariance
// with divisor N. An independent series has τ = 1, and the variance of the
// mean of x is about τ·Var(x)/N.
//
// The estimate is reliable when the series is much longer than τ (Sokal
// asks for N ≳ 1000·τ); if no window satisfies the condition before
// M = N-1, the sum up to N-1 is returned, an underestimate. It returns NaN
// if x has fewer than 2 elements or zero variance.
func IntegratedAutocorrTime(x []float64) float64 {
	return IntegratedAutocorrTimeChains([][]float64{x})
}

// IntegratedAutocorrTimeChains estimates τ as IntegratedAutocorrTime does,
// from several independent chains of the same length: the normalized
// autocorrelations of the chains (each about its own mean) are averaged
// before windowing, which is much less noisy than averaging per-chain τ
// (Goodman & Weare 2010; emcee). It panics if the chains differ in length.
func IntegratedAutocorrTimeChains(chains [][]float64) float64 {
	if len(chains) == 0 {
		return math.NaN()
	}
	n := len(chains[0])
	for _, c := range chains {
		if len(c) != n {
			panic("sample: IntegratedAutocorrTimeChains with chains of different lengths")
		}
	}
	if n < 2 {
		return math.NaN()
	}
	centered := make([][]float64, len(chains))
	c0 := make([]float64, len(chains))
	for k, c := range chains {
		mean := 0.0
		for _, v := range c {
			mean += v
		}
		mean /= float64(n)
		d := make([]float64, n)
		for i, v := range c {
			d[i] = v - mean
			c0[k] += d[i] * d[i]
		}
		if c0[k] == 0 {
			return math.NaN()
		}
		centered[k] = d
	}
	// rho(t) averaged over chains; both autocovariances have divisor N,
	// which cancels in the ratio.
	rho := func(t int) float64 {
		s := 0.0
		for k, d := range centered {
			ct := 0.0
			for i := 0; i+t < n; i++ {
				ct += d[i] * d[i+t]
			}
			s += ct / c0[k]
		}
		return s / float64(len(centered))
	}
	tau := 1.0
	for m := 1; m < n; m++ {
		tau += 2 * rho(m)
		if float64(m) >= autocorrWindowC*tau {
			break
		}
	}
	return tau
}

// EffectiveSampleSize returns N/τ for the series x: the number of
// independent draws that estimate the mean of x as precisely. It returns
// NaN where IntegratedAutocorrTime does.
func EffectiveSampleSize(x []float64) float64 {
	return float64(len(x)) / IntegratedAutocorrTime(x)
}
