// Command perf times boltzmann's hot paths and the same work done by a peer
// (scikit-learn's BernoulliRBM, float64) in one run on the same machine,
// alternating the two, and prints both, their ratio and the fraction of the
// machine's measured float32 matrix-multiply rate that each reaches.
//
//	go run -tags openblas ./benchmarks/perf -cases all -repeat 3
//
// Every figure is the median over -repeat alternating runs; the load average
// is read from /proc/loadavg around each run (the machine may be shared).
// Python with scikit-learn (Debian python3-sklearn) is needed for the peer
// columns; without it those columns are empty.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"syscall"
	"time"

	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/mat"

	"boltzmann/ais"
	"boltzmann/dataset"
	"boltzmann/exact"
	"boltzmann/figure"
	"boltzmann/internal/linalg"
	"boltzmann/internal/parallel"
	"boltzmann/model/ising"
	"boltzmann/model/rbm"
	"boltzmann/optim"
	"boltzmann/sample"
	"boltzmann/train"
)

// flopPCD is the work of one PCD-1 update per sample counted as the issue
// counts it: five V×H products (2·V·H flops each).
const (
	nv, nh    = 784, 500
	flopProd  = 2.0 * nv * nh
	flopPCD1  = 5 * flopProd
	flopGibbs = 2 * flopProd
)

var (
	casesFlag = flag.String("cases", "all", "comma-separated: train,gibbs,site,logz,ais,scale (or all)")
	trainOnly = flag.Bool("pcd1-only", false, "train case: only PCD-1 float32 (for profiling)")
	aisSteps  = flag.Int("ais-steps", 14500, "AIS schedule length (Salakhutdinov-Murray spacing)")
	repeat    = flag.Int("repeat", 3, "alternating repetitions per case (median reported)")
	rows      = flag.Int("rows", 60000, "MNIST training rows per epoch")
	mnistPath = flag.String("mnist", "/work/shared/data/mnist/train-images-idx3-ubyte.gz", "MNIST training images (IDX, gzip)")
	python    = flag.String("python", "/usr/bin/python3", "Python with scikit-learn for the peer columns (empty: skip)")
	outDir    = flag.String("out", "benchmarks/perf", "directory for the scaling PNGs")
	cpuProf   = flag.String("cpuprofile", "", "write a CPU profile to this file (with -pcd1-only: of the training epochs alone)")
)

// gemmRate is the machine's float32 rate (flop/s) for a 100×784 by 784×500
// product, measured with all cores.
var gemmRate float64

type timing struct{ wall, cpu, load float64 }

func cpuSeconds() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

func loadAvg() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return math.NaN()
	}
	var l float64
	fmt.Sscan(string(b), &l)
	return l
}

func timeIt(fn func()) timing {
	l0 := loadAvg()
	c0, t0 := cpuSeconds(), time.Now()
	fn()
	return timing{time.Since(t0).Seconds(), cpuSeconds() - c0, (l0 + loadAvg()) / 2}
}

// peer runs peer.py and returns its wall and CPU seconds (NaN if unavailable).
func peer(args ...string) timing {
	if *python == "" {
		return timing{math.NaN(), math.NaN(), math.NaN()}
	}
	l0 := loadAvg()
	cmd := exec.Command(*python, append([]string{filepath.Join("benchmarks", "perf", "peer.py")}, args...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, os.Stderr
	if err := cmd.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "peer:", err)
		return timing{math.NaN(), math.NaN(), math.NaN()}
	}
	var r struct{ Wall, CPU float64 }
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		fmt.Fprintln(os.Stderr, "peer:", err)
	}
	return timing{r.Wall, r.CPU, (l0 + loadAvg()) / 2}
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s) == 0 {
		return math.NaN()
	}
	return s[len(s)/2]
}

// med collects repeated timings; bound holds the GEMM rate measured just
// before each of them, so that the fraction of the bound is taken under the
// same load.
type med struct{ wall, cpu, load, bound []float64 }

func (m *med) add(t timing) {
	m.wall = append(m.wall, t.wall)
	m.cpu = append(m.cpu, t.cpu)
	m.load = append(m.load, t.load)
}

// addBounded measures the GEMM rate, then runs fn and records its timing.
func (m *med) addBounded(fn func() timing) {
	m.bound = append(m.bound, gemmNow(2))
	m.add(fn())
}

