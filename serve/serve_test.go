package serve

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"image/png"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"boltzmann/internal/atomicfile"
	"boltzmann/model"
	"boltzmann/runs"
	"boltzmann/train"
)

func get(t *testing.T, h http.Handler, target string) *httptest.ResponseRecorder {
	t.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", target, nil))
	return w
}

func newHandler(t *testing.T, dirs ...string) *Handler {
	t.Helper()
	h, err := New(dirs, &Options{Poll: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	return h
}

// TestEndpoints asks every endpoint of a finished run and checks the
// status, the content type and the content.
func TestEndpoints(t *testing.T) {
	tmp := t.TempDir()
	dir := finishedRun(t, tmp, "bas", 3)
	eval := `{"log_z": 12.5, "log_z_lower": 12.1, "log_z_upper": 12.9, "log_z_method": "ais"}`
	if err := os.WriteFile(filepath.Join(dir, EvaluationFile), []byte(eval), 0o644); err != nil {
		t.Fatal(err)
	}
	h := newHandler(t, dir)
	cases := []struct {
		path, ctype string
		check       func(t *testing.T, body []byte)
	}{
		{"/", "text/html; charset=utf-8", func(t *testing.T, b []byte) {
			if !bytes.Contains(b, []byte(`src="/assets/vendor/uPlot.iife.min.js"`)) {
				t.Error("the page does not load uPlot")
			}
		}},
		{"/assets/app.js", "text/javascript; charset=utf-8", nil},
		{"/assets/style.css", "text/css; charset=utf-8", nil},
		{"/assets/vendor/uPlot.iife.min.js", "text/javascript; charset=utf-8", func(t *testing.T, b []byte) {
			if !bytes.Contains(b, []byte("uPlot")) {
				t.Error("not uPlot")
			}
		}},
		{"/assets/vendor/uPlot.min.css", "text/css; charset=utf-8", nil},
		{"/assets/vendor/LICENSE", "text/plain; charset=utf-8", func(t *testing.T, b []byte) {
			if !bytes.Contains(b, []byte("MIT")) {
				t.Error("not the MIT licence")
			}
		}},
		{"/api/runs", "application/json", func(t *testing.T, b []byte) {
			var runs []RunInfo
			if err := json.Unmarshal(b, &runs); err != nil || len(runs) != 1 {
				t.Fatalf("%s: %v", b, err)
			}
			r := runs[0]
			if r.Name != "bas" || r.Kind != "rbm" || r.BMDCA || r.Images["samples"] == "" || r.Images["filters"] == "" {
				t.Errorf("%+v", r)
			}
		}},
		{"/api/runs/0/config", "application/json", func(t *testing.T, b []byte) {
			var c runs.Config
			if err := json.Unmarshal(b, &c); err != nil || c.Model.Kind != "rbm" || c.Train.Epochs != 3 {
				t.Errorf("%s: %v", b, err)
			}
		}},
		{"/api/runs/0/history", "application/json", func(t *testing.T, b []byte) {
			var d struct {
				Version     uint64
				From, Total int
				Records     []train.Record
				Progress    map[string]any
			}
			if err := json.Unmarshal(b, &d); err != nil {
				t.Fatal(err)
			}
			want, _ := runs.ReadHistory(dir)
			if d.Total != 3 || len(d.Records) != 3 || d.From != 0 {
				t.Fatalf("%d of %d records from %d", len(d.Records), d.Total, d.From)
			}
			for i, r := range d.Records {
				if r.Epoch != i+1 || r.Recon != want[i].Recon || r.TrainLL != want[i].TrainLL {
					t.Errorf("record %d: %+v, want %+v", i, r, want[i])
				}
			}
			p := d.Progress
			if p["unit"] != "epoch" || p["done"] != 3.0 || p["total"] != 3.0 || p["remaining"] != 0.0 || p["per_unit"] == nil || p["lr"] != 0.05 {
				t.Errorf("progress %v", p)
			}
		}},
		{"/api/runs/0/history?from=2", "application/json", func(t *testing.T, b []byte) {
			var d struct {
				From, Total int
				Records     []train.Record
			}
			if err := json.Unmarshal(b, &d); err != nil || d.From != 2 || d.Total != 3 || len(d.Records) != 1 || d.Records[0].Epoch != 3 {
				t.Errorf("%s: %v", b, err)
			}
		}},
		{"/api/runs/0/history.csv", "text/csv; charset=utf-8", func(t *testing.T, b []byte) {
			rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
			if err != nil || len(rows) != 4 {
				t.Fatalf("%d rows: %v", len(rows), err)
			}
			head := strings.Join(rows[0], ",")
			for _, c := range []string{"epoch", "seconds", "lr", "train_log_likelihood", "reconstruction_error"} {
				if !strings.Contains(head, c) {
					t.Errorf("no column %s in %s", c, head)
				}
			}
			if strings.Contains(head, "pearson") || strings.Contains(head, "update,") {
				t.Errorf("unmeasured columns in %s", head)
			}
			if rows[3][0] != "3" {
				t.Errorf("last row %v", rows[3])
			}
		}},
		{"/api/runs/0/evaluation", "application/json", func(t *testing.T, b []byte) {
			if string(b) != `{"log_z":12.5,"log_z_lower":12.1,"log_z_upper":12.9,"log_z_method":"ais"}` {
				t.Errorf("%s", b)
			}
		}},
		{"/api/runs/0/samples.png", "image/png", func(t *testing.T, b []byte) {
			img, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			// 20 chains of 4×4 pixels scaled 14×: a 5×4 grid.
			if sz := img.Bounds().Size(); sz.X != 5*56+4 || sz.Y != 4*56+3 {
				t.Errorf("size %v", sz)
			}
		}},
		{"/api/runs/0/filters.png", "image/png", func(t *testing.T, b []byte) {
			img, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			// 12 hidden units: a 4×3 grid.
			if sz := img.Bounds().Size(); sz.X != 4*56+3 || sz.Y != 3*56+2 {
				t.Errorf("size %v", sz)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.path, func(t *testing.T) {
			w := get(t, h, tc.path)
			if w.Code != 200 {
				t.Fatalf("status %d: %s", w.Code, w.Body)
			}
			if ct := w.Header().Get("Content-Type"); ct != tc.ctype {
				t.Errorf("Content-Type %q, want %q", ct, tc.ctype)
			}
			if w.Header().Get("X-Content-Type-Options") != "nosniff" {
				t.Error("no nosniff")
			}
			if tc.check != nil {
				tc.check(t, w.Body.Bytes())
			}
		})
	}
}

// TestNotFound: unknown paths, runs, files, traversal attempts and
// symbolic links out of the run are 404; nothing but GET and HEAD is
// answered.
func TestNotFound(t *testing.T) {
	tmp := t.TempDir()
	dir := finishedRun(t, tmp, "bas", 1)
	secret := filepath.Join(tmp, "secret.json")
	os.WriteFile(secret, []byte(`{"secret": true}`), 0o644)
	h := newHandler(t, dir)
	for _, p := range []string{
		"/nothing", "/index.html", "/api", "/api/runs/1/config", "/api/runs/-1/config", "/api/runs/00/config",
		"/api/runs/x/config", "/api/runs/0/checkpoint.bin", "/api/runs/0/model.npz", "/api/runs/0/config.json",
		"/api/runs/0/history.jsonl", "/api/runs/0/curves.png", "/api/runs/0/evaluation", "/api/runs/0/../../secret.json",
		"/api/runs/0/%2e%2e%2fsecret.json", "/api/runs/0/..%2f..%2fsecret.json", "/assets/", "/assets/vendor",
		"/assets/vendor/", "/assets/vendor/update.sh", "/assets/vendor/README.md", "/assets/vendor/VERSION",
		"/assets/../serve.go", "/assets/%2e%2e/serve.go", "/assets/..%2fserve.go", "/assets/vendor/..%2f..%2fserve.go",
		"/api/runs/0/config/extra",
	} {
		t.Run(p, func(t *testing.T) {
			w := httptest.NewRecorder()
			req := httptest.NewRequest("GET", "/", nil)
			req.URL.RawPath, req.URL.Path = p, mustUnescape(t, p)
			req.RequestURI = p
			h.ServeHTTP(w, req)
			if w.Code != 404 && !(w.Code == 301 || w.Code == 307) {
				t.Fatalf("status %d: %s", w.Code, w.Body)
			}
			if w.Code != 404 {
				// The mux redirects to the cleaned path; follow it once.
				loc := w.Header().Get("Location")
				w = get(t, h, loc)
				if w.Code != 404 {
					t.Fatalf("%s → %s: status %d", p, loc, w.Code)
				}
			}
			if bytes.Contains(w.Body.Bytes(), []byte("secret")) || bytes.Contains(w.Body.Bytes(), []byte("package serve")) {
				t.Fatal("leaked a file")
			}
		})
	}
	// Symbolic links in the run pointing out of it.
	link := finishedRun(t, tmp, "linked", 1)
	for _, name := range []string{runs.ConfigFile, EvaluationFile} {
		os.Remove(filepath.Join(link, name))
		if err := os.Symlink(secret, filepath.Join(link, name)); err != nil {
			t.Skip("no symbolic links:", err)
		}
	}
	hl := newHandler(t, link)
	for _, p := range []string{"/api/runs/0/config", "/api/runs/0/evaluation"} {
		if w := get(t, hl, p); w.Code != 404 || bytes.Contains(w.Body.Bytes(), []byte("secret")) {
			t.Errorf("%s through a symbolic link out of the run: %d %s", p, w.Code, w.Body)
		}
	}
	// A symbolic link inside the run is followed.
	os.Remove(filepath.Join(link, EvaluationFile))
	os.WriteFile(filepath.Join(link, "eval-copy.json"), []byte(`{"log_z":1}`), 0o644)
	os.Symlink("eval-copy.json", filepath.Join(link, EvaluationFile))
	if w := get(t, hl, "/api/runs/0/evaluation"); w.Code != 200 || w.Body.String() != `{"log_z":1}` {
		t.Errorf("symbolic link inside the run: %d %s", w.Code, w.Body)
	}
	for _, m := range []string{"POST", "PUT", "DELETE", "PATCH"} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(m, "/api/runs/0/config", strings.NewReader("{}")))
		if w.Code != http.StatusMethodNotAllowed {
			t.Errorf("%s: status %d", m, w.Code)
		}
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("HEAD", "/api/runs/0/config", nil))
	if w.Code != 200 {
		t.Errorf("HEAD: %d", w.Code)
	}
	if w := get(t, h, "/api/runs/0/history?from=-1"); w.Code != 400 {
		t.Errorf("from=-1: %d", w.Code)
	}
}

func mustUnescape(t *testing.T, p string) string {
	req, err := http.NewRequest("GET", "http://x"+p, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req.URL.Path
}

// TestNoImagesWithoutImageData: a run that is not on image data has no
// image panels.
func TestNoImagesWithoutImageData(t *testing.T) {
	dir := t.TempDir()
	c := &runs.Config{Model: model.Spec{Kind: "potts", Visible: 10, States: 21}, BMDCA: &runs.BMDCAConfig{MaxUpdates: 100}}
	if err := runs.WriteConfig(dir, c); err != nil {
		t.Fatal(err)
	}
	recs := []train.Record{}
	for u := range 4 {
		var r train.Record
		line := fmt.Sprintf(`{"epoch":%d,"update":%d,"updates":%d,"sweeps":%d,"seconds":%d,"lr":0.05,"pearson":%g,"slope":0.9,"pearson_fi":0.99}`,
			u+1, u, u+1, 10*(u+1), u+1, 0.5+0.1*float64(u))
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatal(err)
		}
		recs = append(recs, r)
	}
	if err := runs.WriteHistory(dir, recs); err != nil {
		t.Fatal(err)
	}
	h := newHandler(t, dir)
	for _, p := range []string{"/api/runs/0/samples.png", "/api/runs/0/filters.png"} {
		if w := get(t, h, p); w.Code != 404 {
			t.Errorf("%s: %d", p, w.Code)
		}
	}
	var info []RunInfo
	json.Unmarshal(get(t, h, "/api/runs").Body.Bytes(), &info)
	if !info[0].BMDCA || len(info[0].Images) != 0 {
		t.Errorf("%+v", info[0])
	}
	var d struct {
		Progress map[string]any
	}
	json.Unmarshal(get(t, h, "/api/runs/0/history").Body.Bytes(), &d)
	if p := d.Progress; p["unit"] != "update" || p["done"] != 4.0 || p["total"] != 100.0 || p["remaining"] != 96.0 {
		t.Errorf("progress %v", p)
	}
	rows, _ := csv.NewReader(bytes.NewReader(get(t, h, "/api/runs/0/history.csv").Body.Bytes())).ReadAll()
	if got := strings.Join(rows[0], ","); got != "epoch,update,updates,sweeps,seconds,lr,pearson,slope,pearson_fi" {
		t.Errorf("header %s", got)
	}
}

// TestRewrite: while the history, config and checkpoint are rewritten
// over and over (atomically, as package runs writes them) and history
// lines are caught half written (by a writer that does not), concurrent
// readers always get complete JSON, and never fewer records than they
// saw before.
func TestRewrite(t *testing.T) {
	tmp := t.TempDir()
	dir := finishedRun(t, tmp, "bas", 2)
	h := newHandler(t, dir)
	base, _ := runs.ReadHistory(dir)
	cfg, _ := runs.ReadConfig(dir)
	ckpt, _ := os.ReadFile(filepath.Join(dir, runs.CheckpointFile))
	const rounds = 60
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		recs := append([]train.Record(nil), base...)
		for i := range rounds {
			r := recs[len(recs)-1]
			r.Epoch++
			recs = append(recs, r)
			if err := runs.WriteHistory(dir, recs); err != nil {
				t.Error(err)
				return
			}
			if err := runs.WriteConfig(dir, cfg); err != nil {
				t.Error(err)
			}
			if err := atomicfile.WriteBytes(filepath.Join(dir, runs.CheckpointFile), ckpt); err != nil {
				t.Error(err)
			}
			if i%10 == 5 {
				// A torn file: a line without its end. It must not
				// reach a reader.
				var buf bytes.Buffer
				for _, r := range recs {
					line, _ := json.Marshal(r)
					buf.Write(line)
					buf.WriteByte('\n')
				}
				buf.WriteString(`{"epoch": 99, "reconstruction_er`)
				os.WriteFile(filepath.Join(dir, runs.HistoryFile), buf.Bytes(), 0o644)
				time.Sleep(2 * time.Millisecond)
				runs.WriteHistory(dir, recs)
			}
		}
	}()
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			seen := 0
			for range rounds {
				for _, p := range []string{"/api/runs/0/history", "/api/runs/0/config", "/api/runs/0/samples.png"} {
					w := httptest.NewRecorder()
					h.ServeHTTP(w, httptest.NewRequest("GET", p, nil))
					if w.Code != 200 {
						t.Errorf("%s: status %d", p, w.Code)
						return
					}
					if p == "/api/runs/0/samples.png" {
						continue
					}
					if !json.Valid(w.Body.Bytes()) {
						t.Errorf("%s: invalid JSON %q", p, w.Body)
						return
					}
					if p == "/api/runs/0/history" {
						var d struct{ Records []train.Record }
						json.Unmarshal(w.Body.Bytes(), &d)
						if len(d.Records) < seen {
							t.Errorf("%d records after %d", len(d.Records), seen)
						}
						seen = len(d.Records)
						for _, r := range d.Records {
							if r.Epoch == 99 {
								t.Error("a torn record was served")
							}
						}
					}
				}
			}
		}()
	}
	wg.Wait()
	var d struct{ Records []train.Record }
	json.Unmarshal(get(t, h, "/api/runs/0/history").Body.Bytes(), &d)
	if len(d.Records) != len(base)+rounds {
		t.Errorf("%d records at the end, want %d", len(d.Records), len(base)+rounds)
	}
}

