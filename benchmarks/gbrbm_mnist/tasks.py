#!/usr/bin/env python3
"""Inpainting, denoising and training speed of a Gaussian-Bernoulli RBM on
grey-level MNIST (the data of benchmarks/gbrbm_mnist: central 20×20 pixels,
dequantized to [0, 1]), against simple baselines, in one run:

    python3 benchmarks/gbrbm_mnist/tasks.py [--bin bin/boltzmann]
        [--mnist ../shared/data/mnist] [--work /tmp/gbrbm-mnist-tasks]
        [--hidden 100] [--epochs 20] [--test 500] [--sigma 0.3]

Steps:
1. `go run ./benchmarks/gbrbm_mnist -train 10000 -test 1000` writes
   train.npy and test.npy;
2. `boltzmann train train.npy --model gbrbm --hidden H --epochs E --seed 1`
   (otherwise the defaults: PCD-1, batch 100, Adam 0.01 → 0.0002);
3. inpainting: `boltzmann inpaint RUN test.npy --limit N --mask bottom-half`
   (posterior mean of the bottom 10 rows given the top 10: 10 chains per
   image, 50 sweeps of burn-in, 200 averaged) against the per-pixel
   training mean and the conditional mean of the full-covariance Gaussian
   fitted to the training images, μ_b + Σ_bt Σ_tt⁻¹ (x_t - μ_t);
4. denoising: the first N test images plus N(0, σ²) noise (numpy
   default_rng(2)), `boltzmann denoise RUN noisy.npy --noise-sigma σ`
   (posterior mean) against the noisy input, the per-pixel mean, the
   posterior mean under the full-covariance Gaussian prior (Wiener filter
   μ + Σ (Σ + σ² I)⁻¹ (x̃ - μ)) and a 3×3 median filter (the window
   truncated at the border, as tasks.Median3x3);
5. training speed: samples (rows of minibatches) per second of updates,
   from the runs' history.jsonl ("seconds" is the cumulative time spent in
   updates), for the GB-RBM above and the Bernoulli RBM of the same size
   (400 visible, H hidden, batch 100, PCD-1) on the same images binarized
   at 1/2, in float32 (the default: sparse binary kernels) and --float64.

RMSEs are in pixel units ([0, 1]), over the missing pixels (inpainting) or
all pixels (denoising), none clipped to [0, 1]. It prints JSON lines and
Markdown tables. Needs numpy (Debian: python3-numpy) and Go.
"""

import argparse
import json
import os
import subprocess
import time

import numpy as np


def sh(*cmd, capture=False):
    r = subprocess.run(list(cmd), check=True, capture_output=capture, text=True)
    return r.stdout if capture else None


def rmse(a, b, mask=None):
    e = (a - b) ** 2
    if mask is not None:
        e = e[mask]
    return float(np.sqrt(np.mean(e)))


def median3x3(x, h, w):
    img = x.reshape(-1, h, w)
    out = np.empty_like(img)
    for y in range(h):
        for c in range(w):
            win = img[:, max(0, y - 1):y + 2, max(0, c - 1):c + 2].reshape(len(img), -1)
            out[:, y, c] = np.median(win, axis=1)
    return out.reshape(len(x), -1)


