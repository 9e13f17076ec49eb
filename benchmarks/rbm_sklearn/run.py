#!/usr/bin/env python3
"""Exact test log-likelihood of a binary RBM trained by 'boltzmann train
--model rbm' with its default settings, against scikit-learn's
BernoulliRBM, on binary data sets, both sides in one invocation on the same
files.

    /usr/bin/python3 benchmarks/rbm_sklearn/run.py [--bin bin/boltzmann]
        [--mnist ../shared/data/mnist] [--hidden 16] [--epochs 10]
        [--batch-size 100] [--seeds 1,2,3] [--sets mnist,digits,mixture]
        [--extra "--centering"] [--work DIR]

Data sets (rows in {0, 1}, written to --work as uint8 .npy):

- mnist: the 60,000 training and 10,000 test images of MNIST, binarized
  stochastically once (pixel/255 as the probability of 1, numpy
  default_rng(0) for the training images, default_rng(1) for the test
  images), 784 units;
- digits: scikit-learn's bundled 8×8 digits (1,797 images, grey levels
  0-16) thresholded at 8, shuffled with default_rng(0) and split 1,437 /
  360, 64 units;
- mixture: a synthetic set from a known model, a mixture of 10 product
  Bernoulli distributions on 64 units with equal weights, each unit's
  probability 0.1 or 0.9 at random (fixed with default_rng(2)): 10,000
  training and 2,000 test rows; the true model's test log-likelihood is
  reported as the reference.

For each data set and seed:

- boltzmann: `train train.npy --model rbm --hidden H --epochs E
  --batch-size B --seed S` and nothing else (PCD-1 with B persistent
  chains, SGD 0.05 with momentum 0.5 decaying linearly to 0.001, the
  defaults), then `evaluate RUN test.npy --logz exact --json` (log Z
  summed over the 2^H hidden states);
- scikit-learn: BernoulliRBM(n_components=H, n_iter=E, batch_size=B,
  random_state=S) with its other defaults (learning rate 0.1, PCD-1 with
  B persistent chains), fitted to the same training rows; its exact test
  log-likelihood is computed here the same way, by enumerating the 2^H
  hidden states (log Z = logsumexp_h [c·h + Σ_i softplus(b_i + (Wᵀh)_i)]).

The same evaluator is applied to boltzmann's model.npz as a cross-check of
the two log Z computations (column py_check). It prints one JSON line per
data set and seed, then a Markdown table of means over the seeds. Needs
numpy and scikit-learn (Debian: python3-numpy python3-sklearn).
"""

import argparse
import gzip
import json
import os
import subprocess
import sys
import time

import numpy as np
from sklearn import datasets
from sklearn.neural_network import BernoulliRBM


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    n, r, c = (int.from_bytes(data[4 * i:4 * i + 4], "big") for i in (1, 2, 3))
    return np.frombuffer(data, dtype=np.uint8, offset=16).reshape(n, r * c)


def mnist(root):
    tr = read_idx(os.path.join(root, "train-images-idx3-ubyte.gz")) / 255.0
    te = read_idx(os.path.join(root, "t10k-images-idx3-ubyte.gz")) / 255.0
    tr = (np.random.default_rng(0).uniform(size=tr.shape) < tr).astype(np.uint8)
    te = (np.random.default_rng(1).uniform(size=te.shape) < te).astype(np.uint8)
    return tr, te, None


def digits():
    x = (datasets.load_digits().data >= 8).astype(np.uint8)
    x = x[np.random.default_rng(0).permutation(len(x))]
    return x[:1437], x[1437:], None


def mixture():
    rng = np.random.default_rng(2)
    k, d = 10, 64
    p = np.where(rng.uniform(size=(k, d)) < 0.5, 0.1, 0.9)

    def draw(n):
        z = rng.integers(k, size=n)
        return (rng.uniform(size=(n, d)) < p[z]).astype(np.uint8)

    tr, te = draw(10000), draw(2000)
    # log p(x) = logsumexp_k [log(1/k) + Σ_i x_i log p_ki + (1-x_i) log(1-p_ki)]
    lp = te @ np.log(p).T + (1 - te) @ np.log(1 - p).T - np.log(k)
    m = lp.max(axis=1, keepdims=True)
    ref = float(np.mean(m[:, 0] + np.log(np.exp(lp - m).sum(axis=1))))
    return tr, te, ref


