// Package root assembles the boltzmann command line: the root command with
// its persistent flags, the subcommands, and the mapping of errors to exit
// codes and one-line messages.
package root

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"

	"github.com/spf13/cobra"

	"boltzmann/cmd/boltzmann/internal/classify"
	"boltzmann/cmd/boltzmann/internal/cmdutil"
	"boltzmann/cmd/boltzmann/internal/contacts"
	"boltzmann/cmd/boltzmann/internal/denoise"
	"boltzmann/cmd/boltzmann/internal/energies"
	"boltzmann/cmd/boltzmann/internal/evaluate"
	"boltzmann/cmd/boltzmann/internal/inpaint"
	"boltzmann/cmd/boltzmann/internal/sample"
	"boltzmann/cmd/boltzmann/internal/serve"
	"boltzmann/cmd/boltzmann/internal/train"
	"boltzmann/cmd/boltzmann/internal/transform"
	"boltzmann/internal/memory"

	_ "boltzmann/model/gaussian" // register model kinds
	_ "boltzmann/model/ising"
	_ "boltzmann/model/rbm"
)

// Main runs the command line with args and returns the exit code: 0 on
// success, 1 when the work failed, 2 for bad input. An error is printed to
// stderr as one line "boltzmann: …".
//
// A panic of the command's own goroutine (a bug: user input is checked
// before it reaches the library) is printed the same way, as an internal
// error with exit code 1, instead of a stack trace; BOLTZMANN_TRACEBACK=1
// lets it through with its trace.
func Main(args []string, stdout, stderr io.Writer) (code int) {
	if os.Getenv("BOLTZMANN_TRACEBACK") == "" {
		defer func() {
			if p := recover(); p != nil {
				fmt.Fprintln(stderr, "boltzmann: internal error: "+cmdutil.OneLine(fmt.Sprint(p))+" (a bug: please report it with the command line; BOLTZMANN_TRACEBACK=1 prints the trace)")
				code = cmdutil.ExitFailure
			}
		}()
	}
	memory.SetLimit(0) // until --max-memory is parsed
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	f := &cmdutil.Factory{Stdout: stdout, Stderr: stderr}
	root := NewCmdRoot(f)
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "boltzmann: "+cmdutil.OneLine(err.Error()))
	}
	return cmdutil.ExitCode(err)
}

// NewCmdRoot returns the root command with every subcommand.
func NewCmdRoot(f *cmdutil.Factory) *cobra.Command { return newCmdRoot(f, false) }

// stub returns nil, or with dry a run function that does nothing: the
// command then parses and checks its flags and arguments only.
func stub[T any](dry bool) func(*T) error {
	if !dry {
		return nil
	}
	return func(*T) error { return nil }
}

// newCmdRoot returns the root command; with dry every subcommand only
// parses and checks its command line (the README test).
func newCmdRoot(f *cmdutil.Factory, dry bool) *cobra.Command {
	var maxMemory string
	root := &cobra.Command{
		Use:   "boltzmann",
		Short: "Energy-based models trained by Monte Carlo",
		Long: `boltzmann fits energy-based models p(x) = exp(-E(x))/Z to unlabeled data by
maximizing the log-likelihood, with the model averages of the gradient estimated
from fantasy particles drawn by Monte Carlo.

Data files: ` + cmdutil.DataFormats + `.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			level := slog.LevelInfo
			if f.Quiet {
				level = slog.LevelWarn
			}
			f.Log = slog.New(slog.NewTextHandler(f.Stderr, &slog.HandlerOptions{Level: level}))
			return setMaxMemory(maxMemory)
		},
	}
	root.PersistentFlags().BoolVarP(&f.Quiet, "quiet", "q", false, "print only warnings and errors, no progress bar")
	root.PersistentFlags().StringVar(&maxMemory, "max-memory", "", "memory a command may use, e.g. 8GiB or 500MB: larger estimated needs are refused before anything is allocated (default: the memory available, MemAvailable)")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return cmdutil.Input(err) })
	root.AddCommand(
		train.NewCmdTrain(f, stub[train.Options](dry)),
		sample.NewCmdSample(f, stub[sample.Options](dry)),
		evaluate.NewCmdEvaluate(f, stub[evaluate.Options](dry)),
		inpaint.NewCmdInpaint(f, stub[inpaint.Options](dry)),
		denoise.NewCmdDenoise(f, stub[denoise.Options](dry)),
		classify.NewCmdClassify(f, stub[classify.Options](dry)),
		transform.NewCmdTransform(f, stub[transform.Options](dry)),
		energies.NewCmdEnergies(f, stub[energies.Options](dry)),
		contacts.NewCmdContacts(f, stub[contacts.Options](dry)),
		serve.NewCmdServe(f, stub[serve.Options](dry)),
	)
	return root
}

// setMaxMemory sets the process's memory budget from --max-memory ("":
// the memory the machine has available).
func setMaxMemory(flag string) error {
	if flag == "" {
		memory.SetLimit(0)
		return nil
	}
	s, err := memory.Parse(flag)
	if err != nil {
		return cmdutil.BadInput("--max-memory: %v", err)
	}
	memory.SetLimit(s)
	return nil
}
