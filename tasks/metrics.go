package tasks

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// probClip bounds the probabilities scored by MissingScore away from 0 and
// 1, so that one confident mistake costs at most log(1e6) ≈ 13.8 nats.
const probClip = 1e-6

// MissingScore measures a reconstruction of binary data at the entries
// marked missing (row-major, n·d flags): the mean log-probability, in nats
// per missing entry, of the true {0,1} values truth under independent
// Bernoullis with the probabilities p (n × d, clipped to [1e-6, 1-1e-6]),
// and the accuracy of p thresholded at 1/2 (p ≥ 1/2 predicts 1). Both are
// NaN when nothing is missing.
func MissingScore(truth, p *mat.Dense, missing []bool) (logProb, accuracy float64) {
	t, q := truth.RawMatrix().Data, p.RawMatrix().Data
	n := 0
	for i, mi := range missing {
		if !mi {
			continue
		}
		n++
		pi := min(max(q[i], probClip), 1-probClip)
		if t[i] == 1 {
			logProb += math.Log(pi)
		} else {
			logProb += math.Log1p(-pi)
		}
		if (q[i] >= 0.5) == (t[i] == 1) {
			accuracy++
		}
	}
	return logProb / float64(n), accuracy / float64(n)
}

// ThresholdError is the fraction of entries where p (n × d) thresholded at
// 1/2 differs from the {0,1} values of truth (n × d); NaN entries of truth
// are skipped.
func ThresholdError(truth, p *mat.Dense) float64 {
	t, q := truth.RawMatrix().Data, p.RawMatrix().Data
	wrong, n := 0, 0
	for i, v := range t {
		if math.IsNaN(v) {
			continue
		}
		n++
		if (q[i] >= 0.5) != (v == 1) {
			wrong++
		}
	}
	return float64(wrong) / float64(n)
}
