package runs

import (
	"encoding/json"
	"math"
	"path/filepath"

	"boltzmann/bmdca"
	"boltzmann/internal/atomicfile"
	"boltzmann/train"
)

// CorrelationsFile is the file of a bmDCA run directory that holds the
// data-versus-model scatter of the connected correlations at the last
// save (Correlations).
const CorrelationsFile = "correlations.json"

// MaxScatterPairs is the largest number of (C_data, C_model) points kept
// in correlations.json: an alignment of L columns and q states has
// L(L-1)/2·q² of them (540,225 for L = 50, q = 21).
const MaxScatterPairs = 4000

// Correlations is correlations.json: the connected correlations C_ij(a,b)
// of the data and of the model's chains measured with the history record
// whose "updates" is Update (its Pearson and Slope). Pearson and
// Slope are computed over all Pairs entries; Data and Model hold every
// Stride-th entry (in the order of msa.PairEntries, from the first), at
// most MaxScatterPairs.
type Correlations struct {
	Update  int       `json:"update"`
	Pairs   int       `json:"pairs"`
	Stride  int       `json:"stride"`
	Pearson float64   `json:"pearson"`
	Slope   float64   `json:"slope"`
	Data    []float64 `json:"data"`
	Model   []float64 `json:"model"`
}

// NewCorrelations returns the Correlations of data and model (the same
// length) after update updates.
func NewCorrelations(update int, data, model []float64) Correlations {
	c := Correlations{Update: update, Pairs: len(data), Stride: max(1, (len(data)+MaxScatterPairs-1)/MaxScatterPairs)}
	c.Pearson, c.Slope = bmdca.Pearson(data, model)
	c.Pearson, c.Slope = finiteOr0(c.Pearson), finiteOr0(c.Slope)
	for k := 0; k < len(data); k += c.Stride {
		c.Data, c.Model = append(c.Data, data[k]), append(c.Model, model[k])
	}
	return c
}

func finiteOr0(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return v
}

// WriteCorrelations writes RUN_DIR/correlations.json atomically.
func WriteCorrelations(dir string, c Correlations) error {
	data, err := json.Marshal(c)
	if err != nil {
		return err
	}
	return atomicfile.WriteBytes(filepath.Join(dir, CorrelationsFile), append(data, '\n'))
}

// CorrelationSaver returns the train.Recorder of a bmDCA run that writes
// correlations.json, the connected correlations of the target t and of
// the chains, whenever Saver(every) saves the run: after every every-th
// update, the last one and at convergence. The chains are those of the
// record's update, before its step (as for Record.Pearson); in a
// data-parallel run, every process's (bmdca.ChainCorrelations).
func (r *Run) CorrelationSaver(every int, t *bmdca.Target) train.Recorder {
	return train.RecorderFunc(func(tr *train.Trainer, rec train.Record) error {
		if SaveDue(tr, rec, every) {
			return WriteCorrelations(r.Dir, NewCorrelations(rec.Updates, t.C, bmdca.ChainCorrelations(tr, t)))
		}
		return nil
	})
}
