package root

import (
	"crypto/sha256"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"codeberg.org/sbinet/npyio"
	"gonum.org/v1/gonum/mat"

	"boltzmann/dataset"
)

// treeDigest returns the path, size and content hash of every file under
// dir: two digests are equal when nothing under dir was written.
func treeDigest(t *testing.T, dir string) map[string][32]byte {
	t.Helper()
	out := map[string][32]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			out[p+"/"] = [32]byte{}
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		out[p] = sha256.Sum256(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// hostileFixtures trains the runs the hostile cases read (an rbm, a
// labeled rbm, a Potts model) and writes their data into dir.
func hostileFixtures(t *testing.T, dir string) map[string]string {
	t.Helper()
	fx := map[string]string{
		"rbm": filepath.Join(dir, "rbm"), "lab": filepath.Join(dir, "lab"), "potts": filepath.Join(dir, "potts"),
		"x": filepath.Join(dir, "x.npy"), "y": filepath.Join(dir, "y.npy"), "msa": writeMSA(t, 4, 60),
		"grey": filepath.Join(dir, "grey.npy"), "huge": filepath.Join(dir, "huge"),
	}
	mustRun(t, "train", "builtin:bars-and-stripes:3", "--model", "rbm", "--hidden", "4", "--epochs", "1", "--out", fx["rbm"], "-q")
	mustRun(t, "train", fx["msa"], "--model", "potts", "--chains", "16", "--max-updates", "2", "--out", fx["potts"], "-q")
	x, err := dataset.Builtin("bars-and-stripes:3", 20, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := dataset.WriteNPY(fx["x"], x); err != nil {
		t.Fatal(err)
	}
	y := make([]int64, 20)
	for i := range y {
		y[i] = int64(i % 2)
	}
	f, err := os.Create(fx["y"])
	if err != nil {
		t.Fatal(err)
	}
	if err := npyio.Write(f, y); err != nil {
		t.Fatal(err)
	}
	f.Close()
	mustRun(t, "train", fx["x"], "--labels", fx["y"], "--model", "rbm", "--hidden", "4", "--epochs", "1", "--batch-size", "10", "--out", fx["lab"], "-q")
	// A run directory whose config.json names a model of 10^11 weights.
	if err := os.CopyFS(fx["huge"], os.DirFS(fx["rbm"])); err != nil {
		t.Fatal(err)
	}
	cfg, _ := os.ReadFile(filepath.Join(fx["huge"], "config.json"))
	cfg = []byte(strings.Replace(string(cfg), `"hidden": 4`, `"hidden": 100000000000`, 1))
	if err := os.WriteFile(filepath.Join(fx["huge"], "config.json"), cfg, 0o644); err != nil {
		t.Fatal(err)
	}
	grey := mat.NewDense(1, 9, []float64{0, 1, 0.5, 1, 0, 0, 1, 1, 0})
	if err := dataset.WriteNPY(fx["grey"], grey); err != nil {
		t.Fatal(err)
	}
	return fx
}

// TestHostileInput runs every command with every numeric flag at its
// invalid extremes (negative, zero where it means nothing, NaN, ±Inf,
// sizes no machine holds): each is refused with exit code 2 and one line
// naming the flag or the problem, and nothing on disk changes. Values
// that are valid (0 chains: the default; a --limit beyond the data; an
// --epochs of a billion, which is a long run, not an error) are not here.
func TestHostileInput(t *testing.T) {
	tmp := t.TempDir()
	fx := hostileFixtures(t, tmp)
	out := filepath.Join(tmp, "new") // never created by any case
	bas := []string{"train", "builtin:bars-and-stripes:3", "--model", "rbm", "--epochs", "1", "--out", out}
	potts := []string{"train", fx["msa"], "--model", "potts", "--max-updates", "2", "--out", out}
	catrbm := []string{"train", fx["msa"], "--model", "catrbm", "--max-updates", "2", "--out", out}
	sample := []string{"sample", fx["rbm"], "--out", out + ".npy"}
	eval := []string{"evaluate", fx["rbm"], "builtin:bars-and-stripes:3"}
	ais := append(eval[:3:3], "--logz", "ais")
	inpaint := []string{"inpaint", fx["rbm"], fx["x"], "--mask", "bottom-half", "--out", out + ".npy"}
	denoise := []string{"denoise", fx["rbm"], fx["x"], "--flip-rate", "0.1", "--out", out + ".npy"}
	classify := []string{"classify", fx["lab"], fx["x"], "--out", out + ".npy"}
	transform := []string{"transform", fx["rbm"], fx["x"], "--out", out + ".npy"}
	type flagCase struct {
		base   []string
		flag   string
		values []string
		want   string // in the message
	}
	huge := "1000000000"
	maxInt := "9223372036854775807"
	flags := []flagCase{
		{bas, "--hidden", []string{"-1", "0"}, "--hidden"},
		{bas, "--hidden", []string{huge, maxInt}, "memory"},
		{bas, "--k", []string{"-1", "0"}, "--k"},
		{bas, "--chains", []string{"-1"}, "--chains"},
		{bas, "--chains", []string{huge, maxInt}, "memory"},
		{bas, "--epochs", []string{"-1", "0"}, "--epochs"},
		{bas, "--batch-size", []string{"-1", "0"}, "--batch-size"},
		{bas, "--limit", []string{"-1"}, "limit"},
		{bas, "--n-builtin", []string{"-1"}, "samples"},
		{bas, "--n-builtin", []string{huge, maxInt}, "memory"},
		{bas, "--lr", []string{"-1", "nan", "inf", "-inf"}, "--lr"},
		{bas, "--momentum", []string{"-1", "1", "nan", "inf", "1e300"}, "--momentum"},
		{bas, "--l1", []string{"-1", "nan", "inf"}, "--l1"},
		{bas, "--l2", []string{"-1", "nan", "inf"}, "--l2"},
		{bas, "--max-memory", []string{"0", "-1", "nan", "inf", "lots"}, "--max-memory"},
		{bas, "--max-memory", []string{"1KiB"}, "memory"},
		{bas, "--reduction", []string{"tree"}, "--reduction"},
		{[]string{"train", "builtin:bars-and-stripes:3", "--model", "ising", "--epochs", "1", "--out", out}, "--reduction", []string{"exact"}, "--reduction exact"},
		{[]string{"train", "builtin:ising2d:1024", "--model", "ising", "--out", out}, "--epochs", []string{"1"}, "memory"},
		{[]string{"train", fx["x"], "--model", "gaussian", "--out", out}, "--lr", []string{"nan", "inf"}, "--lr"},
		{potts, "--chains", []string{"-1"}, "--chains"},
		{potts, "--chains", []string{huge}, "memory"},
		{potts, "--k", []string{"-1", "0"}, "--k"},
		{potts, "--lr", []string{"-1", "nan", "inf"}, "--lr"},
		{potts, "--reweight", []string{"-1", "2", "nan", "inf"}, "--reweight"},
		{potts, "--pseudocount", []string{"-2", "2", "nan", "inf"}, "--pseudocount"},
		{potts, "--target-pearson", []string{"-1", "0", "2", "nan", "inf"}, "--target-pearson"},
		{potts, "--max-updates", []string{"-1", "0"}, "--max-updates"},
		{potts, "--save-every", []string{"-1", "0"}, "--save-every"},
		{potts, "--preset", []string{"", "fast"}, "--preset"},
		{potts, "--sampler", []string{"trajectory", "hot"}, "--sampler"},
		{append(potts[:len(potts):len(potts)], "--sampler", "pt"), "--replicas", []string{"1", "200"}, "--replicas"},
		{append(potts[:len(potts):len(potts)], "--sampler", "pt"), "--swap-acceptance", []string{"1", "-0.5"}, "--swap-acceptance"},
		{potts, "--replicas", []string{"4"}, "--sampler pt"},
		{catrbm, "--sampler", []string{"pt"}, "--sampler"},
		{catrbm, "--hidden", []string{"-1", "0"}, "--hidden"},
		{catrbm, "--hidden", []string{huge}, "memory"},
		{[]string{"train", "--resume", fx["rbm"]}, "--epochs", []string{"-1", "0"}, "--epochs"},
		{[]string{"train", "--resume", fx["potts"]}, "--max-updates", []string{"-1", "0"}, "--max-updates"},
		{sample, "-n", []string{"-1", "0"}, "-n"},
		{sample, "-n", []string{huge, maxInt}, "memory"},
		{[]string{"sample", fx["potts"], "--out", out + ".fasta"}, "-n", []string{huge}, "memory"},
		{sample, "--thin", []string{"-1", "0"}, "--thin"},
		{sample, "--burn-in", []string{"-1"}, "--burn-in"},
		{sample, "--chains", []string{"-1"}, "--chains"},
		{sample, "--anneal-from", []string{"-1", "0.5", "nan", "inf", "-inf"}, "--anneal-from"},
		{sample, "--label", []string{"-2"}, "--label"},
		{[]string{"sample", fx["lab"], "--out", out + ".npy"}, "--label", []string{"2", huge}, "label"},
		{ais, "--ais-runs", []string{"-1", "0"}, "--ais-runs"},
		{ais, "--ais-runs", []string{huge}, "memory"},
		{ais, "--ais-steps", []string{"-1", "1", "2"}, "--ais-steps"},
		{ais, "--ais-steps", []string{maxInt}, "memory"},
		{eval, "--ais-runs", []string{"0"}, "--ais-runs"},
		{eval, "--ais-warn-margin", []string{"-1", "nan", "-inf"}, "--ais-warn-margin"},
		{eval, "--limit", []string{"-1"}, "limit"},
		{eval, "--n-builtin", []string{huge}, "memory"},
		{inpaint, "--burn-in", []string{"-1"}, "--burn-in"},
		{inpaint, "--sweeps", []string{"-1", "0"}, "--sweeps"},
		{inpaint, "--replicas", []string{"-1", "0"}, "--replicas"},
		{inpaint, "--replicas", []string{huge}, "memory"},
		{inpaint, "--limit", []string{"-1"}, "limit"},
		{inpaint[:5:5], "--mask", []string{"random:0", "random:-1", "random:2", "random:nan", "random:inf", "random:x"}, "--mask"},
		{inpaint[:5:5], "--mask", []string{fx["grey"]}, "mask"},
		{denoise, "--sweeps", []string{"-1", "0"}, "--sweeps"},
		{denoise, "--replicas", []string{"-1", "0"}, "--replicas"},
		{denoise, "--replicas", []string{huge}, "memory"},
		{denoise[:5:5], "--flip-rate", []string{"-1", "0", "0.5", "1", "nan", "inf"}, "--flip-rate"},
		{classify, "--limit", []string{"-1"}, "limit"},
		{[]string{"classify", fx["lab"], "builtin:bars-and-stripes:3", "--out", out + ".npy"}, "--n-builtin", []string{huge}, "memory"},
		{transform, "--limit", []string{"-1"}, "limit"},
		{[]string{"transform", fx["rbm"], "builtin:bars-and-stripes:3", "--out", out + ".npy"}, "--n-builtin", []string{huge}, "memory"},
		{[]string{"contacts", fx["potts"], "--out", out + ".txt"}, "--min-separation", []string{"-1"}, "--min-separation"},
		{[]string{"sample", fx["huge"], "--out", out + ".npy"}, "-n", []string{"1"}, "memory"},
		{[]string{"evaluate", fx["huge"], fx["x"]}, "--limit", []string{"1"}, "memory"},
		{[]string{"train", "--resume", fx["huge"]}, "--epochs", []string{"2"}, "memory"},
	}
	before := treeDigest(t, tmp)
	for _, fc := range flags {
		for _, v := range fc.values {
			args := append(append(append([]string{}, fc.base...), fc.flag, v), "-q")
			if fc.flag == "--mask" || fc.flag == "--flip-rate" {
				args = append(args, "--out", out+".npy")
			}
			t.Run(strings.Join(args[:1], " ")+" "+fc.flag+"="+v, func(t *testing.T) {
				_, stderr, code := runCLI(t, args...)
				msg := strings.TrimSpace(stderr)
				switch {
				case code != 2:
					t.Errorf("%v: exit code %d, want 2: %s", args, code, msg)
				case strings.Count(msg, "\n") != 0 || !strings.HasPrefix(msg, "boltzmann: "):
					t.Errorf("%v: message is not one line: %q", args, msg)
				case strings.Contains(msg, "internal error"):
					t.Errorf("%v: %s", args, msg)
				case !strings.Contains(msg, fc.want):
					t.Errorf("%v: message %q does not mention %q", args, msg, fc.want)
				}
			})
		}
	}
	after := treeDigest(t, tmp)
	for p := range after {
		if _, ok := before[p]; !ok {
			t.Errorf("refused input left %s behind", p)
		}
	}
	for p, h := range before {
		if after[p] != h {
			t.Errorf("refused input changed or removed %s", p)
		}
	}
}
