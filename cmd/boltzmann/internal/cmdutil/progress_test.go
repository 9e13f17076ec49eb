package cmdutil

import (
	"bytes"
	"strings"
	"testing"
)

// TestEndProgress: a bar left half-drawn (a run interrupted between two
// updates) is erased by EndProgress, once; a finished bar is left alone,
// and a Factory that drew none writes nothing.
func TestEndProgress(t *testing.T) {
	var buf bytes.Buffer
	f := &Factory{Stderr: &buf, Terminal: true}
	f.EndProgress()
	if buf.Len() != 0 {
		t.Fatalf("EndProgress without a bar wrote %q", buf.String())
	}
	p := NewProgress(f, "updates", 10)
	p.Set(3)
	p.bar.RenderBlank()
	drawn := buf.Len()
	f.EndProgress()
	if buf.Len() == drawn || !strings.HasSuffix(buf.String(), "\r") {
		t.Errorf("EndProgress left the bar: %q", buf.String()[drawn:])
	}
	cleared := buf.Len()
	f.EndProgress()
	if buf.Len() != cleared {
		t.Errorf("a second EndProgress wrote %q", buf.String()[cleared:])
	}
	q := NewProgress(f, "updates", 2)
	q.Set(2)
	q.Finish()
	finished := buf.Len()
	f.EndProgress()
	if buf.Len() != finished {
		t.Errorf("EndProgress after Finish wrote %q", buf.String()[finished:])
	}
}
