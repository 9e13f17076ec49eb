// Command gbrbm_mnist prepares grey-level MNIST as real-valued data for a
// Gaussian-Bernoulli RBM ('boltzmann train --model gbrbm'): the central
// 20×20 pixels of each image (the 4-pixel border is constant in the
// training images and could not be standardized), dequantized as
// x = (pixel + u)/256 with u ~ U(0, 1) (Theis, van den Oord & Bethge 2016),
// so that a density on [0, 1]^400 is well defined and every column varies.
//
//	go run ./benchmarks/gbrbm_mnist -train 10000 -test 1000 -out /tmp/gbrbm-mnist
//
// writes OUT/train.npy (the first -train training images) and
// OUT/test.npy (the first -test test images), and prints the baseline: the
// mean test log-likelihood (nats per image) of independent Gaussians fitted
// to the training pixels. BENCHMARKS.md runs the command line on them.
package main

import (
	"flag"
	"fmt"
	"log"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"

	"gonum.org/v1/gonum/mat"

	"boltzmann/dataset"
)

const side, crop = 28, 4

func main() {
	mnist := flag.String("mnist", "../shared/data/mnist", "directory of the MNIST IDX files")
	nTrain := flag.Int("train", 10000, "training images")
	nTest := flag.Int("test", 1000, "test images")
	out := flag.String("out", "gbrbm-mnist", "output directory")
	seed := flag.Uint64("seed", 1, "seed of the dequantization noise")
	flag.Parse()
	if err := os.MkdirAll(*out, 0o755); err != nil {
		log.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(*seed, 0xde9a))
	var sets []*mat.Dense
	for _, f := range []struct {
		in, out string
		n       int
	}{{"train-images-idx3-ubyte.gz", "train.npy", *nTrain}, {"t10k-images-idx3-ubyte.gz", "test.npy", *nTest}} {
		x, err := dataset.Read(filepath.Join(*mnist, f.in), dataset.ReadOptions{Limit: f.n})
		if err != nil {
			log.Fatal(err)
		}
		y := prepare(x, rng)
		if err := dataset.WriteNPY(filepath.Join(*out, f.out), y); err != nil {
			log.Fatal(err)
		}
		sets = append(sets, y)
	}
	fmt.Printf("{\"diagonal_gaussian_test_log_likelihood\": %.3f}\n", diagonalGaussianLL(sets[0], sets[1]))
}

// diagonalGaussianLL is the mean log-likelihood of the rows of test under
// independent Gaussians fitted by maximum likelihood to the columns of x.
func diagonalGaussianLL(x, test *mat.Dense) float64 {
	n, d := x.Dims()
	nt, _ := test.Dims()
	ll := 0.0
	for i := range d {
		mu, v := 0.0, 0.0
		for r := range n {
			mu += x.At(r, i) / float64(n)
		}
		for r := range n {
			v += (x.At(r, i) - mu) * (x.At(r, i) - mu) / float64(n)
		}
		for r := range nt {
			e := test.At(r, i) - mu
			ll -= (e*e/v + math.Log(2*math.Pi*v)) / 2 / float64(nt)
		}
	}
	return ll
}

// prepare crops the rows of x (n × 784, pixel/255) to their central 20×20
// pixels and dequantizes them.
func prepare(x *mat.Dense, rng *rand.Rand) *mat.Dense {
	n, _ := x.Dims()
	w := side - 2*crop
	y := mat.NewDense(n, w*w, nil)
	for r := range n {
		in, o := x.RawRowView(r), y.RawRowView(r)
		for i := range w {
			for j := range w {
				p := math.Round(in[(i+crop)*side+j+crop] * 255)
				o[i*w+j] = (p + rng.Float64()) / 256
			}
		}
	}
	return y
}
