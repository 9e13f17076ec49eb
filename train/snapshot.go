package train

import (
	"bytes"
	"encoding/gob"
	"fmt"

	"gonum.org/v1/gonum/mat"

	"boltzmann/sample"
)

// StateChains returns the visible states of the fantasy particles (chains
// × Dim) held in a training state encoded by MarshalBinary, without
// building a Trainer: what a viewer of a checkpoint shows as the current
// samples of the model.
func StateChains(state []byte) (*mat.Dense, error) {
	var s struct {
		Version int
		Chains  []byte
	}
	if err := gob.NewDecoder(bytes.NewReader(state)).Decode(&s); err != nil {
		return nil, fmt.Errorf("train: checkpoint is unreadable: %w", err)
	}
	if s.Version != stateVersion {
		return nil, fmt.Errorf("train: checkpoint version %d, this program reads version %d", s.Version, stateVersion)
	}
	var c sample.Chains
	if err := c.UnmarshalBinary(s.Chains); err != nil {
		return nil, err
	}
	return c.Visible(), nil
}
