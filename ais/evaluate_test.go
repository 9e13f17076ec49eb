package ais_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"boltzmann/ais"
	"boltzmann/exact"
	"boltzmann/internal/testmodels"
)

// TestEvaluate: on an enumerable RBM with exact samples as data, the
// forward and reverse log-likelihoods of Evaluate agree with the exact one
// within 3 of their standard errors plus 0.05 nats (fixed seeds), a margin
// of 0 flags the disagreement, and one-direction runs leave the other NaN.
func TestEvaluate(t *testing.T) {
	m := testmodels.RBM(10, 12, 0.8, 4)
	samp, err := exact.NewSampler(m)
	if err != nil {
		t.Fatal(err)
	}
	data := mat.NewDense(300, 10, nil)
	samp.Draw(rand.New(rand.NewPCG(4, 9)), data)
	logZ, err := exact.LogPartition(m)
	if err != nil {
		t.Fatal(err)
	}
	f := make([]float64, 300)
	m.FreeEnergy(data, f)
	want := 0.0
	for _, v := range f {
		want -= v / 300
	}
	want -= logZ

	s := &ais.EvaluateSettings{Runs: 64, Schedule: ais.SalakhutdinovMurray(800), Seed: 3, Margin: 1}
	rep, err := ais.Evaluate(m, data, s)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Runs != 64 || rep.Steps != 800 || rep.Forward == nil || rep.Reverse == nil || rep.Reverse.Runs() != 64 {
		t.Fatalf("report %+v", rep)
	}
	if d := rep.LogLikelihood - want; math.Abs(d) > 3*rep.LogZStdErr+0.05 {
		t.Errorf("forward log-likelihood %.4f is %.4f off the exact %.4f (stderr %.4f)", rep.LogLikelihood, d, want, rep.LogZStdErr)
	}
	if d := rep.ReverseLogLikelihood - want; math.Abs(d) > 3*rep.ReverseStdErr+0.05 {
		t.Errorf("reverse log-likelihood %.4f is %.4f off the exact %.4f (stderr %.4f)", rep.ReverseLogLikelihood, d, want, rep.ReverseStdErr)
	}
	if rep.Disagree || rep.Disagreement != math.Abs(rep.LogZ-rep.ReverseLogZ) {
		t.Errorf("disagreement %v (flagged %v) within a margin of 1 nat", rep.Disagreement, rep.Disagree)
	}

	s.Margin = 0
	if rep0, _ := ais.Evaluate(m, data, s); !rep0.Disagree || rep0.LogZ != rep.LogZ {
		t.Errorf("margin 0: disagree %v, log Z %v (want the seeded %v)", rep0.Disagree, rep0.LogZ, rep.LogZ)
	}
	s.Direction = ais.ForwardOnly
	if fw, _ := ais.Evaluate(m, data, s); fw.Reverse != nil || !math.IsNaN(fw.ReverseLogZ) || !math.IsNaN(fw.Disagreement) || fw.LogZ != rep.LogZ {
		t.Errorf("forward only: %+v", fw)
	}
	s.Direction = ais.ReverseOnly
	if rv, _ := ais.Evaluate(m, data, s); rv.Forward != nil || !math.IsNaN(rv.LogZ) || rv.ReverseLogZ != rep.ReverseLogZ {
		t.Errorf("reverse only: %+v", rv)
	}
	if _, err := ais.Evaluate(m, mat.NewDense(2, 9, nil), s); err == nil {
		t.Error("data of the wrong width accepted")
	}
}
