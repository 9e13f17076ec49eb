package runs_test

import (
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"boltzmann/model"
	"boltzmann/runs"
	"boltzmann/train"
)

// TestTitleCarriesSettings: the second title line of curves.png names the
// model kind and size, the method and k, the optimizer and learning rate,
// the batch, the chains and the sampler; a bmDCA run's its sweeps, chains
// and learning rate.
func TestTitleCarriesSettings(t *testing.T) {
	c := &runs.Config{Model: model.Spec{Kind: "rbm", Visible: 784, Hidden: 64}, Train: &runs.TrainConfig{
		Method: "pcd", K: 5, Optimizer: "adam", LR: 0.001, BatchSize: 16, Chains: 32, Sampler: runs.SamplerPT, Replicas: 4}}
	got := c.Title()
	for _, want := range []string{"rbm 784 visible × 64 hidden", "pcd-5", "adam lr 0.001", "batch 16", "32 chains", "pt (4 replicas) sampler"} {
		if !strings.Contains(got, want) {
			t.Errorf("title %q lacks %q", got, want)
		}
	}
	c = &runs.Config{Model: model.Spec{Kind: "potts", Visible: 50, States: 21}, BMDCA: &runs.BMDCAConfig{
		Sweeps: 10, Chains: 1000, LR: 0.05, Reweight: 0.8}}
	got = c.Title()
	for _, want := range []string{"potts 50 sites × 21 states", "bmDCA", "10 sweeps per update", "1000 chains", "lr 0.05", "reweight 0.8"} {
		if !strings.Contains(got, want) {
			t.Errorf("bmDCA title %q lacks %q", got, want)
		}
	}
}

// TestCurvesWithSettingsAndMixing: the settings add a line to the title
// strip, and a history with mixing diagnostics gets their three panels
// (autocorrelation time, swap acceptance, round trips) below the
// pseudo-likelihood and reconstruction panels: 5 panels of 288 pixels.
func TestCurvesWithSettingsAndMixing(t *testing.T) {
	nan := math.NaN()
	var recs []train.Record
	for e := 1; e <= 5; e++ {
		recs = append(recs, train.Record{Epoch: e, TrainLL: nan, ValLL: nan, TrainPL: -5 + float64(e)/10, ValPL: nan, Recon: 0.2,
			TrainErr: nan, ValErr: nan, TrainCLL: nan, ValCLL: nan,
			AutocorrTime: 3, SwapAcceptance: 0.4, SwapAcceptanceMin: 0.3, RoundTrips: float64(e)})
	}
	height := func(settings string) int {
		dir := t.TempDir()
		if err := runs.WriteCurvesTitled(dir, settings, recs); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(filepath.Join(dir, runs.CurvesFile))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		cfg, err := png.DecodeConfig(f)
		if err != nil {
			t.Fatal(err)
		}
		return cfg.Height
	}
	plain, titled := height(""), height("rbm 6 visible × 4 hidden · pcd-1")
	// 5 panels of 3 inches at 96 dpi, a title strip of 0.3 inch per line
	// and 0.15 inch of padding.
	if want := 5*288 + 43; plain != want {
		t.Errorf("curves.png without settings is %d pixels high, want %d", plain, want)
	}
	if titled-plain != 29 {
		t.Errorf("the settings line adds %d pixels, want 29", titled-plain)
	}
}
