package serve

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// assets are the page's files; the vendored charting library is
// assets/vendor (see its README.md and update.sh, which are not served).
//
//go:embed assets/index.html assets/app.js assets/style.css assets/vendor/uPlot.iife.min.js assets/vendor/uPlot.min.css assets/vendor/LICENSE
var assets embed.FS

// Defaults of Options.
const (
	DefaultPoll      = 500 * time.Millisecond
	DefaultHeartbeat = 15 * time.Second
)

// progressEvery is the least interval between the wake-ups of the event
// streams for the update counter alone.
const progressEvery = time.Second

// Options configure a Handler. The zero value of each field selects the
// documented default.
type Options struct {
	// Poll is how often the run directories are looked at for changes
	// (sizes and modification times); default DefaultPoll.
	Poll time.Duration
	// Heartbeat is the interval of the comment lines that keep an idle
	// event stream open through proxies; default DefaultHeartbeat.
	Heartbeat time.Duration
	// LocalHostOnly refuses (403) requests whose Host header is neither
	// "localhost" nor an IP address, so that a web page of another site
	// cannot read the runs through a DNS name rebound to 127.0.0.1. Set it
	// when listening on a loopback address.
	LocalHostOnly bool
}

// Handler serves the live page of a list of run directories. It is safe
// for concurrent use; Close ends its watcher and its event streams.
type Handler struct {
	runs []*run
	opt  Options
	mux  *http.ServeMux

	mu   sync.Mutex
	subs map[chan struct{}]struct{}

	poke      chan struct{}
	done      chan struct{}
	closeOnce sync.Once
	wg        sync.WaitGroup
}

// New returns a Handler over the run directories dirs, shown in this
// order (run IDs 0, 1, …) and named by their base names. A directory need
// not hold a run yet: 'boltzmann train --serve' serves the run it is about
// to create, which the page shows once config.json appears. It starts the
// goroutine that watches the directories; call Close to stop it.
func New(dirs []string, opt *Options) (*Handler, error) {
	if len(dirs) == 0 {
		return nil, errors.New("serve: no run directory")
	}
	h := &Handler{subs: map[chan struct{}]struct{}{}, poke: make(chan struct{}, 1), done: make(chan struct{})}
	if opt != nil {
		h.opt = *opt
	}
	if h.opt.Poll <= 0 {
		h.opt.Poll = DefaultPoll
	}
	if h.opt.Heartbeat <= 0 {
		h.opt.Heartbeat = DefaultHeartbeat
	}
	names := map[string]int{}
	for i, d := range dirs {
		name := filepath.Base(filepath.Clean(d))
		names[name]++
		if names[name] > 1 {
			name = fmt.Sprintf("%s (%d)", name, names[name])
		}
		h.runs = append(h.runs, &run{id: i, dir: d, name: name, snap: &snapshot{}})
	}
	for _, r := range h.runs {
		r.refresh()
	}
	h.mux = http.NewServeMux()
	h.mux.HandleFunc("GET /{$}", h.index)
	h.mux.HandleFunc("GET /assets/{name...}", h.asset)
	h.mux.HandleFunc("GET /api/runs", h.list)
	h.mux.HandleFunc("GET /api/runs/{id}/{file}", h.runFile)
	h.mux.HandleFunc("GET /api/events", h.events)
	h.wg.Add(1)
	go h.watch()
	return h, nil
}

// Close stops watching the run directories and ends the open event
// streams, each after sending the last state of the runs (an
// http.Server's Shutdown waits for them otherwise). The handler answers
// requests after Close, without events.
func (h *Handler) Close() error {
	h.closeOnce.Do(func() { close(h.done) })
	h.wg.Wait()
	return nil
}

// ServeHTTP answers the endpoints of the package doc; every other path is
// 404 and every method but GET and HEAD is refused.
func (h *Handler) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	hd := w.Header()
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'")
	if h.opt.LocalHostOnly && !localHost(req.Host) {
		http.Error(w, "serve: the Host header must be localhost or an IP address", http.StatusForbidden)
		return
	}
	h.mux.ServeHTTP(w, req)
}

// localHost reports whether a Host header names localhost or an IP.
func localHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	return host == "localhost" || net.ParseIP(host) != nil
}

