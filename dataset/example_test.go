package dataset_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"

	"gonum.org/v1/gonum/mat"

	"boltzmann/dataset"
)

func ExampleRead() {
	dir, err := os.MkdirTemp("", "dataset")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "spins.csv")
	os.WriteFile(path, []byte("# three samples of four spins\n1,-1,1,1\n-1,-1,1,-1\n1,1,1,1\n"), 0o644)

	x, err := dataset.Read(path, dataset.ReadOptions{})
	if err != nil {
		log.Fatal(err)
	}
	enc, err := dataset.DetectBinary(x)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%v, encoding %s\n", mat.Formatted(x), enc)

	// Errors say where the problem is and how to fix it.
	os.WriteFile(path, []byte("1,0,1\n0,1\n"), 0o644)
	_, err = dataset.Read(path, dataset.ReadOptions{})
	fmt.Println(strings.Replace(err.Error(), path, "spins.csv", 1))
	// Output:
	// ⎡ 1  -1   1   1⎤
	// ⎢-1  -1   1  -1⎥
	// ⎣ 1   1   1   1⎦, encoding pm1
	// dataset: spins.csv line 2: row has 2 values, expected 3 (every row must have the same number of columns)
}

func ExampleBuiltin() {
	x, err := dataset.Builtin("bars-and-stripes:3", 4, 1)
	if err != nil {
		log.Fatal(err)
	}
	r, c := x.Dims()
	fmt.Printf("%d samples of %d pixels\n", r, c)
	for i := range r {
		fmt.Println(x.RawRowView(i))
	}
	fmt.Println(dataset.BarsAndStripesPatterns(3).RawMatrix().Rows, "distinct patterns")

	spins, _ := dataset.Builtin("ising2d:4:2.5", 1000, 1)
	enc, _ := dataset.DetectBinary(spins)
	fmt.Println(spins.RawMatrix().Cols, "spins in", enc)
	// Output:
	// 4 samples of 9 pixels
	// [1 1 0 1 1 0 1 1 0]
	// [0 0 0 1 1 1 0 0 0]
	// [1 1 1 1 1 1 1 1 1]
	// [1 1 1 1 1 1 0 0 0]
	// 14 distinct patterns
	// 16 spins in pm1
}
