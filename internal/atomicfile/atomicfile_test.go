package atomicfile

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func TestWriteBytes(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "out.bin")
	for _, content := range []string{"first", "second, longer content"} {
		if err := WriteBytes(p, []byte(content)); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != content {
			t.Fatalf("content %q, want %q", got, content)
		}
	}
	if names := entries(t, dir); len(names) != 1 {
		t.Fatalf("directory holds %v, want only out.bin", names)
	}
}

func TestWriteLarge(t *testing.T) {
	p := filepath.Join(t.TempDir(), "big")
	want := bytes.Repeat([]byte("0123456789"), 100_000) // larger than the buffer
	err := Write(p, func(w io.Writer) error {
		for i := 0; i < len(want); i += 7777 {
			if _, err := w.Write(want[i:min(i+7777, len(want))]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(p)
	if !bytes.Equal(got, want) {
		t.Fatal("content differs")
	}
}

// A failure after part of the output was written leaves no file behind.
func TestFailureMidWriteLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "out.npy")
	boom := errors.New("boom")
	err := Write(p, func(w io.Writer) error {
		w.Write(bytes.Repeat([]byte{1}, 200_000)) // flushed to disk in part
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	if names := entries(t, dir); len(names) != 0 {
		t.Fatalf("directory holds %v after a failed write, want nothing", names)
	}
}

// A failure while replacing an existing file keeps the old content.
func TestFailureKeepsOldContent(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "params.npz")
	if err := WriteBytes(p, []byte("old")); err != nil {
		t.Fatal(err)
	}
	err := Write(p, func(w io.Writer) error {
		io.WriteString(w, "new but incomplete")
		return errors.New("disk full")
	})
	if err == nil {
		t.Fatal("want error")
	}
	got, _ := os.ReadFile(p)
	if string(got) != "old" {
		t.Fatalf("content %q, want old", got)
	}
	if names := entries(t, dir); len(names) != 1 {
		t.Fatalf("directory holds %v, want only params.npz", names)
	}
}

func TestKeepsMode(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := WriteBytes(p, []byte("y")); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(p)
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, want 0600", st.Mode().Perm())
	}
}

func TestMissingDirectory(t *testing.T) {
	p := filepath.Join(t.TempDir(), "no", "such", "dir", "f")
	if err := WriteBytes(p, []byte("x")); err == nil {
		t.Fatal("want error for a missing directory")
	}
}

// Renaming onto a directory fails; the temporary file must be cleaned up.
func TestRenameFailureLeavesNoTemp(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "sub")
	if err := os.Mkdir(p, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(p, "keep"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteBytes(p, []byte("x")); err == nil {
		t.Fatal("want error when path is a non-empty directory")
	}
	if names := entries(t, dir); len(names) != 1 || names[0] != "sub" {
		t.Fatalf("directory holds %v, want only sub", names)
	}
}

// TestCleanTemp: the temporary files of killed writes are recognized and
// removed; nothing else is.
func TestCleanTemp(t *testing.T) {
	dir := t.TempDir()
	f, err := os.CreateTemp(dir, ".model.npz.tmp-*") // as Write names them
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	keep := []string{"model.npz", ".tmp-1", "x.tmp-12", ".a.tmp-", ".a.tmp-12x", "notes.txt"}
	for _, name := range keep {
		os.WriteFile(filepath.Join(dir, name), nil, 0o644)
	}
	os.Mkdir(filepath.Join(dir, ".d.tmp-1"), 0o755)
	removed, err := CleanTemp(dir)
	if err != nil || len(removed) != 1 || removed[0] != filepath.Base(f.Name()) {
		t.Fatalf("CleanTemp removed %v (%v), want only %s", removed, err, filepath.Base(f.Name()))
	}
	for _, name := range append(keep, ".d.tmp-1") {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("%s removed", name)
		}
	}
}
