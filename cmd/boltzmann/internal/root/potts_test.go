package root

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"boltzmann/dataset"
	"boltzmann/model/potts"
	"boltzmann/msa"
	"boltzmann/runs"
	"boltzmann/sample"
)

// writeMSA writes n protein sequences of length l sampled from a random
// Potts model to a FASTA file and returns its path.
func writeMSA(t *testing.T, l, n int) string {
	t.Helper()
	m := potts.New(l, 21)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range l {
		for a := range 21 {
			m.SetField(i, a, rng.NormFloat64())
		}
		for j := i + 1; j < l; j++ {
			for a := range 21 {
				for b := range 21 {
					m.SetCoupling(i, j, a, b, 0.5*rng.NormFloat64())
				}
			}
		}
	}
	c := sample.NewChains(n, l, 3)
	c.Randomize(m.States())
	potts.Sweep(m, c, 30)
	path := filepath.Join(t.TempDir(), "family.fasta")
	var buf bytes.Buffer
	if err := msa.WriteFASTA(&buf, nil, msa.SeqsFromCodes(c.Visible()), msa.Protein); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	stdout, stderr, code := runCLI(t, args...)
	if code != 0 {
		t.Fatalf("%v exited %d: %s", args, code, stderr)
	}
	return stdout
}

// TestPottsWorkflow trains a Potts model on a small alignment, then samples
// FASTA, scores sequences and ranks contacts; a run stopped and resumed
// must end with the parameters of an uninterrupted one.
func TestPottsWorkflow(t *testing.T) {
	data := writeMSA(t, 6, 300)
	dir := filepath.Join(t.TempDir(), "run")
	mustRun(t, "train", data, "--model", "potts", "--chains", "64", "--k", "2", "--max-updates", "6", "--save-every", "4", "--out", dir, "-q")
	for _, f := range []string{"config.json", "model.npz", "history.jsonl", "curves.png", "checkpoint.bin", "params.dat", "correlations.json"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("run directory lacks %s", f)
		}
	}
	m, cfg, err := runs.LoadModel(dir)
	if err != nil {
		t.Fatal(err)
	}
	pm := m.(*potts.Model)
	if cfg.BMDCA == nil || cfg.Train != nil || cfg.BMDCA.Chains != 64 || cfg.BMDCA.Sweeps != 2 || pm.Alphabet != msa.Protein.Symbols() {
		t.Errorf("config %+v, alphabet %q", cfg.BMDCA, pm.Alphabet)
	}
	f, err := os.Open(filepath.Join(dir, "params.dat"))
	if err != nil {
		t.Fatal(err)
	}
	back, err := potts.ReadAdabmDCA(f, pm.Alphabet)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range back.Params() {
		if v != pm.Params()[k] {
			t.Fatalf("params.dat entry %d: %g, model.npz %g", k, v, pm.Params()[k])
		}
	}
	hist, _ := os.ReadFile(filepath.Join(dir, "history.jsonl"))
	if n := strings.Count(string(hist), "\n"); n != 6 || !strings.Contains(string(hist), `"pearson"`) {
		t.Errorf("history has %d lines: %s", n, hist)
	}

	// Resume: 3 updates, then continue to 6.
	dir2 := filepath.Join(t.TempDir(), "run2")
	mustRun(t, "train", data, "--model", "potts", "--chains", "64", "--k", "2", "--max-updates", "3", "--save-every", "4", "--out", dir2, "-q")
	mustRun(t, "train", "--resume", dir2, "--max-updates", "6", "-q")
	p1, _ := os.ReadFile(filepath.Join(dir, "params.dat"))
	p2, _ := os.ReadFile(filepath.Join(dir2, "params.dat"))
	if !bytes.Equal(p1, p2) {
		t.Error("resumed run ends with other parameters than the uninterrupted one")
	}
	if _, stderr, code := runCLI(t, "train", "--resume", dir2, "-q"); code != 2 || !strings.Contains(stderr, "--max-updates") {
		t.Errorf("resuming a finished run: exit %d, %s", code, stderr)
	}

	// Sample FASTA.
	out := filepath.Join(t.TempDir(), "gen.fasta")
	mustRun(t, "sample", dir, "-n", "10", "--steps", "20", "--out", out, "-q")
	a, err := msa.ReadFile(out, msa.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if a.N() != 10 || a.L() != 6 || a.Names[0] != "sample_1" || a.Names[9] != "sample_10" {
		t.Errorf("sampled %d sequences of length %d named %q…%q", a.N(), a.L(), a.Names[0], a.Names[a.N()-1])
	}

	// Energies, to standard output and to .npy.
	stdout := mustRun(t, "energies", dir, data, "-q")
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	ali, _ := msa.ReadFile(data, msa.Options{})
	if len(lines) != 300 {
		t.Fatalf("energies printed %d lines, want 300", len(lines))
	}
	name, val, _ := strings.Cut(lines[4], "\t")
	e4, _ := strconv.ParseFloat(val, 64)
	if name != ali.Names[4] || math.Abs(e4-pm.Energy(ali.Seqs[4])) > 1e-8*math.Max(1, math.Abs(e4)) {
		t.Errorf("line 5: %q, want %s and energy %g", lines[4], ali.Names[4], pm.Energy(ali.Seqs[4]))
	}
	npy := filepath.Join(t.TempDir(), "e.npy")
	mustRun(t, "energies", dir, data, "--out", npy, "-q")
	x, err := dataset.Read(npy, dataset.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if r, c := x.Dims(); r != 300 || c != 1 {
		t.Errorf("energies.npy has shape %d×%d", r, c)
	}

	// Contacts: 15 pairs, 10 of them at separation >= 2.
	cf := filepath.Join(t.TempDir(), "contacts.txt")
	mustRun(t, "contacts", dir, "--out", cf, "--min-separation", "2", "-q")
	ct, _ := os.ReadFile(cf)
	if n := strings.Count(string(ct), "\n"); n != 10 {
		t.Errorf("contacts wrote %d lines, want 10:\n%s", n, ct)
	}
}

// TestCatRBMWorkflow trains the categorical RBM on an alignment and samples
// FASTA from it.
func TestCatRBMWorkflow(t *testing.T) {
	data := writeMSA(t, 5, 100)
	dir := filepath.Join(t.TempDir(), "run")
	mustRun(t, "train", data, "--model", "catrbm", "--hidden", "4", "--chains", "32", "--max-updates", "3", "--out", dir, "-q")
	out := filepath.Join(t.TempDir(), "gen.fa")
	mustRun(t, "sample", dir, "-n", "4", "--steps", "5", "--out", out, "-q")
	if a, err := msa.ReadFile(out, msa.Options{}); err != nil || a.N() != 4 || a.L() != 5 {
		t.Fatalf("catrbm samples: %v", err)
	}
	mustRun(t, "energies", dir, data, "--out", filepath.Join(t.TempDir(), "e.txt"), "-q")
	if _, stderr, code := runCLI(t, "contacts", dir, "-q"); code != 2 || !strings.Contains(stderr, "--model potts") {
		t.Errorf("contacts of a catrbm run: exit %d, %s", code, stderr)
	}
}

// TestAlignmentErrors checks the one-line errors with exit code 2.
func TestAlignmentErrors(t *testing.T) {
	data := writeMSA(t, 6, 50)
	dir := filepath.Join(t.TempDir(), "run")
	mustRun(t, "train", data, "--chains", "16", "--max-updates", "1", "--out", dir, "-q")
	tmp := t.TempDir()
	bad := filepath.Join(tmp, "bad.fasta")
	os.WriteFile(bad, []byte(">a\nACDEFG\n>b\nAC1EFG\n"), 0o644)
	short := filepath.Join(tmp, "short.fasta")
	os.WriteFile(short, []byte(">a\nACDEF\n"), 0o644)
	rbmRun := filepath.Join(tmp, "rbm")
	mustRun(t, "train", "builtin:bars-and-stripes:3", "--model", "rbm", "--hidden", "4", "--epochs", "1", "--out", rbmRun, "-q")
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"energies", dir, bad}, "line 4"},
		{[]string{"energies", dir, short}, "5 aligned columns but the model has 6"},
		{[]string{"energies", rbmRun, data}, "potts or catrbm"},
		{[]string{"contacts", rbmRun}, "--model potts (a catrbm has none)"},
		{[]string{"evaluate", dir, data}, "'boltzmann energies " + dir},
		{[]string{"contacts", filepath.Join(tmp, "nowhere")}, "nowhere"},
		{[]string{"train", bad, "--out", filepath.Join(tmp, "x")}, "line 4"},
		{[]string{"train", data, "--model", "rbm", "--out", filepath.Join(tmp, "x")}, "--model potts"},
		{[]string{"train", data, "--pseudocount", "2", "--out", filepath.Join(tmp, "x")}, "--pseudocount"},
		{[]string{"train", data, "--optimizer", "adam", "--out", filepath.Join(tmp, "x")}, "plain gradient"},
		{[]string{"sample", rbmRun, "--out", filepath.Join(tmp, "s.fasta")}, "FASTA output needs"},
	}
	for _, c := range cases {
		_, stderr, code := runCLI(t, append(c.args, "-q")...)
		if code != 2 || !strings.Contains(stderr, c.want) || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and one line with %q", c.args, code, stderr, c.want)
		}
	}
	if _, err := os.Stat(filepath.Join(tmp, "x")); err == nil {
		t.Error("a failed train left a run directory behind")
	}
}

