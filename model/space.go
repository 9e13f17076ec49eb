package model

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
)

// BlockKind is the domain of the units of one Block of a Space.
type BlockKind int

const (
	// BinaryBlock units each take a value in {0, 1}.
	BinaryBlock BlockKind = iota + 1
	// SpinBlock units each take a value in {-1, +1}.
	SpinBlock
	// CategoricalBlock units each hold a code in {0, …, q-1} (Potts
	// colours, alignment symbols).
	CategoricalBlock
	// FiniteBlock units each take one of a listed set of values (a max-ent
	// model's states).
	FiniteBlock
	// OneHotBlock units together hold a one-hot vector: exactly one of the
	// Len units is 1 and the others are 0 (a softmax group such as the
	// label block of a labeled RBM). The block is ONE variable with Len
	// values, not Len free bits.
	OneHotBlock
	// RealBlock units each take a real value.
	RealBlock
)

var kindNames = map[BlockKind]string{BinaryBlock: "binary", SpinBlock: "spin", CategoricalBlock: "categorical",
	FiniteBlock: "finite", OneHotBlock: "one-hot", RealBlock: "real"}

func (k BlockKind) String() string {
	if s, ok := kindNames[k]; ok {
		return s
	}
	return fmt.Sprintf("BlockKind(%d)", int(k))
}

// Block is a contiguous range [Start, Start+Len) of visible units sharing
// one domain. States lists the values a unit of the block takes: {0, 1} for
// binary and one-hot blocks, {-1, +1} for spins, {0, …, q-1} for
// categorical blocks, the model's values for finite blocks, nil for real
// blocks.
type Block struct {
	Kind   BlockKind
	Start  int
	Len    int
	States []float64
}

// Space is the declared domain of a model's visible vector: the product of
// its Blocks, which cover the units 0, …, Dim()-1 in order. A binary,
// spin, categorical or finite block of Len units contributes
// len(States)^Len configurations, a one-hot block Len, a real block a
// continuum. Build one with the constructors (BinarySpace, OneHotSpace, …)
// and Concat.
type Space struct {
	Blocks []Block
}

// Spaced is implemented by models that declare the domain of their visible
// units. Every model package states it with a compile-time check
//
//	var _ model.Spaced = (*T)(nil)
//
// Discrete embeds it: exact enumeration, single-site samplers and the
// annealing paths move a model only through its declared space, so that a
// constrained block (the one-hot labels of a labeled RBM) is never treated
// as independent units. The continuous models implement it too (real
// blocks), so that the code that needs a discrete space can refuse them
// with a clear error.
type Spaced interface {
	Model
	// Space returns the domain of the visible units; Space().Dim() ==
	// Dim(). It does not alias model storage.
	Space() Space
}

func unitSpace(kind BlockKind, n int, states []float64) Space {
	if n <= 0 {
		panic(fmt.Sprintf("model: a %v space needs n > 0 units, got %d", kind, n))
	}
	return Space{Blocks: []Block{{Kind: kind, Start: 0, Len: n, States: states}}}
}

// BinarySpace returns {0,1}^n.
func BinarySpace(n int) Space { return unitSpace(BinaryBlock, n, []float64{0, 1}) }

// SpinSpace returns {-1,+1}^n.
func SpinSpace(n int) Space { return unitSpace(SpinBlock, n, []float64{-1, 1}) }

// CategoricalSpace returns {0, …, q-1}^n (q ≥ 1).
func CategoricalSpace(n, q int) Space {
	if q < 1 {
		panic(fmt.Sprintf("model: CategoricalSpace needs q >= 1, got %d", q))
	}
	s := make([]float64, q)
	for a := range s {
		s[a] = float64(a)
	}
	return unitSpace(CategoricalBlock, n, s)
}

// FiniteSpace returns states^n for finite, distinct states. The block's
// kind is BinaryBlock, SpinBlock or CategoricalBlock when states is
// {0, 1}, {-1, +1} or {0, …, q-1} in that order, FiniteBlock otherwise.
func FiniteSpace(n int, states []float64) Space {
	if len(states) == 0 {
		panic("model: FiniteSpace with no states")
	}
	for i, v := range states {
		if math.IsNaN(v) || math.IsInf(v, 0) || slices.Contains(states[:i], v) {
			panic(fmt.Sprintf("model: FiniteSpace needs finite distinct states, got %v", states))
		}
	}
	switch {
	case slices.Equal(states, []float64{0, 1}):
		return BinarySpace(n)
	case slices.Equal(states, []float64{-1, 1}):
		return SpinSpace(n)
	}
	codes := true
	for a, v := range states {
		codes = codes && v == float64(a)
	}
	if codes {
		return CategoricalSpace(n, len(states))
	}
	return unitSpace(FiniteBlock, n, slices.Clone(states))
}

// OneHotSpace returns the c one-hot vectors of length c (c ≥ 1): one block
// of c units of which exactly one is 1.
func OneHotSpace(c int) Space { return unitSpace(OneHotBlock, c, []float64{0, 1}) }

// RealSpace returns ℝ^n.
func RealSpace(n int) Space { return unitSpace(RealBlock, n, nil) }

// Concat returns the product of the spaces, the units of each following
// those of the one before (its blocks' Start shifted accordingly).
func Concat(spaces ...Space) Space {
	var out Space
	off := 0
	for _, s := range spaces {
		for _, b := range s.Blocks {
			b.Start = off
			off += b.Len
			out.Blocks = append(out.Blocks, b)
		}
	}
	return out
}

// Dim is the number of units.
func (s Space) Dim() int {
	n := 0
	for _, b := range s.Blocks {
		n += b.Len
	}
	return n
}

