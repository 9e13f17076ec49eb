package serve

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"boltzmann/cmd/boltzmann/internal/cmdutil"
	"boltzmann/model"
	"boltzmann/runs"
)

func parse(t *testing.T, args ...string) (*Options, int, string) {
	t.Helper()
	var got *Options
	code, msg := cmdutil.Execute(NewCmdServe(&cmdutil.Factory{}, func(o *Options) error { got = o; return nil }), args...)
	if got != nil {
		got.IO, got.Ctx = nil, nil
	}
	return got, code, msg
}

func TestFlags(t *testing.T) {
	if o, code, msg := parse(t, "runs/a"); code != 0 || !reflect.DeepEqual(*o, Options{Dirs: []string{"runs/a"}, Addr: "127.0.0.1:8080"}) {
		t.Errorf("defaults: exit %d %s, %+v", code, msg, o)
	}
	o, _, _ := parse(t, "runs/a", "runs/b", "--addr", "0.0.0.0:9000")
	if !reflect.DeepEqual(*o, Options{Dirs: []string{"runs/a", "runs/b"}, Addr: "0.0.0.0:9000"}) {
		t.Errorf("flags: %+v", *o)
	}
	if o, _, _ := parse(t, "runs/a", "--addr", ":0"); o == nil || o.Addr != ":0" {
		t.Errorf("--addr :0: %+v", o)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{}, "serve needs at least one RUN_DIR"},
		{[]string{"runs/a", "--addr", "8080"}, "give HOST:PORT, for example 127.0.0.1:8080"},
		{[]string{"runs/a", "--addr", "localhost:http"}, `port "http" is not a number`},
		{[]string{"runs/a", "--addr", "127.0.0.1:70000"}, `port "70000" is not a number in [0, 65535]`},
		{[]string{"runs/a", "--frobnicate"}, "unknown flag"},
	} {
		if o, code, msg := parse(t, c.args...); o != nil || code != 2 || !strings.Contains(msg, c.want) {
			t.Errorf("%v: called %v, exit %d, %q; want exit 2 and %q", c.args, o != nil, code, msg, c.want)
		}
	}
}

// lineWriter sends each line written to it.
type lineWriter chan string

func (w lineWriter) Write(p []byte) (int, error) {
	for _, l := range strings.Split(strings.TrimRight(string(p), "\n"), "\n") {
		w <- l
	}
	return len(p), nil
}

// TestServeRuns serves two runs until the context ends: the first line
// printed is the page's URL, and the page lists the runs.
func TestServeRuns(t *testing.T) {
	tmp := t.TempDir()
	var dirs []string
	for _, name := range []string{"a", "b"} {
		dir := filepath.Join(tmp, name)
		os.Mkdir(dir, 0o755)
		c := &runs.Config{Model: model.Spec{Kind: "ising", Visible: 9}, Train: &runs.TrainConfig{Epochs: 3}}
		if err := runs.WriteConfig(dir, c); err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, dir)
	}
	lines := make(lineWriter, 10)
	ctx, cancel := context.WithCancel(context.Background())
	o := &Options{IO: &cmdutil.Factory{Stdout: lines, Stderr: io.Discard}, Ctx: ctx, Dirs: dirs, Addr: "127.0.0.1:0"}
	errc := make(chan error)
	go func() { errc <- run(o) }()
	var url string
	select {
	case url = <-lines:
	case err := <-errc:
		t.Fatal(err)
	}
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Fatalf("first line %q", url)
	}
	resp, err := http.Get(url + "api/runs")
	if err != nil {
		t.Fatal(err)
	}
	var info []map[string]any
	json.NewDecoder(resp.Body).Decode(&info)
	resp.Body.Close()
	if len(info) != 2 || info[0]["name"] != "a" || info[1]["kind"] != "ising" {
		t.Errorf("%v", info)
	}
	cancel()
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
}

func TestServeNotARun(t *testing.T) {
	dir := t.TempDir()
	code, msg := cmdutil.Execute(NewCmdServe(&cmdutil.Factory{Stdout: io.Discard, Stderr: io.Discard}, nil), dir, "--addr", "127.0.0.1:0")
	if code != 2 || !strings.Contains(msg, "not a run directory") {
		t.Errorf("exit %d: %s", code, msg)
	}
}
