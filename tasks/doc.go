// Package tasks uses a trained energy-based model: it draws fantasy data
// (with burn-in, thinning, annealing from a high temperature and mixing
// diagnostics), fills in missing data, removes noise, classifies and
// extracts features.
//
// Inference is by Markov chain Monte Carlo on the conditional distribution
// of the unknown units given what is observed, clamped unit by unit:
//
//   - Inpaint samples p(x_missing | x_observed): observed units are held at
//     their values and only the missing ones are updated (for an RBM, block
//     Gibbs v → h → v with the observed units reset after every visible
//     update, which is exact Gibbs sampling of the conditional; for a fully
//     visible model, single-site Gibbs over the missing units only).
//   - Denoise samples p(x | x̃) ∝ p(x) Π_i p(x̃_i | x_i) for independent
//     symmetric noise of flip rate ε: every unit feels the noisy observation
//     as an extra field, a log-odds of ±log((1-ε)/ε) toward the observed
//     value for binary units.
//
// Both report the posterior mean, Rao-Blackwellized: the average over the
// sweeps after burn-in of the conditional probabilities P(x_i = s | rest)
// from which each unit is drawn, which has lower variance than the average
// of the draws themselves.
//
// Classify computes argmax_y p(y | x) exactly from the free energies of a
// labeled RBM (rbm.Labeled); Features returns P(h = 1 | v).
//
// Tempered gives the model at inverse temperature β: the joint energy is
// multiplied by β, which for the models of this module (whose energies are
// linear in their parameters) is the same model with every parameter
// scaled by β.
package tasks
