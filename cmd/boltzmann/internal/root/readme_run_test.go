//go:build readme

package root

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestREADMERuns runs the README's command blocks as written, in order, in
// a scratch copy of the repository's layout (bin/boltzmann built from this
// tree, ../shared the repository's ../shared): every command must exit 0.
// Skipped: the test script itself (bash .ci/run), go build lines (the
// binary is built here), and the blocks that start an MPI job or a web
// server, which their own tests run (mpi_test.go, package serve). It takes
// several minutes (MNIST and PF00014 runs), hence the build tag:
//
//	go test -tags readme -run TestREADMERuns -timeout 60m ./cmd/boltzmann/internal/root/
func TestREADMERuns(t *testing.T) {
	shared, err := filepath.Abs("../../../../../shared")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(shared, "data", "mnist")); err != nil {
		t.Skipf("the README's data are not here (%v)", err)
	}
	tmp := t.TempDir()
	repo := filepath.Join(tmp, "repo")
	if err := os.MkdirAll(filepath.Join(repo, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(shared, filepath.Join(tmp, "shared")); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(repo, "bin", "boltzmann")
	if out, err := exec.Command("go", "build", "-o", bin, "boltzmann/cmd/boltzmann").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	// Blocks with an MPI job or a server are left out whole.
	skipBlock := map[int]bool{}
	cmds := readmeCommands(t)
	for _, c := range cmds {
		if c.block && len(c.words) > 0 && (c.words[0] == "mpirun" || (len(c.words) > 1 && c.words[1] == "serve") || hasWord(c.words, "--serve")) {
			skipBlock[c.fence] = true
		}
	}
	ran := 0
	for _, c := range cmds {
		if !c.block || skipBlock[c.fence] {
			continue
		}
		args, ok := boltzmannArgs(c.words)
		if !ok {
			continue // bash build.sh, bash .ci/run, go build: checked by TestREADMECommands
		}
		start := time.Now()
		cmd := exec.Command(bin, append(args, "-q")...)
		cmd.Dir = repo
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("README line %d: boltzmann %s: %v\n%s", c.line, strings.Join(args, " "), err, out)
		}
		t.Logf("README line %d: boltzmann %s (%.0f s)", c.line, strings.Join(args, " "), time.Since(start).Seconds())
		ran++
	}
	if ran < 15 {
		t.Fatalf("ran only %d README commands", ran)
	}
}

func hasWord(words []string, w string) bool {
	for _, x := range words {
		if x == w {
			return true
		}
	}
	return false
}
