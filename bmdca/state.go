package bmdca

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"
)

const stateMagic = "BMDCA\x00\x00\x01"

// MarshalBinary encodes the training state: parameters, chains with their
// random streams, counters and history, so that UnmarshalBinary on a
// Trainer built with the same model kind, target and settings continues
// exactly.
func (t *Trainer) MarshalBinary() ([]byte, error) {
	buf := []byte(stateMagic)
	buf = binary.LittleEndian.AppendUint64(buf, uint64(t.updates))
	buf = binary.LittleEndian.AppendUint64(buf, uint64(t.sweeps))
	buf = binary.LittleEndian.AppendUint64(buf, uint64(t.elapsed))
	conv := uint64(0)
	if t.converged {
		conv = 1
	}
	buf = binary.LittleEndian.AppendUint64(buf, conv)
	p := t.m.Params()
	buf = binary.LittleEndian.AppendUint64(buf, uint64(len(p)))
	for _, v := range p {
		buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(v))
	}
	hist, err := json.Marshal(t.history)
	if err != nil {
		return nil, err
	}
	buf = binary.LittleEndian.AppendUint64(buf, uint64(len(hist)))
	buf = append(buf, hist...)
	ch, err := t.chains.MarshalBinary()
	if err != nil {
		return nil, err
	}
	return append(buf, ch...), nil
}

// UnmarshalBinary restores a state written by MarshalBinary, parameters
// included.
func (t *Trainer) UnmarshalBinary(data []byte) error {
	errShort := errors.New("bmdca: training state is truncated")
	if len(data) < len(stateMagic) || string(data[:len(stateMagic)]) != stateMagic {
		return errors.New("bmdca: not a bmDCA training state")
	}
	data = data[len(stateMagic):]
	u64 := func() (uint64, error) {
		if len(data) < 8 {
			return 0, errShort
		}
		v := binary.LittleEndian.Uint64(data)
		data = data[8:]
		return v, nil
	}
	var head [5]uint64
	for k := range head {
		v, err := u64()
		if err != nil {
			return err
		}
		head[k] = v
	}
	p := t.m.Params()
	if head[4] != uint64(len(p)) {
		return fmt.Errorf("bmdca: training state has %d parameters, the model %d", head[4], len(p))
	}
	if uint64(len(data)) < 8*head[4] {
		return errShort
	}
	params := make([]float64, len(p))
	for k := range params {
		params[k] = math.Float64frombits(binary.LittleEndian.Uint64(data[8*k:]))
	}
	data = data[8*len(p):]
	hl, err := u64()
	if err != nil {
		return err
	}
	if uint64(len(data)) < hl {
		return errShort
	}
	var hist []Record
	if err := json.Unmarshal(data[:hl], &hist); err != nil {
		return fmt.Errorf("bmdca: training history: %w", err)
	}
	data = data[hl:]
	if err := t.chains.UnmarshalBinary(data); err != nil {
		return err
	}
	if t.chains.Dim() != t.target.L {
		return fmt.Errorf("bmdca: training state has chains of %d sites, want %d", t.chains.Dim(), t.target.L)
	}
	copy(p, params)
	t.updates, t.sweeps = int(head[0]), int(head[1])
	t.elapsed = time.Duration(head[2])
	t.converged = head[3] == 1
	t.history = hist
	return nil
}
