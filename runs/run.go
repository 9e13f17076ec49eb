package runs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"boltzmann/internal/atomicfile"
	"boltzmann/model"
	"boltzmann/train"
)

// Errors of Create.
var (
	// ErrExists: the directory exists, is not empty, and force is off.
	ErrExists = errors.New("run directory already exists and is not empty")
	// ErrNotDir: the path names a file.
	ErrNotDir = errors.New("not a directory")
)

// Run is a run directory being written (Create) or continued (Open).
type Run struct {
	// Dir is the run directory.
	Dir string
	// Config is what config.json holds: set it before WriteConfig after
	// Create; Open reads it.
	Config *Config
	// created records that Create made Dir, so that Discard removes it.
	created bool
	// lock is the writer's lock of Dir (Create, Lock), released by Close.
	lock *Lock
	// saving delivers the result of the save in flight (SaveInBackground);
	// nil when none is.
	saving chan error
}

// Create prepares dir for a new run and takes its lock (see Lock; Close
// releases it). It makes the directory, or, when dir exists, uses it if it
// is empty, or if it holds a run that stopped before its first checkpoint
// (nothing but the files this package writes, and no checkpoint.bin: the
// same command starts it again), or, with force, if it holds a run: the
// files of the previous run (and only those: files the user put there
// stay) are removed, checkpoint.bin first, config.json last, so that a
// kill while replacing leaves either the old run (which resumes or
// restarts) or a directory without checkpoint. Anything else is ErrExists
// (ErrNotRunDir with force, for a directory that holds no run). The
// temporary files of killed writes are removed in every case.
func Create(dir string, force bool) (*Run, error) {
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("cannot create the run directory: %v", err)
		}
		l, err := lockDir(dir)
		if err != nil {
			return nil, err
		}
		return &Run{Dir: dir, created: true, lock: l}, nil
	case err != nil:
		return nil, fmt.Errorf("cannot use %s as run directory: %v", dir, err)
	case !st.IsDir():
		return nil, fmt.Errorf("%s: %w", dir, ErrNotDir)
	}
	// Refuse before locking, so that a refused directory gets no lock
	// file; then check again under the lock.
	if err := reusable(dir, force); err != nil {
		return nil, err
	}
	l, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	if err := reusable(dir, force); err != nil {
		l.Unlock()
		return nil, err
	}
	if _, err := atomicfile.CleanTemp(dir); err != nil {
		l.Unlock()
		return nil, err
	}
	for _, f := range []string{CheckpointFile, ModelFile, ParamsFile, HistoryFile, CurvesFile, CorrelationsFile, ConfigFile} {
		if err := os.Remove(filepath.Join(dir, f)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			l.Unlock()
			return nil, err
		}
	}
	if err := os.RemoveAll(filepath.Join(dir, TrajectoryDir)); err != nil {
		l.Unlock()
		return nil, err
	}
	return &Run{Dir: dir, lock: l}, nil
}

// runFiles are the files of a run directory written by this package.
var runFiles = []string{ConfigFile, ModelFile, ParamsFile, HistoryFile, CurvesFile, CorrelationsFile, CheckpointFile, LockFile, TrajectoryDir}

// reusable reports (nil) whether Create may use the existing directory
// dir: see Create.
func reusable(dir string, force bool) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("cannot use %s as run directory: %v", dir, err)
	}
	has := map[string]bool{}
	others := 0
	for _, e := range entries {
		switch name := e.Name(); {
		case slices.Contains(runFiles, name):
			has[name] = true
		case !atomicfile.IsTemp(name):
			others++
		}
	}
	switch {
	case !has[ConfigFile] && others == 0 && !has[CheckpointFile] && !has[ModelFile]:
		return nil // empty, or only a lock and leftovers of killed writes
	case has[ConfigFile] && !has[CheckpointFile] && others == 0:
		return nil // stopped before its first checkpoint: start again
	case force && has[ConfigFile]:
		return nil
	case force:
		return fmt.Errorf("%s: %w: --force replaces only a run directory (with a %s); it keeps other directories as they are", dir, ErrNotRunDir, ConfigFile)
	}
	return fmt.Errorf("%s: %w", dir, ErrExists)
}

// Open opens an existing run directory and reads its config.json (of any
// version); a directory without one gives ErrNotRunDir.
func Open(dir string) (*Run, error) {
	c, err := ReadConfig(dir)
	if err != nil {
		return nil, err
	}
	return &Run{Dir: dir, Config: c}, nil
}

// WriteConfig writes r.Config as config.json. After Create it is the first
// file of the run; when a resumed run changes its totals (epochs, maximum
// updates) it is rewritten before training goes on.
func (r *Run) WriteConfig() error {
	if r.Config == nil {
		return errors.New("runs: WriteConfig without a Config")
	}
	return WriteConfig(r.Dir, r.Config)
}

