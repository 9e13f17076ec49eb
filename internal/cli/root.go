// Package cli implements the boltzmann command line. Each command is an
// options struct filled from flags and a run function that calls the
// library; the command files stay thin.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"

	"github.com/spf13/cobra"

	_ "boltzmann/model/gaussian" // register model kinds
	_ "boltzmann/model/ising"
	_ "boltzmann/model/rbm"
)

// Exit codes.
const (
	exitOK       = 0
	exitFailure  = 1 // the work failed (training diverged, interrupted)
	exitBadInput = 2 // bad flags, arguments or input files
)

// inputError marks an error caused by the user's input: exit code 2.
type inputError struct{ err error }

func (e inputError) Error() string { return e.err.Error() }
func (e inputError) Unwrap() error { return e.err }

// badInput wraps err (or formats a message) as an input error.
func badInput(format string, args ...any) error {
	return inputError{fmt.Errorf(format, args...)}
}

// env carries what commands share: output streams and the logger.
type env struct {
	stdout, stderr io.Writer
	log            *slog.Logger
	quiet          bool
}

// Main runs the command line with args and returns the exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	e := &env{stdout: stdout, stderr: stderr}
	root := newRootCmd(e)
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	fmt.Fprintln(stderr, "boltzmann: "+oneLine(err.Error()))
	var ie inputError
	if errors.As(err, &ie) || isCobraUsageError(err) {
		return exitBadInput
	}
	return exitFailure
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// isCobraUsageError recognizes cobra's own flag and argument errors.
func isCobraUsageError(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown flag", "unknown shorthand", "unknown command", "accepts ", "requires at least", "invalid argument", "flag needs an argument", "required flag"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}

func newRootCmd(e *env) *cobra.Command {
	root := &cobra.Command{
		Use:   "boltzmann",
		Short: "Energy-based models trained by Monte Carlo",
		Long: `boltzmann fits energy-based models p(x) = exp(-E(x))/Z to unlabeled data by
maximizing the log-likelihood, with the model averages of the gradient estimated
from fantasy particles drawn by Monte Carlo.

Data files: ` + dataFormats + `.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRun: func(cmd *cobra.Command, _ []string) {
			level := slog.LevelInfo
			if e.quiet {
				level = slog.LevelWarn
			}
			e.log = slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: level}))
		},
	}
	root.PersistentFlags().BoolVarP(&e.quiet, "quiet", "q", false, "print only warnings and errors, no progress bar")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return inputError{err} })
	for _, newCmd := range commands {
		root.AddCommand(newCmd(e))
	}
	return root
}

// commands lists the constructors of the subcommands; each command file
// adds its own in init.
var commands []func(*env) *cobra.Command

func register(f func(*env) *cobra.Command) { commands = append(commands, f) }
