// Package classify implements 'boltzmann classify': class predictions of a
// labeled rbm (tasks.Classify).
package classify

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"codeberg.org/sbinet/npyio"
	"github.com/spf13/cobra"
	"gonum.org/v1/gonum/mat"

	"boltzmann/cmd/boltzmann/internal/cmdutil"
	"boltzmann/internal/atomicfile"
	"boltzmann/model/rbm"
	"boltzmann/tasks"
)

// Options are the settings of one classify invocation.
type Options struct {
	IO                            *cmdutil.Factory
	Run, Data, Labels, Out, Proba string
	JSON                          bool
	DataFlags                     cmdutil.DataFlags
	BinarizeSet                   bool // --binarize given (else the run's)
}

// NewCmdClassify returns the classify command; runF, if not nil, replaces
// the run function (tests of the flags).
func NewCmdClassify(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	o := &Options{IO: f}
	cmd := &cobra.Command{
		Use:   "classify RUN_DIR DATA --out PRED.npy [--labels LABELS --json]",
		Short: "Predict class labels with a model trained with --labels",
		Long: `Predict the class of each row of DATA with the labeled rbm in RUN_DIR (trained
by 'boltzmann train DATA --labels LABELS --model rbm'): argmax_y p(y|x),
computed exactly from the free energies F(x, y) of the C one-hot label
vectors, with no partition function. Predictions are written as integers to
--out (.npy int64, or .csv); --proba FILE writes the class probabilities
p(y|x) (n × C, float64; .npy, .npz or .csv). With --labels (.npy integers or
an IDX label file) it prints the error rate, the mean log p(y|x) of the true
labels (nats) and the confusion matrix (rows: true class, columns: predicted
class); --json prints them as one object {"error_rate", "mean_log_prob",
"confusion", "n_samples", "classes"}.`,
		Example: `  boltzmann classify runs/mnist-labeled t10k-images-idx3-ubyte.gz --labels t10k-labels-idx1-ubyte.gz \
      --out pred.npy --json`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Run, o.Data = args[0], args[1]
			o.BinarizeSet = cmd.Flags().Changed("binarize")
			if o.Out == "" {
				return cmdutil.BadInput("classify needs --out PRED.npy")
			}
			ext := strings.ToLower(filepath.Ext(o.Out))
			if ext != ".npy" && ext != ".csv" && ext != ".txt" {
				return cmdutil.BadInput("cannot write %s: use an output file ending in .npy or .csv", o.Out)
			}
			if runF != nil {
				return runF(o)
			}
			return run(o)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.Labels, "labels", "", "true labels, to measure the error rate")
	fl.StringVar(&o.Out, "out", "", "predicted labels (.npy or .csv)")
	fl.StringVar(&o.Proba, "proba", "", "also write the class probabilities p(y|x) here (.npy, .npz or .csv)")
	fl.BoolVar(&o.JSON, "json", false, "print one JSON object")
	o.DataFlags.Register(cmd)
	return cmd
}

type report struct {
	NSamples  int      `json:"n_samples"`
	ErrorRate *float64 `json:"error_rate,omitempty"`
	Classes   int      `json:"classes"`
	// MeanLogProb is the mean log p(y|x) of the true labels (nats),
	// Confusion[y][p] the number of rows of class y predicted as p.
	MeanLogProb *float64 `json:"mean_log_prob,omitempty"`
	Confusion   [][]int  `json:"confusion,omitempty"`
}

func run(o *Options) error {
	var writeProba func(*mat.Dense) error
	if o.Proba != "" {
		var err error
		if writeProba, err = cmdutil.ArrayWriter(o.Proba); err != nil {
			return err
		}
	}
	m, cfg, err := cmdutil.LoadRun(o.Run)
	if err != nil {
		return err
	}
	l, ok := m.(*rbm.Labeled)
	if !ok {
		return cmdutil.BadInput("%s holds a %s model without label units: train one with 'boltzmann train DATA --labels LABELS --model rbm'", o.Run, cfg.Model.Kind)
	}
	df := cmdutil.WithRunBinarization(o.DataFlags, cfg, o.BinarizeSet)
	x, err := cmdutil.ReadData(o.Data, df.Options())
	if err != nil {
		return err
	}
	n, d := x.Dims()
	if d != l.DataDim() {
		return cmdutil.BadInput("%s has %d columns but the model was trained on %d: use data of the training shape", o.Data, d, l.DataDim())
	}
	if err := cmdutil.CheckIntensities(x, o.Data); err != nil {
		return err // binary data or grey levels, as in training
	}
	var labels []int
	if o.Labels != "" {
		if labels, err = cmdutil.ReadLabels(o.Labels, n, l.Classes(), df.Limit); err != nil {
			return err
		}
	}
	pred, lp, err := tasks.Classify(l, x)
	if err != nil {
		return cmdutil.Input(err)
	}
	if err := writeLabels(o.Out, pred); err != nil {
		return cmdutil.WriteError(o.Out, err)
	}
	rep := report{NSamples: n, Classes: l.Classes()}
	if labels != nil {
		rep.ErrorRate = cmdutil.Ptr(tasks.ErrorRate(pred, labels))
		rep.MeanLogProb = cmdutil.Ptr(tasks.MeanLogProb(lp, labels))
		rep.Confusion = tasks.ConfusionMatrix(pred, labels, l.Classes())
	}
	if writeProba != nil {
		lp.Apply(func(_, _ int, v float64) float64 { return math.Exp(v) }, lp)
		if err := writeProba(lp); err != nil {
			return err
		}
	}
	if o.JSON {
		return json.NewEncoder(o.IO.Stdout).Encode(rep)
	}
	if rep.ErrorRate != nil {
		fmt.Fprintf(o.IO.Stdout, "error rate %.4f on %d samples, mean log p(y|x) of the true labels %.4f nats\n", *rep.ErrorRate, n, *rep.MeanLogProb)
		printConfusion(o.IO.Stdout, rep.Confusion)
	}
	o.IO.Logger().Info("classified", "rows", n, "out", o.Out)
	return nil
}

// printConfusion prints the confusion matrix with a header row of
// predicted classes and one row per true class.
func printConfusion(w io.Writer, m [][]int) {
	width := 1
	for _, row := range m {
		for _, v := range row {
			width = max(width, len(strconv.Itoa(v)))
		}
	}
	width = max(width, len(strconv.Itoa(len(m)-1)))
	fmt.Fprintf(w, "confusion matrix (rows: true class, columns: predicted class)\n%*s", width+2, "")
	for c := range m {
		fmt.Fprintf(w, " %*d", width, c)
	}
	fmt.Fprintln(w)
	for y, row := range m {
		fmt.Fprintf(w, "%*d: ", width, y)
		for _, v := range row {
			fmt.Fprintf(w, " %*d", width, v)
		}
		fmt.Fprintln(w)
	}
}

// writeLabels writes integer labels as an int64 .npy array or one per line.
func writeLabels(path string, y []int) error {
	if strings.ToLower(filepath.Ext(path)) != ".npy" {
		var b strings.Builder
		for _, v := range y {
			fmt.Fprintln(&b, v)
		}
		return atomicfile.WriteBytes(path, []byte(b.String()))
	}
	v := make([]int64, len(y))
	for i, x := range y {
		v[i] = int64(x)
	}
	var buf strings.Builder
	if err := npyio.Write(&buf, v); err != nil {
		return err
	}
	return atomicfile.WriteBytes(path, []byte(buf.String()))
}