// Discard removes the run directory if Create made it, for a run that
// produced nothing useful (bad input found late, interrupted before its
// first checkpoint). It does nothing to a directory that existed before.
func (r *Run) Discard() {
	r.Wait()
	if r.created {
		os.RemoveAll(r.Dir)
	}
	r.Close()
}

// Lock takes the writer's lock of an opened run directory (to resume it),
// removes the temporary files of killed writes and reads its config.json
// again under the lock. Another process holding it gives a *LockedError
// (wrapping ErrLocked) that names it; Close releases the lock.
func (r *Run) Lock() error {
	if r.lock != nil {
		return nil
	}
	l, err := lockDir(r.Dir)
	if err != nil {
		return err
	}
	c, err := ReadConfig(r.Dir)
	if err == nil {
		_, err = atomicfile.CleanTemp(r.Dir)
	}
	if err != nil {
		l.Unlock()
		return err
	}
	r.Config, r.lock = c, l
	return nil
}

// Close waits for a save in flight (Wait) and releases the lock of the run
// directory, if this Run holds it; it returns the save's error, if any.
func (r *Run) Close() error {
	werr := r.Wait()
	err := r.lock.Unlock()
	r.lock = nil
	return errors.Join(werr, err)
}

// LoadModel rebuilds the run's model with the parameters of model.npz.
func (r *Run) LoadModel() (model.Model, error) {
	m, _, err := LoadModel(r.Dir)
	return m, err
}

// dataUnits returns the model m of a run on standardized data in the
// data's own units (Standardization), and m itself otherwise.
func (r *Run) dataUnits(m model.Model) (model.Model, error) {
	if r.Config == nil || r.Config.Train == nil {
		return m, nil
	}
	return r.Config.Train.Standardize.unstandardized(m)
}

// keepsBest reports whether model.npz already holds a better model than
// the current one of tr: the history has validation errors (a labeled run
// with validation rows), its best epoch (train.BestEpoch: lowest
// validation error, ties to the higher mean log p(y|x), then the earlier
// epoch) is earlier than the current epoch, and model.npz exists (written
// by the save of that epoch). So model.npz always holds the parameters of
// the best validation epoch so far, and at the end of the run, stopped
// early or not, those of the best one; checkpoint.bin holds the last
// epoch's, from which --resume goes on. The file is written atomically
// at the best epoch's save, before that epoch's checkpoint, so a kill
// leaves either the previous best (with the previous checkpoint, from
// which the resumed run recomputes the epoch) or the new one.
func (r *Run) keepsBest(tr *train.Trainer) bool {
	best, ok := train.BestEpoch(tr.History())
	if !ok || best.Epoch >= tr.Epoch() {
		return false
	}
	_, err := os.Stat(filepath.Join(r.Dir, ModelFile))
	return err == nil
}

// Saver returns the train.Recorder that saves the run (Save) after every
// every-th epoch, after the last one, and when a Converger stops the run
// (which it does at an update, before that update's step): after every
// epoch of a run on rows with every = 1, every SaveEvery updates of a
// bmDCA run (whose epochs are single updates). every < 1 means 1.
func (r *Run) Saver(every int) train.Recorder {
	return train.RecorderFunc(func(tr *train.Trainer, rec train.Record) error {
		if SaveDue(tr, rec, every) {
			return r.Save(tr)
		}
		return nil
	})
}

// BackgroundSaver is Saver with the saves written by SaveInBackground:
// the caller Waits (or Closes the run) after training for the last one.
func (r *Run) BackgroundSaver(every int) train.Recorder {
	return train.RecorderFunc(func(tr *train.Trainer, rec train.Record) error {
		if SaveDue(tr, rec, every) {
			return r.SaveInBackground(tr)
		}
		return nil
	})
}

// SaveDue reports whether Saver(every) saves the run at rec: after every
// every-th epoch, the last one, and when a Converger stops the run. The
// processes of a data-parallel run that do not write take their part in
// gathering the state (Trainer.MarshalBinary) there.
func SaveDue(tr *train.Trainer, rec train.Record, every int) bool {
	every = max(every, 1)
	return rec.Event == train.UpdateEvent && tr.Status() == train.Converged ||
		rec.Event == train.EpochEvent && (tr.Epoch()%every == 0 || tr.Done())
}

// Resume restores tr, built from the run's config and model, to the state
// of checkpoint.bin (parameters, optimizer, chains, random streams and
// history), so that training goes on exactly as if it had not stopped. A
// damaged checkpoint.bin (its checksum, length or header wrong) is a
// one-line error naming the file, and nothing is restored.
func (r *Run) Resume(tr *train.Trainer) error { return ReadCheckpoint(r.Dir, tr) }
