// Package tasks uses a trained energy-based model: it draws fantasy data
// (with burn-in, thinning, annealing from a high temperature and mixing
// diagnostics), fills in missing data, removes noise, classifies and
// extracts features.
//
// Inference is by Markov chain Monte Carlo on the conditional distribution
// of the unknown units given what is observed, expressed as a model
// transform (model.Transform) so that the samplers of package sample run
// it with the model's own fast kernels:
//
//   - Inpaint samples p(x_missing | x_observed): the observed units are
//     clamped (for an RBM, block Gibbs v → h → v with the observed units
//     reset after every visible half-step, which is exact Gibbs sampling of
//     the conditional; for a fully visible model, single-site Gibbs over
//     the missing units only).
//   - Denoise samples p(x | x̃) ∝ p(x) Π_i p(x̃_i | x_i) for independent
//     symmetric noise of flip rate ε: every unit feels the noisy observation
//     as an extra visible field, a log-odds of ±log((1-ε)/ε) toward the
//     observed value for {0,1} units.
//
// For a Gaussian-Bernoulli RBM (real-valued data) Inpaint clamps the
// observed entries in the model's own Gibbs sampler, and DenoiseGaussian
// removes additive Gaussian noise: the posterior is again a Gaussian-
// Bernoulli RBM with the observation as a visible field.
//
// Both report the posterior mean, Rao-Blackwellized: the average over the
// sweeps after burn-in of conditional probabilities (for an RBM P(v_i = 1 |
// h, evidence), from which the visible units were drawn; for a fully
// visible model P(x_i = s | x_-i, evidence) at the end of each sweep),
// which has lower variance than the average of the draws themselves.
//
// Classify computes argmax_y p(y | x) exactly from the free energies of a
// labeled RBM (rbm.Labeled); Features returns P(h = 1 | v).
//
// Annealed burn-in (SampleSettings.AnnealFrom) samples the model
// transformed by model.Tempering, whose joint energy is β·E.
package tasks
