// Package serve implements 'boltzmann serve': the live page of run
// directories (package serve of the library), finished or being trained,
// side by side.
package serve

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"boltzmann/cmd/boltzmann/internal/cmdutil"
	"boltzmann/runs"
	servelib "boltzmann/serve"
)

// Options are the settings of one serve invocation.
type Options struct {
	IO   *cmdutil.Factory
	Ctx  context.Context
	Dirs []string
	Addr cmdutil.Addr
}

// NewCmdServe returns the serve command; runF, if not nil, replaces the
// run function (tests of the flags).
func NewCmdServe(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	o := &Options{IO: f, Addr: cmdutil.DefaultAddr}
	cmd := &cobra.Command{
		Use:   "serve RUN_DIR [RUN_DIR ...] [--addr HOST:PORT]",
		Short: "Serve a live web page of training runs: curves, samples, filters",
		Long: `Serve a web page of the run directories: learning curves (exact and
pseudo-log-likelihood, reconstruction error, validation; Pearson and slope for
bmDCA runs), learning rate, time per epoch and remaining time, the AIS
evaluation of RUN_DIR/evaluation.json, and for image data the fantasy
particles and the hidden units' filters. Several runs are overlaid. The page
follows runs being trained (by another process too) as their files are
rewritten; every plot's data downloads as CSV.

The first line printed is the page's address. The server is read-only, serves
only the runs' own files, and listens on 127.0.0.1 (this machine only) unless
--addr says otherwise. Stop it with Ctrl-C.`,
		Example: `  boltzmann serve runs/bas
  boltzmann serve runs/bas-cd1 runs/bas-pcd1 --addr 127.0.0.1:9000
  boltzmann serve runs/pf14 --addr 0.0.0.0:8080   # reachable from other machines`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return cmdutil.BadInput("serve needs at least one RUN_DIR (a directory written by 'boltzmann train --out')")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Dirs, o.Ctx = args, cmd.Context()
			if runF != nil {
				return runF(o)
			}
			return run(o)
		},
	}
	cmd.Flags().Var(&o.Addr, "addr", "address to listen on; 0.0.0.0:PORT to be reached from other machines, port 0 for any free port")
	return cmd
}

func run(o *Options) error {
	for _, d := range o.Dirs {
		if _, err := runs.Open(d); err != nil {
			return cmdutil.Input(err)
		}
	}
	addr := string(o.Addr)
	l, err := cmdutil.Listen("--addr", addr)
	if err != nil {
		return err
	}
	h, err := servelib.New(o.Dirs, &servelib.Options{LocalHostOnly: cmdutil.IsLoopback(addr)})
	if err != nil {
		l.Close()
		return err
	}
	fmt.Fprintln(o.IO.Stdout, servelib.URL(l))
	o.IO.Logger().Info("serving", "runs", len(o.Dirs), "address", l.Addr().String(), "stop", "Ctrl-C")
	ctx := o.Ctx
	if ctx == nil {
		ctx = context.Background()
	}
	return servelib.Serve(ctx, l, h, 2*time.Second)
}