// startServer serves h until the end of the test; the handler is
// closed first, which ends its event streams.
func startServer(t testing.TB, h *Handler) *httptest.Server {
	srv := httptest.NewServer(h)
	t.Cleanup(func() {
		h.Close()
		srv.Close()
	})
	return srv
}

// sseClient reads the events of /api/events.
type sseClient struct {
	resp *http.Response
	ev   chan [2]string // event, data
}

func dialEvents(t testing.TB, url string) *sseClient {
	t.Helper()
	resp, err := http.Get(url + "/api/events")
	if err != nil {
		t.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("Content-Type %q", ct)
	}
	c := &sseClient{resp: resp, ev: make(chan [2]string, 1000)}
	go func() {
		defer close(c.ev)
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(nil, 1<<24)
		var event, data string
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if event != "" {
					c.ev <- [2]string{event, data}
				}
				event, data = "", ""
			case strings.HasPrefix(line, "event: "):
				event = line[7:]
			case strings.HasPrefix(line, "data: "):
				data = line[6:]
			}
		}
	}()
	t.Cleanup(func() { resp.Body.Close() })
	return c
}

// wait returns the data of the next event of that name whose data
// contain want.
func (c *sseClient) wait(t *testing.T, event, want string) string {
	t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case e, ok := <-c.ev:
			if !ok {
				t.Fatalf("stream ended waiting for %s %s", event, want)
			}
			if e[0] == event && strings.Contains(e[1], want) {
				return e[1]
			}
		case <-timeout:
			t.Fatalf("no %s event with %s", event, want)
		}
	}
}

