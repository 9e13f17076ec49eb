package serve

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"math"
	"os"
	"strings"
	"sync"
	"sync/atomic"

	"boltzmann/runs"
	"boltzmann/train"
)

// EvaluationFile is the optional file of a run directory that holds the
// JSON printed by 'boltzmann evaluate RUN_DIR DATA --json' (AIS estimates
// of log Z with both bounds), shown next to the learning curves.
const EvaluationFile = "evaluation.json"

// maxFileSize bounds what is read of one file of a run (a 784×500 RBM's
// checkpoint holds about 10 MB).
const maxFileSize = 1 << 30

// known are the files of a run directory that the handler reads; it
// reads nothing else.
var known = []string{runs.ConfigFile, runs.HistoryFile, EvaluationFile, runs.CorrelationsFile, runs.ModelFile, runs.CheckpointFile}

// stamp identifies a version of a file: its size, modification time and
// identity (a file replaced by rename is another file).
type stamp struct {
	info fs.FileInfo
}

func (s stamp) same(o stamp) bool {
	switch {
	case s.info == nil || o.info == nil:
		return s.info == nil && o.info == nil
	}
	return s.info.Size() == o.info.Size() && s.info.ModTime().Equal(o.info.ModTime()) && os.SameFile(s.info, o.info)
}

// key is a short string that changes with the file.
func (s stamp) key() string {
	if s.info == nil {
		return ""
	}
	return strings.Join([]string{itoa(s.info.Size()), itoa(s.info.ModTime().UnixNano())}, "-")
}

// snapshot is what was last read of a run's files; it is never modified
// once published (run.snap).
type snapshot struct {
	config     []byte // config.json, compacted; nil when absent
	cfg        *runs.Config
	records    []train.Record // history.jsonl
	evaluation []byte         // evaluation.json, compacted; nil when absent
	// correlations is correlations.json (bmDCA runs: runs.Correlations),
	// compacted; nil when absent.
	correlations []byte
	files        map[string]stamp
}

// run is one run directory being watched.
type run struct {
	id   int
	dir  string
	name string

	// version counts the changes of the run's files and in-process
	// history; the page refetches when it changes.
	version atomic.Uint64

	mu   sync.Mutex // serializes refresh
	snap *snapshot

	bodyMu    sync.Mutex // the cached history documents: whole, and the last ?from=N
	bodyVer   uint64
	bodyTotal int
	body      []byte
	tail      struct {
		ver         uint64
		from, total int
		body        []byte
	}

	imgMu  sync.Mutex
	images map[string]cachedImage

	feed feed
}

func (r *run) current() *snapshot {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.snap
}

// refresh looks at the run's files and re-reads those that changed. A
// file that cannot be parsed (half written by a writer that does not
// replace files atomically) keeps its previous content and is read again
// at the next look.
func (r *run) refresh() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.refreshLocked()
}

// refreshShared is refresh for requests: when a refresh is under way (a
// hundred pages asking at the same moment), it waits for that one instead
// of looking again.
func (r *run) refreshShared() {
	if !r.mu.TryLock() {
		// Wait for the refresh under way, and share its result.
		r.mu.Lock()
		//lint:ignore SA2001 the lock is taken only to wait for its holder
		r.mu.Unlock()
		return
	}
	defer r.mu.Unlock()
	r.refreshLocked()
}

func (r *run) refreshLocked() {
	old := r.snap
	next := *old
	next.files = map[string]stamp{}
	root, err := os.OpenRoot(r.dir)
	if err == nil {
		defer root.Close()
	}
	changed := false
	for _, name := range known {
		var st stamp
		if root != nil {
			if fi, err := root.Stat(name); err == nil && fi.Mode().IsRegular() {
				st.info = fi
			}
		}
		if st.same(old.files[name]) {
			next.files[name] = old.files[name]
			continue
		}
		if !r.load(root, name, st, &next) {
			next.files[name] = old.files[name] // try again next time
			continue
		}
		next.files[name] = st
		changed = true
	}
	if changed {
		r.snap = &next
		r.version.Add(1)
	}
}

