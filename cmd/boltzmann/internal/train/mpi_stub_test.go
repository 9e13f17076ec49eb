//go:build !mpi || !cgo

package train

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"boltzmann/cmd/boltzmann/internal/cmdutil"
)

// TestMPIRunWithoutMPI: started by mpirun as several processes, a binary
// built without -tags mpi refuses with exit code 2, naming the tag, and
// writes nothing.
func TestMPIRunWithoutMPI(t *testing.T) {
	t.Setenv("OMPI_COMM_WORLD_SIZE", "2")
	dir := filepath.Join(t.TempDir(), "run")
	code, msg := cmdutil.Execute(NewCmdTrain(&cmdutil.Factory{}, nil),
		"builtin:bars-and-stripes", "--model", "rbm", "--hidden", "4", "--epochs", "1", "--out", dir)
	if code != 2 || !strings.Contains(msg, "-tags mpi") {
		t.Fatalf("exit %d %q, want 2 and a message naming -tags mpi", code, msg)
	}
	if _, err := os.Stat(dir); err == nil {
		t.Error("the run directory was created")
	}
}
