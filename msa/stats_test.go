package msa

import (
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"gonum.org/v1/gonum/mat"
)

// randomAlignment returns n random sequences of length l over q states,
// each a mutated copy of one of a few ancestors so that identities vary.
func randomAlignment(rng *rand.Rand, n, l, q int) *Alignment {
	alpha, err := Custom("-ABCDEFGHIJKLMNOPQRSTUVWXYZ"[:q])
	if err != nil {
		panic(err)
	}
	anc := make([][]uint8, 4)
	for k := range anc {
		anc[k] = make([]uint8, l)
		for i := range anc[k] {
			anc[k][i] = uint8(rng.IntN(q))
		}
	}
	a := &Alignment{Alphabet: alpha}
	for s := range n {
		seq := append([]uint8(nil), anc[rng.IntN(len(anc))]...)
		for i := range seq {
			if rng.Float64() < 0.15 {
				seq[i] = uint8(rng.IntN(q))
			}
		}
		a.Seqs = append(a.Seqs, seq)
		a.Names = append(a.Names, "s"+string(rune('a'+s%26)))
	}
	return a
}

func TestWeightsBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, l := range []int{1, 7, 8, 9, 21, 53} {
		a := randomAlignment(rng, 150, l, 5)
		for _, th := range []float64{0, 0.5, 0.8, 1, 1.5} {
			got := a.Weights(th)
			for n, sn := range a.Seqs {
				count := 0
				for _, sm := range a.Seqs {
					eq := 0
					for i := range sn {
						if sn[i] == sm[i] {
							eq++
						}
					}
					if float64(eq)/float64(l) >= th-1e-12 {
						count++
					}
				}
				want := 1 / float64(count)
				if th > 1 {
					want = 1
				}
				if got[n] != want {
					t.Fatalf("L=%d th=%g: w[%d] = %g, want %g", l, th, n, got[n], want)
				}
			}
		}
	}
}

func TestFrequencies(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	a := randomAlignment(rng, 60, 5, 3)
	w := a.Weights(0.8)
	const lambda = 0.1
	fi, fij := a.Frequencies(w, lambda)
	l, q := a.L(), a.Q()
	tot := Neff(w)
	for i := range l {
		sum := 0.0
		for x := range q {
			want := 0.0
			for n, s := range a.Seqs {
				if int(s[i]) == x {
					want += w[n]
				}
			}
			want = (1-lambda)*want/tot + lambda/float64(q)
			if d := math.Abs(fi.At(i, x) - want); d > 1e-12 {
				t.Errorf("f_%d(%d) = %g, want %g", i, x, fi.At(i, x), want)
			}
			sum += fi.At(i, x)
			for j := range l {
				for y := range q {
					want := 0.0
					for n, s := range a.Seqs {
						if int(s[i]) == x && int(s[j]) == y {
							want += w[n]
						}
					}
					want = (1-lambda)*want/tot + lambda/float64(q*q)
					if i == j {
						want = 0
						if x == y {
							want = fi.At(i, x)
						}
					}
					if got := fij.At(i*q+x, j*q+y); math.Abs(got-want) > 1e-12 {
						t.Fatalf("f_%d%d(%d,%d) = %g, want %g", i, j, x, y, got, want)
					}
				}
			}
		}
		if math.Abs(sum-1) > 1e-12 {
			t.Errorf("site %d frequencies sum to %g", i, sum)
		}
	}
	c := ConnectedCorrelations(fi, fij)
	if !mat.EqualApprox(c, mat.DenseCopyOf(c.T()), 1e-14) {
		t.Error("connected correlations not symmetric")
	}
	if got := c.At(q+1, 2*q); math.Abs(got-(fij.At(q+1, 2*q)-fi.At(1, 1)*fi.At(2, 0))) > 1e-15 {
		t.Errorf("C = %g", got)
	}
	// Without weights nor pseudocount, the frequencies are the plain counts
	// of the one-hot matrix: fij = XᵀX / N.
	_, fij0 := a.Frequencies(nil, 0)
	x := a.OneHot()
	var xtx mat.Dense
	xtx.Mul(x.T(), x)
	xtx.Scale(1/float64(a.N()), &xtx)
	if !mat.EqualApprox(&xtx, fij0, 1e-12) {
		t.Error("unweighted fij differs from XᵀX/N")
	}
	if got := len(PairEntries(c, q)); got != l*(l-1)/2*q*q {
		t.Errorf("PairEntries has %d entries", got)
	}
	if got, want := PairEntries(c, q)[0], c.At(0, q); got != want {
		t.Errorf("PairEntries[0] = %g, want %g", got, want)
	}
	codes := a.Codes()
	back := SeqsFromCodes(codes)
	for n := range back {
		if string(back[n]) != string(a.Seqs[n]) {
			t.Fatal("Codes/SeqsFromCodes round trip")
		}
	}
}

const pf00014 = "../../shared/data/msa/PF00014.fasta"

func TestPF00014(t *testing.T) {
	if _, err := os.Stat(pf00014); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI must find the shared PF00014 alignment beside the checkout: %v", err)
		}
		t.Skip("shared PF00014 alignment not present")
	}
	start := time.Now()
	a, err := ReadFile(pf00014, Options{})
	if err != nil {
		t.Fatal(err)
	}
	read := time.Since(start)
	if a.N() != 13600 || a.L() != 53 || a.Q() != 21 {
		t.Fatalf("PF00014 is %d × %d (q = %d), want 13600 × 53 (q = 21)", a.N(), a.L(), a.Q())
	}
	start = time.Now()
	w := a.Weights(0.8)
	wt := time.Since(start)
	neff := Neff(w)
	t.Logf("PF00014: N = %d, L = %d, Neff(0.8) = %.1f; read %v, weights %v", a.N(), a.L(), neff, read, wt)
	// The reference is the definition computed pair by pair (a plain
	// double loop over the 13,600 sequences, identity = matching columns /
	// 53 >= 0.8, self included; 9 s), independently of the packed,
	// early-exit comparison of Weights: 4363.861455957. adabmDCA's
	// compute_weights has the same definition.
	const wantNeff = 4363.861455957
	if math.Abs(neff-wantNeff) > 1e-6 {
		t.Errorf("Neff = %.9f, want %.9f", neff, wantNeff)
	}
	if !strings.HasPrefix(a.Names[0], "A0A0V1MAN1_9BILA") {
		t.Errorf("first header %q", a.Names[0])
	}
}
