package train

import (
	"reflect"
	"strings"
	"testing"

	"boltzmann/bmdca"
	"boltzmann/cmd/boltzmann/internal/cmdutil"
)

func parse(t *testing.T, args ...string) (*Options, int, string) {
	t.Helper()
	var got *Options
	code, msg := cmdutil.Execute(NewCmdTrain(&cmdutil.Factory{}, func(o *Options) error { got = o; return nil }), args...)
	if got != nil {
		got.IO, got.Ctx = nil, nil
	}
	return got, code, msg
}

// defaults are the Options of 'train DATA --model rbm --out run'.
func defaults() Options {
	return Options{
		Data: "x.npy", Model: "rbm", Hidden: 64, Method: "pcd", K: 1, Epochs: 10, BatchSize: 100, Momentum: 0.5,
		Seed: 1, Out: "run", DataFlags: cmdutil.DataFlags{N: 1000},
		BMDCA: BMDCAFlags{Reweight: bmdca.DefaultReweight, Pseudocount: -1, Target: bmdca.DefaultTarget,
			MaxUpdates: bmdca.DefaultMax, SaveEvery: 50, Alphabet: "protein", Preset: bmdca.DefaultPreset},
		GBRBM:     GBRBMFlags{Standardize: DefaultStandardize},
		Objective: "generative", Alpha: 0.01, SparsityCost: 0.1,
	}
}

