// Package stattest holds the goodness-of-fit checks that the statistical
// tests of boltzmann share: Pearson's chi-square test of observed counts
// against exact probabilities, and z-scores of Monte Carlo means.
package stattest

import (
	"math"
	"sort"

	"gonum.org/v1/gonum/stat/distuv"
)

// ChiSquare returns Pearson's statistic, its degrees of freedom and the
// p-value for counts observed in n independent draws against the exact
// probabilities probs. So that the chi-square approximation holds, bins
// whose expected count is below minExpected (5 is the usual rule) are
// pooled: the smallest bins are merged, in increasing order of expected
// count, until the pool's expected count reaches minExpected (taking in a
// bin above the threshold if the small ones together stay below it). Every
// term of the statistic therefore divides by an expected count of at least
// minExpected, and no observed count is dropped. The test refuses to judge
// (df = 0, p = NaN) when fewer than two bins remain.
func ChiSquare(counts []int, probs []float64, minExpected float64) (stat float64, df int, p float64) {
	if len(counts) != len(probs) {
		panic("stattest: ChiSquare with different numbers of counts and probabilities")
	}
	n := 0
	for i, c := range counts {
		n += c
		if c > 0 && probs[i] <= 0 {
			// Draws where the exact probability is zero: the sampler is
			// wrong, whatever the other bins say.
			return math.Inf(1), max(len(counts)-1, 1), 0
		}
	}
	order := make([]int, len(counts))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return probs[order[a]] < probs[order[b]] })
	var poolObs, poolExp float64
	pooled := false // the pool has taken in at least one bin
	bins := 0
	for _, i := range order {
		c, e := float64(counts[i]), probs[i]*float64(n)
		if e < minExpected || (pooled && poolExp < minExpected) {
			poolObs += c
			poolExp += e
			pooled = true
			continue
		}
		stat += (c - e) * (c - e) / e
		bins++
	}
	if pooled && poolExp > 0 {
		stat += (poolObs - poolExp) * (poolObs - poolExp) / poolExp
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