// watch looks at the run directories every Poll, or at once when a
// Recorder has a new record, and wakes the event streams when something
// changed.
func (h *Handler) watch() {
	defer h.wg.Done()
	tick := time.NewTicker(h.opt.Poll)
	defer tick.Stop()
	seen := make([]uint64, len(h.runs))
	updates := make([]int, len(h.runs))
	var progressed time.Time
	for {
		select {
		case <-h.done:
			return
		case <-tick.C:
		case <-h.poke:
		}
		changed, progress := false, false
		for i, r := range h.runs {
			r.refresh()
			if v := r.version.Load(); v != seen[i] {
				seen[i], changed = v, true
			}
			if c, ok := r.liveCount(); ok && c.Updates != updates[i] {
				updates[i], progress = c.Updates, true
			}
		}
		// The update counter alone wakes the streams once a second at
		// most: every wake-up of a hundred pages takes time from training.
		if progress && time.Since(progressed) >= progressEvery {
			changed = true
		}
		if changed {
			progressed = time.Now()
			h.broadcast()
		}
	}
}

// nudge asks the watcher to look now; it never blocks.
func (h *Handler) nudge() {
	select {
	case h.poke <- struct{}{}:
	default:
	}
}

func (h *Handler) subscribe() chan struct{} {
	ch := make(chan struct{}, 1)
	h.mu.Lock()
	h.subs[ch] = struct{}{}
	h.mu.Unlock()
	return ch
}

func (h *Handler) unsubscribe(ch chan struct{}) {
	h.mu.Lock()
	delete(h.subs, ch)
	h.mu.Unlock()
}

// broadcast wakes every event stream; a stream that is still writing
// keeps one pending wake-up and sends the latest state when it is done.
func (h *Handler) broadcast() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// Clients is the number of open event streams.
func (h *Handler) Clients() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}

func (h *Handler) index(w http.ResponseWriter, req *http.Request) {
	serveAsset(w, req, "index.html")
}

func (h *Handler) asset(w http.ResponseWriter, req *http.Request) {
	serveAsset(w, req, req.PathValue("name"))
}

// contentTypes are those of the embedded assets, by extension.
var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	"":      "text/plain; charset=utf-8", // LICENSE
}

func serveAsset(w http.ResponseWriter, req *http.Request, name string) {
	if !fs.ValidPath(name) {
		http.NotFound(w, req)
		return
	}
	data, err := assets.ReadFile("assets/" + name)
	ct, ok := contentTypes[path.Ext(name)]
	if err != nil || !ok {
		http.NotFound(w, req)
		return
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(data)
}

// RunInfo describes a run in the answer of /api/runs.
type RunInfo struct {
	ID   int    `json:"id"`
	Name string `json:"name"` // base name of the directory, made unique
	Dir  string `json:"dir"`  // the directory as given
	// Kind is the model kind of config.json ("" before it exists), BMDCA
	// whether the run is fitted to an alignment.
	Kind  string `json:"kind"`
	BMDCA bool   `json:"bmdca"`
	// Version changes whenever a file of the run or its in-process
	// history changes; Images names the image panels the run has
	// ("samples", "filters") with the versions of the files they show.
	Version uint64            `json:"version"`
	Images  map[string]string `json:"images"`
	// Correlations is the version of the bmDCA run's correlations.json
	// (the data-versus-model scatter, endpoint "correlations"); absent
	// without one.
	Correlations string `json:"correlations,omitempty"`
}

func (h *Handler) list(w http.ResponseWriter, req *http.Request) {
	out := make([]RunInfo, len(h.runs))
	for i, r := range h.runs {
		out[i] = r.info()
	}
	writeJSON(w, out)
}

func (h *Handler) runFile(w http.ResponseWriter, req *http.Request) {
	id, err := strconv.Atoi(req.PathValue("id"))
	if err != nil || id < 0 || id >= len(h.runs) || strconv.Itoa(id) != req.PathValue("id") {
		http.NotFound(w, req)
		return
	}
	r := h.runs[id]
	r.refreshShared()
	switch req.PathValue("file") {
	case "config":
		s := r.current()
		if s.config == nil {
			http.NotFound(w, req)
			return
		}
		writeRaw(w, "application/json", s.config)
	case "history":
		from := 0
		if q := req.URL.Query().Get("from"); q != "" {
			if from, err = strconv.Atoi(q); err != nil || from < 0 {
				http.Error(w, "serve: from must be a record index >= 0", http.StatusBadRequest)
				return
			}
		}
		body, _ := r.historyJSON(from)
		writeRaw(w, "application/json", body)
	case "history.csv":
		w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", "history-"+safeName(r.name)+".csv"))
		writeRaw(w, "text/csv; charset=utf-8", historyCSV(r.records()))
	case "evaluation":
		s := r.current()
		if s.evaluation == nil {
			http.NotFound(w, req)
			return
		}
		writeRaw(w, "application/json", s.evaluation)
	case "correlations":
		s := r.current()
		if s.correlations == nil {
			http.NotFound(w, req)
			return
		}
		writeRaw(w, "application/json", s.correlations)
	case "samples.png", "filters.png":
		png, err := r.image(strings.TrimSuffix(req.PathValue("file"), ".png"))
		if err != nil {
			http.NotFound(w, req)
			return
		}
		writeRaw(w, "image/png", png)
	default:
		http.NotFound(w, req)
	}
}

// safeName keeps the letters, digits, '-', '_' and '.' of a name.
func safeName(s string) string {
	return strings.Map(func(c rune) rune {
		if c == '-' || c == '_' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
			return c
		}
		return '_'
	}, s)
}