// TestEventsFromFiles: a run written by another process (here: files
// written directly) sends its whole history first, then the new records
// when its history grows.
func TestEventsFromFiles(t *testing.T) {
	tmp := t.TempDir()
	dir := finishedRun(t, tmp, "bas", 2)
	other := finishedRun(t, tmp, "other", 1)
	h := newHandler(t, dir, other)
	srv := startServer(t, h)
	c := dialEvents(t, srv.URL)
	first := c.wait(t, "history", `{"id":0,`)
	c.wait(t, "history", `{"id":1,`)
	if !strings.Contains(first, `"from":0,"total":2,`) {
		t.Errorf("first event of run 0: %s", first)
	}
	recs, _ := runs.ReadHistory(dir)
	r := recs[len(recs)-1]
	r.Epoch = 3
	runs.WriteHistory(dir, append(recs, r))
	next := c.wait(t, "history", `{"id":0,`)
	var doc struct {
		From, Total int
		Records     []train.Record
	}
	if err := json.Unmarshal([]byte(next), &doc); err != nil || doc.From != 2 || doc.Total != 3 || len(doc.Records) != 1 || doc.Records[0].Epoch != 3 {
		t.Fatalf("after the history grew: %s (%v)", next, err)
	}
	var d struct{ Total int }
	json.Unmarshal(get(t, h, "/api/runs/0/history").Body.Bytes(), &d)
	if d.Total != 3 {
		t.Errorf("%d records", d.Total)
	}
	// Close ends the stream.
	h.Close()
	for range c.ev {
	}
}

