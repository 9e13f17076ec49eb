package cmdutil

import (
	"fmt"
	"strconv"
	"strings"

	"boltzmann/dataset"
	"boltzmann/internal/memory"
	"boltzmann/model"
	"boltzmann/model/catrbm"
	"boltzmann/model/potts"
	"boltzmann/model/rbm"
)

// The estimates below count the large arrays a command allocates, as
// float64 values, from the sizes given on the command line, before any of
// them is allocated. They are close to the arrays themselves, not to the
// smaller buffers around them: an estimate over the budget (package
// internal/memory) is refused with a one-line error, exit code 2.
const (
	// paramCopies: the model, the positive and negative statistics, the
	// optimizer's one or two moment vectors, the checkpoint's bytes.
	paramCopies = 6
	// chainCopies: the chains' states, their conditional probabilities
	// (or the float32 copy), the checkpoint's bytes.
	chainCopies = 3
	// dataCopies: the data as read and a binarized or reordered copy.
	dataCopies = 2
)

// ParamCount returns the number of parameters of a model of spec, computed
// from the spec without building the model, saturating at the largest int
// (0 for a kind it does not know).
func ParamCount(spec model.Spec) int {
	v, h, q := spec.Visible, spec.Hidden, spec.States
	if q == 0 {
		q = len(spec.Options["alphabet"])
	}
	size := func(terms ...memory.Size) int {
		s := memory.Size(0).Plus(terms...)
		if s > memory.Size(int(^uint(0)>>1)) {
			return int(^uint(0) >> 1)
		}
		return int(s)
	}
	n := func(k int) memory.Size { return memory.Of(1, k) }
	switch spec.Kind {
	case rbm.Kind, rbm.LabeledKind:
		return size(memory.Of(1, v, h), n(v), n(h))
	case "gbrbm": // weights, visible biases and variances, hidden biases
		if spec.Options["whitened"] == "true" { // and the whitening's mean and matrix
			return size(memory.Of(1, v, h), memory.Of(3, v), n(h), memory.Of(1, v, v))
		}
		return size(memory.Of(1, v, h), memory.Of(2, v), n(h))
	case "ising", "gaussian":
		return size(memory.Of(1, v, v), n(v))
	case potts.Kind:
		return size(memory.Of(1, v, q, v, q), memory.Of(1, v, q))
	case catrbm.Kind:
		return size(memory.Of(1, v, q, h), memory.Of(1, v, q), n(h))
	}
	return 0
}

// chainUnits is the number of float64 values of one Markov chain of the
// model of spec: its visible units and its hidden units.
func chainUnits(spec model.Spec) int {
	return int(min(memory.Of(1, spec.Visible).Plus(memory.Of(1, spec.Hidden)), memory.Size(1<<62)))
}

// modelSize is what the parameters of a model of spec take, with the
// copies training keeps.
func modelSize(spec model.Spec, copies int) memory.Size {
	return memory.Float64s(ParamCount(spec), copies)
}

// CheckModelMemory refuses a model whose parameters alone cannot fit
// (before model.New allocates them): a config.json or flags naming a
// model of 10^12 couplings.
func CheckModelMemory(spec model.Spec, what string) error {
	need := modelSize(spec, 2)
	return Input(memory.Check(need, fmt.Sprintf("%s (model %s, %s parameters)", what, spec.Kind, count(ParamCount(spec))),
		"choose a smaller model"))
}

// CheckTrainMemory refuses a training run whose model, chains and
// minibatch buffers cannot fit: chains persistent chains (or restarted
// ones) and batch rows per update.
func CheckTrainMemory(spec model.Spec, chains, batch int) error {
	units := chainUnits(spec)
	need := modelSize(spec, paramCopies).Plus(
		memory.Float64s(chains, units, chainCopies),
		memory.Float64s(batch, units, chainCopies))
	what := fmt.Sprintf("training (model %s, %s parameters, %s chains of %s units)", spec.Kind, count(ParamCount(spec)), count(chains), count(units))
	fix := "lower --chains"
	switch {
	case spec.Hidden > 0:
		fix = "lower --hidden or --chains"
	case ParamCount(spec) > chains*units:
		fix = "use data with fewer columns"
	}
	return Input(memory.Check(need, what, fix))
}

// CheckChainsMemory refuses chains Markov chains of the model of spec
// that produce out samples (rows of its visible units) when they cannot
// fit; fix names the flags to lower.
func CheckChainsMemory(spec model.Spec, chains, out int, what, fix string) error {
	need := memory.Float64s(chains, chainUnits(spec), chainCopies).Plus(memory.Float64s(out, spec.Visible, dataCopies))
	return Input(memory.Check(need, fmt.Sprintf("%s (%s chains of %s units, %s samples)", what, count(chains), count(chainUnits(spec)), count(out)), fix))
}

// CheckBuiltinMemory refuses a builtin:SPEC data set whose rows cannot fit
// (before generating it); other paths pass (their size is that of a file
// that exists).
func CheckBuiltinMemory(path string, opt dataset.ReadOptions) error {
	if !strings.HasPrefix(path, "builtin:") {
		return nil
	}
	d, err := dataset.BuiltinFeatures(path)
	if err != nil {
		return Input(err)
	}
	n := opt.N
	if n == 0 {
		n = 1000 // dataset.ReadOptions' default
	}
	if opt.Limit > 0 {
		n = min(n, opt.Limit)
	}
	return Input(memory.Check(memory.Float64s(n, d, dataCopies),
		fmt.Sprintf("%s (%s samples of %s features)", path, count(n), count(d)), "lower --n-builtin"))
}

// count formats n for messages.
func count(n int) string { return strconv.Itoa(n) }

// CheckMemory refuses inference on rows rows whose Replicas chains per row
// cannot fit with the model m.
func (f *InferFlags) CheckMemory(m model.Model, rows int) error {
	chains := int(min(memory.Of(1, rows, f.Replicas), memory.Size(1<<62)))
	return CheckChainsMemory(SpecOf(m), chains, rows, "inference", "lower --replicas or --limit")
}

// SpecOf returns the spec of m, or one with its dimension alone.
func SpecOf(m model.Model) model.Spec {
	if sp, ok := m.(model.Specifier); ok {
		return sp.Spec()
	}
	return model.Spec{Visible: m.Dim()}
}
