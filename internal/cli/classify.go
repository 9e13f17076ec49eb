package cli

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"codeberg.org/sbinet/npyio"
	"github.com/spf13/cobra"
	"gonum.org/v1/gonum/mat"

	"boltzmann/dataset"
	"boltzmann/internal/atomicfile"
	"boltzmann/model"
	"boltzmann/model/rbm"
	"boltzmann/tasks"
)

type classifyOptions struct {
	Run, Data, Labels, Out, Proba string
	JSON                          bool
	data                          dataFlags
}

func init() { register(newClassifyCmd) }

func newClassifyCmd(e *env) *cobra.Command {
	o := &classifyOptions{}
	cmd := &cobra.Command{
		Use:   "classify RUN_DIR DATA --out PRED.npy [--labels LABELS --json]",
		Short: "Predict class labels with a model trained with --labels",
		Long: `Predict the class of each row of DATA with the labeled rbm in RUN_DIR (trained
by 'boltzmann train DATA --labels LABELS --model rbm'): argmax_y p(y|x),
computed exactly from the free energies F(x, y) of the C one-hot label
vectors, with no partition function. Predictions are written as integers to
--out (.npy int64, or .csv); --proba FILE writes the class probabilities
p(y|x) (n × C). With --labels (.npy integers or an IDX label file) the error
rate is printed, and --json prints {"error_rate": ..., "n_samples": ...}.`,
		Example: `  boltzmann classify runs/mnist-labeled t10k-images-idx3-ubyte.gz --labels t10k-labels-idx1-ubyte.gz \
      --out pred.npy --json`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Run, o.Data = args[0], args[1]
			return runClassify(e, o, cmd.Flags().Changed("binarize"))
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Labels, "labels", "", "true labels, to measure the error rate")
	f.StringVar(&o.Out, "out", "", "predicted labels (.npy or .csv)")
	f.StringVar(&o.Proba, "proba", "", "also write the class probabilities p(y|x) here (.npy, .npz or .csv)")
	f.BoolVar(&o.JSON, "json", false, "print one JSON object")
	o.data.register(cmd)
	return cmd
}

type classifyReport struct {
	NSamples  int      `json:"n_samples"`
	ErrorRate *float64 `json:"error_rate,omitempty"`
	Classes   int      `json:"classes"`
}

func runClassify(e *env, o *classifyOptions, binarizeSet bool) error {
	if o.Out == "" {
		return badInput("classify needs --out PRED.npy")
	}
	ext := strings.ToLower(filepath.Ext(o.Out))
	if ext != ".npy" && ext != ".csv" && ext != ".txt" {
		return badInput("cannot write %s: use an output file ending in .npy or .csv", o.Out)
	}
	var writeProba func(*mat.Dense) error
	if o.Proba != "" {
		var err error
		if writeProba, err = arrayWriter(o.Proba); err != nil {
			return err
		}
	}
	m, cfg, err := loadRun(o.Run)
	if err != nil {
		return err
	}
	l, ok := m.(*rbm.Labeled)
	if !ok {
		return badInput("%s holds a %s model without label units: train one with 'boltzmann train DATA --labels LABELS --model rbm'", o.Run, cfg.Model.Kind)
	}
	df := withRunBinarization(o.data, cfg, binarizeSet)
	x, err := readData(o.Data, df)
	if err != nil {
		return err
	}
	n, d := x.Dims()
	if d != l.DataDim() {
		return badInput("%s has %d columns but the model was trained on %d: use data of the training shape", o.Data, d, l.DataDim())
	}
	if err := checkStates(m, x, nil, o.Data); err != nil {
		return err
	}
	var labels []int
	if o.Labels != "" {
		if labels, err = readLabels(o.Labels, n, l.Classes(), df.Limit); err != nil {
			return err
		}
	}
	pred, lp, err := tasks.Classify(l, x)
	if err != nil {
		return inputError{err}
	}
	if err := writeLabels(o.Out, pred); err != nil {
		return err
	}
	if writeProba != nil {
		lp.Apply(func(_, _ int, v float64) float64 { return math.Exp(v) }, lp)
		if err := writeProba(lp); err != nil {
			return err
		}
	}
	rep := classifyReport{NSamples: n, Classes: l.Classes()}
	if labels != nil {
		rep.ErrorRate = ptr(tasks.ErrorRate(pred, labels))
	}
	if o.JSON {
		return json.NewEncoder(e.stdout).Encode(rep)
	}
	if rep.ErrorRate != nil {
		fmt.Fprintf(e.stdout, "error rate %.4f on %d samples\n", *rep.ErrorRate, n)
	}
	e.log.Info("classified", "rows", n, "out", o.Out)
	return nil
}

// readLabels reads n class labels in [0, classes) (the first n when limit
// cut the data).
func readLabels(path string, n, classes, limit int) ([]int, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, badInput("cannot open label file %s: %v", path, unwrapPathError(err))
	}
	y, err := dataset.ReadLabels(path)
	if err != nil {
		return nil, inputError{err}
	}
	if limit > 0 && len(y) > n {
		y = y[:n]
	}
	if len(y) != n {
		return nil, badInput("%s has %d labels for %d samples: give one label per sample", path, len(y), n)
	}
	for i, v := range y {
		if v < 0 || (classes > 0 && v >= classes) {
			return nil, badInput("%s: label %d of sample %d is outside [0, %d)", path, v, i+1, classes)
		}
	}
	return y, nil
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

// labeledData reads the labels of a training run and returns the visible
// rows [x, one-hot(y)] of a labeled RBM and the number of classes.
func labeledData(x *mat.Dense, labelsPath string, limit int) (*mat.Dense, int, error) {
	n, _ := x.Dims()
	y, err := readLabels(labelsPath, n, 0, limit)
	if err != nil {
		return nil, 0, err
	}
	classes := 0
	for _, v := range y {
		classes = max(classes, v+1)
	}
	if classes < 2 {
		return nil, 0, badInput("%s holds a single class: classification needs at least 2", labelsPath)
	}
	_, d := x.Dims()
	return rbm.NewLabeled(d, classes, 1).Concat(x, y), classes, nil
}

// labeledModel builds the labeled RBM of train --labels and returns it with
// its training rows [x, one-hot(y)].
func labeledModel(kind string, hidden int, x, val *mat.Dense, labelsPath string, limit int) (*mat.Dense, model.Model, error) {
	if kind != "rbm" {
		return nil, nil, badInput("--labels needs --model rbm (a joint rbm over data and one-hot labels), got %q", kind)
	}
	if val != nil {
		return nil, nil, badInput("--val is not supported with --labels: measure held-out data with 'boltzmann classify'")
	}
	if _, err := newModel(kind, hidden, x); err != nil { // checks --hidden and {0,1} data
		return nil, nil, err
	}
	v, classes, err := labeledData(x, labelsPath, limit)
	if err != nil {
		return nil, nil, err
	}
	_, d := x.Dims()
	return v, rbm.NewLabeled(d, classes, hidden), nil
}
