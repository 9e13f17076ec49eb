package train

// Which train flags each model kind uses: a flag given for a kind that
// would not use it is refused with one line (exit 2, nothing written)
// instead of being silently ignored. Flags missing from the table apply to
// every kind.

import (
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"boltzmann/cmd/boltzmann/internal/cmdutil"
	"boltzmann/model/catrbm"
	"boltzmann/model/gbrbm"
	"boltzmann/model/potts"
	"boltzmann/model/rbm"
)

// Kinds of the table: the model kinds, and "labeled" for an rbm with
// --labels.
const (
	kindLabeled  = "labeled"
	kindIsing    = "ising"
	kindGaussian = "gaussian"
)

var (
	rowKinds       = []string{rbm.Kind, kindLabeled, kindIsing, kindGaussian, gbrbm.Kind}
	alignmentKinds = []string{potts.Kind, catrbm.Kind}
)

// flagKinds maps a flag to the kinds that use it, and says why the others
// do not.
var flagKinds = map[string]struct {
	kinds []string
	why   string
}{
	"hidden":     {[]string{rbm.Kind, kindLabeled, gbrbm.Kind, catrbm.Kind}, "it has no hidden units"},
	"method":     {[]string{rbm.Kind, kindLabeled, kindIsing, gbrbm.Kind}, "bmDCA keeps persistent chains"},
	"k":          {[]string{rbm.Kind, kindLabeled, kindIsing, gbrbm.Kind, potts.Kind, catrbm.Kind}, ""},
	"float64":    {[]string{rbm.Kind, kindLabeled}, "it always computes in float64"},
	"epochs":     {rowKinds, "a run on an alignment counts updates: give --max-updates"},
	"batch-size": {rowKinds, "bmDCA uses the whole alignment's statistics at every update"},
	"momentum":   {rowKinds, "bmDCA uses plain gradient steps"},
	"schedule":   {rowKinds, "bmDCA steps with a constant learning rate (--lr sets it)"},
	"l1":         {rowKinds, "bmDCA has no penalty"},
	"l2":         {rowKinds, "bmDCA has no penalty"},
	"penalize":   {rowKinds, "bmDCA has no penalty"},
	"val":        {rowKinds, "bmDCA monitors the Pearson correlation of the alignment's statistics"},
	"labels":     {rowKinds, "an alignment has no class labels"},
	"key":        {rowKinds, "an alignment file is read whole, as FASTA/A2M"},
	"binarize":   {rowKinds, "an alignment file is read whole, as FASTA/A2M"},
	"limit":      {rowKinds, "an alignment file is read whole, as FASTA/A2M"},
	"n-builtin":  {rowKinds, "an alignment file is read whole, as FASTA/A2M"},
	"data-seed":  {rowKinds, "an alignment file is read whole, as FASTA/A2M"},
	"sampler":    {[]string{rbm.Kind, kindLabeled, kindIsing, gbrbm.Kind, potts.Kind}, "bmDCA of a catrbm samples by Gibbs sweeps"},
	// save-trajectory: snapshots per epoch, which bmDCA runs do not have.
	"save-trajectory": {rowKinds, "bmDCA runs have no epochs (--save-every sets how often the run is written)"},
	// Flags of rows of data whose finer checks (labeled.go, gbrbm.go,
	// negative.go, train.go) do not see alignment runs.
	"objective":       {rowKinds, "an alignment has no class labels"},
	"alpha":           {rowKinds, "an alignment has no class labels"},
	"val-labels":      {rowKinds, "an alignment has no class labels"},
	"val-fraction":    {rowKinds, "an alignment has no class labels"},
	"patience":        {rowKinds, "an alignment has no class labels"},
	"sparsity":        {rowKinds, "it applies to --model rbm only"},
	"sparsity-cost":   {rowKinds, "it applies to --model rbm only"},
	"centering":       {rowKinds, "it applies to --model rbm only"},
	"float32":         {rowKinds, "it applies to --model rbm only"},
	"standardize":     {rowKinds, "it applies to --model gbrbm only"},
	"fixed-variance":  {rowKinds, "it applies to --model gbrbm only"},
	"replicas":        {append([]string{potts.Kind}, rowKinds...), "bmDCA of a catrbm samples by Gibbs sweeps"},
	"swap-acceptance": {append([]string{potts.Kind}, rowKinds...), "bmDCA of a catrbm samples by Gibbs sweeps"},
	"reweight":        {alignmentKinds, "it applies to alignments only"},
	"pseudocount":     {alignmentKinds, "it applies to alignments only"},
	"target-pearson":  {alignmentKinds, "it applies to alignments only"},
	"max-updates":     {alignmentKinds, "it applies to alignments only: give --epochs"},
	"save-every":      {alignmentKinds, "it applies to alignments only: runs on rows are written after every epoch"},
	"alphabet":        {alignmentKinds, "it applies to alignments only"},
}

// kind is the kind of the table that a new run trains, or "" when the
// flags do not name one (validate refuses them).
func (o *Options) kind() string {
	switch {
	case o.alignment() && o.Model == "":
		return potts.Kind
	case o.Model == rbm.Kind && o.Labels != "":
		return kindLabeled
	}
	return o.Model
}

// checkApplies refuses the flags given for a new run that its model kind
// does not use, and --momentum with adam, --sparsity-cost without
// --sparsity.
func checkApplies(o *Options, fl *pflag.FlagSet) error {
	kind := o.kind()
	if !slices.Contains(rowKinds, kind) && !slices.Contains(alignmentKinds, kind) {
		return nil
	}
	// The flags refused, grouped by the reason, in the order of the reasons.
	var whys []string
	flags := map[string][]string{}
	n := 0
	fl.VisitAll(func(f *pflag.Flag) {
		k, ok := flagKinds[f.Name]
		if !f.Changed || !ok || slices.Contains(k.kinds, kind) {
			return
		}
		why := k.why
		if kind == kindGaussian && (f.Name == "method" || f.Name == "k" || f.Name == "sampler") {
			why = "its negative phase draws exact, independent samples"
		}
		if _, seen := flags[why]; !seen {
			whys = append(whys, why)
		}
		flags[why] = append(flags[why], "--"+f.Name)
		n++
	})
	name := "--model " + kind
	if kind == kindLabeled {
		name = "a labeled rbm (--labels)"
	}
	var parts []string
	for _, why := range whys {
		parts = append(parts, strings.Join(flags[why], ", ")+" ("+why+")")
	}
	switch {
	case n > 0:
		return cmdutil.BadInput("%s does not use %s: drop %s", name, strings.Join(parts, "; "), plural(n))
	case fl.Changed("momentum") && o.Optimizer == "adam",
		fl.Changed("momentum") && !fl.Changed("optimizer") && (kind == kindGaussian || kind == gbrbm.Kind):
		return cmdutil.BadInput("--momentum applies to --optimizer sgd, but %s trains with adam: drop --momentum or pass --optimizer sgd", name)
	case fl.Changed("chains") && o.Method == "cd":
		return cmdutil.BadInput("--chains sets the persistent chains of --method pcd, but cd restarts one chain at each minibatch row: drop --chains or use --method pcd")
	case fl.Changed("sparsity-cost") && !fl.Changed("sparsity"):
		return cmdutil.BadInput("--sparsity-cost sets the strength of --sparsity: add --sparsity P or drop --sparsity-cost")
	}
	return nil
}