def speed(run):
    last = [json.loads(l) for l in open(os.path.join(run, "history.jsonl"))][-1]
    return last["updates"] * 100 / last["seconds"], last["seconds"], last["updates"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", default="bin/boltzmann")
    ap.add_argument("--mnist", default="../shared/data/mnist")
    ap.add_argument("--work", default="/tmp/gbrbm-mnist-tasks")
    ap.add_argument("--hidden", type=int, default=100)
    ap.add_argument("--epochs", type=int, default=20)
    ap.add_argument("--rbm-epochs", type=int, default=5)
    ap.add_argument("--test", type=int, default=500)
    ap.add_argument("--sigma", type=float, default=0.3)
    ap.add_argument("--skip-train", action="store_true", help="reuse the runs in --work")
    a = ap.parse_args()
    w, B = a.work, a.bin
    os.makedirs(w, exist_ok=True)
    load = lambda: " ".join(open("/proc/loadavg").read().split()[:3])
    print(json.dumps({"start_load": load()}), flush=True)
    if not a.skip_train:
        sh("go", "run", "./benchmarks/gbrbm_mnist", "-mnist", a.mnist, "-train", "10000", "-test", "1000", "-out", w)
    tr, te = np.load(os.path.join(w, "train.npy")), np.load(os.path.join(w, "test.npy"))[:a.test]
    side = int(round(np.sqrt(tr.shape[1])))
    run = os.path.join(w, "gbrbm")
    if not a.skip_train:
        t0 = time.time()
        sh(B, "train", os.path.join(w, "train.npy"), "--model", "gbrbm", "--hidden", str(a.hidden),
           "--epochs", str(a.epochs), "--seed", "1", "--out", run, "--force", "-q")
        print(json.dumps({"gbrbm_train_wall_s": round(time.time() - t0, 1), "load": load()}), flush=True)

    # Inpainting of the bottom half.
    filled = os.path.join(w, "filled.npy")
    rep = json.loads(sh(B, "inpaint", run, os.path.join(w, "test.npy"), "--limit", str(a.test), "--mask", "bottom-half",
                        "--out", filled, "--json", "-q", capture=True))
    f = np.load(filled)
    d = tr.shape[1]
    miss = np.zeros(d, bool)
    miss[d // 2:] = True  # bottom-half: the last rows of the image
    mu = tr.mean(axis=0)
    cov = np.cov(tr, rowvar=False, bias=True)
    t, b = ~miss, miss
    cond = mu[b] + (te[:, t] - mu[t]) @ np.linalg.solve(cov[np.ix_(t, t)], cov[np.ix_(t, b)])
    mask = np.broadcast_to(miss, te.shape)
    inp = {"gbrbm": rmse(te, f, mask), "gbrbm_reported": rep.get("rmse"),
           "pixel_mean": rmse(te[:, b], np.broadcast_to(mu[b], te[:, b].shape)),
           "pixel_mean_reported": rep.get("train_mean_rmse"),
           "gaussian_conditional": rmse(te[:, b], cond)}
    print(json.dumps({"inpaint_bottom_half": inp, "load": load()}), flush=True)

    # Denoising at sigma.
    noisy = te + a.sigma * np.random.default_rng(2).standard_normal(te.shape)
    np.save(os.path.join(w, "noisy.npy"), noisy)
    clean = os.path.join(w, "clean.npy")
    sh(B, "denoise", run, os.path.join(w, "noisy.npy"), "--noise-sigma", str(a.sigma), "--out", clean, "-q")
    wiener = mu + (noisy - mu) @ np.linalg.solve(cov + a.sigma ** 2 * np.eye(d), cov)
    den = {"noisy": rmse(te, noisy), "gbrbm": rmse(te, np.load(clean)),
           "pixel_mean": rmse(te, np.broadcast_to(mu, te.shape)),
           "gaussian_posterior_mean": rmse(te, wiener), "median3x3": rmse(te, median3x3(noisy, side, side))}
    print(json.dumps({"denoise": den, "sigma": a.sigma, "load": load()}), flush=True)

    # Training speed against the Bernoulli RBM of the same size.
    runs = {"gbrbm (float64)": run}
    for name, extra in (("rbm float32", []), ("rbm --float64", ["--float64"])):
        r = os.path.join(w, "rbm" + "".join(extra).replace("-", ""))
        if not a.skip_train:
            sh(B, "train", os.path.join(w, "train.npy"), "--binarize", "threshold", "--model", "rbm", "--hidden",
               str(a.hidden), "--epochs", str(a.rbm_epochs), "--seed", "1", "--out", r, "--force", "-q", *extra)
        runs[name] = r
    sp = {k: speed(r) for k, r in runs.items()}
    print(json.dumps({"speed": {k: {"samples_per_s": round(v[0]), "seconds": round(v[1], 1), "updates": v[2]}
                                for k, v in sp.items()}, "load": load()}), flush=True)

    print()
    print("| inpainting, bottom half (%d test images) | RMSE |" % a.test)
    print("| --- | --- |")
    for k in ("pixel_mean", "gaussian_conditional", "gbrbm"):
        print("| %s | %.4f |" % (k, inp[k]))
    print()
    print("| denoising, σ = %g (%d test images) | RMSE |" % (a.sigma, a.test))
    print("| --- | --- |")
    for k in ("noisy", "pixel_mean", "median3x3", "gaussian_posterior_mean", "gbrbm"):
        print("| %s | %.4f |" % (k, den[k]))
    print()
    print("| training, 400×%d, batch 100, PCD-1 | samples/s | seconds in updates |" % a.hidden)
    print("| --- | --- | --- |")
    for k, v in sp.items():
        print("| %s | %.0f | %.1f (%d updates) |" % (k, v[0], v[1], v[2]))


if __name__ == "__main__":
    main()
