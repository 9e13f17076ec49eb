// Package memory estimates what a command is about to allocate and checks
// the estimate against the memory the machine has, so that an impossible
// size (a billion chains, a 1024×1024 Ising lattice with its 10^12
// couplings) is refused with a one-line message before anything is
// allocated, instead of ending in the runtime's out-of-memory crash.
//
// Sizes are counted with saturating arithmetic: a product that overflows
// is MaxSize, which no budget accepts, so that absurd flag values
// (9223372036854775807 hidden units) are refused rather than wrapped
// around to a small number.
//
// The budget is the process-wide limit set by SetLimit (the command
// line's --max-memory), or else what the machine can give: MemAvailable of
// /proc/meminfo, lowered to the room left under a cgroup (v2) memory limit.
// Where neither is known (other systems), only sizes that cannot be
// addressed at all are refused.
package memory

import (
	"bufio"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
)

// Size is a number of bytes.
type Size uint64

// MaxSize is the saturated size: more than any machine has.
const MaxSize = Size(math.MaxUint64)

// Units.
const (
	KiB Size = 1 << 10
	MiB Size = 1 << 20
	GiB Size = 1 << 30
	TiB Size = 1 << 40
)

// Of returns the size of the product of counts, each of elem bytes
// (8 for float64), saturating at MaxSize; a negative count counts as 0.
func Of(elem int, counts ...int) Size {
	s := Size(max(elem, 0))
	for _, c := range counts {
		s = s.Times(c)
	}
	return s
}

// Float64s returns the size of a float64 array with the product of counts
// elements (rows × columns).
func Float64s(counts ...int) Size { return Of(8, counts...) }

// Times returns s·k, saturating; a negative k gives 0.
func (s Size) Times(k int) Size {
	if k <= 0 {
		return 0
	}
	hi, lo := bits.Mul64(uint64(s), uint64(k))
	if hi != 0 {
		return MaxSize
	}
	return Size(lo)
}

// Plus returns the saturating sum of s and the others.
func (s Size) Plus(others ...Size) Size {
	for _, o := range others {
		sum, carry := bits.Add64(uint64(s), uint64(o), 0)
		if carry != 0 {
			return MaxSize
		}
		s = Size(sum)
	}
	return s
}

// String formats s with a binary unit to three significant digits:
// "512 B", "1.50 KiB", "72.0 GiB"; MaxSize is "more than 16 EiB".
func (s Size) String() string {
	if s == MaxSize {
		return "more than 16 EiB"
	}
	units := []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	v, u := float64(s), 0
	for v >= 1024 && u < len(units)-1 {
		v /= 1024
		u++
	}
	if u == 0 {
		return fmt.Sprintf("%d B", s)
	}
	prec := 2
	switch {
	case v >= 100:
		prec = 0
	case v >= 10:
		prec = 1
	}
	return strconv.FormatFloat(v, 'f', prec, 64) + " " + units[u]
}

// Parse reads a size: a number of bytes with an optional unit, decimal
// (kB, MB, GB, TB) or binary (KiB, MiB, GiB, TiB; K, M, G, T mean the
// binary ones), case-insensitive: "4GiB", "4g", "500MB", "1.5e9".
func Parse(s string) (Size, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	mult := 1.0
	for _, u := range []struct {
		suffix string
		mult   float64
	}{
		{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30}, {"tib", 1 << 40},
		{"kb", 1e3}, {"mb", 1e6}, {"gb", 1e9}, {"tb", 1e12},
		{"k", 1 << 10}, {"m", 1 << 20}, {"g", 1 << 30}, {"t", 1 << 40}, {"b", 1},
	} {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || !(v > 0) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("size %q must be a positive number of bytes with an optional unit, e.g. 8GiB or 500MB", s)
	}
	b := v * mult
	if b >= math.MaxUint64 {
		return MaxSize, nil
	}
	return Size(math.Ceil(b)), nil
}

// limit is the process-wide budget set by SetLimit (0: the machine's).
var limit atomic.Uint64

// SetLimit sets the budget that Check compares with (the command line's
// --max-memory); 0 restores the default, the memory the machine has
// available.
func SetLimit(s Size) { limit.Store(uint64(s)) }

// Budget returns the memory a command may use and where that figure comes
// from: the limit of SetLimit ("--max-memory"), or Available's.
func Budget() (Size, string) {
	if l := Size(limit.Load()); l > 0 {
		return l, "--max-memory"
	}
	return Available()
}

// addressable is what a 64-bit process can allocate at most, in practice:
// the budget where the machine's memory is unknown.
const addressable = 128 * TiB

// Available returns the memory the machine can give this process now, and
// where the figure comes from: MemAvailable of /proc/meminfo, lowered to
// the room left under a cgroup v2 memory.max; where neither can be read,
// the addressable size of a 64-bit process.
func Available() (Size, string) {
	avail, src := Size(addressable), "the address space"
	if m, err := memAvailable("/proc/meminfo"); err == nil {
		avail, src = m, "MemAvailable in /proc/meminfo"
	}
	if room, err := cgroupRoom("/sys/fs/cgroup"); err == nil && room < avail {
		avail, src = room, "the cgroup memory limit"
	}
	return avail, src
}

// memAvailable reads the MemAvailable line of a meminfo file (in kB).
func memAvailable(path string) (Size, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "MemAvailable:")
		if !ok {
			continue
		}
		fields := strings.Fields(rest)
		if len(fields) != 2 || fields[1] != "kB" {
			return 0, fmt.Errorf("%s: unexpected MemAvailable line %q", path, sc.Text())
		}
		kb, err := strconv.ParseUint(fields[0], 10, 64)
		if err != nil {
			return 0, err
		}
		return Size(kb).Times(1024), nil
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("%s has no MemAvailable line", path)
}

// cgroupRoom returns memory.max - memory.current of a cgroup v2
// directory; a cgroup without a limit ("max") is an error.
func cgroupRoom(dir string) (Size, error) {
	read := func(name string) (uint64, error) {
		b, err := os.ReadFile(dir + "/" + name)
		if err != nil {
			return 0, err
		}
		s := strings.TrimSpace(string(b))
		if s == "max" {
			return 0, errors.New("no limit")
		}
		return strconv.ParseUint(s, 10, 64)
	}
	maxB, err := read("memory.max")
	if err != nil {
		return 0, err
	}
	cur, err := read("memory.current")
	if err != nil {
		return 0, err
	}
	if cur >= maxB {
		return 0, nil
	}
	return Size(maxB - cur), nil
}

// ErrTooLarge is wrapped by the errors of Check.
var ErrTooLarge = errors.New("not enough memory")

// Check returns nil if need fits in the budget (Budget), or else an error
// wrapping ErrTooLarge whose one-line message gives the estimate, what it
// is for, the budget and its source, and the fix: "sampling needs about
// 72.0 GiB (1000000000 chains × 9 units) but 21.3 GiB are available
// (MemAvailable in /proc/meminfo): lower -n; --max-memory raises the
// limit if the estimate is wrong".
func Check(need Size, what, fix string) error {
	budget, src := Budget()
	if need <= budget {
		return nil
	}
	hint := "; --max-memory raises the limit if the estimate is wrong"
	if src == "--max-memory" {
		hint = ""
	}
	about := "about " + need.String()
	if need == MaxSize {
		about = need.String()
	}
	return fmt.Errorf("%w: %s needs %s but %s are available (%s): %s%s", ErrTooLarge, what, about, budget, src, fix, hint)
}
