package root

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"boltzmann/cmd/boltzmann/internal/cmdutil"
)

// runTerminal runs the command line with stderr taken for a terminal
// (cmdutil.Factory.Terminal), so that progress bars are drawn into it.
func runTerminal(t *testing.T, args ...string) (stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	f := &cmdutil.Factory{Stdout: &out, Stderr: &errb, Terminal: true}
	root := NewCmdRoot(f)
	root.SetArgs(args)
	root.SetOut(&out)
	root.SetErr(&errb)
	err := root.Execute()
	if err != nil {
		errb.WriteString("boltzmann: " + err.Error() + "\n")
	}
	return errb.String(), cmdutil.ExitCode(err)
}

// TestProgressBars: the long-running commands draw a progress bar on a
// terminal, counting their own steps of the total (inpaint and denoise:
// burn-in and averaged sweeps; bmDCA: updates of --max-updates; train on
// rows: the updates of each epoch; sample: transitions; evaluate --logz
// exact: the states enumerated), and draw none
// with --quiet or when stderr is not a terminal.
func TestProgressBars(t *testing.T) {
	tmp := t.TempDir()
	rbmRun, gbRun := filepath.Join(tmp, "rbm"), filepath.Join(tmp, "gb")
	wideRun := filepath.Join(tmp, "wide") // 2^14 hidden states: eight chunks of the enumeration
	mustRun(t, "train", "builtin:bars-and-stripes:4", "--model", "rbm", "--hidden", "14", "--epochs", "1", "--out", wideRun, "-q")
	mustRun(t, "train", "builtin:bars-and-stripes:3", "--model", "rbm", "--hidden", "4", "--epochs", "1", "--out", rbmRun, "-q")
	mustRun(t, "train", "builtin:gaussian-mixture", "--model", "gbrbm", "--hidden", "2", "--n-builtin", "200", "--epochs", "1", "--out", gbRun, "-q")
	msa := writeMSA(t, 4, 60)
	out := filepath.Join(tmp, "OUT.npy") // OUT: replaced by a name per run
	n := 0
	for _, c := range []struct {
		args []string
		want string // the bar's description and its total
	}{
		{[]string{"inpaint", rbmRun, "builtin:bars-and-stripes:3", "--mask", "bottom-half", "--burn-in", "3", "--sweeps", "7", "--out", out}, "inpainting"},
		{[]string{"denoise", rbmRun, "builtin:bars-and-stripes:3", "--add-noise", "--flip-rate", "0.1", "--burn-in", "3", "--sweeps", "7", "--out", out}, "denoising"},
		{[]string{"denoise", gbRun, "builtin:gaussian-mixture", "--n-builtin", "50", "--add-noise", "--noise-sigma", "0.5", "--burn-in", "3", "--sweeps", "7", "--out", out}, "denoising"},
		{[]string{"inpaint", gbRun, "builtin:gaussian-mixture", "--n-builtin", "50", "--mask", "random:0.3", "--burn-in", "3", "--sweeps", "7", "--out", out}, "inpainting"},
		{[]string{"train", msa, "--chains", "16", "--max-updates", "4", "--save-every", "2", "--out", filepath.Join(tmp, "OUT")}, "bmDCA updates"},
		{[]string{"train", "builtin:bars-and-stripes:3", "--model", "rbm", "--hidden", "4", "--epochs", "2", "--batch-size", "10", "--out", filepath.Join(tmp, "OUT")}, "epoch 2/2"},
		{[]string{"sample", rbmRun, "-n", "10", "--burn-in", "5", "--out", out}, "sampling"},
		{[]string{"evaluate", wideRun, "builtin:bars-and-stripes:4", "--logz", "exact"}, "log Z"},
	} {
		total := "/10," // burn-in and sweeps
		switch c.want {
		case "bmDCA updates":
			total = "/4,"
		case "epoch 2/2":
			total = "/100," // 1000 rows in batches of 10
		case "sampling":
			total = "/"
		case "log Z":
			total = "/16384," // the 2^14 hidden states
		}
		args := func(more ...string) []string {
			n++
			var a []string
			for _, v := range c.args {
				a = append(a, strings.Replace(v, "OUT", fmt.Sprintf("%s%d", c.args[0], n), 1))
			}
			return append(a, more...)
		}
		stderr, code := runTerminal(t, args()...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", c.args, code, stderr)
		}
		if !strings.Contains(stderr, c.want) || !strings.Contains(stderr, total) {
			t.Errorf("%v: no progress bar %q at %s on the terminal:\n%q", c.args, c.want, total, stderr)
		}
		if stderr, _ := runTerminal(t, args("-q")...); strings.Contains(stderr, c.want) {
			t.Errorf("%v -q: a progress bar: %q", c.args, stderr)
		}
		if _, stderr, _ := runCLI(t, args()...); strings.Contains(stderr, c.want) {
			t.Errorf("%v: a progress bar on a stderr that is not a terminal: %q", c.args, stderr)
		}
	}
}