func TestFlags(t *testing.T) {
	o, code, msg := parse(t, "x.npy", "--model", "rbm", "--out", "run")
	if code != 0 || !reflect.DeepEqual(*o, defaults()) {
		t.Fatalf("defaults: exit %d %s,\n%+v\nwant\n%+v", code, msg, o, defaults())
	}
	tc, err := o.trainConfig()
	if err != nil || tc.Optimizer != "sgd" || tc.LR != 0.05 || tc.Schedule != "linear:0.001" || !tc.Float32 {
		t.Errorf("rbm defaults: %+v, %v", tc, err)
	}
	o, _, _ = parse(t, "x.npy", "--model", "gaussian", "--out", "run")
	if tc, _ := o.trainConfig(); tc.Optimizer != "adam" || tc.LR != 0.01 || tc.Schedule != "linear:0.0002" || tc.Float32 {
		t.Errorf("gaussian defaults: %+v", tc)
	}
	// float32 is the default of an rbm, labeled or not; --float32 is accepted.
	for _, c := range []struct {
		args []string
		f32  bool
	}{
		{[]string{"--float64"}, false},
		{[]string{"--float32"}, true},
		{[]string{"--labels", "y.npy"}, true},
		{[]string{"--labels", "y.npy", "--float64"}, false},
	} {
		o, code, msg := parse(t, append([]string{"x.npy", "--model", "rbm", "--out", "run"}, c.args...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d %s", c.args, code, msg)
		}
		if tc, err := o.trainConfig(); err != nil || tc.Float32 != c.f32 {
			t.Errorf("%v: float32 %v (%v), want %v", c.args, tc.Float32, err, c.f32)
		}
	}

	want := defaults()
	want.Model, want.Hidden, want.Method, want.K, want.Epochs, want.BatchSize = "rbm", 8, "cd", 3, 5, 20
	want.LR, want.Optimizer, want.Momentum, want.Schedule, want.L1, want.L2 = 0.1, "sgd", 0.9, "constant", 0.01, 0.02
	want.Penalize, want.Val, want.Seed, want.Force, want.Labels, want.Float64 = []string{"weights", "hidden_bias"}, "v.npy", 7, true, "y.npy", true
	want.DataFlags = cmdutil.DataFlags{Key: "a", Binarize: "threshold", DataSeed: 4, Limit: 9, N: 50}
	want.EpochsSet, want.KSet, want.OptimizerSet = true, true, true
	_, code, msg = parse(t, "x.npy", "--model", "rbm", "--out", "run", "--hidden", "8", "--method", "cd", "--k", "3",
		"--epochs", "5", "--batch-size", "20", "--lr", "0.1", "--optimizer", "sgd", "--momentum", "0.9",
		"--schedule", "constant", "--l1", "0.01", "--l2", "0.02", "--penalize", "weights,hidden_bias", "--val", "v.npy",
		"--seed", "7", "--force", "--labels", "y.npy", "--float64", "--key", "a", "--binarize", "threshold",
		"--data-seed", "4", "--limit", "9", "--n-builtin", "50")
	// --labels with --val needs --val-labels; check the parse without --val.
	if code != 2 || !strings.Contains(msg, "--val with --labels needs --val-labels") {
		t.Errorf("--labels with --val: exit %d, %s", code, msg)
	}
	o, code, msg = parse(t, "x.npy", "--model", "rbm", "--out", "run", "--hidden", "8", "--method", "cd", "--k", "3",
		"--epochs", "5", "--batch-size", "20", "--lr", "0.1", "--optimizer", "sgd", "--momentum", "0.9",
		"--schedule", "constant", "--l1", "0.01", "--l2", "0.02", "--penalize", "weights,hidden_bias",
		"--seed", "7", "--force", "--labels", "y.npy", "--float64", "--key", "a", "--binarize", "threshold",
		"--data-seed", "4", "--limit", "9", "--n-builtin", "50")
	want.Val = ""
	if code != 0 || !reflect.DeepEqual(*o, want) {
		t.Errorf("flags: exit %d %s,\n%+v\nwant\n%+v", code, msg, o, want)
	}

	// --chains (persistent chains of pcd) and --optimizer adam.
	if o, code, msg := parse(t, "x.npy", "--model", "rbm", "--out", "run", "--chains", "40", "--optimizer", "adam"); code != 0 || o.Chains != 40 || o.Optimizer != "adam" {
		t.Errorf("--chains 40 --optimizer adam: exit %d %s", code, msg)
	}

	// The live page can watch a resumed run.
	if o, code, msg := parse(t, "--resume", "run", "--serve", "127.0.0.1:0"); code != 0 || o.Serve == "" {
		t.Errorf("resume with --serve: exit %d %s", code, msg)
	}
	// Resume needs no DATA, --model or --out.
	if o, code, msg := parse(t, "--resume", "run", "--epochs", "20"); code != 0 || o.Resume != "run" || !o.EpochsSet || o.Epochs != 20 {
		t.Errorf("resume: exit %d %s, %+v", code, msg, o)
	}

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--model", "rbm", "--out", "run"}, "train needs a DATA argument"},
		{[]string{"x.npy", "--model", "rbm"}, "train needs --out"},
		{[]string{"x.npy", "--out", "run"}, "train needs --model"},
		{[]string{"x.npy", "--out", "run", "--model", "hopfield"}, "unknown --model"},
		{[]string{"x.npy", "--out", "run", "--model", "rbm", "--method", "mcmc"}, "unknown --method"},
		{[]string{"x.npy", "--out", "run", "--model", "rbm", "--optimizer", "lbfgs"}, "unknown --optimizer"},
		{[]string{"x.npy", "--out", "run", "--model", "rbm", "--k", "0"}, "--k must be at least 1"},
		{[]string{"x.npy", "--out", "run", "--model", "rbm", "--epochs", "0"}, "--epochs must be at least 1"},
		{[]string{"x.npy", "--out", "run", "--model", "rbm", "--batch-size", "0"}, "--batch-size must be at least 1"},
		{[]string{"x.npy", "--out", "run", "--model", "rbm", "--chains", "-2"}, "--chains must be positive"},
		{[]string{"x.npy", "--out", "run", "--model", "rbm", "--lr", "-1"}, "--lr must be positive"},
		{[]string{"x.npy", "--out", "run", "--model", "rbm", "--l2", "-1"}, "--l1 and --l2 must be non-negative"},
		{[]string{"x.npy", "--out", "run", "--model", "rbm", "--hidden", "0"}, "--hidden must be at least 1"},
		{[]string{"x.npy", "--out", "run", "--model", "ising", "--float32"}, "--float32 applies to --model rbm only"},
		{[]string{"x.npy", "--out", "run", "--model", "rbm", "--float32", "--float64"}, "exclude each other"},
		{[]string{"x.npy", "--out", "run", "--model", "ising", "--labels", "y.npy"}, "--labels needs --model rbm"},
		{[]string{"x.npy", "--out", "run", "--model", "rbm", "--schedule", "wobbly"}, "schedule"},
		{[]string{"x.npy", "--out", "run", "--model", "rbm", "--epochs", "many"}, "invalid argument"},
		{[]string{"x.npy", "y.npy", "--out", "run", "--model", "rbm"}, "accepts at most 1 arg"},
		{[]string{"--resume", "run", "--epochs", "0"}, "--epochs must be at least 1"},
		{[]string{"--resume", "run", "--max-updates", "0"}, "--max-updates must be at least 1"},
	} {
		if o, code, msg := parse(t, c.args...); o != nil || code != 2 || !strings.Contains(msg, c.want) {
			t.Errorf("%v: called %v, exit %d, %q; want exit 2 and %q", c.args, o != nil, code, msg, c.want)
		}
	}
}

