package runs

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"

	"boltzmann/internal/atomicfile"
)

// checkpoint.bin is a small container around the bytes of a trainer's
// MarshalBinary, so that a damaged file is refused instead of resuming to
// different parameters:
//
//	offset  size  content
//	0       8     magic "BZCHKPT\n"
//	8       4     format version, uint32 little-endian (1)
//	12      8     payload length in bytes, uint64 little-endian
//	20      4     CRC-32C (Castagnoli) of the payload, uint32 little-endian
//	24      n     payload: train.Trainer or bmdca.Trainer MarshalBinary
//
// Checkpoints written before the container existed hold the payload
// alone. They are still read as they are, without verification (there is
// no checksum to verify); the next saved epoch rewrites them in the
// container. A file whose first 8 bytes are close to the magic (at most
// two bytes differ) is a container with a damaged header, not an old
// checkpoint.
const (
	checkpointMagic   = "BZCHKPT\n"
	checkpointVersion = 1
	checkpointHeader  = 24
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// encodeCheckpoint wraps payload in the checkpoint container.
func encodeCheckpoint(payload []byte) []byte {
	buf := make([]byte, 0, checkpointHeader+len(payload))
	buf = append(buf, checkpointMagic...)
	buf = binary.LittleEndian.AppendUint32(buf, checkpointVersion)
	buf = binary.LittleEndian.AppendUint64(buf, uint64(len(payload)))
	buf = binary.LittleEndian.AppendUint32(buf, crc32.Checksum(payload, castagnoli))
	return append(buf, payload...)
}

// corruptAdvice ends every message about a damaged checkpoint.
const corruptAdvice = "the file is corrupt; nothing was resumed: restore it from a copy, or start the run again without --resume"

// decodeCheckpoint verifies the container and returns its payload; data
// without the magic is an old checkpoint and is returned as it is.
func decodeCheckpoint(data []byte) ([]byte, error) {
	if len(data) == 0 {
		return nil, fmt.Errorf("file is empty (%s)", corruptAdvice)
	}
	if !nearMagic(data) {
		return data, nil
	}
	if len(data) < checkpointHeader {
		return nil, fmt.Errorf("truncated header: %d bytes, the header alone has %d (%s)", len(data), checkpointHeader, corruptAdvice)
	}
	if string(data[:8]) != checkpointMagic {
		return nil, fmt.Errorf("damaged header: bad magic %q (%s)", data[:8], corruptAdvice)
	}
	if v := binary.LittleEndian.Uint32(data[8:12]); v != checkpointVersion {
		return nil, fmt.Errorf("format version %d, this program reads version %d (a newer program wrote it, or %s)", v, checkpointVersion, corruptAdvice)
	}
	n := binary.LittleEndian.Uint64(data[12:20])
	payload := data[checkpointHeader:]
	if n != uint64(len(payload)) {
		return nil, fmt.Errorf("the header promises %d bytes of training state, the file holds %d (%s)", n, len(payload), corruptAdvice)
	}
	if want, got := binary.LittleEndian.Uint32(data[20:24]), crc32.Checksum(payload, castagnoli); want != got {
		return nil, fmt.Errorf("CRC-32C mismatch: recorded %08x, computed %08x (%s)", want, got, corruptAdvice)
	}
	return payload, nil
}

// nearMagic reports whether data starts with at most two bytes differing
// from the container's magic.
func nearMagic(data []byte) bool {
	diff := 0
	for i := range len(checkpointMagic) {
		if i >= len(data) || data[i] != checkpointMagic[i] {
			diff++
		}
	}
	return diff <= 2
}

// writeCheckpointFile writes payload in the container as
// RUN_DIR/checkpoint.bin, atomically.
func writeCheckpointFile(dir string, payload []byte) error {
	return atomicfile.WriteBytes(filepath.Join(dir, CheckpointFile), encodeCheckpoint(payload))
}

// readCheckpointFile reads and verifies RUN_DIR/checkpoint.bin and returns
// the trainer's bytes. Errors are one line naming the file.
func readCheckpointFile(dir string) ([]byte, error) {
	path := filepath.Join(dir, CheckpointFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s has no %s: the run stopped before its first save; start it again without --resume", dir, CheckpointFile)
	}
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("%s: cannot read it: %v (start the run again without --resume)", path, err)
	}
	payload, err := decodeCheckpoint(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return payload, nil
}

// restore verifies the checkpoint of dir and hands its payload to
// unmarshal; an error of unmarshal names the file.
func restore(dir string, unmarshal func([]byte) error) error {
	payload, err := readCheckpointFile(dir)
	if err != nil {
		return err
	}
	if err := unmarshal(payload); err != nil {
		return fmt.Errorf("%s: %w", filepath.Join(dir, CheckpointFile), err)
	}
	return nil
}