// String describes the space, for example "binary(2) × one-hot(3)".
func (s Space) String() string {
	parts := make([]string, len(s.Blocks))
	for i, b := range s.Blocks {
		parts[i] = fmt.Sprintf("%v(%d)", b.Kind, b.Len)
		if b.Kind == CategoricalBlock {
			parts[i] = fmt.Sprintf("categorical(%d, q=%d)", b.Len, len(b.States))
		}
	}
	return strings.Join(parts, " × ")
}

// Equal reports whether two spaces have the same blocks.
func (s Space) Equal(t Space) bool {
	return slices.EqualFunc(s.Blocks, t.Blocks, func(a, b Block) bool {
		return a.Kind == b.Kind && a.Start == b.Start && a.Len == b.Len && slices.Equal(a.States, b.States)
	})
}

// HasOneHot reports whether the space has a one-hot block.
func (s Space) HasOneHot() bool {
	return slices.ContainsFunc(s.Blocks, func(b Block) bool { return b.Kind == OneHotBlock })
}

// Product returns the unit values when the space is the plain product
// states^Dim (no one-hot or real block, every unit with the same values):
// then every unit is a variable of its own.
func (s Space) Product() (states []float64, ok bool) {
	for i, b := range s.Blocks {
		if b.Kind == OneHotBlock || b.Kind == RealBlock || (i > 0 && !slices.Equal(b.States, s.Blocks[0].States)) {
			return nil, false
		}
	}
	if len(s.Blocks) == 0 {
		return nil, false
	}
	return s.Blocks[0].States, true
}

// maxCount caps Configurations (2^62).
const maxCount = 1 << 62

// Configurations returns the number of configurations of the space: the
// product over blocks of len(States)^Len, a one-hot block contributing Len.
// ok is false when the space has a real block or more than 2^62
// configurations.
func (s Space) Configurations() (count int, ok bool) {
	count = 1
	for _, v := range s.vars() {
		if v.real {
			return 0, false
		}
		n := v.Values()
		if count > maxCount/n {
			return 0, false
		}
		count *= n
	}
	return count, true
}

// Var is one variable of a discrete space, as enumeration and single-site
// samplers move it: one unit of a binary, spin, categorical or finite
// block, whose value k is States[k], or a whole one-hot block, whose value
// k is the vector e_k (unit Start+k is 1, the others of the block 0).
type Var struct {
	Start  int       // first unit
	Len    int       // units: 1, or the length of the one-hot block
	OneHot bool      // the variable is a one-hot block
	States []float64 // values of a single unit (nil for a one-hot block)
	real   bool
}

// Values is the number of values of the variable.
func (v Var) Values() int {
	if v.OneHot {
		return v.Len
	}
	return len(v.States)
}

// Set writes value k of the variable into x (length Dim).
func (v Var) Set(x []float64, k int) {
	if !v.OneHot {
		x[v.Start] = v.States[k]
		return
	}
	y := x[v.Start : v.Start+v.Len]
	clear(y)
	y[k] = 1
}

// Get returns the value k of the variable in x, or -1 if x does not hold
// one of its values (a unit value outside States, a block that is not
// one-hot).
func (v Var) Get(x []float64) int {
	if !v.OneHot {
		return StateIndex(v.States, x[v.Start])
	}
	k := -1
	for j, u := range x[v.Start : v.Start+v.Len] {
		switch {
		case u == 1 && k < 0:
			k = j
		case u != 0:
			return -1
		}
	}
	return k
}

func (s Space) vars() []Var {
	var out []Var
	for _, b := range s.Blocks {
		if b.Kind == OneHotBlock {
			out = append(out, Var{Start: b.Start, Len: b.Len, OneHot: true})
			continue
		}
		for i := range b.Len {
			out = append(out, Var{Start: b.Start + i, Len: 1, States: b.States, real: b.Kind == RealBlock})
		}
	}
	return out
}

// Vars returns the variables of the space in unit order, or an error
// naming the first real block (which has no finite set of values).
func (s Space) Vars() ([]Var, error) {
	for _, b := range s.Blocks {
		if b.Kind == RealBlock {
			return nil, fmt.Errorf("model: the space %v has real units [%d, %d): it is not discrete", s, b.Start, b.Start+b.Len)
		}
	}
	return s.vars(), nil
}

// Contains returns nil if x (length Dim) is a configuration of the space,
// otherwise an error naming the first unit or block that is not.
func (s Space) Contains(x []float64) error {
	if len(x) != s.Dim() {
		return fmt.Errorf("model: a row of length %d for a space of %d units", len(x), s.Dim())
	}
	for _, v := range s.vars() {
		switch {
		case v.real:
			if u := x[v.Start]; math.IsNaN(u) || math.IsInf(u, 0) {
				return fmt.Errorf("model: unit %d is %v, not a finite real value", v.Start, u)
			}
		case v.Get(x) < 0 && v.OneHot:
			return fmt.Errorf("model: units [%d, %d) are %v, not a one-hot vector", v.Start, v.Start+v.Len, x[v.Start:v.Start+v.Len])
		case v.Get(x) < 0:
			return fmt.Errorf("model: unit %d is %v, not one of %v", v.Start, x[v.Start], v.States)
		}
	}
	return nil
}

// Uniform overwrites x (length Dim) with a configuration drawn uniformly
// from the space, one rng.IntN(Values()) per variable in unit order (for a
// plain product space the same draws as sample.Chains.Randomize). It
// panics for a space with real units.
func (s Space) Uniform(rng *rand.Rand, x []float64) {
	vars, err := s.Vars()
	if err != nil {
		panic(err.Error())
	}
	for _, v := range vars {
		v.Set(x, rng.IntN(v.Values()))
	}
}
