package figure_test

import (
	"log"
	"math"
	"os"
	"path/filepath"

	"gonum.org/v1/gonum/mat"

	"boltzmann/figure"
)

// Learning curves: the log-likelihood is estimated only every 5 epochs and
// is NaN in between, so its curve joins the estimated points.
func ExampleCurves() {
	epochs := make([]float64, 20)
	ll, pl := make([]float64, 20), make([]float64, 20)
	for i := range epochs {
		epochs[i] = float64(i + 1)
		pl[i] = -70 + 20*(1-math.Exp(-float64(i)/5))
		ll[i] = math.NaN()
		if (i+1)%5 == 0 {
			ll[i] = pl[i] - 3
		}
	}
	dir, _ := os.MkdirTemp("", "figure")
	defer os.RemoveAll(dir)
	err := figure.Curves(filepath.Join(dir, "curves.png"), "RBM on MNIST", []figure.Panel{{
		Title: "log-likelihood per image", XLabel: "epoch", YLabel: "nats",
		Series: []figure.Series{
			{Name: "AIS estimate", X: epochs, Y: ll},
			{Name: "pseudo-likelihood", X: epochs, Y: pl},
		},
	}})
	if err != nil {
		log.Fatal(err)
	}
}

// A grid of 28×28 images, 10 per row, each pixel drawn as 2×2.
func ExampleImageGrid() {
	samples := mat.NewDense(30, 28*28, nil) // values in [0, 1]
	dir, _ := os.MkdirTemp("", "figure")
	defer os.RemoveAll(dir)
	if err := figure.ImageGrid(filepath.Join(dir, "samples.png"), samples, 28, 28, 10, 2); err != nil {
		log.Fatal(err)
	}
}

// Denoising: each row shows an original image, its corrupted version and
// the model's reconstruction.
func ExampleSideBySide() {
	original := mat.NewDense(8, 28*28, nil)
	corrupted := mat.NewDense(8, 28*28, nil)
	reconstructed := mat.NewDense(8, 28*28, nil)
	dir, _ := os.MkdirTemp("", "figure")
	defer os.RemoveAll(dir)
	err := figure.SideBySide(filepath.Join(dir, "denoise.png"),
		[]*mat.Dense{original, corrupted, reconstructed},
		[]string{"original", "corrupted", "reconstructed"}, 28, 28, 3)
	if err != nil {
		log.Fatal(err)
	}
}