func row(name, unit string, work float64, flopPerUnit float64, ours, theirs *med) {
	o := work / median(ours.wall)
	line := fmt.Sprintf("| %s | %.4g%s | ", name, o, unit)
	if theirs != nil && !math.IsNaN(median(theirs.wall)) {
		p := work / median(theirs.wall)
		line += fmt.Sprintf("%.4g | %.2fx | ", p, o/p)
	} else {
		line += "– | – | "
	}
	if flopPerUnit > 0 {
		// The median over repetitions of each run's rate over the GEMM
		// rate measured just before it.
		var fr []float64
		for i, w := range ours.wall {
			b := gemmRate
			if i < len(ours.bound) {
				b = ours.bound[i]
			}
			fr = append(fr, work/w*flopPerUnit/b)
		}
		line += fmt.Sprintf("%.0f%% | ", 100*median(fr))
	} else {
		line += "– | "
	}
	line += fmt.Sprintf("%.4g | ", work/median(ours.cpu))
	if theirs != nil && !math.IsNaN(median(theirs.cpu)) {
		line += fmt.Sprintf("%.4g | ", work/median(theirs.cpu))
	} else {
		line += "– | "
	}
	line += fmt.Sprintf("%.2f | %.1f |", median(ours.cpu)/median(ours.wall), median(ours.load))
	fmt.Println(line)
}

// gemmNow returns the machine's float32 GEMM rate (flop/s) for the
// 100×784·784×500 product: the best of three ways of using the cores, the
// BLAS's own threads on the whole product, one-thread BLAS calls on row
// shares run by goroutines, and one thread alone (which wins when the
// machine is loaded), each the median of reps timings of 20 products.
func gemmNow(reps int) float64 {
	rng := rand.New(rand.NewPCG(1, 1))
	fill := func(n int) []float32 {
		x := make([]float32, n)
		for i := range x {
			x[i] = float32(rng.NormFloat64())
		}
		return x
	}
	const m = 100
	a := fill(m * nv)
	w := blas32.General{Rows: nv, Cols: nh, Stride: nh, Data: fill(nv * nh)}
	c := fill(m * nh)
	product := func(lo, hi int) {
		linalg.Gemm32(false, false, 1, blas32.General{Rows: hi - lo, Cols: nv, Stride: nv, Data: a[lo*nv:]}, w, 0,
			blas32.General{Rows: hi - lo, Cols: nh, Stride: nh, Data: c[lo*nh:]})
	}
	p := runtime.NumCPU()
	rate := func(split bool) float64 {
		var rates []float64
		for range reps {
			t := timeIt(func() {
				for range 20 {
					if !split {
						product(0, m)
						continue
					}
					parallel.For(p, func(k int) { product(k*m/p, (k+1)*m/p) })
				}
			})
			rates = append(rates, 20*m*flopProd/t.wall)
		}
		return median(rates)
	}
	linalg.SetBLASThreads(p)
	threaded := rate(false)
	linalg.SetBLASThreads(1)
	return max(threaded, rate(true), rate(false))
}

func measureGemm() {
	gemmRate = gemmNow(15)
	fmt.Printf("float32 GEMM 100×784·784×500 (%s, all %d cores, best of BLAS threads, goroutines and one thread): %.1f GFLOP/s (median of 15; load %.1f)\n",
		linalg.Backend(), runtime.NumCPU(), gemmRate/1e9, loadAvg())
	if *python != "" {
		cmd := exec.Command(*python, filepath.Join("benchmarks", "perf", "peer.py"), "gemm")
		if out, err := cmd.Output(); err == nil {
			fmt.Printf("numpy GEMM (GFLOP/s): %s", out)
		}
	}
}

func loadMNIST() *mat.Dense {
	x, err := dataset.Read(*mnistPath, dataset.ReadOptions{Binarize: "threshold", Limit: *rows})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	return x
}

// trainEpoch times one epoch of PCD-k with SGD (learning rate 0.1, as
// scikit-learn) and returns the time of the updates alone.
func trainEpoch(x *mat.Dense, k, hidden, batch int, f32 bool) timing {
	r := rbm.New(nv, hidden)
	r.InitFromData(x, rand.New(rand.NewPCG(1, 2)))
	r.SetFloat32(f32)
	tr, err := train.New(r, x, &train.Settings{
		Method: train.PCD, K: k, BatchSize: batch, Epochs: 1, Seed: 1,
		Optimizer: &optim.SGD{LR: optim.Constant(0.1)}, MonitorRows: 1,
	})
	if err != nil {
		panic(err)
	}
	return timeIt(func() {
		if err := tr.RunEpoch(context.Background()); err != nil {
			panic(err)
		}
	})
}

