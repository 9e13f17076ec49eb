package bmdca

import (
	"fmt"

	"boltzmann/optim"
)

// Presets of a bmDCA run's optimizer and sampling effort.
const (
	// PresetAdabmDCA is adabmDCA 2.0's bmDCA: a plain gradient step with
	// the constant rate LR (default 0.05), Sweeps (default 10) sweeps per
	// update.
	PresetAdabmDCA = "adabmdca"
	// PresetAdaptive steps with one rate per parameter, starting at LR and
	// adapted by the signs of successive gradients (optim.SignAdaptive with
	// AdaptiveUp, AdaptiveDown, and rates in [LR/100, AdaptiveMax·LR]).
	// The gradient, the chains and the stopping rule are adabmDCA's; only
	// the path to the same fixed point changes.
	PresetAdaptive = "adaptive"
	// DefaultPreset is the preset of new runs of the command line.
	DefaultPreset = PresetAdabmDCA
)

// Settings of PresetAdaptive.
const (
	AdaptiveUp   = 1.2
	AdaptiveDown = 0.5
	AdaptiveMax  = 20
)

// Presets lists the preset names.
var Presets = []string{PresetAdabmDCA, PresetAdaptive}

// ApplyPreset sets s.Optimizer for the named preset ("" is
// PresetAdabmDCA, the setting of runs made before presets existed). It
// uses s.LR (0: DefaultLR) as the (initial) rate.
func (s *Settings) ApplyPreset(name string) error {
	lr := s.LR
	if lr <= 0 {
		lr = DefaultLR
	}
	switch name {
	case "", PresetAdabmDCA:
		s.Optimizer = nil
	case PresetAdaptive:
		s.Optimizer = &optim.SignAdaptive{Init: lr, Up: AdaptiveUp, Down: AdaptiveDown, Min: lr / 100, Max: AdaptiveMax * lr}
	default:
		return fmt.Errorf("bmdca: unknown preset %q (want one of %v)", name, Presets)
	}
	return nil
}

// optimizer returns the optimizer of the (defaulted) settings: s.Optimizer,
// or adabmDCA's constant-rate SGD.
func (s Settings) optimizer() optim.Optimizer {
	if s.Optimizer != nil {
		return s.Optimizer
	}
	return &optim.SGD{LR: optim.Constant(s.LR)}
}