func TestAlignmentFlags(t *testing.T) {
	o, code, msg := parse(t, "f.fasta", "--out", "run")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, msg)
	}
	b, kind, err := o.bmdcaConfig()
	if err != nil || kind != "potts" || b.Sweeps != bmdca.DefaultSweeps || b.Chains != bmdca.DefaultChains || b.LR != bmdca.DefaultLR ||
		b.Pseudocount != -1 || b.Alphabet != "protein" || b.MaxUpdates != bmdca.DefaultMax || b.SaveEvery != 50 || b.Data != "f.fasta" ||
		b.Preset != bmdca.DefaultPreset {
		t.Errorf("alignment defaults: %s %+v %v", kind, b, err)
	}
	o, _, _ = parse(t, "f.fa", "--out", "run", "--model", "catrbm", "--hidden", "4", "--k", "2", "--chains", "32", "--lr", "0.01",
		"--reweight", "0", "--pseudocount", "0.5", "--target-pearson", "0.9", "--max-updates", "30", "--save-every", "5",
		"--alphabet", "rna", "--seed", "3", "--optimizer", "sgd", "--preset", "adabmdca")
	b, kind, err = o.bmdcaConfig()
	if err != nil || kind != "catrbm" || b.Sweeps != 2 || b.Chains != 32 || b.LR != 0.01 || b.Reweight != 0 || b.Pseudocount != 0.5 ||
		b.TargetPearson != 0.9 || b.MaxUpdates != 30 || b.SaveEvery != 5 || b.Alphabet != "rna" || b.Seed != 3 || !o.MaxUpdatesSet ||
		b.Preset != bmdca.PresetAdabmDCA {
		t.Errorf("alignment flags: %s %+v %v", kind, b, err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"f.fasta"}, "train needs --out"},
		{[]string{"--model", "potts", "--out", "run"}, "train needs an alignment argument"},
		{[]string{"f.fasta", "--out", "run", "--model", "rbm"}, "trains --model potts or --model catrbm"},
		{[]string{"f.fasta", "--out", "run", "--optimizer", "adam"}, "plain gradient steps"},
		{[]string{"f.fasta", "--out", "run", "--k", "0"}, "--k must be at least 1"},
		{[]string{"f.fasta", "--out", "run", "--reweight", "1.5"}, "--reweight must be in [0, 1]"},
		{[]string{"f.fasta", "--out", "run", "--pseudocount", "2"}, "--pseudocount must be in [0, 1]"},
		{[]string{"f.fasta", "--out", "run", "--target-pearson", "0"}, "--target-pearson must be in (0, 1]"},
		{[]string{"f.fasta", "--out", "run", "--max-updates", "0"}, "--max-updates must be at least 1"},
		{[]string{"f.fasta", "--out", "run", "--save-every", "0"}, "--save-every must be at least 1"},
		{[]string{"f.fasta", "--out", "run", "--model", "catrbm", "--hidden", "0"}, "--hidden must be at least 1"},
		{[]string{"f.fasta", "--out", "run", "--lr", "inf"}, "--lr must be positive"},
		{[]string{"f.fasta", "--out", "run", "--preset", "fast"}, "--preset must be one of adabmdca, adaptive"},
	} {
		if o, code, msg := parse(t, c.args...); o != nil || code != 2 || !strings.Contains(msg, c.want) {
			t.Errorf("%v: called %v, exit %d, %q; want exit 2 and %q", c.args, o != nil, code, msg, c.want)
		}
	}
}

