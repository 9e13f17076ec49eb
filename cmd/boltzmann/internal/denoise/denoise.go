// Package denoise implements 'boltzmann denoise': removal of flip noise
// from binary data under a trained model (tasks.Denoise).
package denoise

import (
	"encoding/json"
	"math"
	"math/rand/v2"

	"github.com/spf13/cobra"
	"gonum.org/v1/gonum/mat"

	"boltzmann/cmd/boltzmann/internal/cmdutil"
	"boltzmann/model/gbrbm"
	"boltzmann/model/rbm"
	"boltzmann/tasks"
)

// Options are the settings of one denoise invocation.
type Options struct {
	IO             *cmdutil.Factory
	Run, Data, Out string
	FlipRate       float64
	NoiseSigma     float64 // additive Gaussian noise of a gbrbm run (gaussian.go)
	AddNoise       bool
	Infer          cmdutil.InferFlags
	DataFlags      cmdutil.DataFlags
	BinarizeSet    bool // --binarize given (else the run's)
}

// NewCmdDenoise returns the denoise command; runF, if not nil, replaces
// the run function (tests of the flags).
func NewCmdDenoise(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	o := &Options{IO: f}
	cmd := &cobra.Command{
		Use:   "denoise RUN_DIR DATA {--flip-rate E | --noise-sigma S} --out FILE.npy",
		Short: "Remove flip noise from binary data with a trained model",
		Long: `Infer clean data from DATA, whose binary units were each flipped independently
with probability E (--flip-rate), under the model in RUN_DIR combined with the
noise likelihood: a Gibbs chain whose units feel the noisy observation as an
extra field, a log-odds of ±log((1-E)/E) toward the observed value, samples
p(clean | noisy). The output is the posterior mean (the probability of 1,
Rao-Blackwellized over --sweeps sweeps after --burn-in) or, with --output
samples, one posterior draw per row. NaN entries of a .npy DATA carry no
evidence and are inferred as well. For a labeled rbm, DATA may hold the data
units only (the label is unknown and summed over) or the label units too (a
given label is clamped, not taken as noisy; the noise touches the data units
only).

With --add-noise, DATA are clean: they are first flipped with rate E (seeded
by --seed), and --json reports the error rates of the noisy input, of the
denoised result (posterior mean thresholded at 1/2) and of a 3x3 median
filter of the noisy images.

For a gbrbm run (real-valued data) the noise is additive Gaussian of standard
deviation S (--noise-sigma, in the data's units) instead: the posterior
p(clean | noisy) is again a Gaussian-Bernoulli RBM, with the observation as a
visible field, sampled by its block Gibbs sampler. With --add-noise the data
are first corrupted by that noise, and --json reports the root mean squared
errors of the noisy input, of the posterior mean and of a 3x3 median filter.`,
		Example: `  boltzmann denoise runs/mnist t10k-images-idx3-ubyte.gz --binarize threshold --limit 100 \
      --flip-rate 0.1 --add-noise --out clean.npy --png denoise.png --json`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Run, o.Data = args[0], args[1]
			o.BinarizeSet = cmd.Flags().Changed("binarize")
			if err := o.validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(o)
			}
			return run(o)
		},
	}
	fl := cmd.Flags()
	fl.Float64Var(&o.FlipRate, "flip-rate", 0, "probability E that each unit was flipped, in (0, 0.5)")
	fl.Float64Var(&o.NoiseSigma, "noise-sigma", 0, "gbrbm (real-valued data): standard deviation of additive Gaussian noise, in the data's units")
	fl.BoolVar(&o.AddNoise, "add-noise", false, "DATA are clean: flip them with --flip-rate first and measure the result")
	fl.StringVar(&o.Out, "out", "", "output file (.npy, .npz or .csv)")
	o.Infer.Register(cmd)
	o.DataFlags.Register(cmd)
	return cmd
}

func (o *Options) validate() error {
	if o.Out == "" {
		return cmdutil.BadInput("denoise needs --out FILE.npy")
	}
	if o.NoiseSigma != 0 || o.FlipRate == 0 {
		return o.validateGaussian()
	}
	if !(o.FlipRate > 0 && o.FlipRate < 0.5) {
		return cmdutil.BadInput("--flip-rate must lie in (0, 0.5), got %g", o.FlipRate)
	}
	return o.Infer.Check()
}

