// Command bmdca_optim compares optimizers and sweeps per update of bmDCA on
// one alignment, each run bounded in updates and wall time:
//
//	go run ./benchmarks/bmdca_optim -data MSA.fasta -opt adaptive -out curve.csv
//
// Every run uses the statistics of `boltzmann train MSA.fasta` (reweighting
// at 80% identity, pseudocount 1/Neff, the independent-site start, chains
// from uniformly random sequences, Gibbs sweeps) and differs only in -opt
// (sgd: adabmDCA's constant-rate step; adaptive: optim.SignAdaptive; adam),
// its rates, -sweeps and -replicas (parallel tempering). It writes one CSV line per update (update, Pearson
// of the connected correlations, slope, wall seconds, CPU seconds of the
// process) and prints the first update at which each Pearson threshold was
// reached. With -gen N it then samples N sequences from the trained model
// (independent chains from uniformly random sequences, -gen-sweeps Gibbs
// sweeps each) and prints the Pearson of their connected correlations against
// the reweighted data without pseudocount, as benchmarks/bmdca does.
//
// With -tau RUN_DIR it trains nothing: it measures the integrated
// autocorrelation time (in Gibbs sweeps) of the energy of 1,000 chains of
// the run's Potts model, after -tau-burn sweeps from uniformly random
// sequences, over the next -tau-sweeps sweeps: the sampling effort one
// update's chains need to decorrelate.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"runtime"
	"syscall"
	"time"

	"boltzmann/bmdca"
	"boltzmann/model/potts"
	"boltzmann/msa"
	"boltzmann/optim"
	"boltzmann/runs"
	"boltzmann/sample"
	"boltzmann/train"
)

func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

