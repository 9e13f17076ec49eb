package runs

import (
	"fmt"
	"strings"
)

// Title is the second line of the figures' title (curves.png): the run's
// key settings, such as "rbm 784 visible × 64 hidden · pcd-1 · adam lr
// 0.001 · batch 64 · 64 chains · gibbs sampler", or for a bmDCA run
// "potts 50 sites × 21 states · bmDCA · 10 sweeps per update · 1000
// chains · lr 0.05 · reweight 0.8"; "" for a nil config.
func (c *Config) Title() string {
	if c == nil {
		return ""
	}
	parts := []string{c.modelSize()}
	switch t, b := c.Train, c.BMDCA; {
	case t != nil:
		parts = append(parts, fmt.Sprintf("%s-%d", t.Method, t.K))
		opt := t.Optimizer
		if opt == "" {
			opt = "sgd"
		}
		lr := fmt.Sprintf("%s lr %g", opt, t.LR)
		if t.Schedule != "" {
			lr += " (" + t.Schedule + ")"
		}
		parts = append(parts, lr, fmt.Sprintf("batch %d", t.BatchSize))
		chains := t.Chains
		if chains == 0 {
			chains = t.BatchSize
		}
		if t.Method != "cd" {
			parts = append(parts, fmt.Sprintf("%d chains", chains))
		}
		sampler := t.Sampler
		if sampler == "" {
			sampler = SamplerGibbs
		}
		if sampler == SamplerPT && t.Replicas > 0 {
			sampler += fmt.Sprintf(" (%d replicas)", t.Replicas)
		}
		parts = append(parts, sampler+" sampler")
		if t.Centering {
			parts = append(parts, "centered")
		}
	case b != nil:
		parts = append(parts, "bmDCA", fmt.Sprintf("%d sweeps per update", b.Sweeps), fmt.Sprintf("%d chains", b.Chains),
			fmt.Sprintf("lr %g", b.LR))
		if b.Reweight > 0 {
			parts = append(parts, fmt.Sprintf("reweight %g", b.Reweight))
		}
	}
	return strings.Join(parts, " · ")
}

// modelSize is the model kind and its size: "rbm 784 visible × 64
// hidden", "potts 50 sites × 21 states", "ising 16 units".
func (c *Config) modelSize() string {
	m := c.Model
	switch {
	case m.Hidden > 0:
		s := fmt.Sprintf("%s %d visible × %d hidden", m.Kind, m.Visible, m.Hidden)
		if m.States > 0 {
			s += fmt.Sprintf(" (%d states)", m.States)
		}
		return s
	case m.States > 0:
		return fmt.Sprintf("%s %d sites × %d states", m.Kind, m.Visible, m.States)
	}
	return fmt.Sprintf("%s %d units", m.Kind, m.Visible)
}
