package cmdutil

import (
	"io"

	"github.com/spf13/cobra"
)

// Execute runs cmd on its own with args, its output discarded, as the root
// command would run it (flag errors are input errors), and returns the
// exit code and the one-line message of its error ("" on success). Tests
// of a command's flags build it with a stand-in run function and call
// Execute.
func Execute(cmd *cobra.Command, args ...string) (code int, msg string) {
	cmd.SetArgs(args)
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return Input(err) })
	err := cmd.Execute()
	if err != nil {
		msg = OneLine(err.Error())
	}
	return ExitCode(err), msg
}
