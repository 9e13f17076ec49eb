// Package stattest holds the goodness-of-fit checks that the statistical
// tests of boltzmann share: Pearson's chi-square test of observed counts
// against exact probabilities, and z-scores of Monte Carlo means.
package stattest

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// ChiSquare returns Pearson's statistic, its degrees of freedom and the
// p-value for counts observed in n independent draws against the exact
// probabilities probs. Bins whose expected count is below minExpected
// (5 is the usual rule) are pooled into one bin, so that the chi-square
// approximation holds; the test refuses to judge (df = 0, p = NaN) when
// fewer than two bins remain.
func ChiSquare(counts []int, probs []float64, minExpected float64) (stat float64, df int, p float64) {
	n := 0
	for _, c := range counts {
		n += c
	}
	var poolObs, poolExp float64
	bins := 0
	for i, c := range counts {
		e := probs[i] * float64(n)
		if e < minExpected {
			poolObs += float64(c)
			poolExp += e
			continue
		}
		stat += (float64(c) - e) * (float64(c) - e) / e
		bins++
	}
	if poolExp >= minExpected {
		stat += (poolObs - poolExp) * (poolObs - poolExp) / poolExp
		bins++
	} else if poolObs > 0 && poolExp > 0 {
		// Too little expected mass to form a bin of its own: fold it into
		// the statistic conservatively as one more bin.
		stat += (poolObs - poolExp) * (poolObs - poolExp) / math.Max(poolExp, 1)
		bins++
	}
	df = bins - 1
	if df < 1 {
		return stat, 0, math.NaN()
	}
	return stat, df, 1 - distuv.ChiSquared{K: float64(df)}.CDF(stat)
}

// TotalVariation returns ½ Σ |counts_i/n - probs_i|.
func TotalVariation(counts []int, probs []float64) float64 {
	n := 0
	for _, c := range counts {
		n += c
	}
	tv := 0.0
	for i, c := range counts {
		tv += math.Abs(float64(c)/float64(n) - probs[i])
	}
	return tv / 2
}

// MeanAndStdErr returns the mean of xs and its standard error assuming
// independent samples.
func MeanAndStdErr(xs []float64) (mean, se float64) {
	n := float64(len(xs))
	for _, x := range xs {
		mean += x
	}
	mean /= n
	v := 0.0
	for _, x := range xs {
		v += (x - mean) * (x - mean)
	}
	v /= n - 1
	return mean, math.Sqrt(v / n)
}