// TestRecorderFeed: a run trained in this process, fed by Recorder, has
// its records on the page as they are made, and progress events.
func TestRecorderFeed(t *testing.T) {
	tmp := t.TempDir()
	h := newHandler(t, filepath.Join(tmp, "bas"))
	srv := startServer(t, h)
	c := dialEvents(t, srv.URL)
	var info []RunInfo
	json.Unmarshal(get(t, h, "/api/runs").Body.Bytes(), &info)
	if info[0].Kind != "" {
		t.Fatalf("a run without config.json has kind %q", info[0].Kind)
	}
	gate := make(chan struct{})
	r := newTestRun(t, tmp, "bas", 3, h.Recorder(0), train.RecorderFunc(func(_ *train.Trainer, rec train.Record) error {
		if rec.Event == train.EpochEvent {
			<-gate
		}
		return nil
	}))
	done := make(chan error)
	go func() { done <- r.tr.Run(context.Background()) }()
	for epoch := 1; epoch <= 3; epoch++ {
		c.wait(t, "progress", fmt.Sprintf(`"epoch":%d,`, epoch))
		var d struct {
			Total   int
			Records []train.Record
		}
		json.Unmarshal(get(t, h, "/api/runs/0/history").Body.Bytes(), &d)
		if d.Total != epoch || d.Records[epoch-1].Epoch != epoch {
			t.Fatalf("epoch %d: %d records", epoch, d.Total)
		}
		gate <- struct{}{}
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	json.Unmarshal(get(t, h, "/api/runs").Body.Bytes(), &info)
	if info[0].Kind != "rbm" || info[0].Images["samples"] == "" {
		t.Errorf("%+v", info[0])
	}
}

// TestLocalHostOnly refuses other Host names (DNS rebinding).
func TestLocalHostOnly(t *testing.T) {
	dir := finishedRun(t, t.TempDir(), "bas", 1)
	h, _ := New([]string{dir}, &Options{LocalHostOnly: true})
	defer h.Close()
	for host, code := range map[string]int{"localhost:8080": 200, "127.0.0.1:8080": 200, "[::1]:8080": 200, "evil.example:8080": 403, "evil.example": 403} {
		req := httptest.NewRequest("GET", "/api/runs", nil)
		req.Host = host
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != code {
			t.Errorf("Host %s: %d, want %d", host, w.Code, code)
		}
	}
}

func TestURL(t *testing.T) {
	for addr, want := range map[string]string{"127.0.0.1:0": "http://127.0.0.1:", "0.0.0.0:0": "http://localhost:"} {
		l, err := net.Listen("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		if u := URL(l); !strings.HasPrefix(u, want) || !strings.HasSuffix(u, "/") {
			t.Errorf("%s: %s", addr, u)
		}
		l.Close()
	}
}

// TestServe serves until the context ends, with an open event stream.
func TestServe(t *testing.T) {
	dir := finishedRun(t, t.TempDir(), "bas", 1)
	h, _ := New([]string{dir}, nil)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error)
	go func() { errc <- Serve(ctx, l, h, time.Second) }()
	c := dialEvents(t, strings.TrimSuffix(URL(l), "/"))
	c.wait(t, "history", `{"id":0,`)
	resp, err := http.Get(URL(l) + "api/runs/0/config")
	if err != nil || resp.StatusCode != 200 {
		t.Fatal(resp, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	cancel()
	select {
	case err := <-errc:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return")
	}
}

// TestDamagedFiles: a damaged checkpoint or model has no image (404),
// and the rest of the run is served.
func TestDamagedFiles(t *testing.T) {
	dir := finishedRun(t, t.TempDir(), "bas", 1)
	for _, name := range []string{runs.CheckpointFile, runs.ModelFile} {
		path := filepath.Join(dir, name)
		data, _ := os.ReadFile(path)
		data[len(data)/2] ^= 0xff
		os.WriteFile(path, data, 0o644)
	}
	h := newHandler(t, dir)
	for _, p := range []string{"/api/runs/0/samples.png", "/api/runs/0/filters.png"} {
		if w := get(t, h, p); w.Code != 404 {
			t.Errorf("%s: %d", p, w.Code)
		}
	}
	if w := get(t, h, "/api/runs/0/history"); w.Code != 200 {
		t.Errorf("history: %d", w.Code)
	}
}