func main() {
	data := flag.String("data", "", "alignment (FASTA)")
	out := flag.String("out", "", "CSV of the learning curve (default: none)")
	opt := flag.String("opt", "sgd", "sgd (adabmDCA), adaptive (optim.SignAdaptive) or adam")
	lr := flag.Float64("lr", bmdca.DefaultLR, "learning rate (initial rate for adaptive)")
	up := flag.Float64("up", bmdca.AdaptiveUp, "adaptive: rate factor on sign agreement")
	down := flag.Float64("down", bmdca.AdaptiveDown, "adaptive: rate factor on sign change")
	maxf := flag.Float64("max", bmdca.AdaptiveMax, "adaptive: largest rate as a multiple of -lr")
	sweeps := flag.Int("sweeps", bmdca.DefaultSweeps, "Gibbs sweeps per update (with -replicas: PT transitions, each a sweep of every replica)")
	replicas := flag.Int("replicas", 0, "parallel tempering with this many replicas (ladder adapted to swap acceptance 0.3; 0: plain Gibbs sweeps)")
	chains := flag.Int("chains", bmdca.DefaultChains, "persistent chains")
	target := flag.Float64("target", bmdca.DefaultTarget, "stop at this Pearson correlation")
	maxUpdates := flag.Int("max-updates", 2000, "stop after this many updates")
	maxSeconds := flag.Float64("max-seconds", 1800, "stop after this many wall seconds")
	seed := flag.Uint64("seed", 1, "seed of the chains")
	gen := flag.Int("gen", 0, "generated sequences to evaluate after training (0: none)")
	genSweeps := flag.Int("gen-sweeps", 1000, "Gibbs sweeps per generated sequence")
	tau := flag.String("tau", "", "run directory: measure the energy autocorrelation time of its model instead of training")
	tauBurn := flag.Int("tau-burn", 500, "-tau: burn-in sweeps")
	tauSweeps := flag.Int("tau-sweeps", 500, "-tau: recorded sweeps")
	flag.Parse()
	if *tau != "" {
		autocorr(*tau, *tauBurn, *tauSweeps, *seed)
		return
	}

	a, err := msa.ReadFile(*data, msa.Options{})
	if err != nil {
		log.Fatal(err)
	}
	w := a.Weights(bmdca.DefaultReweight)
	tgt := bmdca.NewTarget(a.Seqs, a.Q(), w, -1)
	m := potts.New(a.L(), a.Q())
	bmdca.InitIndependent(m, tgt)
	s := &bmdca.Settings{Chains: *chains, Sweeps: *sweeps, LR: *lr, Target: *target, MaxUpdates: *maxUpdates, Seed: *seed}
	if *replicas > 0 {
		pt, err := runs.NewTempering(*replicas, 0, 0) // what train --sampler pt --replicas R uses
		if err != nil {
			log.Fatal(err)
		}
		s.Sampler = pt
	}
	switch *opt {
	case "sgd":
	case "adaptive":
		s.Optimizer = &optim.SignAdaptive{Init: *lr, Up: *up, Down: *down, Min: *lr / 100, Max: *maxf * *lr}
	case "adam":
		s.Optimizer = &optim.Adam{LR: optim.Constant(*lr)}
	default:
		log.Fatalf("unknown -opt %q", *opt)
	}
	var csv *bufio.Writer
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			log.Fatal(err)
		}
		defer f.Close()
		csv = bufio.NewWriter(f)
		defer csv.Flush()
		fmt.Fprintln(csv, "update,pearson,slope,wall_s,cpu_s")
	}
	thresholds := []float64{0.8, 0.9, 0.93, 0.95}
	next := 0
	cpu0 := cpuSeconds()
	start := time.Now()
	s.Recorders = []train.Recorder{train.RecorderFunc(func(tr *train.Trainer, r train.Record) error {
		if r.Event != train.UpdateEvent {
			return nil
		}
		wall, cpu := time.Since(start).Seconds(), cpuSeconds()-cpu0
		if csv != nil {
			fmt.Fprintf(csv, "%d,%.5f,%.4f,%.2f,%.2f\n", r.Update, r.Pearson, r.Slope, wall, cpu)
			csv.Flush()
		}
		for next < len(thresholds) && r.Pearson >= thresholds[next] {
			fmt.Printf("pearson %.2f reached at update %d, wall %.0f s, cpu %.0f s (pearson %.4f, slope %.3f)\n",
				thresholds[next], r.Update, wall, cpu, r.Pearson, r.Slope)
			next++
		}
		return nil
	})}
	fmt.Printf("GOMAXPROCS=%d L=%d q=%d Neff=%.1f opt=%s lr=%g up=%g down=%g max=%g sweeps=%d chains=%d\n",
		runtime.GOMAXPROCS(0), a.L(), a.Q(), tgt.Neff, *opt, *lr, *up, *down, *maxf, *sweeps, *chains)
	tr, err := bmdca.New(m, tgt, s)
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(*maxSeconds*float64(time.Second)))
	defer cancel()
	if err := tr.Run(ctx); err != nil && ctx.Err() == nil {
		log.Fatal(err)
	}
	h := tr.History()
	last := h[len(h)-1]
	fmt.Printf("end: %d updates, status %v, pearson %.4f, slope %.3f, wall %.0f s, cpu %.0f s\n",
		tr.Updates(), tr.Status(), last.Pearson, last.Slope, time.Since(start).Seconds(), cpuSeconds()-cpu0)

	if *gen > 0 {
		ref := bmdca.NewTarget(a.Seqs, a.Q(), w, 0)
		c := sample.NewChains(*gen, m.L(), *seed+1000)
		c.Randomize(m.States())
		t0 := time.Now()
		potts.Sweep(m, c, *genSweeps)
		codes := make([]uint8, 0, *gen*m.L())
		for _, sq := range msa.SeqsFromCodes(c.VisibleView()) {
			codes = append(codes, sq...)
		}
		var cnt bmdca.Counts
		cnt.Count(codes, m.L(), m.Q())
		cm := make([]float64, len(ref.C))
		cnt.Connected(cm)
		rc, sc := bmdca.Pearson(ref.C, cm)
		fmt.Printf("generated: %d sequences x %d sweeps in %.0f s: Pearson C_ij vs data %.4f (slope %.3f)\n",
			*gen, *genSweeps, time.Since(t0).Seconds(), rc, sc)
	}
}

func autocorr(dir string, burn, sweeps int, seed uint64) {
	m, _, err := runs.LoadModel(dir)
	if err != nil {
		log.Fatal(err)
	}
	pm, ok := m.(*potts.Model)
	if !ok {
		log.Fatalf("%s is not a potts run", dir)
	}
	const n = 1000
	c := sample.NewChains(n, pm.L(), seed)
	c.Randomize(pm.States())
	t0 := time.Now()
	potts.Sweep(pm, c, burn)
	e := make([]float64, n)
	series := make([][]float64, n)
	for range sweeps {
		potts.Sweep(pm, c, 1)
		pm.FreeEnergy(c.VisibleView(), e)
		for k, v := range e {
			series[k] = append(series[k], v)
		}
	}
	fmt.Printf("%s: energy autocorrelation time %.2f sweeps (%d chains, %d burn-in + %d recorded sweeps, %.0f s)\n",
		dir, sample.IntegratedAutocorrTimeChains(series), n, burn, sweeps, time.Since(t0).Seconds())
}
