package cmdutil

import (
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// Progress is a progress bar on stderr, shown only when stderr is a
// terminal (or Factory.Terminal is set) and --quiet is not set (logs of
// batch jobs stay clean). A nil *Progress does nothing.
type Progress struct{ bar *progressbar.ProgressBar }

// NewProgress starts a progress bar of total updates described by desc.
func NewProgress(f *Factory, desc string, total int) *Progress {
	return NewProgressOf(f, desc, "updates", total)
}

// NewProgressOf starts a progress bar of total steps, counted in unit
// (such as "sweeps"), described by desc.
func NewProgressOf(f *Factory, desc, unit string, total int) *Progress {
	if f.Quiet || !f.Terminal && !isTerminal(f.Stderr) {
		return &Progress{}
	}
	p := &Progress{bar: progressbar.NewOptions(total,
		progressbar.OptionSetWriter(f.Stderr),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString(unit),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)}
	f.progress = p
	return p
}

// EndProgress erases the last bar the Factory drew if it is still on the
// terminal: a run interrupted between two updates ends with its message,
// not under a half-drawn bar.
func (f *Factory) EndProgress() {
	if p := f.progress; p != nil {
		f.progress = nil
		if !p.bar.IsFinished() {
			p.bar.Clear()
		}
	}
}

// Set shows n steps done.
func (p *Progress) Set(n int) {
	if p != nil && p.bar != nil {
		p.bar.Set(n)
	}
}

// Finish completes the bar.
func (p *Progress) Finish() {
	if p != nil && p.bar != nil {
		p.bar.Finish()
	}
}

// Clear erases the bar from the terminal, before a log line; the next Set
// draws it again.
func (p *Progress) Clear() {
	if p != nil && p.bar != nil {
		p.bar.Clear()
	}
}

// ProgressFunc returns a callback for the library's progress reports
// (done of total steps, such as tasks.InferSettings.OnSweep): a bar
// described by desc, counting unit, started at the first report and
// finished at the last.
func ProgressFunc(f *Factory, desc, unit string) func(done, total int) {
	var bar *Progress
	return func(done, total int) {
		if bar == nil {
			bar = NewProgressOf(f, desc, unit, total)
		}
		bar.Set(done)
		if done >= total {
			bar.Finish()
		}
	}
}

func isTerminal(w io.Writer) bool {
	file, ok := w.(*os.File)
	return ok && term.IsTerminal(int(file.Fd()))
}