// load reads the file name of stamp st into s, reporting whether it was
// complete (an absent file is: its content is cleared).
func (r *run) load(root *os.Root, name string, st stamp, s *snapshot) bool {
	var data []byte
	if st.info != nil {
		var err error
		if data, err = readFile(root, name); err != nil {
			return errors.Is(err, fs.ErrNotExist) && forget(name, s)
		}
	}
	switch name {
	case runs.ConfigFile:
		if data == nil {
			s.config, s.cfg = nil, nil
			return true
		}
		var c runs.Config
		var buf bytes.Buffer
		if json.Unmarshal(data, &c) != nil || json.Compact(&buf, data) != nil {
			return false
		}
		s.config, s.cfg = buf.Bytes(), &c
	case runs.HistoryFile:
		recs, ok := parseHistory(data)
		if !ok || data != nil && len(recs) == 0 && len(s.records) > 0 {
			// An existing empty file after records: caught between the
			// truncation and the write of a writer that does not
			// replace the file.
			return false
		}
		s.records = recs
	case EvaluationFile:
		if data == nil {
			s.evaluation = nil
			return true
		}
		var buf bytes.Buffer
		if json.Compact(&buf, data) != nil || !bytes.HasPrefix(buf.Bytes(), []byte("{")) {
			return false
		}
		s.evaluation = buf.Bytes()
	case runs.CorrelationsFile:
		if data == nil {
			s.correlations = nil
			return true
		}
		var c runs.Correlations
		var buf bytes.Buffer
		if json.Unmarshal(data, &c) != nil || len(c.Data) != len(c.Model) || json.Compact(&buf, data) != nil {
			return false
		}
		s.correlations = buf.Bytes()
	}
	return true // model.npz, checkpoint.bin: read when an image is asked for
}

// forget empties the content of a file that disappeared between the look
// and the read; it returns true.
func forget(name string, s *snapshot) bool {
	switch name {
	case runs.ConfigFile:
		s.config, s.cfg = nil, nil
	case runs.HistoryFile:
		s.records = nil
	case EvaluationFile:
		s.evaluation = nil
	case runs.CorrelationsFile:
		s.correlations = nil
	}
	return true
}

// readFile reads the regular file name inside root (which refuses paths
// and symbolic links leading out of the directory).
func readFile(root *os.Root, name string) ([]byte, error) {
	if root == nil {
		return nil, fs.ErrNotExist
	}
	f, err := root.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() || fi.Size() > maxFileSize {
		return nil, fs.ErrNotExist
	}
	return io.ReadAll(io.LimitReader(f, maxFileSize))
}

// parseHistory parses history.jsonl; it fails on a line that is not a
// complete record, so that a file caught while being written is not
// shown.
func parseHistory(data []byte) ([]train.Record, bool) {
	var recs []train.Record
	for len(data) > 0 {
		line, rest, found := bytes.Cut(data, []byte("\n"))
		data = rest
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		var rec train.Record
		if json.Unmarshal(line, &rec) != nil {
			return nil, false
		}
		if !found && !json.Valid(line) {
			return nil, false
		}
		recs = append(recs, rec)
	}
	return recs, true
}

// records are the run's history: the in-process one when a Recorder
// feeds the run, else history.jsonl.
func (r *run) records() []train.Record {
	if recs, ok := r.feed.records(); ok {
		return recs
	}
	return r.current().records
}

// historyDoc is the answer of /api/runs/ID/history[?from=N]: the records
// from index From on (all of them without from) of the Total recorded,
// with what else the page shows of the run, so that one request per
// change brings a page up to date.
type historyDoc struct {
	ID         int             `json:"id"` // the run
	Version    uint64          `json:"version"`
	From       int             `json:"from"`
	Total      int             `json:"total"`
	Records    []train.Record  `json:"records"`
	Progress   Progress        `json:"progress"`
	Run        RunInfo         `json:"run"`
	Evaluation json.RawMessage `json:"evaluation"` // evaluation.json, or null
}

