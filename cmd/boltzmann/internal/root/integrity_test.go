package root

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// snapshot reads every file of dir.
func snapshot(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = b
	}
	return out
}

// A damaged file of a run directory is refused with exit code 2 and one
// line naming it; a refused resume leaves the run directory as it was.
func TestCorruptRunFiles(t *testing.T) {
	good := filepath.Join(t.TempDir(), "run")
	if _, stderr, code := runCLI(t, "train", "builtin:bars-and-stripes:3", "--model", "rbm", "--hidden", "4", "--epochs", "1", "--out", good, "-q"); code != 0 {
		t.Fatal(stderr)
	}
	damage := func(file string, f func([]byte) []byte) string {
		dir := filepath.Join(t.TempDir(), "run")
		if err := os.CopyFS(dir, os.DirFS(good)); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, file)
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f(b), 0o644); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	flipAt := func(at func([]byte) int) func([]byte) []byte {
		return func(b []byte) []byte { b[at(b)] ^= 0x01; return b }
	}
	cases := []struct {
		name string
		file string
		f    func([]byte) []byte
		args func(dir string) []string
		want string
	}{
		{"evaluate, model.npz CRC-32", "model.npz", flipAt(func(b []byte) int { return bytes.Index(b, []byte("PK\x01\x02")) + 16 }),
			func(d string) []string { return []string{"evaluate", d, "builtin:bars-and-stripes:3"} },
			`model.npz: array "weights": CRC-32 mismatch (the file is corrupt; re-create it)`},
		{"evaluate, model.npz truncated", "model.npz", func(b []byte) []byte { return b[:len(b)/2] },
			func(d string) []string { return []string{"evaluate", d, "builtin:bars-and-stripes:3"} },
			"model.npz: not a valid .npz (zip) archive"},
		{"resume, checkpoint payload", "checkpoint.bin", flipAt(func(b []byte) int { return len(b) / 2 }),
			func(d string) []string { return []string{"train", "--resume", d, "--epochs", "2"} },
			"checkpoint.bin: CRC-32C mismatch"},
		{"resume, checkpoint truncated", "checkpoint.bin", func(b []byte) []byte { return b[:len(b)-9] },
			func(d string) []string { return []string{"train", "--resume", d, "--epochs", "2"} },
			"checkpoint.bin: the header promises"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := damage(tc.file, tc.f)
			before := snapshot(t, dir)
			stdout, stderr, code := runCLI(t, append(tc.args(dir), "-q")...)
			if code != 2 {
				t.Errorf("exit code %d, want 2 (stderr %q)", code, stderr)
			}
			if strings.Count(strings.TrimRight(stderr, "\n"), "\n") != 0 || !strings.Contains(stderr, tc.want) {
				t.Errorf("stderr %q, want one line containing %q", stderr, tc.want)
			}
			if stdout != "" {
				t.Errorf("stdout %q", stdout)
			}
			after := snapshot(t, dir)
			if len(after) != len(before) {
				t.Errorf("files %d → %d", len(before), len(after))
			}
			for name, b := range before {
				if !bytes.Equal(after[name], b) {
					t.Errorf("%s changed", name)
				}
			}
		})
	}
}
