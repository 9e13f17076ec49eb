// Package cmdutil holds what the boltzmann commands share: the Factory of
// output streams and logger, input errors and the exit codes they map to,
// data-loading flags and checks, output writers and progress bars.
package cmdutil

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"strconv"
	"strings"
)

// Exit codes of the command line.
const (
	ExitOK       = 0
	ExitFailure  = 1 // the work failed (training diverged, interrupted)
	ExitBadInput = 2 // bad flags, arguments or input files
)

// Factory carries what commands share: output streams, the --quiet flag
// and the logger (set by the root command before a command runs).
type Factory struct {
	Stdout, Stderr io.Writer
	Quiet          bool
	Log            *slog.Logger
	// Terminal shows progress bars on Stderr whatever it is, as on a
	// terminal (tests of the bars).
	Terminal bool

	progress *Progress // the last bar drawn (EndProgress)
}

// Logger returns the logger, or one that discards everything when the root
// command has not set one (a command built alone, as in tests).
func (f *Factory) Logger() *slog.Logger {
	if f.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return f.Log
}

// InputError marks an error caused by the user's input: exit code 2.
type InputError struct{ Err error }

func (e InputError) Error() string { return e.Err.Error() }
func (e InputError) Unwrap() error { return e.Err }

// BadInput formats a message as an input error.
func BadInput(format string, args ...any) error {
	return InputError{fmt.Errorf(format, args...)}
}

// Input marks err (nil stays nil) as an input error.
func Input(err error) error {
	if err == nil {
		return nil
	}
	return InputError{err}
}

// ExitCode maps a command's error to the exit code: 0 for nil, 2 for input
// errors and cobra's own flag and argument errors, 1 otherwise.
func ExitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var ie InputError
	if errors.As(err, &ie) || isCobraUsageError(err) {
		return ExitBadInput
	}
	return ExitFailure
}

// OneLine joins the lines and runs of spaces of s into one line.
func OneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

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

// Ptr returns &v, or nil for NaN and ±Inf (omitted from JSON).
func Ptr(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

// Round rounds x to digits decimals, for log lines.
func Round(x float64, digits int) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'f', digits, 64), 64)
	return v
}