// historyJSON returns the history document of the records from index
// from on, and the number of records; the whole history and the last
// tail asked for are encoded once per version (the pages following a run
// all ask for the same new records).
func (r *run) historyJSON(from int) ([]byte, int) {
	r.bodyMu.Lock()
	defer r.bodyMu.Unlock()
	v := r.version.Load()
	switch {
	case from == 0 && r.body != nil && r.bodyVer == v:
		return r.body, r.bodyTotal
	case from > 0 && r.tail.body != nil && r.tail.ver == v && r.tail.from == from:
		return r.tail.body, r.tail.total
	}
	recs := r.records()
	snap := r.current()
	doc := historyDoc{ID: r.id, Version: v, From: min(from, len(recs)), Total: len(recs), Progress: progress(snap.cfg, recs),
		Run: r.info(), Evaluation: snap.evaluation}
	if doc.Evaluation == nil {
		doc.Evaluation = json.RawMessage("null")
	}
	doc.Records = recs[doc.From:]
	if doc.Records == nil {
		doc.Records = []train.Record{}
	}
	body, err := json.Marshal(doc)
	if err != nil {
		return []byte(`{"id":` + itoa(int64(r.id)) + `,"version":0,"from":0,"total":0,"records":[]}`), 0
	}
	if from == 0 {
		r.body, r.bodyVer, r.bodyTotal = body, v, doc.Total
	} else {
		r.tail.ver, r.tail.from, r.tail.total, r.tail.body = v, from, doc.Total, body
	}
	return body, doc.Total
}

func (r *run) info() RunInfo {
	s := r.current()
	in := RunInfo{ID: r.id, Name: r.name, Dir: r.dir, Version: r.version.Load(), Images: map[string]string{}}
	if st := s.files[runs.CorrelationsFile]; st.info != nil && s.correlations != nil {
		in.Correlations = st.key()
	}
	if s.cfg != nil {
		in.Kind, in.BMDCA = s.cfg.Model.Kind, s.cfg.BMDCA != nil
		if _, _, _, ok := imageShape(s.cfg); ok {
			if st := s.files[runs.CheckpointFile]; st.info != nil {
				in.Images["samples"] = st.key()
			}
			if st := s.files[runs.ModelFile]; st.info != nil && hasFilters(s.cfg) {
				in.Images["filters"] = st.key()
			}
		}
	}
	return in
}

// Progress is how far a run is, from its config and history.
type Progress struct {
	// Unit is what the run counts: "epoch" (training on rows) or
	// "update" (bmDCA, one update per record).
	Unit string `json:"unit"`
	// Done is the number of completed units, Total the number planned
	// (epochs; bmDCA: the maximum number of updates, which convergence
	// may cut short); 0 when unknown.
	Done  int `json:"done"`
	Total int `json:"total"`
	// Seconds is the training time so far, PerUnit the mean time of a
	// unit and Remaining the estimate of the time left (PerUnit times the
	// units left), in seconds; NaN (absent) when unknown.
	Seconds   float64 `json:"-"`
	PerUnit   float64 `json:"-"`
	Remaining float64 `json:"-"`
	// LR is the learning rate of the last update.
	LR float64 `json:"-"`
}

// MarshalJSON leaves out the unknown (NaN) times and rate.
func (p Progress) MarshalJSON() ([]byte, error) {
	out := map[string]any{"unit": p.Unit, "done": p.Done, "total": p.Total}
	for k, v := range map[string]float64{"seconds": p.Seconds, "per_unit": p.PerUnit, "remaining": p.Remaining, "lr": p.LR} {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			out[k] = v
		}
	}
	return json.Marshal(out)
}

// progress computes the Progress of records of a run configured by c
// (nil: unknown totals). The time per unit is the mean over the records
// (the training time of a resumed run counts from its start).
func progress(c *runs.Config, recs []train.Record) Progress {
	nan := math.NaN()
	p := Progress{Unit: "epoch", Seconds: nan, PerUnit: nan, Remaining: nan, LR: nan}
	if c != nil && c.BMDCA != nil {
		p.Unit, p.Total = "update", c.BMDCA.MaxUpdates
	} else if c != nil && c.Train != nil {
		p.Total = c.Train.Epochs
	}
	if len(recs) == 0 {
		return p
	}
	last := recs[len(recs)-1]
	p.Done, p.Seconds, p.LR = last.Epoch, last.Seconds, last.LR
	if p.Unit == "update" {
		p.Done = last.Updates
	}
	if p.Done > 0 && last.Seconds >= 0 {
		p.PerUnit = last.Seconds / float64(p.Done)
		if p.Total > 0 {
			p.Remaining = p.PerUnit * float64(max(0, p.Total-p.Done))
		}
	}
	return p
}
