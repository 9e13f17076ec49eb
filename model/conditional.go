package model

import "gonum.org/v1/gonum/mat"

// Conditional is implemented by models of data x and a class label y whose
// class posterior p(y | x) is exact, with no partition function (the
// labeled RBM, rbm.Labeled). Its rows v hold the data and the label in the
// model's layout; a row whose label is unknown (for the labeled RBM: an
// all-zero label block) is skipped by both methods, so that
// semi-supervised data sets mix labeled and unlabeled rows. The training
// objectives of package train (train.Hybrid) and its per-epoch monitor
// look for this interface.
type Conditional interface {
	Model
	// Classes is the number C of classes.
	Classes() int
	// ConditionalLogLikelihood returns, over the rows v_r of v (n × Dim)
	// whose label y_r is known, with weights w (nil: 1 each),
	//
	//	logp  = Σ_r w_r log p(y_r | x_r)                 (nats),
	//	errs  = Σ_r w_r [argmax_c p(c | x_r) ≠ y_r],
	//	count = Σ_r w_r.
	ConditionalLogLikelihood(v *mat.Dense, w []float64) (logp, errs, count float64)
	// AddConditionalGradient adds Σ_r w_r ∂(-log p(y_r | x_r))/∂θ over the
	// rows of v whose label is known to grad (the layout of Params: the
	// sign of a gradient of -L, as model.PhaseDifference writes it) and
	// returns logp and count as ConditionalLogLikelihood does.
	AddConditionalGradient(v *mat.Dense, w []float64, grad []float64) (logp, count float64)
}

// HiddenSparsity is implemented by models with logistic hidden units (RBMs)
// that add the gradient of a sparsity penalty on their mean hidden
// activation (Lee, Ekanadham & Ng 2008; Hinton 2010, sec. 11): with
// q_j = Σ_r w_r P(h_j=1 | v_r) / Σ_r w_r over the rows of v (nil w: equal
// weights),
//
//	S(θ) = cost · Σ_j [-p log q_j - (1-p) log(1-q_j)],
//
// the cross-entropy between the target activation p ∈ (0, 1) and each
// unit's mean activation. AddSparsityGradient adds ∂S/∂θ to grad and
// returns S (nats).
type HiddenSparsity interface {
	AddSparsityGradient(v *mat.Dense, w []float64, target, cost float64, grad []float64) float64
}
