package root

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"boltzmann/runs"
)

// TestResumeChangesRate: --lr, --schedule and --epochs given with --resume
// are applied from the next update on, recorded in config.json and stated
// in the log, with the dependence of a linear schedule on the total.
func TestResumeChangesRate(t *testing.T) {
	tmp := t.TempDir()
	base := []string{"train", "builtin:bars-and-stripes:3", "--model", "rbm", "--hidden", "4", "--batch-size", "50", "--seed", "2"}
	lrs := func(dir string) []float64 {
		h, err := runs.ReadHistory(dir)
		if err != nil {
			t.Fatal(err)
		}
		var out []float64
		for _, r := range h {
			out = append(out, r.LR)
		}
		return out
	}
	near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-12*math.Abs(b) }

	// Constant rate: 0.05 for two epochs, then 0.01.
	dir := filepath.Join(tmp, "const")
	mustRun(t, append(base, "--schedule", "constant", "--epochs", "2", "--out", dir, "-q")...)
	_, stderr, code := runCLI(t, "train", "--resume", dir, "--epochs", "4", "--lr", "0.01")
	if code != 0 {
		t.Fatal(stderr)
	}
	if got := lrs(dir); len(got) != 4 || got[1] != 0.05 || got[2] != 0.01 || got[3] != 0.01 {
		t.Errorf("learning rates per epoch %v, want 0.05 0.05 0.01 0.01", got)
	}
	if !strings.Contains(stderr, "lr=0.01") || !strings.Contains(stderr, "next_rate=0.01") {
		t.Errorf("the log does not state the new rate: %s", stderr)
	}
	if c, _ := runs.ReadConfig(dir); c.Train.LR != 0.01 || c.Train.Epochs != 4 {
		t.Errorf("config.json records lr %v, epochs %d", c.Train.LR, c.Train.Epochs)
	}

	// The default schedule (linear decay to 1/50) follows a new --lr and
	// a new total: η_t = 0.05 + (0.001 - 0.05)·t/120 over 6 epochs of 20
	// updates, from update t = 80 on; the history records the rate of each
	// epoch's last update (t = 99 and 119).
	dir = filepath.Join(tmp, "linear")
	mustRun(t, append(base, "--lr", "0.1", "--epochs", "4", "--out", dir, "-q")...)
	_, stderr, code = runCLI(t, "train", "--resume", dir, "--epochs", "6", "--lr", "0.05")
	if code != 0 {
		t.Fatal(stderr)
	}
	rate := func(t float64) float64 { return 0.05 + (0.001-0.05)*t/120 }
	if got := lrs(dir); len(got) != 6 || !near(got[4], rate(99)) || !near(got[5], rate(119)) {
		t.Errorf("learning rates per epoch %v, want the last two %v %v", got, rate(99), rate(119))
	}
	if !strings.Contains(stderr, "linear schedule runs over the whole run, now 6 epochs") {
		t.Errorf("the log does not state the linear schedule's total: %s", stderr)
	}
	if c, _ := runs.ReadConfig(dir); c.Train.Schedule != "linear:0.001" {
		t.Errorf("config.json records schedule %q", c.Train.Schedule)
	}

	// An explicit --schedule replaces the run's.
	mustRun(t, "train", "--resume", dir, "--epochs", "7", "--schedule", "constant", "-q")
	if got := lrs(dir); len(got) != 7 || got[6] != 0.05 {
		t.Errorf("learning rates per epoch %v, want the last 0.05", got)
	}
}

// TestResumeRefusesOtherSettings: every other setting given with --resume
// is refused with one line (never ignored), and the run is left as it was.
func TestResumeRefusesOtherSettings(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	mustRun(t, "train", "builtin:bars-and-stripes:3", "--model", "rbm", "--hidden", "4", "--epochs", "1", "--out", dir, "-q")
	potts := filepath.Join(t.TempDir(), "potts")
	mustRun(t, "train", writeMSA(t, 4, 60), "--model", "potts", "--chains", "16", "--max-updates", "2", "--out", potts, "-q")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--resume", dir, "--hidden", "8"}, "--hidden cannot change"},
		{[]string{"--resume", dir, "--method", "cd", "--k", "3"}, "--k, --method cannot change"},
		{[]string{"--resume", dir, "--batch-size", "5"}, "--batch-size"},
		{[]string{"--resume", dir, "--seed", "9"}, "--seed"},
		{[]string{"--resume", dir, "--model", "ising"}, "--model"},
		{[]string{"--resume", dir, "--out", dir, "--force"}, "--force, --out"},
		{[]string{"--resume", dir, "--l2", "0.1"}, "--l2"},
		{[]string{"--resume", dir, "--momentum", "0.9"}, "--momentum"},
		{[]string{"--resume", dir, "--binarize", "threshold"}, "--binarize"},
		{[]string{"--resume", dir, "builtin:bars-and-stripes:3"}, "DATA"},
		{[]string{"--resume", dir, "--lr", "nan"}, "--lr"},
		{[]string{"--resume", dir, "--schedule", "exp:7"}, "schedule"},
		{[]string{"--resume", dir, "--max-updates", "9"}, "--epochs"},
		{[]string{"--resume", potts, "--epochs", "9"}, "--max-updates"},
		{[]string{"--resume", potts, "--schedule", "constant"}, "--schedule"},
		{[]string{"--resume", potts, "--alphabet", "rna"}, "--alphabet"},
	} {
		before, beforeP := snapshot(t, dir), snapshot(t, potts)
		_, stderr, code := runCLI(t, append(append([]string{"train"}, c.args...), "-q")...)
		msg := strings.TrimSpace(stderr)
		if code != 2 || strings.Count(msg, "\n") != 0 || !strings.Contains(msg, c.want) {
			t.Errorf("%v: exit %d, %q (want %q)", c.args, code, msg, c.want)
		}
		for d, b := range map[string]map[string][]byte{dir: before, potts: beforeP} {
			for name, data := range snapshot(t, d) {
				if string(b[name]) != string(data) {
					t.Errorf("%v changed %s", c.args, name)
				}
			}
		}
	}
	// The bmDCA rate may change.
	mustRun(t, "train", "--resume", potts, "--max-updates", "3", "--lr", "0.02", "-q")
	if c, _ := runs.ReadConfig(potts); c.BMDCA.LR != 0.02 || c.BMDCA.MaxUpdates != 3 {
		t.Errorf("bmDCA resume recorded lr %v, max updates %d", c.BMDCA.LR, c.BMDCA.MaxUpdates)
	}
}
