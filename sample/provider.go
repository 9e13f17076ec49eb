package sample

import "boltzmann/model"

// Provider is implemented by models that come with their own sampler: a
// kernel specialized to their structure (the Potts model's fast Gibbs
// sweeps, the softmax label block of a labeled RBM, …). Code that picks a
// sampler for an arbitrary model (the trainer, the command line) asks the
// model first.
type Provider interface {
	model.Model
	// Sampler returns a new sampler for the model; a sampler may keep
	// buffers, so use one per set of chains.
	Sampler() Sampler
}
