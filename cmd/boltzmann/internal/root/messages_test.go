package root

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"codeberg.org/sbinet/npyio"

	"boltzmann/dataset"
)

// TestInputMessages: the messages of smaller input problems name the
// problem and the command line's fix, with exit code 2, and write nothing.
func TestInputMessages(t *testing.T) {
	tmp := t.TempDir()
	fx := hostileFixtures(t, tmp)
	neg := filepath.Join(tmp, "neg.npy")
	f, _ := os.Create(neg)
	y := make([]int64, 20)
	y[3] = -2 // -1 marks an unknown label
	y[4] = 1
	if err := npyio.Write(f, y); err != nil {
		t.Fatal(err)
	}
	f.Close()
	many := filepath.Join(tmp, "many.npy")
	f, _ = os.Create(many)
	y[3] = 5
	npyio.Write(f, y)
	f.Close()
	badMSA := filepath.Join(tmp, "bad.fasta")
	os.WriteFile(badMSA, []byte(">a\nACDE\n>b\nAC!E\n>c\nACDE\n"), 0o644)
	out := filepath.Join(tmp, "out")
	dirOut := filepath.Join(tmp, "d.npy")
	os.Mkdir(dirOut, 0o755)
	for _, c := range []struct {
		name string
		args []string
		want []string // all in the message
		not  string
	}{
		{"negative label", []string{"train", fx["x"], "--labels", neg, "--model", "rbm", "--out", out}, []string{"label -2 of sample 4 is negative"}, "[0, 0)"},
		{"label beyond the classes", []string{"classify", fx["lab"], fx["x"], "--labels", many, "--out", out + ".npy"}, []string{"label 5 of sample 4 is outside [0, 2)"}, ""},
		{"key of an npy", []string{"train", fx["x"], "--key", "a", "--model", "rbm", "--out", out}, []string{"--key a", "not one: drop --key"}, ""},
		{"grey mask", []string{"inpaint", fx["rbm"], fx["x"], "--mask", fx["grey"], "--out", out + ".npy"}, []string{"column 3 is 0.5", "1 (missing) or 0 (observed)"}, ""},
		{"missing output directory", []string{"sample", fx["rbm"], "--out", filepath.Join(tmp, "nowhere", "s.npy")}, []string{"cannot write", "create the directory"}, ""},
		{"output is a directory", []string{"transform", fx["rbm"], fx["x"], "--out", dirOut}, []string{"cannot write", "it is a directory"}, ""},
		{"symbol outside the alphabet", []string{"train", badMSA, "--model", "potts", "--out", out}, []string{"'!'", "--alphabet protein, rna, dna"}, "Options.Alphabet"},
	} {
		before := treeDigest(t, tmp)
		_, stderr, code := runCLI(t, append(c.args, "-q")...)
		msg := strings.TrimSpace(stderr)
		if code != 2 || strings.Count(msg, "\n") != 0 {
			t.Errorf("%s: exit %d, %q", c.name, code, msg)
		}
		for _, w := range c.want {
			if !strings.Contains(msg, w) {
				t.Errorf("%s: %q lacks %q", c.name, msg, w)
			}
		}
		if c.not != "" && strings.Contains(msg, c.not) {
			t.Errorf("%s: %q says %q", c.name, msg, c.not)
		}
		after := treeDigest(t, tmp)
		if len(after) != len(before) {
			t.Errorf("%s: files were written", c.name)
		}
	}

	// transform --out f.npz names its array "features".
	npz := filepath.Join(tmp, "f.npz")
	mustRun(t, "transform", fx["rbm"], fx["x"], "--out", npz, "-q")
	arrays, err := dataset.ReadNPZ(npz)
	if err != nil || len(arrays) != 1 || arrays[0].Name != "features" || arrays[0].Shape[0] != 20 || arrays[0].Shape[1] != 4 {
		t.Errorf("transform's archive: %v %+v", err, arrays)
	}

	// The help of train states the defaults of each kind of run.
	help := mustRun(t, "train", "--help")
	for _, w := range []string{"alignments: 10000", "alignments: 10 sweeps", "potts (the default for an alignment)", "alignments: constant"} {
		if !strings.Contains(help, w) {
			t.Errorf("train --help lacks %q", w)
		}
	}
	if strings.Contains(help, "fixed rate (default)") {
		t.Error("train --help names two default schedules")
	}
}
