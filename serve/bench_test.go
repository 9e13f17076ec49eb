package serve

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"boltzmann/dataset"
	"boltzmann/model"
	"boltzmann/runs"
	"boltzmann/train"
)

// page is what a browser showing the page asks for: the event stream,
// whose "history" events bring the new records, and the images when
// their files changed, at most every 5 s, as app.js does.
func page(b *testing.B, url string, ready *sync.WaitGroup, stop <-chan struct{}) {
	// A browser keeps its connections open between requests.
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	defer client.CloseIdleConnections()
	resp, err := client.Get(url + "/api/events")
	if err != nil {
		b.Error(err)
		ready.Done()
		return
	}
	defer resp.Body.Close()
	go func() {
		<-stop
		resp.Body.Close()
	}()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(nil, 1<<24)
	images, fetched := map[string]string{}, time.Time{}
	first := true
	for sc.Scan() {
		line := sc.Text()
		if first {
			first = false
			ready.Done()
		}
		if !strings.HasPrefix(line, `data: {"id":0,`) {
			continue
		}
		var d struct {
			Total int
			Run   RunInfo
		}
		json.Unmarshal([]byte(line[len("data: "):]), &d)
		if time.Since(fetched) < 5*time.Second {
			continue
		}
		fetched = time.Now()
		for which, key := range d.Run.Images {
			if images[which] == key {
				continue
			}
			images[which] = key
			if r, err := client.Get(url + "/api/runs/0/" + which + ".png"); err == nil {
				io.Copy(io.Discard, r.Body)
				r.Body.Close()
			}
		}
	}
}

// BenchmarkTrainWithPages measures one epoch of PCD-1 training of a
// float32 rbm (144 visible units on 12×12 bars and stripes, 256 hidden,
// 20 updates of 100 rows, the default monitoring) that saves its run
// directory after each epoch and feeds the live page through
// Handler.Recorder, without pages and with 100 pages open (event
// streams bringing the new records, images fetched as app.js does). The
// ratio of the two is the slowdown that BENCHMARKS.md reports.
func BenchmarkTrainWithPages(b *testing.B) {
	for _, pages := range []int{0, 100} {
		b.Run(fmt.Sprintf("pages=%d", pages), func(b *testing.B) {
			tmp := b.TempDir()
			dir := filepath.Join(tmp, "bas12")
			h, err := New([]string{dir}, nil)
			if err != nil {
				b.Fatal(err)
			}
			tc := &runs.TrainConfig{Data: "builtin:bars-and-stripes:12", N: 2000, Method: "pcd", K: 1, Epochs: math.MaxInt32,
				BatchSize: 100, Optimizer: "sgd", LR: 0.01, Schedule: "constant", Momentum: 0.5, Seed: 1, Float32: true}
			x, err := dataset.Read(tc.Data, tc.ReadOptions())
			if err != nil {
				b.Fatal(err)
			}
			m, err := runs.NewModel(model.Spec{Kind: "rbm", Hidden: 256}, x, tc.Seed)
			if err != nil {
				b.Fatal(err)
			}
			r, err := runs.Create(dir, false)
			if err != nil {
				b.Fatal(err)
			}
			r.Config = &runs.Config{Model: m.(model.Specifier).Spec(), Train: tc}
			if err := r.WriteConfig(); err != nil {
				b.Fatal(err)
			}
			s, err := tc.Settings(m, 2000)
			if err != nil {
				b.Fatal(err)
			}
			s.Recorders = append(s.Recorders, r.Saver(1), h.Recorder(0))
			tr, err := train.New(m, x, s)
			if err != nil {
				b.Fatal(err)
			}
			srv := startServer(b, h)
			stop := make(chan struct{})
			var ready, done sync.WaitGroup
			ready.Add(pages)
			done.Add(pages)
			for range pages {
				go func() {
					defer done.Done()
					page(b, srv.URL, &ready, stop)
				}()
			}
			ready.Wait()
			ctx := context.Background()
			if err := tr.RunEpoch(ctx); err != nil { // warm up: first save
				b.Fatal(err)
			}
			b.ResetTimer()
			for b.Loop() {
				if err := tr.RunEpoch(ctx); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			if got := h.Clients(); got != pages {
				b.Errorf("%d pages connected at the end, want %d", got, pages)
			}
			close(stop)
			h.Close()
			done.Wait()
		})
	}
}
