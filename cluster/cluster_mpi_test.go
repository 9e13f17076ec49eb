//go:build mpi && cgo

package cluster

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"
)

// mpirun returns the arguments that start n copies of this test binary
// running the test named run, or skips the test without mpirun.
func mpirun(t *testing.T, n int, run string) *exec.Cmd {
	t.Helper()
	path, err := exec.LookPath("mpirun")
	if err != nil {
		t.Skip("mpirun is not installed (Debian: apt-get install openmpi-bin)")
	}
	cmd := exec.Command(path, "--oversubscribe", "--allow-run-as-root", "-n", fmt.Sprint(n),
		os.Args[0], "-test.run", "^"+run+"$", "-test.count=1")
	cmd.Env = append(os.Environ(), "CLUSTER_TEST_CHILD=1", "OMPI_MCA_btl=self,vader,tcp", "OMPI_MCA_rmaps_base_oversubscribe=1")
	return cmd
}

// TestCollectives starts 3 ranks that check every collective against
// what each rank can compute alone.
func TestCollectives(t *testing.T) {
	if os.Getenv("CLUSTER_TEST_CHILD") == "" {
		cmd := mpirun(t, 3, "TestCollectives")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("mpirun: %v\n%s", err, out)
		}
		return
	}
	c, err := Init()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Finalize()
	r, n := c.Rank(), c.Size()
	if n != 3 {
		t.Fatalf("size %d, want 3", n)
	}
	// Rank r sends r·10+k, repeated k+1 times, to rank k.
	var send []float64
	sc, rc := make([]int, n), make([]int, n)
	for k := range n {
		for range k + 1 {
			send = append(send, float64(r*10+k))
		}
		sc[k], rc[k] = k+1, r+1
	}
	recv := make([]float64, n*(r+1))
	if err := c.Alltoall(send, sc, recv, rc); err != nil {
		t.Fatal(err)
	}
	for k := range n {
		for i := range r + 1 {
			if v := recv[k*(r+1)+i]; v != float64(k*10+r) {
				t.Fatalf("rank %d: Alltoall value %d from %d is %v", r, i, k, v)
			}
		}
	}
	all := make([]float64, 6)
	mine := make([]float64, r+1)
	for i := range mine {
		mine[i] = float64(r)
	}
	if err := c.Allgather(mine, all, []int{1, 2, 3}); err != nil {
		t.Fatal(err)
	}
	if want := []float64{0, 1, 1, 2, 2, 2}; fmt.Sprint(all) != fmt.Sprint(want) {
		t.Fatalf("rank %d: Allgather %v, want %v", r, all, want)
	}
	g, err := c.Gather(bytes.Repeat([]byte{byte('a' + r)}, r))
	if err != nil {
		t.Fatal(err)
	}
	if r == 0 && fmt.Sprintf("%q", g) != `["" "b" "cc"]` {
		t.Fatalf("Gather %q", g)
	}
	if r != 0 && g != nil {
		t.Fatalf("rank %d: Gather gave %q", r, g)
	}
	b, err := c.Broadcast([]byte(fmt.Sprint("from ", r)))
	if err != nil || string(b) != "from 0" {
		t.Fatalf("rank %d: Broadcast %q, %v", r, b, err)
	}
	if err := c.Barrier(); err != nil {
		t.Fatal(err)
	}
}

// TestKilledRankEndsJob: when one rank is killed, mpirun ends the others
// (waiting in a collective) and exits non-zero within seconds.
func TestKilledRankEndsJob(t *testing.T) {
	if os.Getenv("CLUSTER_TEST_CHILD") == "" {
		cmd := mpirun(t, 2, "TestKilledRankEndsJob")
		start := time.Now()
		out, err := cmd.CombinedOutput()
		if err == nil {
			t.Fatalf("mpirun exited 0 after a rank was killed\n%s", out)
		}
		if d := time.Since(start); d > 20*time.Second {
			t.Fatalf("the job took %v to end after a rank was killed", d)
		}
		return
	}
	c, err := Init()
	if err != nil {
		t.Fatal(err)
	}
	if c.Rank() == 1 {
		p, _ := os.FindProcess(os.Getpid())
		p.Kill()
		select {}
	}
	c.Barrier() // never completes: rank 1 is gone
	t.Fatal("the barrier returned without rank 1")
}
