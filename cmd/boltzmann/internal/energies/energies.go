// Package energies implements 'boltzmann energies': the statistical
// energies of sequences under a Potts model or categorical rbm.
package energies

import (
	"bufio"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"gonum.org/v1/gonum/mat"

	"boltzmann/cmd/boltzmann/internal/cmdutil"
	"boltzmann/dataset"
	"boltzmann/internal/atomicfile"
)

// Options are the settings of one energies invocation.
type Options struct {
	IO             *cmdutil.Factory
	Run, Seqs, Out string
}

// NewCmdEnergies returns the energies command; runF, if not nil, replaces
// the run function (tests of the flags).
func NewCmdEnergies(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	o := &Options{IO: f}
	cmd := &cobra.Command{
		Use:   "energies RUN_DIR SEQS.fasta [--out FILE]",
		Short: "Score sequences with a trained Potts model or categorical RBM",
		Long: `Compute the statistical energy of every sequence of an alignment under the
model in RUN_DIR (a run trained on an alignment with --model potts or catrbm):
E(x) = -Σ h_i(x_i) - Σ_{i<j} J_ij(x_i,x_j) for a Potts model, the free energy
for a categorical RBM, in nats; lower is more probable. The sequences must
have the model's number of aligned columns and use its alphabet.

Without --out, one line "name<TAB>energy" per sequence is printed; --out
FILE.npy writes the energies as a NumPy array, any other --out the lines.`,
		Example: `  boltzmann energies runs/pf14 PF00014.fasta --out energies.tsv`,
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Run, o.Seqs = args[0], args[1]
			if runF != nil {
				return runF(o)
			}
			return run(o)
		},
	}
	cmd.Flags().StringVar(&o.Out, "out", "", "output file (.npy, or text lines); default standard output")
	return cmd
}

func run(o *Options) error {
	m, alpha, err := cmdutil.LoadCategorical(o.Run, "energies")
	if err != nil {
		return err
	}
	a, err := cmdutil.ReadAlignmentIn(o.Seqs, alpha)
	if err != nil {
		return err
	}
	if a.L() != m.Dim() {
		return cmdutil.BadInput("%s has %d aligned columns but the model has %d sites: align the sequences to the model's family first", o.Seqs, a.L(), m.Dim())
	}
	en := make([]float64, a.N())
	m.FreeEnergy(a.Codes(), en)
	switch {
	case strings.EqualFold(filepath.Ext(o.Out), ".npy"):
		if err := dataset.WriteNPY(o.Out, mat.NewDense(len(en), 1, en)); err != nil {
			return cmdutil.WriteError(o.Out, err)
		}
	case o.Out != "":
		if err := atomicfile.Write(o.Out, func(w io.Writer) error { return writeEnergies(w, a.Names, en) }); err != nil {
			return cmdutil.WriteError(o.Out, err)
		}
	default:
		return writeEnergies(o.IO.Stdout, a.Names, en)
	}
	o.IO.Logger().Info("energies written", "sequences", len(en), "out", o.Out)
	return nil
}

func writeEnergies(w io.Writer, names []string, en []float64) error {
	bw := bufio.NewWriter(w)
	for k, v := range en {
		bw.WriteString(names[k])
		bw.WriteByte('\t')
		bw.WriteString(strconv.FormatFloat(v, 'g', 10, 64))
		bw.WriteByte('\n')
	}
	return bw.Flush()
}
