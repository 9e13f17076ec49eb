package cli

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"gonum.org/v1/gonum/mat"

	"boltzmann/dataset"
	"boltzmann/internal/atomicfile"
	"boltzmann/model"
	"boltzmann/model/catrbm"
	"boltzmann/model/potts"
	"boltzmann/msa"
)

type energiesOptions struct {
	Run, Seqs, Out string
}

func init() { register(newEnergiesCmd) }

func newEnergiesCmd(e *env) *cobra.Command {
	o := &energiesOptions{}
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
			return runEnergies(e, o)
		},
	}
	cmd.Flags().StringVar(&o.Out, "out", "", "output file (.npy, or text lines); default standard output")
	return cmd
}

// loadCategorical loads a run trained on an alignment, with its alphabet.
func loadCategorical(dir, what string) (model.Model, *msa.Alphabet, error) {
	m, cfg, err := loadRun(dir)
	if err != nil {
		return nil, nil, err
	}
	switch m.(type) {
	case *potts.Model, *catrbm.Model:
	default:
		return nil, nil, badInput("%s holds a %s model: %s needs a run trained on an alignment with --model potts or catrbm", dir, cfg.Model.Kind, what)
	}
	alpha, err := msa.ByName(cfg.Model.Options["alphabet"])
	if err != nil || alpha.Q() != len(m.(model.Discrete).States()) {
		return nil, nil, badInput("%s: the model's alphabet %q does not match its %d states", dir, cfg.Model.Options["alphabet"], len(m.(model.Discrete).States()))
	}
	return m, alpha, nil
}

func runEnergies(e *env, o *energiesOptions) error {
	m, alpha, err := loadCategorical(o.Run, "energies")
	if err != nil {
		return err
	}
	if _, err := os.Stat(o.Seqs); err != nil {
		return badInput("cannot open alignment %s: %v (check the path)", o.Seqs, unwrapPathError(err))
	}
	a, err := msa.ReadFile(o.Seqs, msa.Options{Alphabet: alpha})
	if err != nil {
		return inputError{fmt.Errorf("%s: %w", o.Seqs, err)}
	}
	if a.L() != m.Dim() {
		return badInput("%s has %d aligned columns but the model has %d sites: align the sequences to the model's family first", o.Seqs, a.L(), m.Dim())
	}
	en := make([]float64, a.N())
	m.FreeEnergy(a.Codes(), en)
	switch {
	case strings.EqualFold(filepath.Ext(o.Out), ".npy"):
		if err := dataset.WriteNPY(o.Out, mat.NewDense(len(en), 1, en)); err != nil {
			return err
		}
	case o.Out != "":
		if err := atomicfile.Write(o.Out, func(w io.Writer) error { return writeEnergies(w, a.Names, en) }); err != nil {
			return err
		}
	default:
		return writeEnergies(e.stdout, a.Names, en)
	}
	e.log.Info("energies written", "sequences", len(en), "out", o.Out)
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

// alignmentWriter adapts the sample command's writer to categorical
// models: FASTA output (records >sample_1, … in the model's alphabet) when
// out ends in an alignment extension. (The models bring their own fast
// samplers through sample.Provider.)
func alignmentWriter(m model.Model, write func(*mat.Dense) error, out string) func(*mat.Dense) error {
	var alphabet string
	switch cm := m.(type) {
	case *potts.Model:
		alphabet = cm.Alphabet
	case *catrbm.Model:
		alphabet = cm.Alphabet
	default:
		return write
	}
	if !isAlignmentPath(out) {
		return write
	}
	alpha, err := msa.ByName(alphabet)
	if alphabet == "" || err != nil {
		return func(*mat.Dense) error {
			return badInput("the model has no alphabet to write FASTA with: use --out FILE.npy")
		}
	}
	return func(x *mat.Dense) error {
		seqs := msa.SeqsFromCodes(x)
		names := make([]string, len(seqs))
		for k := range names {
			names[k] = "sample_" + strconv.Itoa(k+1)
		}
		return atomicfile.Write(out, func(w io.Writer) error { return msa.WriteFASTA(w, names, seqs, alpha) })
	}
}

// fastaOnlyForAlignments is the writer arrayWriter gives for an alignment
// extension; alignmentWriter replaces it for models with an alphabet.
func fastaOnlyForAlignments(path string) func(*mat.Dense) error {
	return func(*mat.Dense) error {
		return badInput("cannot write %s: FASTA output needs a run trained on an alignment (potts or catrbm); use .npy, .npz or .csv", path)
	}
}
