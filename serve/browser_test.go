package serve

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"boltzmann/runs"
	"boltzmann/train"
)

// chromium returns the path of a Chromium or Chrome executable, or skips
// the test.
func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("skipping the browser test: Chromium is not installed (Debian: apt-get install chromium)")
	return ""
}

// screenshotDir is where the browser test saves its screenshot for a
// person to look at: $BOLTZMANN_TESTDATA_OUT, or testdata-out in the
// package directory (ignored by git).
func screenshotDir() string {
	if d := os.Getenv("BOLTZMANN_TESTDATA_OUT"); d != "" {
		return d
	}
	return "testdata-out"
}

// TestBrowser loads the page in headless Chromium over a finished run
// and a run being trained in this process: the finished run's curves hold
// exactly its recorded points, the running one gains a point when an
// epoch ends, the image panels render, and a screenshot is saved.
func TestBrowser(t *testing.T) {
	exe := chromium(t)
	tmp := t.TempDir()
	finished := finishedRun(t, tmp, "finished", 4)
	// A scatter of connected correlations, as a bmDCA run saves it.
	if err := runs.WriteCorrelations(finished, runs.NewCorrelations(4, []float64{-0.1, 0, 0.2}, []float64{-0.08, 0.01, 0.15})); err != nil {
		t.Fatal(err)
	}
	h := newHandler(t, finished, filepath.Join(tmp, "running"))
	srv := startServer(t, h)

	// The running run stops after each epoch until released.
	reached, release := make(chan int), make(chan struct{})
	running := newTestRun(t, tmp, "running", 3, h.Recorder(1), train.RecorderFunc(func(_ *train.Trainer, r train.Record) error {
		if r.Event == train.EpochEvent {
			reached <- r.Epoch
			<-release
		}
		return nil
	}))
	trained := make(chan error, 1)
	go func() { trained <- running.tr.Run(context.Background()) }()
	defer func() {
		close(release)
		for range reached {
		}
	}()
	go func() {
		<-trained
		close(reached)
	}()
	if e := <-reached; e != 1 {
		t.Fatalf("epoch %d", e)
	}

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.WindowSize(1280, 1400))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancelCtx := chromedp.NewContext(actx)
	defer cancelCtx()
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	chromedp.ListenTarget(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventExceptionThrown:
			t.Errorf("the page threw: %s", ev.ExceptionDetails.Error())
		case *runtime.EventConsoleAPICalled:
			for _, a := range ev.Args {
				t.Logf("console.%s: %s %s", ev.Type, a.Value, a.Description)
			}
		}
	})

	points := func(panel string) string {
		return `(document.querySelector('[data-panel="` + panel + `"]') || {dataset: {}}).dataset.points`
	}
	var plotted string
	err := chromedp.Run(ctx,
		chromedp.Navigate(srv.URL),
		chromedp.WaitVisible(`body[data-ready="true"]`),
		// 4 points of the finished run and 1 of the running one.
		chromedp.Poll(points("recon")+` === "5"`, nil, chromedp.WithPollingTimeout(10*time.Second)),
		chromedp.Evaluate(`JSON.stringify(state.plots.recon.plot.data)`, &plotted),
		// The chains' autocorrelation time of each epoch, and the scatter.
		chromedp.Poll(points("autocorr")+` === "5"`, nil, chromedp.WithPollingTimeout(10*time.Second)),
		chromedp.Poll(points("scatter")+` === "3"`, nil, chromedp.WithPollingTimeout(10*time.Second)),
	)
	if err != nil {
		var dbg string
		chromedp.Run(ctx, chromedp.Evaluate(`JSON.stringify({p: [...document.querySelectorAll('.panel')].map(d => d.dataset.panel + ':' + d.dataset.points), n: Object.values(state.data).map(d => d.records.length), ready: document.body.dataset.ready})`, &dbg))
		t.Fatalf("the page of the runs: %v (recon points %q)", err, dbg)
	}
	var data [][]*float64
	if err := json.Unmarshal([]byte(plotted), &data); err != nil || len(data) != 3 {
		t.Fatalf("recon plot data %s: %v", plotted, err)
	}
	recs, _ := runs.ReadHistory(finished)
	if len(data[0]) != len(recs) {
		t.Fatalf("%d x values for %d epochs: %s", len(data[0]), len(recs), plotted)
	}
	for i, r := range recs {
		if x, y := data[0][i], data[1][i]; x == nil || *x != float64(r.Epoch) || y == nil || *y != r.Recon {
			t.Errorf("point %d of the finished run is %v, %v; recorded (%d, %v)", i, deref(x), deref(y), r.Epoch, r.Recon)
		}
	}

	// An epoch ends: the running run gains a point, without reloading.
	release <- struct{}{}
	if e := <-reached; e != 2 {
		t.Fatalf("epoch %d", e)
	}
	var samplesW, filtersW int
	var csv string
	var status string
	err = chromedp.Run(ctx,
		chromedp.Poll(points("recon")+` === "6"`, nil, chromedp.WithPollingTimeout(10*time.Second)),
		chromedp.Poll(`[...document.querySelectorAll('#images img')].length === 4 && [...document.querySelectorAll('#images img')].every(i => i.complete && i.naturalWidth > 0)`,
			nil, chromedp.WithPollingTimeout(10*time.Second)),
		chromedp.Evaluate(`document.querySelector('#img-0-samples img').naturalWidth`, &samplesW),
		chromedp.Evaluate(`document.querySelector('#img-0-filters img').naturalWidth`, &filtersW),
		chromedp.Evaluate(`csvOf(panels.find(p => p.id === 'recon'), state.plots.recon.table).split('\n')[0]`, &csv),
		chromedp.Evaluate(`document.getElementById('conn').dataset.state`, &status),
	)
	if err != nil {
		t.Fatalf("after the second epoch: %v", err)
	}
	if samplesW != 5*56+4 || filtersW != 4*56+3 {
		t.Errorf("image widths %d, %d", samplesW, filtersW)
	}
	if csv != "epoch,finished: train,running: train" {
		t.Errorf("CSV header %q", csv)
	}
	if status != "live" {
		t.Errorf("connection %q", status)
	}

	var shot []byte
	if err := chromedp.Run(ctx, chromedp.FullScreenshot(&shot, 100)); err != nil {
		t.Fatal(err)
	}
	dir := screenshotDir()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "live-page.png")
	if err := os.WriteFile(path, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs(path)
	t.Logf("screenshot of the page: %s", abs)
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}
