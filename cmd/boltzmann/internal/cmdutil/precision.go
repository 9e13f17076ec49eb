package cmdutil

import (
	"github.com/spf13/cobra"

	"boltzmann/model"
	"boltzmann/model/rbm"
)

// Float64Help is the help text of the --float64 flag of the commands that
// sample from a trained model.
const Float64Help = "rbm: run the Gibbs transitions in float64 (default: the float32 kernels, as in training; the other models always use float64)"

// RegisterFloat64 adds --float64 to cmd, stored in *f.
func RegisterFloat64(cmd *cobra.Command, f *bool) {
	cmd.Flags().BoolVar(f, "float64", false, Float64Help)
}

// UsePrecision switches a plain rbm to its float32 kernels unless float64
// is set (rbm.RBM.SetFloat32): block Gibbs transitions, conditionals and
// gradient statistics in float32 with sums in float64, free energies in
// float64. Other models are left as they are.
func UsePrecision(m model.Model, float64 bool) {
	if r, ok := m.(*rbm.RBM); ok {
		r.SetFloat32(!float64)
	}
}