func header() {
	fmt.Println("| case | boltzmann | scikit-learn | ratio | % of GEMM bound | boltzmann per CPU-s | scikit-learn per CPU-s | CPU/wall | load |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|")
}

func caseTrain(x *mat.Dense) {
	n, _ := x.Dims()
	var o32, o64, o10, sk med
	if *trainOnly {
		// With -cpuprofile the profile covers the training epochs alone.
		stop := func() {}
		if *cpuProf != "" {
			stop = startProfile()
		}
		for range *repeat {
			o32.add(trainEpoch(x, 1, nh, 100, true))
		}
		stop()
		row("PCD-1 epoch, float32 (samples/s)", "", float64(n), flopPCD1, &o32, nil)
		return
	}
	for range *repeat {
		o32.addBounded(func() timing { return trainEpoch(x, 1, nh, 100, true) })
		sk.add(peer("train", "--rows", fmt.Sprint(n)))
		o64.addBounded(func() timing { return trainEpoch(x, 1, nh, 100, false) })
		o10.addBounded(func() timing { return trainEpoch(x, 10, nh, 100, true) })
	}
	work := float64(n)
	row("PCD-1 epoch, float32 (samples/s)", "", work, flopPCD1, &o32, &sk)
	row("PCD-1 epoch, float64 (samples/s)", "", work, flopPCD1, &o64, &sk)
	// PCD-10: 1 data product pair + 10 Gibbs steps + the chains' stats.
	row("PCD-10 epoch, float32 (samples/s; no peer)", "", work, 2*flopProd+10*flopGibbs+2*flopProd, &o10, nil)
}

func gibbsTiming(chains, steps, hidden int, f32 bool) timing {
	r := rbm.New(nv, hidden)
	r.InitRandom(rand.New(rand.NewPCG(3, 3)), 0.01)
	r.SetFloat32(f32)
	c := sample.NewChains(chains, nv, 5)
	c.Randomize([]float64{0, 1})
	sample.BlockGibbs{}.Step(r, c, 1)
	return timeIt(func() { sample.BlockGibbs{}.Step(r, c, steps) })
}

func caseGibbs() {
	for _, n := range []int{100, 1000, 10000} {
		steps := max(40000/n, 2)
		var o32, o64, sk med
		for range *repeat {
			o32.addBounded(func() timing { return gibbsTiming(n, steps, nh, true) })
			sk.add(peer("gibbs", "--chains", fmt.Sprint(n), "--steps", fmt.Sprint(steps)))
			o64.addBounded(func() timing { return gibbsTiming(n, steps, nh, false) })
		}
		work := float64(n * steps)
		row(fmt.Sprintf("block Gibbs %d chains, float32 (chain-steps/s)", n), "", work, flopGibbs, &o32, &sk)
		row(fmt.Sprintf("block Gibbs %d chains, float64 (chain-steps/s)", n), "", work, flopGibbs, &o64, &sk)
	}
}

func caseSite() {
	for _, n := range []int{100, 1000} {
		m := ising.New(n, ising.PlusMinus)
		rng := rand.New(rand.NewPCG(7, 7))
		for i := range n {
			for j := i + 1; j < n; j++ {
				m.SetCoupling(i, j, rng.NormFloat64()/math.Sqrt(float64(n)))
			}
		}
		sweeps := max(20000/n, 2)
		var o med
		for range *repeat {
			c := sample.NewChains(1000, n, 9)
			c.Randomize(m.States())
			o.add(timeIt(func() { sample.SiteGibbs{}.Step(m, c, sweeps) }))
		}
		row(fmt.Sprintf("single-site Gibbs, Ising N=%d, 1000 chains (spin updates/s; no peer)", n), "", float64(1000*n*sweeps), 0, &o, nil)
	}
}

func caseLogZ() {
	r := rbm.New(nv, 20)
	r.InitRandom(rand.New(rand.NewPCG(4, 4)), 0.1)
	var o med
	for range *repeat {
		o.add(timeIt(func() {
			if _, err := exact.LogPartition(r); err != nil {
				panic(err)
			}
		}))
	}
	row("exact log Z, RBM 784×20 (enumerations of 2^20 hidden states per s; no peer)", "", 1<<20, 0, &o, nil)
	fmt.Printf("  (one exact.LogPartition: %.3g s)\n", median(o.wall))
}

