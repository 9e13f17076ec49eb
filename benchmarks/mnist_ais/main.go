// Command mnist_ais trains RBMs on stochastically binarized MNIST and
// measures their test log-likelihood by annealed importance sampling (AIS)
// and reverse AIS (RAISE), the benchmark of Salakhutdinov & Murray (2008).
//
//	go run ./benchmarks/mnist_ais -hidden 500 -epochs 10 -ais-steps 14500
//
// It runs two experiments, each optional:
//
//   - check (-small-hidden H, default 20): an RBM small enough to enumerate
//     through its hidden layer, evaluated exactly, by AIS and by reverse
//     AIS: a check of the estimators at MNIST scale;
//   - main (-hidden H, default 500): trained by PCD or CD-k, then test
//     log-likelihood by AIS and by reverse AIS from test rows.
//
// Results are printed as JSON lines (and appended to -out if given).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"gonum.org/v1/gonum/mat"

	"boltzmann/ais"
	"boltzmann/dataset"
	"boltzmann/exact"
	"boltzmann/model/rbm"
	"boltzmann/optim"
	"boltzmann/train"
)

type config struct {
	mnist                 string
	dataSeed              uint64
	trainLimit, testLimit int
	hidden, smallHidden   int
	epochs, smallEpochs   int
	method                string
	k, batch, chains      int
	lr, l2, momentum      float64
	optimizer             string
	seed                  uint64
	aisRuns, aisSteps     int
	aisSchedule           string
	reverseRows           int
	save, out             string
	skipMain, skipSmall   bool
}

func main() {
	var c config
	flag.StringVar(&c.mnist, "mnist", filepath.Join("..", "shared", "data", "mnist"), "directory with the MNIST IDX .gz files")
	flag.Uint64Var(&c.dataSeed, "data-seed", 1, "seed of the stochastic binarization (fixed once for train and test)")
	flag.IntVar(&c.trainLimit, "train-limit", 0, "use only the first N training images (0: all 60,000)")
	flag.IntVar(&c.testLimit, "test-limit", 0, "use only the first N test images (0: all 10,000)")
	flag.IntVar(&c.hidden, "hidden", 500, "hidden units of the main RBM")
	flag.IntVar(&c.smallHidden, "small-hidden", 20, "hidden units of the exactly enumerable check RBM")
	flag.IntVar(&c.epochs, "epochs", 10, "training epochs of the main RBM")
	flag.IntVar(&c.smallEpochs, "small-epochs", 5, "training epochs of the check RBM")
	flag.StringVar(&c.method, "method", "pcd", "training method: pcd or cd")
	flag.IntVar(&c.k, "k", 1, "Gibbs transitions per update (CD-k / PCD-k)")
	flag.IntVar(&c.batch, "batch", 100, "minibatch size")
	flag.IntVar(&c.chains, "chains", 100, "persistent chains (PCD)")
	flag.StringVar(&c.optimizer, "optimizer", "adam", "adam (constant -lr) or sgd (-lr decaying linearly to 0 over the run, with -momentum)")
	flag.Float64Var(&c.lr, "lr", 0.001, "learning rate")
	flag.Float64Var(&c.momentum, "momentum", 0.9, "SGD momentum")
	flag.Float64Var(&c.l2, "l2", 1e-4, "L2 penalty on the weights")
	flag.Uint64Var(&c.seed, "seed", 1, "training seed")
	flag.IntVar(&c.aisRuns, "ais-runs", 100, "AIS runs (and test rows annealed by reverse AIS, see -reverse-rows)")
	flag.IntVar(&c.aisSteps, "ais-steps", ais.DefaultSteps, "annealing steps")
	flag.StringVar(&c.aisSchedule, "ais-schedule", "sm", "schedule: "+ais.ScheduleNames)
	flag.IntVar(&c.reverseRows, "reverse-rows", 0, "test rows annealed by reverse AIS (0: -ais-runs)")
	flag.StringVar(&c.save, "save", "", "write the main RBM's parameters to this .npz file")
	flag.StringVar(&c.out, "out", "", "append the JSON results to this file")
	flag.BoolVar(&c.skipMain, "skip-main", false, "skip the main RBM")
	flag.BoolVar(&c.skipSmall, "skip-small", false, "skip the enumerable check RBM")
	flag.Parse()
	if c.reverseRows == 0 {
		c.reverseRows = c.aisRuns
	}
	if err := run(c); err != nil {
		log.Fatal(err)
	}
}

