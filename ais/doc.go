// Package ais estimates the log partition function log Z of models too large
// to enumerate, by annealed importance sampling (AIS, Neal 2001) and by
// reverse AIS, which together bracket log Z from both sides.
//
// # Annealed importance sampling
//
// A Path is a sequence of unnormalized distributions f_β, β ∈ [0, 1], from a
// base distribution p_0 = f_0/Z_0 whose Z_0 is known and which can be sampled
// exactly, to the target f_1(x) = exp(-F(x)), together with a Markov
// transition T_β that leaves p_β = f_β/Z_β invariant. Given a Schedule
// 0 = β_0 < β_1 < … < β_K = 1, one forward run draws x_1 ~ p_0 and
// x_{k+1} ~ T_{β_k}(· | x_k), and has the importance weight
//
//	w = Π_{k=1}^{K} f_{β_k}(x_k) / f_{β_{k-1}}(x_k),   E[w] = Z_1/Z_0.
//
// With R independent runs (advanced together as one batch),
//
//	log Ẑ = log Z_0 + log((1/R) Σ_r w_r)                       (Forward)
//
// is an unbiased estimate of Z in the linear domain, and by Jensen's
// inequality E[log Ẑ] ≤ log Z: forward AIS is a stochastic LOWER bound on
// log Z, so the log-likelihood -<F>_data - log Ẑ it gives is, in expectation,
// too HIGH (optimistic). When the runs have not equilibrated, the weights
// have heavy tails that R runs rarely see, and the estimate can be far too
// low while its standard error looks small (Salakhutdinov & Murray 2008;
// Burda, Grosse & Salakhutdinov 2015).
//
// The standard error is the delta method on the weights: with w̄ and s_w
// their sample mean and standard deviation, σ(log Ẑ) ≈ s_w / (√R w̄), and the
// ±3σ interval on Ẑ is reported in the log domain as
// [log Ẑ + log(1 - 3σ), log Ẑ + log(1 + 3σ)] (the lower end is -∞ when
// 3σ ≥ 1), as in Salakhutdinov & Murray (2008).
//
// # Reverse AIS
//
// Reverse runs start from x_K given (Reverse's start rows), go down the
// schedule with the reversed transitions, x_{k-1} ~ T̃_{β_{k-1}}(· | x_k)
// (T̃ = T for the reversible kernels used here; a sweep of single-site
// updates is reversed by visiting the sites in the opposite order), and
// carry the weight
//
//	w̃ = Π_{k=1}^{K} f_{β_{k-1}}(x_k) / f_{β_k}(x_k).
//
// Two readings of it (Burda, Grosse & Salakhutdinov 2015, "RAISE"; Grosse,
// Ghahramani & Adams 2015, bidirectional Monte Carlo):
//
//  1. Started from EXACT samples of the target p_1, E[w̃] = Z_0/Z_1, so
//     log Z_0 - log((1/R) Σ_r w̃_r) is a stochastic UPPER bound on log Z
//     (E ≥ log Z by Jensen), i.e. a conservative (too LOW) log-likelihood.
//     Together with forward AIS it sandwiches log Z; the gap between the two
//     measures how far both are from the truth. Approximate model samples
//     (long Gibbs chains) make the bound approximate.
//  2. Started from DATA rows v (RAISE), the ratio of the forward and reverse
//     path densities gives, for each v, an unbiased estimate
//     p̂(v) = f_1(v) w̃(v) / Z_0 of p_ann(v), the probability that the forward
//     AIS chain ends in v (the "annealing model", which tends to p_1 as the
//     schedule gets finer). log p̂(v) = -F(v) - log Z_0 + log w̃(v) is
//     therefore a stochastic LOWER bound on log p_ann(v), whatever the data
//     distribution: its mean over held-out rows is a conservative estimate
//     of the test log-likelihood of the annealing model. Result.MeanChainLogZ
//     is the matching "reverse log Z": mean_r [log Z_0 - log w̃_r], so that the
//     RAISE log-likelihood is <-F>_rows - MeanChainLogZ.
//
// Result records which direction produced it; the meaning of a reverse
// estimate depends on the start rows as above.
//
// # The RBM path
//
// For a Bernoulli RBM B with weights W, visible biases a_B and hidden
// biases b_B (model/rbm), the base is the "base-rate" RBM A with W_A = 0 and
// visible biases a_A fitted to the data's pixel marginals (BaseRateBias).
// Salakhutdinov & Murray (2008, eqs. 13-15) anneal the joint energy of v
// and two hidden layers h_A, h_B:
//
//	E_β(v, h_A, h_B) = (1-β) E_A(v, h_A) + β E_B(v, h_B).
//
// With W_A = 0 the hidden units of A do not interact with v: summing them
// out multiplies every f_β by a constant Π_j (1 + e^{(1-β) b_Aj}) that does
// not depend on v and cancels exactly between the weights and Z_0 (whatever
// A's hidden biases, zero or the target's). They are therefore left out,
// and the path is the v-marginal
//
//	f_β(v) = exp(((1-β) a_A + β a_B)ᵀ v) Π_j (1 + exp(β u_j(v))),
//	u(v) = b_B + Wᵀ v,
//
// which is NOT exp(-(1-β) F_A(v) - β F_B(v)) (softplus(β u) ≠ β softplus(u)),
// but the marginal of a joint that can be Gibbs sampled exactly. Its ends
// are f_0(v) = 2^H exp(a_Aᵀ v), so Z_0 = 2^H Π_i (1 + e^{a_Ai}), and
// f_1(v) = exp(-F_B(v)). The weight increment of one step from β to β' is
//
//	log f_β'(v) - log f_β(v) = (β'-β)(a_B - a_A)ᵀ v
//	                         + Σ_j [softplus(β' u_j) - softplus(β u_j)],
//
// and the transition at β is block Gibbs sampling of the joint
// exp(((1-β) a_A + β a_B)ᵀ v + β b_Bᵀ h + β vᵀ W h):
//
//	P(h_j = 1 | v) = σ(β u_j(v)),
//	P(v_i = 1 | h) = σ((1-β) a_Ai + β (a_Bi + (W h)_i)),
//
// which is reversible with respect to p_β(v). One step costs two matrix
// products over the whole batch of runs, vW and hWᵀ, done by gonum/mat
// (BLAS): the first is shared by the weight and the hidden conditional.
//
// # The Gaussian-Bernoulli RBM path
//
// For a Gaussian-Bernoulli RBM (model/gbrbm) the base is the product of
// independent Gaussians N(μ_A, s_A²) fitted to the data's column means and
// variances (GaussianBase), and the path anneals the joint energy
// (1-β) Q_A(v) + β E_B(v, h) as above: its v-marginal keeps the factor
// Π_j (1 + exp(β u_j(v))), and v | h stays Gaussian, with the precisions
// of the two ends mixed (GBRBMPath).
//
// # The fully visible path
//
// For a discrete fully visible model B (Ising, Potts, max-ent; any
// model.Discrete) with energy E_B, the base is the independent-site model
// with per-site log-probabilities θ_i(s) of the data's marginals
// (BaseRateSites), E_A(x) = -Σ_i θ_i(x_i), Z_0 = 1, and
//
//	E_β = (1-β) E_A + β E_B,   f_β = exp(-E_β),
//
// with one sweep of single-site (heat-bath) Gibbs updates at β as the
// transition.
//
// # Schedules and cost
//
// SalakhutdinovMurray is the schedule of Salakhutdinov & Murray (2008):
// 14,500 steps, spaced 10⁻³ on [0, 0.5], 10⁻⁴ on [0.5, 0.9] and 10⁻⁵ on
// [0.9, 1]. (The counts 500 + 4,000 + 10,000 = 14,500 follow from these
// spacings; "1,000 in [0, 0.5]" would give 15,000.) Linear and Geometric
// give N steps. Runs are split into blocks of sample.BlockSize with one
// random stream each (sample.Chains), so results depend on Settings.Seed
// only, never on GOMAXPROCS.
package ais
