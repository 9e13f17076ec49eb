package memory

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestArithmeticSaturates(t *testing.T) {
	cases := []struct {
		got, want Size
	}{
		{Float64s(1000000000, 9), 72000000000},
		{Float64s(3, -1), 0},
		{Float64s(), 8},
		{Float64s(math.MaxInt, math.MaxInt), MaxSize},
		{Float64s(1<<31, 1<<31), MaxSize}, // 8·2^62 overflows
		{Size(1 << 62).Times(4), MaxSize},
		{Size(1 << 62).Times(3), 3 << 62},
		{Size(5).Times(-2), 0},
		{MaxSize.Plus(1), MaxSize},
		{Size(1).Plus(2, 3), 6},
		{Of(4, 10, 10), 400},
	}
	for i, c := range cases {
		if c.got != c.want {
			t.Errorf("case %d: got %d, want %d", i, c.got, c.want)
		}
	}
}

func TestString(t *testing.T) {
	for s, want := range map[Size]string{
		0: "0 B", 512: "512 B", 1536: "1.50 KiB", 72 * GiB: "72.0 GiB", 300 * MiB: "300 MiB",
		MaxSize: "more than 16 EiB", 8 * TiB: "8.00 TiB",
	} {
		if got := s.String(); got != want {
			t.Errorf("%d: %q, want %q", uint64(s), got, want)
		}
	}
}

func TestParse(t *testing.T) {
	for in, want := range map[string]Size{
		"4GiB": 4 * GiB, "4g": 4 * GiB, "500MB": 500e6, "1.5e9": 1.5e9, " 2 KiB ": 2048, "100b": 100, "1e30": MaxSize,
	} {
		got, err := Parse(in)
		if err != nil || got != want {
			t.Errorf("Parse(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "-1G", "0", "nan", "inf", "lots", "4 GiBs", "GiB"} {
		if _, err := Parse(in); err == nil {
			t.Errorf("Parse(%q) accepted", in)
		}
	}
}

func TestMemAvailable(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "meminfo")
	os.WriteFile(p, []byte("MemTotal:       32000000 kB\nMemFree:  100 kB\nMemAvailable:   23358152 kB\n"), 0o644)
	if got, err := memAvailable(p); err != nil || got != 23358152*1024 {
		t.Errorf("memAvailable = %d, %v", got, err)
	}
	os.WriteFile(p, []byte("MemTotal:       32000000 kB\n"), 0o644)
	if _, err := memAvailable(p); err == nil {
		t.Error("meminfo without MemAvailable accepted")
	}
	os.WriteFile(filepath.Join(dir, "memory.max"), []byte("1000000\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "memory.current"), []byte("250000\n"), 0o644)
	if got, err := cgroupRoom(dir); err != nil || got != 750000 {
		t.Errorf("cgroupRoom = %d, %v", got, err)
	}
	os.WriteFile(filepath.Join(dir, "memory.max"), []byte("max\n"), 0o644)
	if _, err := cgroupRoom(dir); err == nil {
		t.Error("unlimited cgroup gave a room")
	}
	if a, src := Available(); a == 0 || src == "" {
		t.Errorf("Available() = %d, %q", a, src)
	}
}

func TestCheck(t *testing.T) {
	defer SetLimit(0)
	SetLimit(GiB)
	if err := Check(GiB, "x", "fix"); err != nil {
		t.Errorf("a size equal to the limit refused: %v", err)
	}
	err := Check(Float64s(1000000000, 9), "sampling 1000000000 chains × 9 units", "lower -n")
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("72 GB under a 1 GiB limit: %v", err)
	}
	msg := err.Error()
	for _, want := range []string{"67.1 GiB", "1.00 GiB", "--max-memory", "lower -n", "sampling 1000000000 chains"} {
		if !strings.Contains(msg, want) || strings.Contains(msg, "\n") {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
	SetLimit(0)
	if err := Check(MaxSize, "x", "fix"); err == nil || !strings.Contains(err.Error(), "raises the limit") {
		t.Errorf("MaxSize accepted by the machine's budget: %v", err)
	}
}
