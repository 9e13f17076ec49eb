package serve

import (
	"bytes"
	"encoding/csv"
	"math"
	"strconv"

	"boltzmann/train"
)

// csvColumns are the columns of history.csv, in order, with the value of
// a record (NaN: not measured).
var csvColumns = []struct {
	name string
	v    func(r *train.Record) float64
}{
	{"epoch", func(r *train.Record) float64 { return float64(r.Epoch) }},
	{"update", func(r *train.Record) float64 {
		if r.Event == train.UpdateEvent {
			return float64(r.Update)
		}
		return math.NaN()
	}},
	{"updates", func(r *train.Record) float64 { return float64(r.Updates) }},
	{"sweeps", func(r *train.Record) float64 { return float64(r.Sweeps) }},
	{"seconds", func(r *train.Record) float64 { return r.Seconds }},
	{"lr", func(r *train.Record) float64 { return r.LR }},
	{"grad_norm", func(r *train.Record) float64 { return r.GradNorm }},
	{"log_z", func(r *train.Record) float64 { return r.LogZ }},
	{"train_log_likelihood", func(r *train.Record) float64 { return r.TrainLL }},
	{"val_log_likelihood", func(r *train.Record) float64 { return r.ValLL }},
	{"train_pseudo_log_likelihood", func(r *train.Record) float64 { return r.TrainPL }},
	{"val_pseudo_log_likelihood", func(r *train.Record) float64 { return r.ValPL }},
	{"reconstruction_error", func(r *train.Record) float64 { return r.Recon }},
	{"pearson", func(r *train.Record) float64 { return r.Pearson }},
	{"slope", func(r *train.Record) float64 { return r.Slope }},
	{"pearson_fi", func(r *train.Record) float64 { return r.PearsonFi }},
	{"autocorr_time", func(r *train.Record) float64 { return r.AutocorrTime }},
	{"swap_acceptance", func(r *train.Record) float64 { return r.SwapAcceptance }},
	{"swap_acceptance_min", func(r *train.Record) float64 { return r.SwapAcceptanceMin }},
	{"round_trips", func(r *train.Record) float64 { return r.RoundTrips }},
}

// historyCSV writes the records as CSV with a header row: the columns of
// csvColumns that hold at least one measured value, unmeasured cells
// empty, numbers in the shortest form that reads back exactly.
func historyCSV(recs []train.Record) []byte {
	var cols []int
	for j, c := range csvColumns {
		for i := range recs {
			if v := c.v(&recs[i]); !math.IsNaN(v) && !math.IsInf(v, 0) {
				cols = append(cols, j)
				break
			}
		}
	}
	if len(cols) == 0 {
		cols = []int{0}
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	row := make([]string, len(cols))
	for k, j := range cols {
		row[k] = csvColumns[j].name
	}
	w.Write(row)
	for i := range recs {
		for k, j := range cols {
			row[k] = ""
			if v := csvColumns[j].v(&recs[i]); !math.IsNaN(v) && !math.IsInf(v, 0) {
				row[k] = strconv.FormatFloat(v, 'g', -1, 64)
			}
		}
		w.Write(row)
	}
	w.Flush()
	return buf.Bytes()
}
