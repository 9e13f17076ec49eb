package train

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"boltzmann/cmd/boltzmann/internal/cmdutil"
)

func TestServeFlag(t *testing.T) {
	o, code, msg := parse(t, "x.npy", "--model", "rbm", "--out", "run", "--serve", "127.0.0.1:9000")
	if code != 0 || o.Serve != "127.0.0.1:9000" {
		t.Fatalf("exit %d %s, %+v", code, msg, o)
	}
	if o, _, _ := parse(t, "x.npy", "--model", "rbm", "--out", "run"); o.Serve != "" {
		t.Errorf("--serve is off by default: %q", o.Serve)
	}
	for _, c := range []struct{ addr, want string }{
		{"9000", "give HOST:PORT"}, {"localhost:x", `port "x" is not a number`},
	} {
		if o, code, msg := parse(t, "x.npy", "--model", "rbm", "--out", "run", "--serve", c.addr); o != nil || code != 2 || !strings.Contains(msg, c.want) {
			t.Errorf("--serve %s: called %v, exit %d, %q", c.addr, o != nil, code, msg)
		}
	}
}

// firstLine hands the first line written to it (the page's URL) to got,
// and blocks that write until got returns.
type firstLine struct {
	got  func(line string)
	done bool
}

func (w *firstLine) Write(p []byte) (int, error) {
	if !w.done {
		w.done = true
		w.got(strings.TrimSpace(strings.SplitN(string(p), "\n", 2)[0]))
	}
	return len(p), nil
}

// TestServeWhileTraining: the first line printed is the page's URL, the
// page's event stream reports each epoch as it ends (the in-process
// recorder is attached), and the server stops with the training.
func TestServeWhileTraining(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "bas")
	events := make(chan string, 1000)
	var url string
	out := &firstLine{got: func(line string) {
		url = line
		resp, err := http.Get(line + "api/events")
		if err != nil {
			t.Errorf("the page's events: %v", err)
			close(events)
			return
		}
		go func() {
			defer resp.Body.Close()
			defer close(events)
			sc := bufio.NewScanner(resp.Body)
			for sc.Scan() {
				events <- sc.Text()
			}
		}()
	}}
	f := &cmdutil.Factory{Stdout: out, Stderr: io.Discard, Quiet: true}
	code, msg := cmdutil.Execute(NewCmdTrain(f, nil), "builtin:bars-and-stripes:3", "--n-builtin", "200", "--model", "rbm", "--hidden", "4",
		"--batch-size", "20", "--epochs", "4", "--out", dir, "--serve", "127.0.0.1:0")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, msg)
	}
	if !strings.HasPrefix(url, "http://127.0.0.1:") || !strings.HasSuffix(url, "/") {
		t.Fatalf("first line %q is not the page's URL", url)
	}
	var all []string
	for e := range events { // ends when the server stops
		all = append(all, e)
	}
	joined := strings.Join(all, "\n")
	if !strings.Contains(joined, `event: progress`) || !strings.Contains(joined, `"epoch":4,"updates":40,`) {
		t.Errorf("no progress of the 4th epoch in the events:\n%s", joined)
	}
	if _, err := os.Stat(filepath.Join(dir, "checkpoint.bin")); err != nil {
		t.Error(err)
	}
	if len(liveRecorders(dir)) != 0 {
		t.Error("the recorder outlives the command")
	}
}

// TestServePortInUse: an address that cannot be listened on is bad input,
// and nothing is written.
func TestServePortInUse(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	dir := filepath.Join(t.TempDir(), "bas")
	f := &cmdutil.Factory{Stdout: io.Discard, Stderr: io.Discard, Quiet: true}
	code, msg := cmdutil.Execute(NewCmdTrain(f, nil), "builtin:bars-and-stripes:3", "--model", "rbm", "--out", dir, "--serve", l.Addr().String())
	if code != 2 || !strings.Contains(msg, "cannot listen on --serve "+l.Addr().String()) || !strings.Contains(msg, "choose another address or port") {
		t.Errorf("exit %d: %s", code, msg)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("%s was created: %v", dir, err)
	}
}