func TestLabeledFlags(t *testing.T) {
	base := []string{"x.npy", "--model", "rbm", "--out", "run", "--labels", "y.npy"}
	o, code, msg := parse(t, append(base, "--objective", "hybrid", "--alpha", "0.05", "--sparsity", "0.1",
		"--sparsity-cost", "0.5", "--val", "v.npy", "--val-labels", "vy.npy", "--patience", "4")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, msg)
	}
	if o.Objective != "hybrid" || o.Alpha != 0.05 || !o.AlphaSet || o.Sparsity != 0.1 || o.SparsityCost != 0.5 ||
		o.Val != "v.npy" || o.ValLabels != "vy.npy" || o.Patience != 4 {
		t.Errorf("flags: %+v", o)
	}
	tc, err := o.trainConfig()
	if err != nil || tc.Objective != "hybrid" || tc.Alpha != 0.05 || tc.Sparsity != 0.1 || tc.SparsityCost != 0.5 ||
		tc.ValLabels != "vy.npy" || tc.Patience != 4 || tc.ValFraction != 0 {
		t.Errorf("config: %+v, %v", tc, err)
	}
	o, _, _ = parse(t, append(base, "--objective", "discriminative", "--val-fraction", "0.2", "--patience", "3")...)
	if tc, err := o.trainConfig(); err != nil || tc.Objective != "discriminative" || tc.Alpha != 0 || tc.ValFraction != 0.2 ||
		tc.Sparsity != 0 || tc.SparsityCost != 0 {
		t.Errorf("discriminative config: %+v, %v", tc, err)
	}
	// A run without labels records no objective; sparsity applies to a plain rbm.
	o, _, _ = parse(t, "x.npy", "--model", "rbm", "--out", "run", "--sparsity", "0.05")
	if tc, err := o.trainConfig(); err != nil || tc.Objective != "" || tc.Sparsity != 0.05 || tc.SparsityCost != 0.1 {
		t.Errorf("plain rbm with sparsity: %+v, %v", tc, err)
	}
	plain := []string{"x.npy", "--model", "rbm", "--out", "run"}
	for _, c := range []struct {
		args []string
		want string
	}{
		{append(base, "--objective", "bayes"), "unknown --objective"},
		{append(plain, "--objective", "discriminative"), "--objective discriminative needs --labels"},
		{append(base, "--alpha", "0.1"), "--alpha applies to --objective hybrid only"},
		{append(base, "--objective", "hybrid", "--alpha", "0"), "--alpha must be positive"},
		{[]string{"x.npy", "--model", "ising", "--out", "run", "--sparsity", "0.1"}, "--sparsity applies to --model rbm only"},
		{append(base, "--sparsity", "1"), "--sparsity must lie in (0, 1)"},
		{append(base, "--sparsity", "0.1", "--sparsity-cost", "-1"), "--sparsity-cost must be non-negative"},
		{append(base, "--val-labels", "vy.npy"), "--val-labels needs --labels and --val"},
		{append(plain, "--val", "v.npy", "--val-labels", "vy.npy"), "--val-labels needs --labels and --val"},
		{append(base, "--val", "v.npy"), "--val with --labels needs --val-labels"},
		{append(plain, "--val-fraction", "0.1"), "--val-fraction needs --labels and no --val"},
		{append(base, "--val-fraction", "1.5"), "--val-fraction must lie in (0, 1)"},
		{append(base, "--patience", "-1"), "--patience must be non-negative"},
		{append(base, "--patience", "3"), "--patience needs labeled validation rows"},
	} {
		if o, code, msg := parse(t, c.args...); o != nil || code != 2 || !strings.Contains(msg, c.want) {
			t.Errorf("%v: called %v, exit %d, %q; want exit 2 and %q", c.args, o != nil, code, msg, c.want)
		}
	}
}
