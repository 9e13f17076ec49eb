// Package transform implements 'boltzmann transform': the hidden-unit
// features of data under a trained rbm (tasks.Features), for a labeled rbm
// with the label given or summed over.
package transform

import (
	"github.com/spf13/cobra"

	"boltzmann/cmd/boltzmann/internal/cmdutil"
	"boltzmann/tasks"
)

// Options are the settings of one transform invocation.
type Options struct {
	IO             *cmdutil.Factory
	Run, Data, Out string
	DataFlags      cmdutil.DataFlags
	BinarizeSet    bool // --binarize given (else the run's)
}

// NewCmdTransform returns the transform command; runF, if not nil,
// replaces the run function (tests of the flags).
func NewCmdTransform(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	o := &Options{IO: f}
	cmd := &cobra.Command{
		Use:   "transform RUN_DIR DATA --out FEATURES.npy",
		Short: "Write the hidden-unit features P(h=1|v) of data",
		Long: `Write the hidden representation of each row of DATA under the rbm in RUN_DIR:
the probabilities P(h_j = 1 | v) (n × hidden), for use as features by another
classifier. For a labeled rbm, DATA may hold the data units only: the label is
then unknown and the features are E[h_j | x] = sum over y of p(y | x)
P(h_j = 1 | x, y), exact; DATA with the one-hot label units too gives
P(h_j = 1 | x, y). A gbrbm run takes real-valued DATA in its own units.`,
		Example: `  boltzmann transform runs/mnist t10k-images-idx3-ubyte.gz --out features.npy`,
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Run, o.Data = args[0], args[1]
			o.BinarizeSet = cmd.Flags().Changed("binarize")
			if o.Out == "" {
				return cmdutil.BadInput("transform needs --out FEATURES.npy")
			}
			if runF != nil {
				return runF(o)
			}
			return run(o)
		},
	}
	cmd.Flags().StringVar(&o.Out, "out", "", "output file (.npy, .npz with the array \"features\", or .csv)")
	o.DataFlags.Register(cmd)
	return cmd
}

func run(o *Options) error {
	write, err := cmdutil.NamedArrayWriter(o.Out, "features") // np.load(out)["features"]
	if err != nil {
		return err
	}
	m, cfg, err := cmdutil.LoadRun(o.Run)
	if err != nil {
		return err
	}
	df := cmdutil.WithRunBinarization(o.DataFlags, cfg, o.BinarizeSet)
	x, err := cmdutil.ReadData(o.Data, df.Options())
	if err != nil {
		return err
	}
	f, err := tasks.Features(m, x)
	if err != nil {
		return cmdutil.Input(err)
	}
	if err := write(f); err != nil {
		return err
	}
	r, c := f.Dims()
	o.IO.Logger().Info("features written", "rows", r, "hidden", c, "out", o.Out)
	return nil
}