func readMNIST(c config, name string, limit int) (*mat.Dense, error) {
	return dataset.Read(filepath.Join(c.mnist, name), dataset.ReadOptions{
		Binarize: dataset.BinarizeStochastic, Seed: c.dataSeed, Limit: limit})
}

func run(c config) error {
	xtr, err := readMNIST(c, "train-images-idx3-ubyte.gz", c.trainLimit)
	if err != nil {
		return err
	}
	xte, err := readMNIST(c, "t10k-images-idx3-ubyte.gz", c.testLimit)
	if err != nil {
		return err
	}
	ntr, _ := xtr.Dims()
	nte, _ := xte.Dims()
	log.Printf("MNIST: %d training and %d test images, stochastically binarized with seed %d; GOMAXPROCS %d",
		ntr, nte, c.dataSeed, runtime.GOMAXPROCS(0))
	sched, err := ais.ParseSchedule(c.aisSchedule, c.aisSteps)
	if err != nil {
		return err
	}
	if !c.skipSmall {
		if err := experiment(c, xtr, xte, c.smallHidden, c.smallEpochs, sched, true); err != nil {
			return err
		}
	}
	if !c.skipMain {
		return experiment(c, xtr, xte, c.hidden, c.epochs, sched, false)
	}
	return nil
}

// result is one JSON line of output.
type result struct {
	Hidden       int     `json:"hidden"`
	Method       string  `json:"method"`
	K            int     `json:"k"`
	Epochs       int     `json:"epochs"`
	TrainSeconds float64 `json:"train_seconds"`
	TrainRows    int     `json:"train_rows"`
	TestRows     int     `json:"test_rows"`
	Optimizer    string  `json:"optimizer"`
	LR           float64 `json:"lr"`
	Batch        int     `json:"batch"`
	Chains       int     `json:"chains"`
	Schedule     string  `json:"ais_schedule"`
	AISRuns      int     `json:"ais_runs"`
	AISSteps     int     `json:"ais_steps"`
	ReverseRows  int     `json:"reverse_rows"`

	ExactLogZ   *float64 `json:"exact_log_z,omitempty"`
	ExactTestLL *float64 `json:"exact_test_ll,omitempty"`

	AISLogZ        float64 `json:"ais_log_z"`
	AISStdErr      float64 `json:"ais_log_z_stderr"`
	AISTestLL      float64 `json:"ais_test_ll"`
	AISSeconds     float64 `json:"ais_seconds"`
	ReverseLogZ    float64 `json:"reverse_log_z"`
	ReverseStdErr  float64 `json:"reverse_log_z_stderr"`
	ReverseTestLL  float64 `json:"reverse_test_ll"`
	ReverseSeconds float64 `json:"reverse_seconds"`
	TrainLLByAIS   float64 `json:"ais_train_ll"`
}

