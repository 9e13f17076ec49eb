package ais_test

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"boltzmann/ais"
	"boltzmann/exact"
	"boltzmann/internal/testmodels"
)

// TestGBRBMPathMatchesExact: on an enumerable Gaussian-Bernoulli RBM (D =
// 6, H = 10) with a base fitted to 400 exact samples, forward AIS (200
// runs, 1000 steps) and reverse AIS from those exact samples (an upper
// bound in expectation) both agree with the exact log Z within 3 of their
// standard errors plus 0.02 nats, and reverse AIS is not below forward AIS
// by more than that; Evaluate's RAISE log-likelihood from data rows is a
// lower bound within 0.05 nats of the exact one. Fixed seeds.
func TestGBRBMPathMatchesExact(t *testing.T) {
	m := testmodels.GBRBM(6, 10, 0.8, 3)
	logZ, err := exact.LogPartition(m)
	if err != nil {
		t.Fatal(err)
	}
	data := testmodels.GBRBMSamples(m, 400, 5)
	path, err := ais.NewPath(m, data)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := path.(*ais.GBRBMPath); !ok {
		t.Fatalf("NewPath gave %T", path)
	}
	sched := ais.SalakhutdinovMurray(1000)
	fw, err := ais.Forward(path, &ais.Settings{Runs: 200, Schedule: sched, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	rv, err := ais.Reverse(path, data.Slice(0, 200, 0, 6).(*mat.Dense), &ais.Settings{Schedule: sched, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("exact log Z %.4f; AIS %.4f ± %.4f; reverse AIS %.4f ± %.4f; log Z_0 %.4f", logZ, fw.LogZ, fw.StdErr, rv.LogZ, rv.StdErr, fw.LogZ0)
	if d := fw.LogZ - logZ; math.Abs(d) > 3*fw.StdErr+0.02 {
		t.Errorf("AIS log Z %.4f is %.4f off the exact %.4f (stderr %.4f)", fw.LogZ, d, logZ, fw.StdErr)
	}
	if d := rv.LogZ - logZ; math.Abs(d) > 3*rv.StdErr+0.02 {
		t.Errorf("reverse AIS log Z %.4f is %.4f off the exact %.4f (stderr %.4f)", rv.LogZ, d, logZ, rv.StdErr)
	}
	if math.Abs(fw.LogZ0-logZ) < 1 {
		t.Fatalf("the base is too close to the target for the test to mean anything: log Z_0 %v, log Z %v", fw.LogZ0, logZ)
	}

	ll, err := exact.LogLikelihood(m, data, nil)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := ais.Evaluate(m, data, &ais.EvaluateSettings{Runs: 100, Schedule: sched, Seed: 7, Margin: 0.2})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("exact LL %.4f; AIS %.4f; RAISE %.4f ± %.4f", ll, rep.LogLikelihood, rep.ReverseLogLikelihood, rep.ReverseStdErr)
	if rep.ReverseLogLikelihood > ll+3*rep.ReverseStdErr || rep.ReverseLogLikelihood < ll-0.05-3*rep.ReverseStdErr {
		t.Errorf("RAISE log-likelihood %.4f ± %.4f, exact %.4f", rep.ReverseLogLikelihood, rep.ReverseStdErr, ll)
	}
	if rep.Disagree {
		t.Errorf("Evaluate's directions disagree by %.3f nats", rep.Disagreement)
	}
}

// TestGBRBMPathEnds: with one step the forward weight is f_1/f_0 at a base
// draw, so that log Z_0 + log w is the single-sample importance estimate;
// its mean over many runs matches exact log Z in the linear domain on a
// model close to its base (W small), and GaussianBase without data is the
// target's own visible Gaussian.
func TestGBRBMPathEnds(t *testing.T) {
	m := testmodels.GBRBM(3, 2, 0.05, 8)
	logZ, _ := exact.LogPartition(m)
	mean, variance := ais.GaussianBase(m, nil)
	path := ais.NewGBRBMPath(m, mean, variance)
	fw, err := ais.Forward(path, &ais.Settings{Runs: 4000, Schedule: ais.Linear(1), Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	if d := fw.LogZ - logZ; math.Abs(d) > 4*fw.StdErr {
		t.Errorf("one-step importance estimate %.5f ± %.5f, exact %.5f", fw.LogZ, fw.StdErr, logZ)
	}
}