// caseAIS times forward AIS with 100 runs on a 784×500 RBM trained for a
// moment (so that the weights are not all tiny) from the base-rate model.
func caseAIS(x *mat.Dense) {
	r := rbm.New(nv, nh)
	r.InitFromData(x, rand.New(rand.NewPCG(1, 2)))
	r.InitRandom(rand.New(rand.NewPCG(1, 3)), 0.05)
	sched := ais.SalakhutdinovMurray(*aisSteps)
	var o med
	for range *repeat {
		o.addBounded(func() timing {
			return timeIt(func() {
				if _, err := ais.Forward(ais.NewRBMPath(r, ais.BaseRateBias(r, x)), &ais.Settings{Runs: 100, Schedule: sched, Seed: 1}); err != nil {
					panic(err)
				}
			})
		})
	}
	// One step is two products over the batch of runs, vW and hWᵀ, in float64
	// (the ais package's choice); the fraction is of the float32 bound.
	row(fmt.Sprintf("AIS 100 runs × %d steps, 784×500 (run-steps/s; no peer)", sched.Steps()), "", float64(100*sched.Steps()), flopGibbs, &o, nil)
	fmt.Printf("  (one ais.Forward: %.3g s)\n", median(o.wall))
}

func caseScale(x *mat.Dense) {
	var hid, chains, batch figure.Series
	hid.Name, chains.Name, batch.Name = "block Gibbs, 1000 chains", "block Gibbs, H=500", "PCD-1 epoch of 6000 rows, H=500"
	for _, h := range []int{50, 100, 200, 500, 1000, 2000} {
		t := gibbsTiming(1000, 4, h, true)
		hid.X, hid.Y = append(hid.X, float64(h)), append(hid.Y, t.wall/4)
	}
	for _, n := range []int{10, 100, 1000, 10000} {
		s := max(20000/n, 2)
		t := gibbsTiming(n, s, nh, true)
		chains.X, chains.Y = append(chains.X, float64(n)), append(chains.Y, t.wall/float64(s))
	}
	sub := x.Slice(0, min(6000, x.RawMatrix().Rows), 0, nv).(*mat.Dense)
	for _, b := range []int{10, 30, 100, 300, 1000} {
		t := trainEpoch(sub, 1, nh, b, true)
		batch.X, batch.Y = append(batch.X, float64(b)), append(batch.Y, t.wall)
	}
	for _, p := range []struct {
		file, xl, yl string
		s            figure.Series
	}{
		{"scale_hidden.png", "hidden units H", "seconds per Gibbs step (1000 chains, V=784)", hid},
		{"scale_chains.png", "chains", "seconds per Gibbs step (V=784, H=500)", chains},
		{"scale_batch.png", "batch size", "seconds per PCD-1 epoch (6000 rows)", batch},
	} {
		path := filepath.Join(*outDir, p.file)
		if err := figure.Lines(path, "boltzmann "+linalg.Backend()+", float32", p.xl, p.yl, []figure.Series{p.s}, true, true); err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
		fmt.Printf("wrote %s: x=%v y=%.3g\n", path, p.s.X, p.s.Y)
	}
}

// startProfile starts the CPU profile named by -cpuprofile and returns the
// function that stops it.
func startProfile() (stop func()) {
	f, err := os.Create(*cpuProf)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }
}

func main() {
	flag.Parse()
	if *cpuProf != "" && !*trainOnly {
		defer startProfile()()
	}
	want := func(c string) bool {
		return *casesFlag == "all" || slices.Contains(strings.Split(*casesFlag, ","), c)
	}
	fmt.Printf("boltzmann perf: backend %s, GOMAXPROCS %d, %s, load %.2f\n", linalg.Backend(), runtime.GOMAXPROCS(0), time.Now().UTC().Format(time.RFC3339), loadAvg())
	measureGemm()
	var x *mat.Dense
	if want("train") || want("scale") || want("ais") {
		x = loadMNIST()
	}
	header()
	if want("train") {
		caseTrain(x)
	}
	if want("gibbs") {
		caseGibbs()
	}
	if want("site") {
		caseSite()
	}
	if want("logz") {
		caseLogZ()
	}
	if want("ais") {
		caseAIS(x)
	}
	if want("scale") {
		caseScale(x)
	}
	measureGemm()
}