def softplus(x):
    return np.logaddexp(0, x)


def exact_ll(W, b, c, x):
    """Mean exact log-likelihood of rows x under the RBM with weights W
    (visible × hidden), visible bias b, hidden bias c."""
    H = W.shape[1]
    logs = []
    for lo in range(0, 1 << H, 4096):
        idx = np.arange(lo, min(lo + 4096, 1 << H))
        h = ((idx[:, None] >> np.arange(H)) & 1).astype(np.float64)
        logs.append(h @ c + softplus(b + h @ W.T).sum(axis=1))
    a = np.concatenate(logs)
    m = a.max()
    logz = m + np.log(np.exp(a - m).sum())
    x = x.astype(np.float64)
    f = -(x @ b) - softplus(c + x @ W).sum(axis=1)
    return float(np.mean(-f - logz)), float(logz)


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"{' '.join(cmd)} exited {r.returncode}: {r.stderr}")
    return r.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="bin/boltzmann")
    ap.add_argument("--mnist", default="../shared/data/mnist")
    ap.add_argument("--hidden", type=int, default=16)
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--batch-size", type=int, default=100)
    ap.add_argument("--seeds", default="1,2,3")
    ap.add_argument("--sets", default="mnist,digits,mixture")
    ap.add_argument("--extra", default="", help="extra train flags for boltzmann")
    ap.add_argument("--work", default="/tmp/rbm-sklearn")
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    seeds = [int(s) for s in a.seeds.split(",")]
    table = []
    for name in a.sets.split(","):
        tr, te, ref = {"mnist": lambda: mnist(a.mnist), "digits": digits, "mixture": mixture}[name]()
        trf, tef = os.path.join(a.work, name + "-train.npy"), os.path.join(a.work, name + "-test.npy")
        np.save(trf, tr)
        np.save(tef, te)
        ours, theirs, tours, ttheirs = [], [], [], []
        for s in seeds:
            out = os.path.join(a.work, f"{name}-run-{s}")
            cmd = [a.bin, "train", trf, "--model", "rbm", "--hidden", str(a.hidden), "--epochs", str(a.epochs),
                   "--batch-size", str(a.batch_size), "--seed", str(s), "--out", out, "--force", "-q"] + a.extra.split()
            t0 = time.time()
            run(cmd)
            t_ours = time.time() - t0
            ev = json.loads(run([a.bin, "evaluate", out, tef, "--logz", "exact", "--json"]))
            z = np.load(os.path.join(out, "model.npz"))
            check, _ = exact_ll(z["weights"], z["visible_bias"], z["hidden_bias"], te)
            t0 = time.time()
            sk = BernoulliRBM(n_components=a.hidden, n_iter=a.epochs, batch_size=a.batch_size, random_state=s)
            sk.fit(tr.astype(np.float64))
            t_sk = time.time() - t0
            ll_sk, _ = exact_ll(sk.components_.T, sk.intercept_visible_, sk.intercept_hidden_, te)
            line = {"set": name, "seed": s, "train": list(tr.shape), "test": list(te.shape),
                    "boltzmann": ev["log_likelihood"], "py_check": check, "sklearn": ll_sk,
                    "boltzmann_s": round(t_ours, 2), "sklearn_s": round(t_sk, 2), "reference": ref}
            print(json.dumps(line), flush=True)
            ours.append(ev["log_likelihood"])
            theirs.append(ll_sk)
            tours.append(t_ours)
            ttheirs.append(t_sk)
        table.append((name, tr.shape, te.shape, ours, theirs, tours, ttheirs, ref))
    print()
    print("| data set (train / test rows × units) | boltzmann defaults | scikit-learn BernoulliRBM | difference | true model | time (s) boltzmann / sklearn |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, trs, tes, ours, theirs, tours, ttheirs, ref in table:
        def fmt(v):
            return f"{np.mean(v):.3f} ({', '.join(f'{x:.3f}' for x in v)})"
        diff = np.mean(ours) - np.mean(theirs)
        r = "" if ref is None else f"{ref:.3f}"
        print(f"| {name} ({trs[0]} / {tes[0]} × {trs[1]}) | {fmt(ours)} | {fmt(theirs)} | {diff:+.3f} | {r} | "
              f"{np.mean(tours):.1f} / {np.mean(ttheirs):.1f} |")


if __name__ == "__main__":
    main()
