package dataset

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func seqMatrix(n int) *mat.Dense {
	x := mat.NewDense(n, 2, nil)
	for i := range n {
		x.Set(i, 0, float64(i))
		x.Set(i, 1, float64(-i))
	}
	return x
}

func firstCol(x *mat.Dense) []int {
	if x == nil {
		return nil
	}
	r, _ := x.Dims()
	out := make([]int, r)
	for i := range r {
		out[i] = int(x.At(i, 0))
	}
	return out
}

func TestSplit(t *testing.T) {
	x := seqMatrix(10)
	for _, c := range []struct {
		frac      float64
		ntr, nval int
	}{{0.2, 8, 2}, {0, 10, 0}, {0.04, 10, 0}, {0.05, 9, 1}, {0.99, 1, 9}} {
		train, val := Split(x, c.frac, 42)
		tr, va := firstCol(train), firstCol(val)
		if len(tr) != c.ntr || len(va) != c.nval {
			t.Fatalf("Split(%g): %d + %d rows, want %d + %d", c.frac, len(tr), len(va), c.ntr, c.nval)
		}
		all := slices.Sorted(slices.Values(append(tr, va...)))
		if !reflect.DeepEqual(all, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}) {
			t.Fatalf("Split(%g) lost or repeated rows: %v %v", c.frac, tr, va)
		}
		for i, k := range tr {
			if train.At(i, 1) != -float64(k) {
				t.Fatal("rows were not copied whole")
			}
		}
	}
	a, b := Split(x, 0.3, 1)
	c, d := Split(x, 0.3, 1)
	if !mat.Equal(a, c) || !mat.Equal(b, d) {
		t.Error("the same seed gave different splits")
	}
	e, _ := Split(x, 0.3, 2)
	if mat.Equal(a, e) {
		t.Error("different seeds gave the same split")
	}
	if slices.IsSorted(firstCol(a)) && slices.IsSorted(firstCol(e)) {
		t.Error("splits are not shuffled")
	}
	if x.At(3, 0) != 3 {
		t.Error("Split modified its input")
	}
	defer func() {
		if recover() == nil {
			t.Error("valFraction 1 did not panic")
		}
	}()
	Split(x, 1, 0)
}

func TestBatchesAndShuffle(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	perm := Permutation(7, rng)
	if !reflect.DeepEqual(slices.Sorted(slices.Values(perm)), []int{0, 1, 2, 3, 4, 5, 6}) {
		t.Fatalf("not a permutation: %v", perm)
	}
	bs := Batches(perm, 3)
	if len(bs) != 3 || len(bs[0]) != 3 || len(bs[2]) != 1 || bs[2][0] != perm[6] {
		t.Fatalf("Batches = %v", bs)
	}
	if len(Batches(nil, 3)) != 0 {
		t.Fatal("batches of nothing")
	}
	x := seqMatrix(7)
	dst := mat.NewDense(3, 2, nil)
	Gather(dst, x, bs[0])
	if !reflect.DeepEqual(firstCol(dst), bs[0]) {
		t.Fatalf("Gather = %v, want %v", firstCol(dst), bs[0])
	}
	s := Shuffle(x, rng)
	if got := slices.Sorted(slices.Values(firstCol(s))); !reflect.DeepEqual(got, []int{0, 1, 2, 3, 4, 5, 6}) {
		t.Fatalf("Shuffle lost rows: %v", firstCol(s))
	}
	if x.At(2, 0) != 2 {
		t.Error("Shuffle modified its input")
	}
}
