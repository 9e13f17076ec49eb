package train

import (
	"bytes"
	"encoding"
	"encoding/gob"
	"fmt"
	"math"
	"time"
)

// state is the serialized form of a Trainer: everything that changes during
// training. Fields added later (Sweeps, Status, Sampler, Gradient) decode
// as zero from older checkpoints.
type state struct {
	Version   int
	Epoch     int
	Updates   int
	Sweeps    int
	Status    Status
	Elapsed   time.Duration
	Params    []float64
	Optimizer []byte
	Chains    []byte
	History   []Record
	// Conditional is set by checkpoints whose records carry the
	// classification measurements (Record.TrainErr, ...); an older
	// checkpoint's records get NaN there.
	Conditional bool
	// Sampler and Gradient are the states of a Settings.Sampler and a
	// Settings.Gradient that keep one (encoding.BinaryMarshaler): the
	// replicas and ladder of parallel tempering, centering offsets.
	Sampler  []byte
	Gradient []byte
	// Mixing is set by checkpoints whose records carry the mixing
	// diagnostics (Record.AutocorrTime, ...); an older checkpoint's
	// records get NaN there.
	Mixing bool
}

const stateVersion = 1

// MarshalBinary encodes the training state at the end of the last
// completed epoch: parameters, optimizer state, chains and their random
// streams, counters, status and history. (With FullBatch or Cached
// positive phases every update ends an epoch.) In a data-parallel run
// (BlockReducer) it is collective: every process calls it at the same
// point, process 0 gets the complete state (every process's chains) and
// the others ErrNotRoot.
func (t *Trainer) MarshalBinary() ([]byte, error) {
	opt, err := t.settings.Optimizer.MarshalBinary()
	if err != nil {
		return nil, fmt.Errorf("train: optimizer state: %w", err)
	}
	ch, err := t.chainState()
	if err != nil {
		return nil, fmt.Errorf("train: chain state: %w", err)
	}
	// A sampler that shares its chains among the processes gathers its
	// state too (collective), before the other processes stop here.
	sampler, err := marshalPart(t.settings.Sampler)
	if err != nil {
		return nil, fmt.Errorf("train: sampler state: %w", err)
	}
	if ch == nil {
		return nil, ErrNotRoot // another process of a data-parallel run
	}
	st := state{
		Version: stateVersion, Epoch: t.epoch, Updates: t.updates, Sweeps: t.sweeps, Status: t.status, Elapsed: t.elapsed,
		Params: t.good, Optimizer: opt, Chains: ch, History: t.history, Conditional: true, Mixing: true,
		Sampler: sampler,
	}
	if st.Gradient, err = marshalPart(t.settings.Gradient); err != nil {
		return nil, fmt.Errorf("train: gradient transform state: %w", err)
	}
	var buf bytes.Buffer
	err = gob.NewEncoder(&buf).Encode(st)
	return buf.Bytes(), err
}

// marshalPart returns the state of v if it keeps one, else nil.
func marshalPart(v any) ([]byte, error) {
	if m, ok := v.(encoding.BinaryMarshaler); ok {
		return m.MarshalBinary()
	}
	return nil, nil
}

// unmarshalPart restores the state data (nil: none saved) into v.
func unmarshalPart(v any, data []byte) error {
	if len(data) == 0 {
		return nil
	}
	u, ok := v.(encoding.BinaryUnmarshaler)
	if !ok {
		return fmt.Errorf("the checkpoint holds a state for %T, which keeps none", v)
	}
	return u.UnmarshalBinary(data)
}

// UnmarshalBinary restores a state encoded by MarshalBinary into a Trainer
// created by New with the same model shape, data and settings; training
// then continues exactly as the saved run would have.
func (t *Trainer) UnmarshalBinary(data []byte) error {
	var s state
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&s); err != nil {
		return fmt.Errorf("train: checkpoint is unreadable: %w", err)
	}
	if s.Version != stateVersion {
		return fmt.Errorf("train: checkpoint version %d, this program reads version %d", s.Version, stateVersion)
	}
	if len(s.Params) != len(t.model.Params()) {
		return fmt.Errorf("train: checkpoint has %d parameters, the model %d", len(s.Params), len(t.model.Params()))
	}
	if err := t.settings.Optimizer.UnmarshalBinary(s.Optimizer); err != nil {
		return fmt.Errorf("train: optimizer state: %w", err)
	}
	if err := t.setChainState(s.Chains); err != nil {
		return err
	}
	if err := unmarshalPart(t.settings.Sampler, s.Sampler); err != nil {
		return fmt.Errorf("train: sampler state: %w", err)
	}
	if err := unmarshalPart(t.settings.Gradient, s.Gradient); err != nil {
		return fmt.Errorf("train: gradient transform state: %w", err)
	}
	copy(t.model.Params(), s.Params)
	copy(t.good, s.Params)
	if !s.Conditional {
		nan := math.NaN()
		for i := range s.History {
			r := &s.History[i]
			r.TrainErr, r.ValErr, r.TrainCLL, r.ValCLL = nan, nan, nan, nan
		}
	}
	if !s.Mixing {
		nan := math.NaN()
		for i := range s.History {
			r := &s.History[i]
			r.AutocorrTime, r.SwapAcceptance, r.SwapAcceptanceMin, r.RoundTrips = nan, nan, nan, nan
		}
	}
	t.epoch, t.updates, t.sweeps, t.elapsed, t.history = s.Epoch, s.Updates, s.Sweeps, s.Elapsed, s.History
	t.status = s.Status
	return nil
}
