package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/spf13/cobra"

	"boltzmann/estimate"
	"boltzmann/exact"
	"boltzmann/model"
)

type evaluateOptions struct {
	Run, Data string
	LogZ      string
	JSON      bool
	data      dataFlags
	ais       aisFlags
}

func init() { register(newEvaluateCmd) }

func newEvaluateCmd(e *env) *cobra.Command {
	o := &evaluateOptions{}
	cmd := &cobra.Command{
		Use:   "evaluate RUN_DIR DATA",
		Short: "Measure how well a trained model fits data",
		Long: `Report the mean log-likelihood of the rows of DATA under the model in RUN_DIR
(nats per sample), with the log partition function it needs, the
pseudo-log-likelihood and the reconstruction error. --logz exact enumerates
the model (at most 2^24 configurations of the visible layer, or of the
hidden layer of an rbm); ais estimates log Z by annealed importance sampling
(a stochastic lower bound: the log-likelihood it gives is optimistic);
reverse-ais anneals from rows of DATA back to the base-rate model (RAISE: a
stochastic lower bound on the log-likelihood); auto is exact where the model
is enumerable, else both AIS directions, with a warning when they disagree
by more than --ais-warn-margin nats.
DATA is read with the training run's --binarize unless given here.`,
		Example: `  boltzmann evaluate runs/bas builtin:bars-and-stripes --json
  boltzmann evaluate runs/mnist test.npy --logz auto --ais-runs 100 --ais-schedule sm`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Run, o.Data = args[0], args[1]
			return runEvaluate(e, o, cmd.Flags().Changed("binarize"), cmd.Flags().Changed("data-seed"))
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.LogZ, "logz", "auto", "how to compute log Z: exact, ais, reverse-ais or auto")
	f.BoolVar(&o.JSON, "json", false, "print one JSON object")
	o.data.register(cmd)
	o.ais.register(cmd)
	return cmd
}

// evaluation is the JSON printed by evaluate --json. Quantities that could
// not be computed are omitted.
type evaluation struct {
	LogLikelihood  *float64 `json:"log_likelihood,omitempty"` // mean nats per sample
	LogZ           *float64 `json:"log_z,omitempty"`
	LogZMethod     string   `json:"log_z_method"`
	NSamples       int      `json:"n_samples"`
	PseudoLL       *float64 `json:"pseudo_log_likelihood,omitempty"`
	Reconstruction *float64 `json:"reconstruction_error,omitempty"`
	LogZStderr     *float64 `json:"log_z_stderr,omitempty"`
	LogZLower      *float64 `json:"log_z_lower,omitempty"`
	LogZUpper      *float64 `json:"log_z_upper,omitempty"`
	aisEvaluation
}

func ptr(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

func runEvaluate(e *env, o *evaluateOptions, binarizeSet, seedSet bool) error {
	m, cfg, err := loadRun(o.Run)
	if err != nil {
		return err
	}
	df := withRunBinarization(o.data, cfg, binarizeSet)
	if !seedSet {
		if s, err := strconv.ParseUint(cfg.Train.Options["data_seed"], 10, 64); err == nil {
			df.DataSeed = s + 2 // fresh builtin samples / binarization noise
		}
	}
	x, err := readData(o.Data, df)
	if err != nil {
		return err
	}
	if err := checkFits(m, x, o.Data); err != nil {
		return err
	}
	n, _ := x.Dims()
	ev := evaluation{NSamples: n}
	logZ, method, err := o.logPartition(e, m, x, &ev)
	if err != nil {
		return err
	}
	ev.LogZMethod = method
	ev.LogZ = ptr(logZ)
	f := make([]float64, n)
	m.FreeEnergy(x, f)
	ll := 0.0
	for _, v := range f {
		ll += -v - logZ
	}
	ev.LogLikelihood = ptr(ll / float64(n))
	if d, ok := m.(model.Discrete); ok {
		ev.PseudoLL = ptr(estimate.PseudoLogLikelihood(d, x, nil))
	}
	ev.Reconstruction = ptr(estimate.ReconstructionError(m, x))
	if o.JSON {
		enc := json.NewEncoder(e.stdout)
		return enc.Encode(ev)
	}
	show := func(name string, v *float64) {
		if v != nil {
			fmt.Fprintf(e.stdout, "%-28s %.6f\n", name, *v)
		}
	}
	fmt.Fprintf(e.stdout, "%-28s %d\n", "samples", n)
	show("log-likelihood (nats/sample)", ev.LogLikelihood)
	show("log Z ("+method+")", ev.LogZ)
	showAIS(e.stdout, &ev, show)
	show("pseudo-log-likelihood", ev.PseudoLL)
	show("reconstruction error", ev.Reconstruction)
	return nil
}

// logPartitionMethods lets other files add estimators of log Z for --logz
// (annealed importance sampling, …), tried by auto after exact.
var logPartitionMethods = map[string]func(m model.Model) (float64, error){}

func logPartition(m model.Model, method string) (float64, string, error) {
	switch method {
	case "exact", "auto":
		logZ, err := exact.LogPartition(m)
		if err == nil {
			name := "exact"
			if _, ok := m.(model.AnalyticLogPartition); ok {
				name = "analytic"
			}
			return logZ, name, nil
		}
		if method == "exact" || !errors.Is(err, exact.ErrNotEnumerable) {
			return 0, "", badInput("%v; use --logz auto", err)
		}
		return 0, "", badInput("%v; no estimator for larger models is available", err)
	}
	if f, ok := logPartitionMethods[method]; ok {
		logZ, err := f(m)
		return logZ, method, err
	}
	return 0, "", badInput("unknown --logz %q: use exact or auto", method)
}
