// Command bmdca evaluates a Potts model trained with
// `boltzmann train MSA.fasta --model potts` against its alignment, and
// measures the Gibbs sampler's throughput at adabmDCA's settings:
//
//	go run ./benchmarks/bmdca -run RUN_DIR -data MSA.fasta -out DIR
//
// It samples -n sequences (independent chains from uniformly random states,
// -sweeps Gibbs sweeps each), then reports the Pearson correlations of the
// one-site frequencies f_i and of the connected correlations C_ij between
// the samples and the reweighted data, and the distribution of the Hamming
// distance from each sample (and each held-in data sequence) to its nearest
// other data sequence, as a PNG. With -speed it times Gibbs sweeps of
// 10,000 chains.
package main

import (
	"encoding/binary"
	"flag"
	"fmt"
	"log"
	"math/bits"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"time"

	"boltzmann/bmdca"
	"boltzmann/figure"
	"boltzmann/internal/parallel"
	"boltzmann/model/potts"
	"boltzmann/msa"
	"boltzmann/runs"
	"boltzmann/sample"
)

func main() {
	run := flag.String("run", "", "run directory of a potts model")
	data := flag.String("data", "", "alignment the model was trained on")
	out := flag.String("out", ".", "directory for the PNG")
	n := flag.Int("n", 10000, "number of generated sequences")
	sweeps := flag.Int("sweeps", 1000, "Gibbs sweeps per generated sequence")
	speed := flag.Bool("speed", false, "time Gibbs sweeps of 10,000 chains")
	seed := flag.Uint64("seed", 7, "random seed")
	flag.Parse()
	m, _, err := runs.LoadModel(*run)
	if err != nil {
		log.Fatal(err)
	}
	pm, ok := m.(*potts.Model)
	if !ok {
		log.Fatalf("%s is not a potts run", *run)
	}
	a, err := msa.ReadFile(*data, msa.Options{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("GOMAXPROCS=%d  L=%d q=%d  data N=%d\n", runtime.GOMAXPROCS(0), pm.L(), pm.Q(), a.N())

	if *speed {
		c := sample.NewChains(10000, pm.L(), *seed)
		c.Randomize(pm.States())
		var g potts.Gibbs
		g.Step(pm, c, 1) // warm up buffers
		const reps = 5
		start := time.Now()
		for range reps {
			g.Step(pm, c, 10)
		}
		sec := time.Since(start).Seconds()
		sw := float64(reps*10) / sec
		fmt.Printf("speed: %d x 10 sweeps of 10000 chains in %.2f s: %.2f sweeps/s of all chains, %.3g site updates/s, %.2f s per update of 10 sweeps\n",
			reps, sec, sw, sw*10000*float64(pm.L()), sec/reps)
	}

	w := a.Weights(0.8)
	tgt := bmdca.NewTarget(a.Seqs, a.Q(), w, 0)
	c := sample.NewChains(*n, pm.L(), *seed)
	c.Randomize(pm.States())
	start := time.Now()
	potts.Sweep(pm, c, *sweeps)
	fmt.Printf("sampled %d sequences with %d sweeps in %.1f s\n", *n, *sweeps, time.Since(start).Seconds())
	gen := msa.SeqsFromCodes(c.Visible())
	flat := make([]uint8, 0, len(gen)*pm.L())
	for _, s := range gen {
		flat = append(flat, s...)
	}
	var cnt bmdca.Counts
	cnt.Count(flat, pm.L(), pm.Q())
	fi := make([]float64, len(cnt.Fi))
	for k, v := range cnt.Fi {
		fi[k] = v / float64(cnt.N)
	}
	cm := make([]float64, len(tgt.C))
	cnt.Connected(cm)
	rf, sf := bmdca.Pearson(tgt.Fi, fi)
	rc, sc := bmdca.Pearson(tgt.C, cm)
	fmt.Printf("samples vs data (reweighted, no pseudocount): Pearson f_i %.4f (slope %.3f), Pearson C_ij %.4f (slope %.3f)\n", rf, sf, rc, sc)

	// Nearest-neighbour Hamming distances to the data.
	nq := min(2000, len(gen), a.N())
	dGen := nearest(gen[:nq], a.Seqs, -1)
	// Data sequences against the rest of the data (self excluded).
	stride := a.N() / nq
	var dq [][]uint8
	for k := range nq {
		dq = append(dq, a.Seqs[k*stride])
	}
	dData := nearestSelf(dq, a.Seqs, stride)
	l := pm.L()
	x := make([]float64, l+1)
	hg, hd := make([]float64, l+1), make([]float64, l+1)
	for k := range x {
		x[k] = float64(k)
	}
	for _, d := range dGen {
		hg[d] += 1 / float64(nq)
	}
	for _, d := range dData {
		hd[d] += 1 / float64(nq)
	}
	fmt.Printf("nearest-neighbour Hamming distance to the data: generated median %d, data (leave-one-out) median %d\n", median(dGen), median(dData))
	fmt.Println("distance  generated  data")
	for k := range x {
		if hg[k] > 0 || hd[k] > 0 {
			fmt.Printf("%8d  %9.4f  %.4f\n", k, hg[k], hd[k])
		}
	}
	png := filepath.Join(*out, "bmdca-hamming.png")
	if err := figure.Lines(png, "nearest-neighbour Hamming distance to the natural sequences", "Hamming distance", "fraction of sequences",
		[]figure.Series{{Name: "generated (bmDCA)", X: x, Y: hg}, {Name: "natural (leave-one-out)", X: x, Y: hd}}, false, false); err != nil {
		log.Fatal(err)
	}
	fmt.Println("wrote", png)
	os.Exit(0)
}

func median(d []int) int {
	c := slices.Clone(d)
	slices.Sort(c)
	return c[len(c)/2]
}

func pack(seqs [][]uint8) ([]uint64, int) {
	l := len(seqs[0])
	words := (l + 7) / 8
	out := make([]uint64, len(seqs)*words)
	buf := make([]byte, words*8)
	for s, seq := range seqs {
		clear(buf)
		copy(buf, seq)
		for k := range words {
			out[s*words+k] = binary.LittleEndian.Uint64(buf[8*k:])
		}
	}
	return out, words
}

// diffBytes counts the nonzero bytes of v.
func diffBytes(v uint64) int {
	const lo7 = 0x7f7f7f7f7f7f7f7f
	t := (v & lo7) + lo7
	t = (t | v) &^ lo7 // high bit set iff the byte is nonzero
	return bits.OnesCount64(t)
}

// nearest returns, for each query, the Hamming distance to the closest
// reference sequence.
func nearest(queries, refs [][]uint8, _ int) []int {
	qp, words := pack(queries)
	rp, _ := pack(refs)
	out := make([]int, len(queries))
	parallel.For(len(queries), func(k int) {
		x := qp[k*words : (k+1)*words]
		best := 1 << 30
		for r := range refs {
			y := rp[r*words : (r+1)*words]
			d := 0
			for i, v := range x {
				d += diffBytes(v ^ y[i])
				if d >= best {
					break
				}
			}
			best = min(best, d)
		}
		out[k] = best
	})
	return out
}

// nearestSelf is nearest with queries k = refs[k·stride], skipping itself.
func nearestSelf(queries, refs [][]uint8, stride int) []int {
	qp, words := pack(queries)
	rp, _ := pack(refs)
	out := make([]int, len(queries))
	parallel.For(len(queries), func(k int) {
		x := qp[k*words : (k+1)*words]
		best := 1 << 30
		for r := range refs {
			if r == k*stride {
				continue
			}
			y := rp[r*words : (r+1)*words]
			d := 0
			for i, v := range x {
				d += diffBytes(v ^ y[i])
				if d >= best {
					break
				}
			}
			best = min(best, d)
		}
		out[k] = best
	})
	return out
}
