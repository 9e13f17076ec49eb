package model

import (
	"fmt"
	"sort"
	"sync"
)

// Spec describes a model's kind and hyper-parameters: with the parameter
// vector it is all that is needed to rebuild the model. Run directories store
// it as human-readable JSON.
type Spec struct {
	Kind    string `json:"kind"`               // "rbm", "ising", "gaussian", "potts", …
	Visible int    `json:"visible"`            // number of visible units (sites)
	Hidden  int    `json:"hidden,omitempty"`   // number of hidden units, for latent models
	States  int    `json:"states,omitempty"`   // number of states per unit for categorical models
	Encode  string `json:"encoding,omitempty"` // data encoding of binary units: "01" or "pm1"
	// Options holds kind-specific settings (alphabet, gauge, …).
	Options map[string]string `json:"options,omitempty"`
}

// Specifier is implemented by models that can be saved and rebuilt by New.
type Specifier interface {
	Model
	Spec() Spec
}

// Factory builds a model with zero (or default) parameters from its Spec.
type Factory func(Spec) (Model, error)

var (
	registryMu sync.RWMutex
	registry   = map[string]Factory{}
)

// Register makes a model kind available to New. It panics if the kind is
// registered twice; model packages call it from init.
func Register(kind string, f Factory) {
	registryMu.Lock()
	defer registryMu.Unlock()
	if _, dup := registry[kind]; dup {
		panic("model: Register called twice for kind " + kind)
	}
	registry[kind] = f
}

// New builds a model of spec.Kind. Its parameters are the factory's defaults;
// copy saved parameters into Params() to restore a trained model.
func New(spec Spec) (Model, error) {
	registryMu.RLock()
	f, ok := registry[spec.Kind]
	registryMu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("model: unknown model kind %q (known: %v); import the package that registers it", spec.Kind, Kinds())
	}
	return f(spec)
}

// Kinds lists the registered model kinds in sorted order.
func Kinds() []string {
	registryMu.RLock()
	defer registryMu.RUnlock()
	ks := make([]string, 0, len(registry))
	for k := range registry {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
