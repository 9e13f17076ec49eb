package train

// --serve HOST:PORT: the live page of the run being trained, fed by a
// recorder of this process (package serve). train.go calls o.startServe
// before anything else and appends liveRecorders to each trainer.

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"time"

	"boltzmann/cmd/boltzmann/internal/cmdutil"
	"boltzmann/serve"
	trainlib "boltzmann/train"
)

// live holds the recorders of the runs served by this process, by
// cleaned run directory.
var live struct {
	sync.Mutex
	recorders map[string]trainlib.Recorder
}

// liveRecorders returns the recorder that feeds the live page of the run
// in dir, if --serve serves it.
func liveRecorders(dir string) []trainlib.Recorder {
	live.Lock()
	defer live.Unlock()
	if r, ok := live.recorders[filepath.Clean(dir)]; ok {
		return []trainlib.Recorder{r}
	}
	return nil
}

// startServe listens on --serve, prints the page's URL as the first line
// of standard output and serves the run of --out or --resume until stop
// is called. A port in use is an input error, before anything is written.
func (o *Options) startServe() (stop func(), err error) {
	dir := o.Out
	if o.Resume != "" {
		dir = o.Resume
	}
	addr := string(o.Serve)
	l, err := cmdutil.Listen("--serve", addr)
	if err != nil {
		return nil, err
	}
	h, err := serve.New([]string{dir}, &serve.Options{LocalHostOnly: cmdutil.IsLoopback(addr)})
	if err != nil {
		l.Close()
		return nil, err
	}
	key := filepath.Clean(dir)
	live.Lock()
	if live.recorders == nil {
		live.recorders = map[string]trainlib.Recorder{}
	}
	live.recorders[key] = h.Recorder(0)
	live.Unlock()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := serve.Serve(ctx, l, h, time.Second); err != nil {
			o.IO.Logger().Warn("the live page stopped", "error", err)
		}
	}()
	fmt.Fprintln(o.IO.Stdout, serve.URL(l))
	return func() {
		cancel()
		<-done
		live.Lock()
		delete(live.recorders, key)
		live.Unlock()
	}, nil
}
