package root

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestFlagsNotUsedAreRefused: a train flag that the model kind would not
// use (--hidden for ising, gaussian and potts; the training flags of rows
// of data for an alignment; the alignment flags for rows; Monte Carlo
// flags for the Gaussian model's exact samples; --momentum with adam;
// --chains with cd) is refused with exit code 2 and one line naming it,
// and nothing is written; the same flags are accepted by the kinds that
// use them.
func TestFlagsNotUsedAreRefused(t *testing.T) {
	tmp := t.TempDir()
	out := filepath.Join(tmp, "new")
	msa := writeMSA(t, 4, 60)
	y := filepath.Join(tmp, "y.npy") // never read: the flags are refused first
	bas := []string{"train", "builtin:bars-and-stripes:3", "--model", "rbm", "--epochs", "1", "--out", out}
	ising := []string{"train", "builtin:ising2d:3", "--model", "ising", "--epochs", "1", "--out", out}
	gauss := []string{"train", "builtin:gaussian-mixture", "--model", "gaussian", "--epochs", "1", "--out", out}
	gb := []string{"train", "builtin:gaussian-mixture", "--model", "gbrbm", "--epochs", "1", "--out", out}
	lab := []string{"train", "builtin:bars-and-stripes:3", "--labels", y, "--model", "rbm", "--epochs", "1", "--out", out}
	potts := []string{"train", msa, "--max-updates", "2", "--out", out}
	catrbm := []string{"train", msa, "--model", "catrbm", "--max-updates", "2", "--out", out}
	for _, c := range []struct {
		base []string
		args []string
		want string
	}{
		{ising, []string{"--hidden", "8"}, "--model ising does not use --hidden"},
		{gauss, []string{"--hidden", "8"}, "--model gaussian does not use --hidden"},
		{potts, []string{"--hidden", "8"}, "--model potts does not use --hidden"},
		{gauss, []string{"--k", "5"}, "--k (its negative phase draws exact"},
		{gauss, []string{"--method", "cd"}, "--method"},
		{gauss, []string{"--sampler", "pt"}, "--sampler"},
		{gauss, []string{"--float64"}, "--float64 (it always computes in float64)"},
		{ising, []string{"--float64"}, "--float64"},
		{gb, []string{"--float64"}, "--float64"},
		{gauss, []string{"--momentum", "0.9"}, "--momentum applies to --optimizer sgd"},
		{gb, []string{"--momentum", "0.9"}, "--momentum applies to --optimizer sgd"},
		{bas, []string{"--optimizer", "adam", "--momentum", "0.9"}, "--momentum applies to --optimizer sgd"},
		{bas, []string{"--method", "cd", "--chains", "50"}, "--chains sets the persistent chains"},
		{bas, []string{"--sparsity-cost", "0.5"}, "--sparsity-cost"},
		{bas, []string{"--max-updates", "9"}, "--model rbm does not use --max-updates"},
		{ising, []string{"--alphabet", "rna", "--reweight", "0.5", "--pseudocount", "0.1"}, "--alphabet, --pseudocount, --reweight (it applies to alignments only)"},
		{gauss, []string{"--save-every", "3"}, "--save-every"},
		{gb, []string{"--target-pearson", "0.9"}, "--target-pearson"},
		{lab, []string{"--save-every", "3"}, "a labeled rbm (--labels) does not use --save-every"},
		{potts, []string{"--epochs", "5"}, "--epochs (a run on an alignment counts updates"},
		{potts, []string{"--batch-size", "5"}, "--batch-size"},
		{potts, []string{"--momentum", "0.9"}, "--momentum"},
		{potts, []string{"--schedule", "constant"}, "--schedule"},
		{potts, []string{"--l1", "0.1"}, "--l1"},
		{potts, []string{"--l2", "0.1", "--penalize", "weights"}, "--l2, --penalize (bmDCA has no penalty)"},
		{potts, []string{"--method", "cd"}, "--method"},
		{potts, []string{"--val", "v.fasta"}, "--val"},
		{potts, []string{"--labels", y}, "--labels"},
		{potts, []string{"--key", "a", "--limit", "3", "--n-builtin", "5", "--data-seed", "2", "--binarize", "threshold"}, "--binarize, --data-seed, --key, --limit, --n-builtin"},
		{catrbm, []string{"--sampler", "pt"}, "--model catrbm does not use --sampler (bmDCA of a catrbm samples by Gibbs sweeps)"},
		{potts, []string{"--save-trajectory", "2"}, "--save-trajectory"},
		{potts, []string{"--objective", "hybrid"}, "--objective"},
		{potts, []string{"--sparsity", "0.1"}, "--sparsity"},
		{potts, []string{"--centering"}, "--centering"},
		{potts, []string{"--standardize=false"}, "--standardize"},
		{potts, []string{"--float64"}, "--float64"},
		{catrbm, []string{"--epochs", "5"}, "--model catrbm does not use --epochs"},
		{catrbm, []string{"--l2", "0.1"}, "--l2"},
	} {
		args := append(append(append([]string{}, c.base...), c.args...), "-q")
		before := treeDigest(t, tmp)
		_, stderr, code := runCLI(t, args...)
		msg := strings.TrimSpace(stderr)
		switch {
		case code != 2:
			t.Errorf("%v: exit code %d, want 2: %s", args, code, msg)
		case strings.Count(msg, "\n") != 0:
			t.Errorf("%v: message is not one line: %q", args, msg)
		case !strings.Contains(msg, c.want):
			t.Errorf("%v: message %q does not contain %q", args, msg, c.want)
		}
		after := treeDigest(t, tmp)
		if len(after) != len(before) {
			t.Errorf("%v: refused flags left files behind", args)
		}
	}
	// The kinds that use these flags take them (checked up to the flags:
	// each run below is a short real one).
	for _, args := range [][]string{
		append(bas, "--hidden", "4", "--float64", "--method", "cd", "--k", "2", "--momentum", "0.9"),
		append(gb, "--hidden", "2", "--k", "2", "--method", "cd", "--n-builtin", "200", "--optimizer", "sgd", "--momentum", "0.5"),
		append(catrbm, "--hidden", "2", "--chains", "16", "--k", "2", "--alphabet", "protein", "--reweight", "0.5"),
	} {
		mustRun(t, append(args, "--force", "-q")...)
	}
}
