//go:build mpi

// Command mpi_reduce measures the exchange of a data-parallel reduction
// (train.BlockReducer) against the message size: for S float64 values per
// process, an Alltoall in which each process sends S/N values to every
// process (its partial sums, by ranges of the parameters) and an Allgather
// of the S/N summed values of every process, the two collectives of one
// reduction with one partial per process. It prints one line per size:
// the bytes S·8, the median and minimum time of the pair over the
// repetitions, and the effective rate S·8/time. Run it under mpirun
// (benchmarks/mpi_netns.sh starts it across network namespaces).
package main

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"time"

	"boltzmann/cluster"
)

func main() {
	reps := flag.Int("reps", 20, "repetitions per size")
	flag.Parse()
	c, err := cluster.Init()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer c.Finalize()
	n := c.Size()
	if c.Rank() == 0 {
		fmt.Printf("processes %d\n%12s %12s %12s %12s %12s\n", n, "bytes", "median_ms", "min_ms", "alltoall_ms", "MB/s")
	}
	for _, s := range []int{1, 128, 1 << 10, 1 << 13, 1 << 16, 1 << 17, 1 << 19, 1 << 20, 1 << 21, 1 << 22} {
		s = max(s/n*n, n)
		w := s / n
		send, recv := make([]float64, s), make([]float64, s)
		for i := range send {
			send[i] = float64(i)
		}
		cnt := make([]int, n)
		for k := range cnt {
			cnt[k] = w
		}
		mine, all := make([]float64, w), make([]float64, s)
		var total, a2a []time.Duration
		for r := range *reps + 2 {
			if err := c.Barrier(); err != nil {
				panic(err)
			}
			t0 := time.Now()
			if err := c.Alltoall(send, cnt, recv, cnt); err != nil {
				panic(err)
			}
			t1 := time.Now()
			copy(mine, recv[:w])
			if err := c.Allgather(mine, all, cnt); err != nil {
				panic(err)
			}
			if r >= 2 { // two warm-up rounds
				total, a2a = append(total, time.Since(t0)), append(a2a, t1.Sub(t0))
			}
		}
		slices.Sort(total)
		slices.Sort(a2a)
		med := total[len(total)/2]
		if c.Rank() == 0 {
			fmt.Printf("%12d %12.3f %12.3f %12.3f %12.1f\n", 8*s, ms(med), ms(total[0]), ms(a2a[len(a2a)/2]), float64(8*s)/med.Seconds()/1e6)
		}
	}
}

func ms(d time.Duration) float64 { return d.Seconds() * 1000 }