// TestBMDCAParallelTempering: bmDCA of a Potts model with --sampler pt
// records the ladder's settings in the run, and a run stopped after 4
// updates and resumed to 8 ends with the model of an uninterrupted run,
// bit for bit (the replicas and the ladder are in the checkpoint).
func TestBMDCAParallelTempering(t *testing.T) {
	data := writeMSA(t, 6, 120)
	tmp := t.TempDir()
	args := func(dir string, updates int) []string {
		return []string{"train", data, "--model", "potts", "--sampler", "pt", "--replicas", "3", "--chains", "64",
			"--max-updates", fmt.Sprint(updates), "--save-every", "2", "--seed", "5", "--out", dir, "-q"}
	}
	one, two := filepath.Join(tmp, "one"), filepath.Join(tmp, "two")
	for _, c := range [][]string{args(one, 8), args(two, 4), {"train", "--resume", two, "--max-updates", "8", "-q"}} {
		if _, stderr, code := runCLI(t, c...); code != 0 {
			t.Fatalf("%v: exit %d: %s", c, code, stderr)
		}
	}
	cfg, err := os.ReadFile(filepath.Join(one, "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(cfg), `"sampler": "pt"`) || !strings.Contains(string(cfg), `"replicas": 3`) {
		t.Errorf("config.json does not record the sampler: %s", cfg)
	}
	a, _ := os.ReadFile(filepath.Join(one, "model.npz"))
	b, _ := os.ReadFile(filepath.Join(two, "model.npz"))
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Error("the resumed PT run's model.npz differs from the uninterrupted run's")
	}
}
