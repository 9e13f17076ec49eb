package runs

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckpointContainer(t *testing.T) {
	payload := bytes.Repeat([]byte("training state "), 20)
	good := encodeCheckpoint(payload)
	flip := func(at int, mask byte) []byte {
		c := bytes.Clone(good)
		c[at] ^= mask
		return c
	}
	two := bytes.Clone(good)
	two[0], two[5] = 'X', 'Y'
	const advice = "(the file is corrupt; nothing was resumed: restore it from a copy, or start the run again without --resume)"
	cases := []struct {
		name string
		file []byte
		want string
	}{
		{"bit in the magic", flip(3, 0x01), `damaged header: bad magic "BZCIKPT\n" ` + advice},
		{"two bytes of the magic", two, `damaged header: bad magic "XZCHKYT\n"`},
		{"bit in the version", flip(9, 0x01), "format version 257, this program reads version 1"},
		{"bit in the length", flip(12, 0x04), "the header promises 296 bytes of training state, the file holds 300 " + advice},
		{"bit in the CRC-32C", flip(22, 0x10), "CRC-32C mismatch: recorded"},
		{"bit in the payload, start", flip(checkpointHeader, 0x01), "CRC-32C mismatch"},
		{"bit in the payload, middle", flip(checkpointHeader+150, 0x80), "CRC-32C mismatch"},
		{"bit in the payload, end", flip(len(good)-1, 0x02), "CRC-32C mismatch"},
		{"payload truncated", good[:len(good)-7], "the header promises 300 bytes of training state, the file holds 293"},
		{"header truncated", good[:10], "truncated header: 10 bytes, the header alone has 24"},
		{"bytes appended", append(bytes.Clone(good), 0), "the header promises 300 bytes of training state, the file holds 301"},
		{"empty", nil, "file is empty " + advice},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, CheckpointFile)
			if err := os.WriteFile(path, tc.file, 0o644); err != nil {
				t.Fatal(err)
			}
			called := false
			err := restore(dir, func([]byte) error { called = true; return nil })
			if err == nil {
				t.Fatal("damaged checkpoint accepted")
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, path+": ") || !strings.Contains(msg, tc.want) || strings.Contains(msg, "\n") {
				t.Errorf("error %q, want one line starting with %q containing %q", msg, path+": ", tc.want)
			}
			if called {
				t.Error("the trainer was handed a damaged checkpoint")
			}
		})
	}
	dir := t.TempDir()
	if err := writeCheckpointFile(dir, payload); err != nil {
		t.Fatal(err)
	}
	var got []byte
	if err := restore(dir, func(b []byte) error { got = b; return nil }); err != nil || !bytes.Equal(got, payload) {
		t.Fatalf("round trip: %v", err)
	}
	if v := binary.LittleEndian.Uint32(encodeCheckpoint(nil)[8:]); v != checkpointVersion {
		t.Fatalf("version %d", v)
	}
}

// Checkpoints written before the container hold the trainer's bytes alone
// (a gob stream, or bmDCA's "BMDCA" magic) and are read as they are.
func TestCheckpointWithoutHeader(t *testing.T) {
	for _, legacy := range [][]byte{[]byte("\x3f\xff\x81\x03\x01\x01\x05state"), []byte("BMDCA\x00\x00\x01rest")} {
		got, err := decodeCheckpoint(legacy)
		if err != nil || !bytes.Equal(got, legacy) {
			t.Fatalf("%q: %q, %v", legacy, got, err)
		}
	}
}

func TestCheckpointIsDirectory(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, CheckpointFile), 0o755); err != nil {
		t.Fatal(err)
	}
	err := restore(dir, func([]byte) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "checkpoint.bin: cannot read it: is a directory") {
		t.Fatalf("got %v", err)
	}
}

func FuzzDecodeCheckpoint(f *testing.F) {
	f.Add(encodeCheckpoint([]byte("state")))
	f.Add(encodeCheckpoint(nil))
	f.Add([]byte("BMDCA\x00\x00\x01"))
	f.Fuzz(func(t *testing.T, data []byte) {
		payload, err := decodeCheckpoint(data)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error spans lines: %q", err)
			}
			return
		}
		if nearMagic(data) && !bytes.Equal(encodeCheckpoint(payload), data) {
			t.Fatalf("accepted a container that does not re-encode to itself")
		}
	})
}
