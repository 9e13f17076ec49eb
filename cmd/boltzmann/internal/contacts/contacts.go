// Package contacts implements 'boltzmann contacts': DCA contact prediction
// from the couplings of a Potts run (potts.Contacts).
package contacts

import (
	"io"

	"github.com/spf13/cobra"

	"boltzmann/cmd/boltzmann/internal/cmdutil"
	"boltzmann/internal/atomicfile"
	"boltzmann/model/potts"
)

// Options are the settings of one contacts invocation.
type Options struct {
	IO            *cmdutil.Factory
	Run, Out      string
	MinSeparation int
	IncludeGap    bool
}

// NewCmdContacts returns the contacts command; runF, if not nil, replaces
// the run function (tests of the flags).
func NewCmdContacts(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	o := &Options{IO: f}
	cmd := &cobra.Command{
		Use:   "contacts RUN_DIR [--out FILE] [--min-separation 4]",
		Short: "Rank residue pairs by coupling strength (DCA contact prediction)",
		Long: `Score every pair of sites i < j of the Potts model in RUN_DIR by the Frobenius
norm of its couplings in the zero-sum gauge (gap state excluded), corrected by
the average product (APC), and write one line "i j score" per pair, strongest
first, with 0-based site indices as in adabmDCA's files. Pairs closer than
--min-separation along the sequence are left out (after the APC).`,
		Example: `  boltzmann contacts runs/pf14 --out contacts.txt --min-separation 4`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Run = args[0]
			if o.MinSeparation < 0 {
				return cmdutil.BadInput("--min-separation must be non-negative, got %d", o.MinSeparation)
			}
			if runF != nil {
				return runF(o)
			}
			return run(o)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.Out, "out", "", "output file (default standard output)")
	fl.IntVar(&o.MinSeparation, "min-separation", 4, "leave out pairs with |i - j| below this")
	fl.BoolVar(&o.IncludeGap, "include-gap", false, "keep the gap state (code 0) in the Frobenius norms")
	return cmd
}

func run(o *Options) error {
	m, cfg, err := cmdutil.LoadRun(o.Run)
	if err != nil {
		return err
	}
	pm, ok := m.(*potts.Model)
	if !ok {
		return cmdutil.BadInput("%s holds a %s model: contacts needs the pairwise couplings of a run trained on an alignment with --model potts (a catrbm has none)", o.Run, cfg.Model.Kind)
	}
	if pm.L() < 3 {
		return cmdutil.BadInput("%s has %d sites: contacts needs at least 3", o.Run, pm.L())
	}
	pairs := potts.Contacts(pm, potts.ContactOptions{MinSeparation: o.MinSeparation, IncludeState0: o.IncludeGap})
	if o.Out == "" {
		return potts.WriteContacts(o.IO.Stdout, pairs)
	}
	if err := atomicfile.Write(o.Out, func(w io.Writer) error { return potts.WriteContacts(w, pairs) }); err != nil {
		return cmdutil.WriteError(o.Out, err)
	}
	o.IO.Logger().Info("contacts written", "pairs", len(pairs), "out", o.Out)
	return nil
}
