package serve

import (
	"fmt"
	"strconv"
	"sync"

	"boltzmann/train"
)

// feed is the in-process history of a run, kept by its Recorder.
type feed struct {
	mu     sync.Mutex
	active bool
	recs   []train.Record
	count  liveCount
}

// liveCount is where the training of a fed run is.
type liveCount struct {
	Epoch, Updates, PerEpoch int
	Seconds                  float64
}

func (f *feed) records() ([]train.Record, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.recs[:len(f.recs):len(f.recs)], f.active
}

func (r *run) liveCount() (liveCount, bool) {
	r.feed.mu.Lock()
	defer r.feed.mu.Unlock()
	return r.feed.count, r.feed.active
}

// Recorder returns the train.Recorder that feeds run id (the index of
// its directory in New) from a Trainer of this process: each new history
// record is on the page at once, without waiting for the run's files
// (bmDCA writes them every SaveEvery updates), and the update counter
// shows the progress within an epoch. Its cost per update is a lock and a
// comparison; the records are copied once, as they join the history. It panics
// if id is out of range.
func (h *Handler) Recorder(id int) train.Recorder {
	if id < 0 || id >= len(h.runs) {
		panic(fmt.Sprintf("serve: Recorder(%d) of %d runs", id, len(h.runs)))
	}
	r := h.runs[id]
	return train.RecorderFunc(func(t *train.Trainer, rec train.Record) error {
		hist := t.History()
		f := &r.feed
		f.mu.Lock()
		grew := !f.active || len(hist) != len(f.recs)
		if grew {
			if len(hist) < len(f.recs) {
				f.recs = nil // a restored history
			}
			// Readers hold f.recs[:n:n] for their n: appending never
			// rewrites what they see.
			f.recs = append(f.recs, hist[len(f.recs):]...)
			f.active = true
		}
		f.count = liveCount{Epoch: rec.Epoch, Updates: rec.Updates, PerEpoch: t.UpdatesPerEpoch(), Seconds: rec.Seconds}
		f.mu.Unlock()
		if grew {
			r.version.Add(1)
			h.nudge()
		}
		return nil
	})
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }
