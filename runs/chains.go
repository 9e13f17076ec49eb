package runs

import (
	"gonum.org/v1/gonum/mat"

	"boltzmann/train"
)

// CheckpointChains returns the fantasy particles (chains × visible units)
// of the bytes of a checkpoint.bin, after verifying its header and
// checksum as ReadCheckpoint does. The caller reads the file (a viewer
// reads it through an os.Root that keeps it inside the run directory).
func CheckpointChains(data []byte) (*mat.Dense, error) {
	payload, err := decodeCheckpoint(data)
	if err != nil {
		return nil, err
	}
	return train.StateChains(payload)
}