// report is the JSON printed by denoise --json.
type report struct {
	NSamples      int      `json:"n_samples"`
	FlipRate      float64  `json:"flip_rate"`
	Changed       float64  `json:"changed_fraction"`
	NoisyError    *float64 `json:"noisy_error_rate,omitempty"`
	DenoisedError *float64 `json:"denoised_error_rate,omitempty"`
	MedianError   *float64 `json:"median3x3_error_rate,omitempty"`
}

func run(o *Options) error {
	write, err := cmdutil.ArrayWriter(o.Out)
	if err != nil {
		return err
	}
	m, _, x, nanMask, err := cmdutil.LoadRunAndEvidence(o.Run, o.Data, o.DataFlags, o.BinarizeSet)
	if err != nil {
		return err
	}
	cmdutil.UsePrecision(m, o.Infer.Float64)
	if gbrbm.IsReal(m) {
		return o.runGaussian(m, x, nanMask, write)
	}
	if o.FlipRate == 0 {
		return cmdutil.BadInput("--noise-sigma is for real-valued data (a gbrbm run); %s holds a binary model: give --flip-rate", o.Run)
	}
	n, d := x.Dims()
	if err := o.Infer.CheckMemory(m, n); err != nil {
		return err
	}
	if err := cmdutil.CheckStates(m, x, nanMask, o.Data); err != nil {
		return err
	}
	h, w, err := cmdutil.ImageShape(o.Infer.Shape, d, o.Infer.PNG != "")
	if err != nil {
		return err
	}
	if h == 0 && o.AddNoise && o.Infer.JSON {
		if s := int(math.Round(math.Sqrt(float64(d)))); s*s == d {
			h, w = s, s
		}
	}
	noisy := x
	if o.AddNoise {
		if nanMask != nil {
			return cmdutil.BadInput("--add-noise needs complete data, but %s has NaN entries", o.Data)
		}
		rng := rand.New(rand.NewPCG(o.Infer.Seed, 0x6e6f697365))
		if l, ok := m.(*rbm.Labeled); ok && d == l.Dim() {
			// The label block is given, not noisy: flip the data units.
			noisy = mat.DenseCopyOf(x)
			nd := l.DataDim()
			noisy.Slice(0, n, 0, nd).(*mat.Dense).Copy(tasks.Flip(mat.DenseCopyOf(x.Slice(0, n, 0, nd)), o.FlipRate, rng))
		} else {
			noisy = tasks.Flip(x, o.FlipRate, rng)
		}
	}
	settings := o.Infer.Settings()
	settings.OnSweep = cmdutil.ProgressFunc(o.IO, "denoising", "sweeps")
	post, err := tasks.Denoise(m, noisy, o.FlipRate, nanMask, settings)
	if err != nil {
		return cmdutil.Input(err)
	}
	if err := o.output(write, x, noisy, post, h, w, "flip_rate", o.FlipRate); err != nil {
		return err
	}
	if !o.Infer.JSON {
		return nil
	}
	rep := report{NSamples: n, FlipRate: o.FlipRate, Changed: tasks.ThresholdError(noisy, post.Mean)}
	if o.AddNoise {
		rep.NoisyError = cmdutil.Ptr(tasks.ThresholdError(x, noisy))
		rep.DenoisedError = cmdutil.Ptr(tasks.ThresholdError(x, post.Mean))
		if h > 0 {
			rep.MedianError = cmdutil.Ptr(tasks.ThresholdError(x, tasks.MedianFilter(noisy, h, w)))
		}
	}
	return json.NewEncoder(o.IO.Stdout).Encode(rep)
}

// output writes the posterior mean (or draws, --output samples) of the
// rows noisy, logs it with the noise level (key, level), and draws the
// originals x (with --add-noise), the noisy rows and the result side by
// side into --png (images h×w).
func (o *Options) output(write func(*mat.Dense) error, x, noisy *mat.Dense, post *tasks.Posterior, h, w int, key string, level float64) error {
	result := post.Mean
	if o.Infer.Output == "samples" {
		result = post.Sample
	}
	if err := write(result); err != nil {
		return err
	}
	n, _ := noisy.Dims()
	o.IO.Logger().Info("denoised", "rows", n, key, level, "out", o.Out)
	if o.Infer.PNG == "" {
		return nil
	}
	cols, titles := []*mat.Dense{noisy, result}, []string{"noisy", "denoised"}
	if o.AddNoise {
		cols, titles = []*mat.Dense{x, noisy, result}, []string{"original", "noisy", "denoised"}
	}
	return cmdutil.SideBySide(o.Infer.PNG, cols, titles, h, w)
}
