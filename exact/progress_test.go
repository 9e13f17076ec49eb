package exact_test

import (
	"math"
	"testing"

	"boltzmann/exact"
	"boltzmann/internal/testmodels"
)

// TestLogPartitionProgress: the enumeration reports every configuration
// once, in increasing counts that end at the total, and the estimate is
// LogPartition's.
func TestLogPartitionProgress(t *testing.T) {
	m := testmodels.RBM(13, 15, 0.5, 1) // 2^13 visible states: four chunks
	want, err := exact.LogPartition(m)
	if err != nil {
		t.Fatal(err)
	}
	last, calls := 0, 0
	got, err := exact.LogPartitionProgress(m, func(done, total int) {
		calls++
		if total != 1<<13 {
			t.Fatalf("total %d, want the 2^13 visible states", total)
		}
		if done <= last || done > total {
			t.Fatalf("done %d after %d of %d", done, last, total)
		}
		last = done
	})
	if err != nil {
		t.Fatal(err)
	}
	if calls < 4 || last != 1<<13 {
		t.Errorf("%d reports ending at %d, want at least 4 ending at 2^13", calls, last)
	}
	if math.Abs(got-want) > 1e-12 {
		t.Errorf("log Z %v, LogPartition %v", got, want)
	}
}
