package runs

import (
	"io"
	"path/filepath"
	"slices"

	"boltzmann/dataset"
	"boltzmann/internal/atomicfile"
	"boltzmann/model"
	"boltzmann/model/potts"
	"boltzmann/train"
)

// Save writes the state of tr in the order of the package doc:
// model.npz (for a run on standardized data the model in the data's own
// units, Standardization; for a run with a validation error, the model of
// its best epoch: see keepsBest), params.dat (Potts models: adabmDCA's text format),
// history.jsonl, curves.png (learning curves, or Pearson and slope for a
// bmDCA run), and checkpoint.bin last, so that a run killed while saving
// resumes from the previous complete save. It is SaveInBackground followed
// by Wait.
func (r *Run) Save(tr *train.Trainer) error {
	if err := r.SaveInBackground(tr); err != nil {
		return err
	}
	return r.Wait()
}

// SaveInBackground is Save with the files written on a goroutine of its
// own, so that training goes on while they are encoded, drawn and synced
// to disk (about 0.2 s per save for a 784×500 RBM). It first waits for
// the previous save and returns its error, if it failed; then it takes a
// snapshot of what the save writes (a copy of the parameters, the
// history, the checkpoint's bytes from Trainer.MarshalBinary, which is
// collective in a data-parallel run and so runs here, on the caller's
// goroutine) and returns. The files are written in Save's order, so a
// process killed at any time leaves a run that resumes. Wait (and Close
// and Discard) wait for the save in flight.
func (r *Run) SaveInBackground(tr *train.Trainer) error {
	if err := r.Wait(); err != nil {
		return err
	}
	s, err := r.snapshot(tr)
	if err != nil {
		return err
	}
	done := make(chan error, 1)
	r.saving = done
	go func() { done <- s.write() }()
	return nil
}

// Wait waits for the save in flight (SaveInBackground), if any, and
// returns its error.
func (r *Run) Wait() error {
	if r.saving == nil {
		return nil
	}
	err := <-r.saving
	r.saving = nil
	return err
}

// saveSnapshot is what one save writes, copied from the trainer.
type saveSnapshot struct {
	dir string
	// model holds the parameter groups of model.npz, nil when model.npz
	// keeps a better epoch's model (keepsBest); potts is the model for
	// params.dat, nil for other models.
	model   []dataset.Array
	potts   *potts.Model
	history []train.Record
	// bmdca is set for a bmDCA run, whose curves are Pearson and slope
	// against the target.
	bmdca      bool
	target     float64
	title      string
	checkpoint []byte
}

// snapshot copies what a save of tr writes.
func (r *Run) snapshot(tr *train.Trainer) (*saveSnapshot, error) {
	m, err := r.dataUnits(tr.Model())
	if err != nil {
		return nil, err
	}
	s := &saveSnapshot{dir: r.Dir, history: slices.Clone(tr.History()), title: r.Config.Title()}
	if !r.keepsBest(tr) {
		s.model = paramArrays(m, true)
		if pm, ok := m.(*potts.Model); ok {
			c, err := model.New(pm.Spec())
			if err != nil {
				return nil, err
			}
			copy(c.Params(), pm.Params())
			s.potts = c.(*potts.Model)
		}
	}
	if r.Config != nil && r.Config.BMDCA != nil {
		s.bmdca, s.target = true, r.Config.BMDCA.TargetPearson
	}
	if s.checkpoint, err = tr.MarshalBinary(); err != nil {
		return nil, err
	}
	return s, nil
}

// write writes the snapshot's files in Save's order.
func (s *saveSnapshot) write() error {
	if s.model != nil {
		if err := dataset.WriteNPZ(filepath.Join(s.dir, ModelFile), s.model); err != nil {
			return err
		}
	}
	if s.potts != nil {
		err := atomicfile.Write(filepath.Join(s.dir, ParamsFile), func(w io.Writer) error { return s.potts.WriteAdabmDCA(w) })
		if err != nil {
			return err
		}
	}
	if err := WriteHistory(s.dir, s.history); err != nil {
		return err
	}
	var err error
	if s.bmdca {
		err = writeBMDCACurves(s.dir, s.title, s.history, s.target)
	} else {
		err = WriteCurvesTitled(s.dir, s.title, s.history)
	}
	if err != nil {
		return err
	}
	return writeCheckpointFile(s.dir, s.checkpoint)
}

// paramArrays returns the parameter groups of m as the arrays of
// model.npz, copies of the parameters when copied is set, views of them
// otherwise.
func paramArrays(m model.Model, copied bool) []dataset.Array {
	p := m.Params()
	if copied {
		p = slices.Clone(p)
	}
	var arrays []dataset.Array
	for _, g := range m.Groups() {
		arrays = append(arrays, dataset.Array{Name: g.Name, Shape: g.Shape, Data: g.Slice(p)})
	}
	return arrays
}