func experiment(c config, xtr, xte *mat.Dense, hidden, epochs int, sched ais.Schedule, small bool) error {
	ntr, nv := xtr.Dims()
	nte, _ := xte.Dims()
	m := rbm.New(nv, hidden)
	m.InitFromData(xtr, rand.New(rand.NewPCG(c.seed, 1)))
	method := train.PCD
	if c.method == "cd" {
		method = train.CD
	} else if c.method != "pcd" {
		return fmt.Errorf("unknown -method %q (use pcd or cd)", c.method)
	}
	var opt optim.Optimizer = &optim.Adam{LR: optim.Constant(c.lr)}
	switch c.optimizer {
	case "sgd":
		opt = &optim.SGD{LR: optim.LinearDecay{Initial: c.lr, Steps: epochs * ((ntr + c.batch - 1) / c.batch)}, Momentum: c.momentum}
	case "adam":
	default:
		return fmt.Errorf("unknown -optimizer %q (use adam or sgd)", c.optimizer)
	}
	start := time.Now()
	tr, err := train.New(m, xtr, &train.Settings{
		Method: method, K: c.k, Chains: c.chains, Epochs: epochs, BatchSize: c.batch, Seed: c.seed,
		Optimizer:   opt,
		Penalty:     optim.Penalty{L2: c.l2},
		MonitorRows: 20,
		Recorders: []train.Recorder{train.RecorderFunc(func(_ *train.Trainer, r train.Record) error {
			if r.Event == train.EpochEvent {
				log.Printf("H=%d epoch %d: %.0f s, train pseudo-LL %.2f, reconstruction %.4f",
					hidden, r.Epoch, r.Seconds, r.TrainPL, r.Recon)
			}
			return nil
		})},
	})
	if err != nil {
		return err
	}
	if err := tr.Run(context.Background()); err != nil {
		return err
	}
	res := result{Hidden: hidden, Method: c.method, K: c.k, Epochs: epochs, TrainSeconds: time.Since(start).Seconds(),
		TrainRows: ntr, TestRows: nte, Optimizer: c.optimizer, LR: c.lr, Batch: c.batch, Chains: c.chains, Schedule: c.aisSchedule,
		AISRuns: c.aisRuns, AISSteps: sched.Steps(), ReverseRows: min(c.reverseRows, nte)}
	if !small && c.save != "" {
		if err := dataset.WriteNPZ(c.save, []dataset.Array{
			{Name: "weights", Shape: []int{nv, hidden}, Data: m.Weights().RawMatrix().Data},
			{Name: "visible_bias", Shape: []int{nv}, Data: m.VisibleBias()},
			{Name: "hidden_bias", Shape: []int{hidden}, Data: m.HiddenBias()},
		}); err != nil {
			return err
		}
	}
	meanNegF := func(x *mat.Dense) float64 {
		n, _ := x.Dims()
		f := make([]float64, n)
		m.FreeEnergy(x, f)
		s := 0.0
		for _, v := range f {
			s -= v
		}
		return s / float64(n)
	}
	fte, ftr := meanNegF(xte), meanNegF(xtr)
	if small {
		t0 := time.Now()
		z, err := exact.LogPartition(m)
		if err != nil {
			return err
		}
		ll := fte - z
		res.ExactLogZ, res.ExactTestLL = &z, &ll
		log.Printf("H=%d exact log Z %.4f (%.0f s), test LL %.4f", hidden, z, time.Since(t0).Seconds(), ll)
	}
	path := ais.NewRBMPath(m, ais.BaseRateBias(m, xtr))
	progress := func(what string) func(int, int) {
		last := time.Now()
		return func(k, n int) {
			if time.Since(last) > time.Minute || k == n {
				last = time.Now()
				log.Printf("H=%d %s: step %d of %d", hidden, what, k, n)
			}
		}
	}
	t0 := time.Now()
	fwd, err := ais.Forward(path, &ais.Settings{Runs: c.aisRuns, Schedule: sched, Seed: c.seed + 100, OnStep: progress("AIS")})
	if err != nil {
		return err
	}
	res.AISSeconds = time.Since(t0).Seconds()
	res.AISLogZ, res.AISStdErr = fwd.LogZ, fwd.StdErr
	res.AISTestLL, res.TrainLLByAIS = fte-fwd.LogZ, ftr-fwd.LogZ
	log.Printf("H=%d AIS log Z %.4f ± %.4f, test LL %.4f (%.0f s)", hidden, fwd.LogZ, fwd.StdErr, res.AISTestLL, res.AISSeconds)

	rows := mat.NewDense(res.ReverseRows, nv, nil)
	perm := rand.New(rand.NewPCG(c.seed, 0x7e5e)).Perm(nte)
	for i := range res.ReverseRows {
		rows.SetRow(i, xte.RawRowView(perm[i]))
	}
	t0 = time.Now()
	rev, err := ais.Reverse(path, rows, &ais.Settings{Schedule: sched, Seed: c.seed + 200, OnStep: progress("reverse AIS")})
	if err != nil {
		return err
	}
	res.ReverseSeconds = time.Since(t0).Seconds()
	res.ReverseLogZ, res.ReverseStdErr = rev.MeanChainLogZ, rev.MeanChainStdErr
	res.ReverseTestLL = fte - rev.MeanChainLogZ
	log.Printf("H=%d reverse AIS log Z %.4f ± %.4f, test LL %.4f (%.0f s)", hidden, rev.MeanChainLogZ, rev.MeanChainStdErr, res.ReverseTestLL, res.ReverseSeconds)
	if math.IsNaN(res.ReverseTestLL) {
		log.Printf("reverse AIS gave NaN")
	}
	line, err := json.Marshal(res)
	if err != nil {
		return err
	}
	fmt.Println(string(line))
	if c.out != "" {
		f, err := os.OpenFile(c.out, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			return err
		}
		defer f.Close()
		if _, err := f.Write(append(line, '\n')); err != nil {
			return err
		}
	}
	return nil
}
