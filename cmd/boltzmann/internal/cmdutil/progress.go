package cmdutil

import (
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// Progress is a progress bar on stderr, shown only when stderr is a
// terminal and --quiet is not set (logs of batch jobs stay clean). A nil
// *Progress does nothing.
type Progress struct{ bar *progressbar.ProgressBar }

// NewProgress starts a progress bar of total steps described by desc.
func NewProgress(f *Factory, desc string, total int) *Progress {
	file, ok := f.Stderr.(*os.File)
	if f.Quiet || !ok || !term.IsTerminal(int(file.Fd())) {
		return &Progress{}
	}
	return &Progress{bar: progressbar.NewOptions(total,
		progressbar.OptionSetWriter(f.Stderr),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("updates"),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)}
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
