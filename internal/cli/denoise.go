package cli

import (
	"encoding/json"
	"math"
	"math/rand/v2"

	"github.com/spf13/cobra"
	"gonum.org/v1/gonum/mat"

	"boltzmann/tasks"
)

type denoiseOptions struct {
	Run, Data, Out string
	FlipRate       float64
	AddNoise       bool
	infer          inferFlags
	data           dataFlags
}

func init() { register(newDenoiseCmd) }

func newDenoiseCmd(e *env) *cobra.Command {
	o := &denoiseOptions{}
	cmd := &cobra.Command{
		Use:   "denoise RUN_DIR DATA --flip-rate E --out FILE.npy",
		Short: "Remove flip noise from binary data with a trained model",
		Long: `Infer clean data from DATA, whose binary units were each flipped independently
with probability E (--flip-rate), under the model in RUN_DIR combined with the
noise likelihood: a Gibbs chain whose units feel the noisy observation as an
extra field, a log-odds of ±log((1-E)/E) toward the observed value, samples
p(clean | noisy). The output is the posterior mean (the probability of 1,
Rao-Blackwellized over --sweeps sweeps after --burn-in) or, with --output
samples, one posterior draw per row. NaN entries of a .npy DATA carry no
evidence and are inferred as well.

With --add-noise, DATA are clean: they are first flipped with rate E (seeded
by --seed), and --json reports the error rates of the noisy input, of the
denoised result (posterior mean thresholded at 1/2) and of a 3x3 median
filter of the noisy images.`,
		Example: `  boltzmann denoise runs/mnist t10k-images-idx3-ubyte.gz --binarize threshold --limit 100 \
      --flip-rate 0.1 --add-noise --out clean.npy --png denoise.png --json`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Run, o.Data = args[0], args[1]
			return runDenoise(e, o, cmd.Flags().Changed("binarize"))
		},
	}
	f := cmd.Flags()
	f.Float64Var(&o.FlipRate, "flip-rate", 0, "probability E that each unit was flipped, in (0, 0.5)")
	f.BoolVar(&o.AddNoise, "add-noise", false, "DATA are clean: flip them with --flip-rate first and measure the result")
	f.StringVar(&o.Out, "out", "", "output file (.npy, .npz or .csv)")
	o.infer.register(cmd)
	o.data.register(cmd)
	return cmd
}

// denoiseReport is the JSON printed by denoise --json.
type denoiseReport struct {
	NSamples      int      `json:"n_samples"`
	FlipRate      float64  `json:"flip_rate"`
	Changed       float64  `json:"changed_fraction"`
	NoisyError    *float64 `json:"noisy_error_rate,omitempty"`
	DenoisedError *float64 `json:"denoised_error_rate,omitempty"`
	MedianError   *float64 `json:"median3x3_error_rate,omitempty"`
}

func runDenoise(e *env, o *denoiseOptions, binarizeSet bool) error {
	if o.Out == "" {
		return badInput("denoise needs --out FILE.npy")
	}
	if !(o.FlipRate > 0 && o.FlipRate < 0.5) {
		return badInput("--flip-rate must lie in (0, 0.5), got %g", o.FlipRate)
	}
	if err := o.infer.check(); err != nil {
		return err
	}
	write, err := arrayWriter(o.Out)
	if err != nil {
		return err
	}
	m, _, x, nanMask, err := loadRunAndEvidence(o.Run, o.Data, o.data, binarizeSet)
	if err != nil {
		return err
	}
	n, d := x.Dims()
	if err := checkStates(m, x, nanMask, o.Data); err != nil {
		return err
	}
	h, w, err := imageShape(o.infer.Shape, d, o.infer.PNG != "")
	if err != nil {
		return err
	}
	if h == 0 && o.AddNoise && o.infer.JSON {
		if s := int(math.Round(math.Sqrt(float64(d)))); s*s == d {
			h, w = s, s
		}
	}
	noisy := x
	if o.AddNoise {
		if nanMask != nil {
			return badInput("--add-noise needs complete data, but %s has NaN entries", o.Data)
		}
		noisy = tasks.Flip(x, o.FlipRate, rand.New(rand.NewPCG(o.infer.Seed, 0x6e6f697365)))
	}
	post, err := tasks.Denoise(m, noisy, o.FlipRate, nanMask, o.infer.settings())
	if err != nil {
		return inputError{err}
	}
	result := post.Mean
	if o.infer.Output == "samples" {
		result = post.Sample
	}
	if err := write(result); err != nil {
		return err
	}
	e.log.Info("denoised", "rows", n, "flip_rate", o.FlipRate, "out", o.Out)
	if o.infer.PNG != "" {
		cols, titles := []*mat.Dense{noisy, result}, []string{"noisy", "denoised"}
		if o.AddNoise {
			cols, titles = []*mat.Dense{x, noisy, result}, []string{"original", "noisy", "denoised"}
		}
		if err := sideBySide(o.infer.PNG, cols, titles, h, w); err != nil {
			return err
		}
	}
	if !o.infer.JSON {
		return nil
	}
	rep := denoiseReport{NSamples: n, FlipRate: o.FlipRate, Changed: thresholdError(noisy, post.Mean)}
	if o.AddNoise {
		rep.NoisyError = ptr(thresholdError(x, noisy))
		rep.DenoisedError = ptr(thresholdError(x, post.Mean))
		if h > 0 {
			rep.MedianError = ptr(thresholdError(x, tasks.MedianFilter(noisy, h, w)))
		}
	}
	return json.NewEncoder(e.stdout).Encode(rep)
}

// thresholdError is the fraction of entries where p thresholded at 1/2
// differs from the {0,1} values of truth (NaN entries of truth skipped).
func thresholdError(truth, p *mat.Dense) float64 {
	t, q := truth.RawMatrix().Data, p.RawMatrix().Data
	wrong, n := 0, 0
	for i, v := range t {
		if math.IsNaN(v) {
			continue
		}
		n++
		if (q[i] >= 0.5) != (v == 1) {
			wrong++
		}
	}
	return float64(wrong) / float64(n)
}
