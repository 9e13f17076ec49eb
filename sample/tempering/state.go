package tempering

import (
	"bytes"
	"encoding/gob"
	"fmt"

	"boltzmann/sample"
)

// state is the serialized form of a Sampler.
type state struct {
	Version  int
	Betas    []float64
	LogGap   []float64
	Steps    int
	Adapted  int
	Hot      [][]byte // MarshalBinary of each level β_1 … β_{R-1}; nil before the first Step
	Walker   []int8
	Trip     []int8
	Diag     Diagnostics
	Replicas int
}

const stateVersion = 1

// MarshalBinary encodes the ladder, the replicas at β < 1 with their
// random streams, the adaptation clock and the diagnostics. The cold
// replicas belong to the caller's chains and are saved with them. For a
// Sampler that shares its chains (ShareChains) it is collective, and
// returns nil on the processes other than 0.
func (p *Sampler) MarshalBinary() ([]byte, error) {
	s := state{Version: stateVersion, Betas: p.betas, LogGap: p.logGap, Steps: p.steps, Adapted: p.adapted,
		Walker: p.walker, Trip: p.trip, Diag: p.diag, Replicas: len(p.betas)}
	for _, h := range p.hot {
		b, err := h.MarshalBinary()
		if err != nil {
			return nil, err
		}
		s.Hot = append(s.Hot, b)
	}
	if p.share != nil {
		g, err := p.gatherState(&s)
		if g == nil || err != nil {
			return nil, err // not process 0
		}
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(s); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// UnmarshalBinary restores a state encoded by MarshalBinary into a Sampler
// made by New with the same number of replicas. A Sampler that shares its
// chains (ShareChains) takes its blocks of the state.
func (p *Sampler) UnmarshalBinary(data []byte) error {
	var s state
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&s); err != nil {
		return fmt.Errorf("%w: %v", ErrState, err)
	}
	R := len(p.betas)
	switch {
	case s.Version != stateVersion:
		return fmt.Errorf("%w: version %d, this program reads version %d", ErrState, s.Version, stateVersion)
	case s.Replicas != R || len(s.Betas) != R || len(s.LogGap) != R-1 ||
		len(s.Diag.Attempts) != R-1 || len(s.Diag.Acceptance) != R-1:
		return fmt.Errorf("%w: %d replicas saved, the sampler has %d", ErrState, s.Replicas, R)
	case s.Hot != nil && len(s.Hot) != R-1:
		return fmt.Errorf("%w: %d replica levels for %d replicas", ErrState, len(s.Hot), R)
	}
	var hot []*sample.Chains
	if s.Hot != nil {
		hot = make([]*sample.Chains, R-1)
		for r, b := range s.Hot {
			hot[r] = new(sample.Chains)
			if err := hot[r].UnmarshalBinary(b); err != nil {
				return fmt.Errorf("%w: level %d: %v", ErrState, r+1, err)
			}
			if hot[r].Len() != hot[0].Len() || hot[r].Dim() != hot[0].Dim() {
				return fmt.Errorf("%w: levels of different shapes", ErrState)
			}
		}
		if n := hot[0].Len(); len(s.Walker) != R*n || len(s.Trip) != R*n {
			return fmt.Errorf("%w: walker records for %d chains", ErrState, n)
		}
	}
	if p.share != nil {
		var err error
		if hot, s.Walker, s.Trip, err = p.takeShare(hot, s.Walker, s.Trip); err != nil {
			return err
		}
	}
	p.betas, p.logGap, p.steps, p.adapted = s.Betas, s.LogGap, s.Steps, s.Adapted
	p.hot, p.walker, p.trip, p.diag = hot, s.Walker, s.Trip, s.Diag
	p.m = nil // rebuild the tempered models for the restored ladder
	return nil
}
