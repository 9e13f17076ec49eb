package cli

import (
	"github.com/spf13/cobra"

	"boltzmann/tasks"
)

type transformOptions struct {
	Run, Data, Out string
	data           dataFlags
}

func init() { register(newTransformCmd) }

func newTransformCmd(e *env) *cobra.Command {
	o := &transformOptions{}
	cmd := &cobra.Command{
		Use:   "transform RUN_DIR DATA --out FEATURES.npy",
		Short: "Write the hidden-unit features P(h=1|v) of data",
		Long: `Write the hidden representation of each row of DATA under the rbm in RUN_DIR:
the probabilities P(h_j = 1 | v) (n × hidden), for use as features by another
classifier. For a labeled rbm, DATA holds the data units only and the label
units are set to zero.`,
		Example: `  boltzmann transform runs/mnist t10k-images-idx3-ubyte.gz --out features.npy`,
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Run, o.Data = args[0], args[1]
			return runTransform(e, o, cmd.Flags().Changed("binarize"))
		},
	}
	cmd.Flags().StringVar(&o.Out, "out", "", "output file (.npy, .npz or .csv)")
	o.data.register(cmd)
	return cmd
}

func runTransform(e *env, o *transformOptions, binarizeSet bool) error {
	if o.Out == "" {
		return badInput("transform needs --out FEATURES.npy")
	}
	write, err := arrayWriter(o.Out)
	if err != nil {
		return err
	}
	m, cfg, err := loadRun(o.Run)
	if err != nil {
		return err
	}
	df := withRunBinarization(o.data, cfg, binarizeSet)
	x, err := readData(o.Data, df)
	if err != nil {
		return err
	}
	f, err := tasks.Features(m, x)
	if err != nil {
		return inputError{err}
	}
	if err := write(f); err != nil {
		return err
	}
	r, c := f.Dims()
	e.log.Info("features written", "rows", r, "hidden", c, "out", o.Out)
	return nil
}