func writeRaw(w http.ResponseWriter, contentType string, body []byte) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(body)
}

func writeJSON(w http.ResponseWriter, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	writeRaw(w, "application/json", body)
}

// events streams server-sent events: "history" with the history document
// of a run's new records (as /api/runs/ID/history?from=N, N the records
// this stream has sent; the whole history first) when the run changes,
// and "progress" with the in-process update counter. The page needs no
// request of its own to follow a run, only for new images.
func (h *Handler) events(w http.ResponseWriter, req *http.Request) {
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Accel-Buffering", "no")
	ch := h.subscribe()
	defer h.unsubscribe(ch)
	beat := time.NewTicker(h.opt.Heartbeat)
	defer beat.Stop()
	sent := make([]uint64, len(h.runs))
	total := make([]int, len(h.runs))
	prog := make([]liveCount, len(h.runs))
	if _, err := fmt.Fprint(w, "retry: 2000\n\n"); err != nil {
		return
	}
	ctx := req.Context()
	minGap := min(h.opt.Poll, 250*time.Millisecond)
	gap := time.NewTimer(minGap)
	defer gap.Stop()
	closing := false
	for {
		for i, r := range h.runs {
			if v := r.version.Load(); v != sent[i] {
				var body []byte
				body, total[i] = r.historyJSON(total[i])
				sent[i] = v
				io.WriteString(w, "event: history\ndata: ")
				w.Write(body) // JSON without newlines: one data line
				io.WriteString(w, "\n\n")
			}
			if c, ok := r.liveCount(); ok && c != prog[i] {
				prog[i] = c
				fmt.Fprintf(w, "event: progress\ndata: {\"run\":%d,\"epoch\":%d,\"updates\":%d,\"updates_per_epoch\":%d,\"seconds\":%s}\n\n",
					i, c.Epoch, c.Updates, c.PerEpoch, strconv.FormatFloat(c.Seconds, 'f', 3, 64))
			}
		}
		if err := rc.Flush(); err != nil || closing {
			return // after Close, the last state has been sent
		}
		// Bursts of changes (bmDCA records every update) reach a page at
		// most every minGap, in one event.
		gap.Reset(minGap)
		select {
		case <-gap.C:
		case <-ctx.Done():
			return
		case <-h.done:
			closing = true
			continue
		}
		select {
		case <-ch:
		case <-beat.C:
			if _, err := fmt.Fprint(w, ": ping\n\n"); err != nil {
				return
			}
		case <-ctx.Done():
			return
		case <-h.done:
			closing = true
		}
	}
}

var _ http.Handler = (*Handler)(nil)

// Serve answers on l with h until ctx is done, then closes h and shuts the
// server down, waiting at most grace for requests in progress. It returns
// nil after ctx is done, or the error that stopped serving.
func Serve(ctx context.Context, l net.Listener, h *Handler, grace time.Duration) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	select {
	case err := <-errc:
		h.Close()
		return err
	case <-ctx.Done():
	}
	h.Close()
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	srv.Shutdown(sctx)
	<-errc
	return nil
}

// URL is the address of the page served on l: http://HOST:PORT/, with
// localhost for an unspecified host (0.0.0.0, ::).
func URL(l net.Listener) string {
	host, port, err := net.SplitHostPort(l.Addr().String())
	if err != nil {
		return "http://" + l.Addr().String() + "/"
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port) + "/"
}
