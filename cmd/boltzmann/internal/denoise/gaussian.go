package denoise

import (
	"encoding/json"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"boltzmann/cmd/boltzmann/internal/cmdutil"
	"boltzmann/model"
	"boltzmann/tasks"
)

// validateGaussian checks --noise-sigma, which excludes --flip-rate.
func (o *Options) validateGaussian() error {
	switch {
	case o.FlipRate != 0:
		return cmdutil.BadInput("give either --flip-rate (binary data) or --noise-sigma (real-valued data), not both")
	case o.NoiseSigma == 0:
		return cmdutil.BadInput("--flip-rate must lie in (0, 0.5), got 0; for real-valued data (a gbrbm run) give --noise-sigma S instead")
	case !(o.NoiseSigma > 0) || math.IsInf(o.NoiseSigma, 0):
		return cmdutil.BadInput("--noise-sigma must be a positive number, got %g", o.NoiseSigma)
	}
	return o.Infer.Check()
}

// gaussianReport is the JSON printed by denoise --json for a gbrbm run.
type gaussianReport struct {
	NSamples     int      `json:"n_samples"`
	NoiseSigma   float64  `json:"noise_sigma"`
	Changed      float64  `json:"changed_rmse"` // RMSE between input and result
	NoisyRMSE    *float64 `json:"noisy_rmse,omitempty"`
	DenoisedRMSE *float64 `json:"denoised_rmse,omitempty"`
	MedianRMSE   *float64 `json:"median3x3_rmse,omitempty"`
}

// runGaussian denoises real-valued data under additive Gaussian noise with
// a Gaussian-Bernoulli RBM (tasks.DenoiseGaussian).
func (o *Options) runGaussian(g model.Model, x *mat.Dense, nanMask []bool, write func(*mat.Dense) error) error {
	if o.NoiseSigma == 0 {
		return cmdutil.BadInput("%s holds a gbrbm (real-valued data): give --noise-sigma S, the standard deviation of the Gaussian noise, instead of --flip-rate", o.Run)
	}
	if nanMask != nil {
		return cmdutil.BadInput("%s has NaN entries: denoising real-valued data needs complete rows (fill in missing entries with 'boltzmann inpaint')", o.Data)
	}
	n, d := x.Dims()
	h, w, err := cmdutil.ImageShape(o.Infer.Shape, d, o.Infer.PNG != "")
	if err != nil {
		return err
	}
	if h == 0 && o.AddNoise && o.Infer.JSON {
		if s := int(math.Round(math.Sqrt(float64(d)))); s*s == d && d >= 9 {
			h, w = s, s
		}
	}
	noisy := x
	if o.AddNoise {
		noisy = tasks.AddGaussianNoise(x, o.NoiseSigma, rand.New(rand.NewPCG(o.Infer.Seed, 0x6e6f697365)))
	}
	settings := o.Infer.Settings()
	settings.OnSweep = cmdutil.ProgressFunc(o.IO, "denoising", "sweeps")
	post, err := tasks.DenoiseGaussian(g, noisy, o.NoiseSigma, settings)
	if err != nil {
		return cmdutil.Input(err)
	}
	if err := o.output(write, x, noisy, post, h, w, "noise_sigma", o.NoiseSigma); err != nil {
		return err
	}
	if !o.Infer.JSON {
		return nil
	}
	rep := gaussianReport{NSamples: n, NoiseSigma: o.NoiseSigma, Changed: tasks.RMSE(noisy, post.Mean, nil)}
	if o.AddNoise {
		rep.NoisyRMSE = cmdutil.Ptr(tasks.RMSE(x, noisy, nil))
		rep.DenoisedRMSE = cmdutil.Ptr(tasks.RMSE(x, post.Mean, nil))
		if h > 0 {
			rep.MedianRMSE = cmdutil.Ptr(tasks.RMSE(x, tasks.Median3x3(noisy, h, w), nil))
		}
	}
	return json.NewEncoder(o.IO.Stdout).Encode(rep)
}
