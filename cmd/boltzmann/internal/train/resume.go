package train

// What --resume does with the flags given beside it: the learning rate,
// its schedule and the totals (--epochs, --max-updates) change the
// continued run; every other setting is the run's own, and giving it is
// refused instead of ignored.

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/pflag"

	"boltzmann/cmd/boltzmann/internal/cmdutil"
	"boltzmann/optim"
	"boltzmann/runs"
	trainlib "boltzmann/train"
)

// resumeFlags are the flags that may accompany --resume (besides the
// global ones): those a continued run can apply.
var resumeFlags = []string{"resume", "epochs", "lr", "schedule", "max-updates", "quiet", "max-memory", "help", "serve"}

// checkResumeFlags refuses, before anything is read, the flags given with
// --resume that a continued run cannot apply, and checks the ones it can.
func checkResumeFlags(o *Options, fl *pflag.FlagSet) error {
	var bad []string
	fl.Visit(func(f *pflag.Flag) {
		if !slices.Contains(resumeFlags, f.Name) {
			bad = append(bad, "--"+f.Name)
		}
	})
	switch {
	case len(bad) > 0:
		return cmdutil.BadInput("--resume continues a run with the settings in its %s: %s cannot change (only --epochs, --lr, --schedule and, for alignments, --max-updates can); drop %s, or train a new run with --out", runs.ConfigFile, strings.Join(bad, ", "), plural(len(bad)))
	case o.Data != "":
		return cmdutil.BadInput("--resume reads the data named in the run's %s: drop the DATA argument %s", runs.ConfigFile, o.Data)
	case fl.Changed("lr") && !finitePositive(o.LR):
		return cmdutil.BadInput("--lr must be a positive finite number, got %g", o.LR)
	}
	if fl.Changed("schedule") {
		if _, err := optim.ParseSchedule(o.Schedule, 1, 1, 1); err != nil {
			return cmdutil.Input(err)
		}
	}
	return nil
}

func plural(n int) string {
	if n == 1 {
		return "it"
	}
	return "them"
}

// applyResume changes the settings tc of a run on rows by the --lr and
// --schedule given with --resume (--epochs is applied by resumeTrain). A
// run whose schedule is the default (linear decay to 1/50 of the initial
// rate) keeps that rule with a new --lr.
func (o *Options) applyResume(tc *runs.TrainConfig) error {
	if o.MaxUpdatesSet {
		return cmdutil.BadInput("--max-updates applies to runs on alignments: this run trains on rows of data, give --epochs")
	}
	if o.LR != 0 {
		if tc.Schedule == defaultSchedule(tc.LR) && o.Schedule == "" {
			tc.Schedule = defaultSchedule(o.LR)
		}
		tc.LR = o.LR
	}
	if o.Schedule != "" {
		tc.Schedule = o.Schedule
	}
	return nil
}

// defaultSchedule is the schedule of a run without --schedule: linear
// decay to 1/50 of the initial rate lr (trainConfig).
func defaultSchedule(lr float64) string {
	return "linear:" + strconv.FormatFloat(lr/50, 'g', -1, 64)
}

// applyResumeBMDCA changes the settings b of a bmDCA run by the --lr given
// with --resume (--max-updates is applied by resumeBMDCA).
func (o *Options) applyResumeBMDCA(b *runs.BMDCAConfig) error {
	switch {
	case o.EpochsSet:
		return cmdutil.BadInput("a run on an alignment counts updates, not epochs: give --max-updates instead of --epochs")
	case o.Schedule != "":
		return cmdutil.BadInput("bmDCA steps with a constant learning rate: drop --schedule (--lr sets the rate)")
	case o.LR != 0:
		b.LR = o.LR
	}
	return nil
}

// scheduleLog describes the learning rate of a resumed run for its log
// line: the schedule over the run's (new) total, the rate of its next
// update, and, for a schedule that depends on the total (linear), that
// the rate follows the new total.
func scheduleLog(tc *runs.TrainConfig, tr *trainlib.Trainer) []any {
	per := tr.UpdatesPerEpoch()
	sched, err := optim.ParseSchedule(tc.Schedule, tc.LR, per, per*tc.Epochs)
	if err != nil {
		return nil
	}
	args := []any{"lr", tc.LR, "schedule", fmt.Sprint(sched), "next_rate", sched.Rate(tr.Updates())}
	if name, _, _ := strings.Cut(strings.TrimSpace(tc.Schedule), ":"); strings.EqualFold(name, "linear") {
		args = append(args, "note", fmt.Sprintf("the linear schedule runs over the whole run, now %d epochs (%d updates): a new --epochs changes the rate of every update still to come", tc.Epochs, per*tc.Epochs))
	}
	return args
}
