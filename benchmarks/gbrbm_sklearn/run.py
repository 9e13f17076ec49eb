#!/usr/bin/env python3
"""Exact test log-likelihood of a Gaussian-Bernoulli RBM trained by
'boltzmann train --model gbrbm' with its default settings, against
scikit-learn's GaussianMixture, on small real-valued data sets bundled with
scikit-learn (no download).

    python3 benchmarks/gbrbm_sklearn/run.py [--bin bin/boltzmann] [--hidden 16]
        [--updates 3000] [--seeds 1,2,3] [--extra "--k 5"] [--work DIR]

Both sides run in the one invocation, on the same files. For each data set:

- the rows are shuffled with numpy's default_rng(0) and split 60/20/20 into
  train, validation and test;
- every column is dequantized by adding u·δ, u ~ U(0, 1) from
  default_rng(1), δ the smallest gap between its distinct values (the
  recording resolution), so that repeated values do not give densities a
  point mass to exploit;
- every column is standardized with the training rows' mean and standard
  deviation; the .npy files written to --work are in these units, and every
  log-likelihood below is in nats per test row of the standardized data;
- boltzmann: `train train.npy --model gbrbm --hidden H --epochs E --seed S`
  with nothing else (PCD-1, batch 100, as many chains, Adam 0.01 decaying
  linearly to 0.0002, variances learned, --standardize pca since
  2026-12-02, columns before), E chosen so
  that the run makes about --updates parameter updates (an epoch is
  floor(n_train/100) updates, at least 1), then `evaluate RUN test.npy
  --logz exact --json` (log Z summed over the 2^H hidden states), for each
  seed; validation data are not used;
- scikit-learn: GaussianMixture with covariance_type full and diag, K from
  1 to 10 components, each fitted to the training rows (n_init=5,
  random_state=0, otherwise defaults, reg_covar 1e-6); K is chosen by the
  validation log-likelihood and the chosen model's test log-likelihood is
  reported; and the single full-covariance Gaussian (maximum likelihood).

It prints one JSON line per data set and a Markdown table. Needs numpy and
scikit-learn (Debian: python3-numpy python3-sklearn).
"""

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np
from sklearn import datasets
from sklearn.mixture import GaussianMixture


def load_sets():
    """Returns (name, rows) for each data set; rows are float64 (n × d)."""
    wine = datasets.load_wine().data
    cancer = datasets.load_breast_cancer().data
    diabetes = datasets.load_diabetes(scaled=False).data
    # The second column of diabetes is sex, two values: not a density.
    diabetes = np.delete(diabetes, 1, axis=1)
    return [("wine", wine), ("breast_cancer", cancer), ("diabetes (no sex)", diabetes)]


def prepare(x):
    rng = np.random.default_rng(0)
    x = x[rng.permutation(len(x))].astype(np.float64)
    noise = np.random.default_rng(1).uniform(size=x.shape)
    for j in range(x.shape[1]):
        u = np.unique(x[:, j])
        delta = np.min(np.diff(u)) if len(u) > 1 else 1.0
        x[:, j] += noise[:, j] * delta
    n = len(x)
    a, b = int(0.6 * n), int(0.8 * n)
    tr, va, te = x[:a], x[a:b], x[b:]
    mu, sd = tr.mean(axis=0), tr.std(axis=0)
    return [(s - mu) / sd for s in (tr, va, te)]


def gaussian_ll(tr, te):
    mu = tr.mean(axis=0)
    cov = np.cov(tr, rowvar=False, bias=True)
    d = tr.shape[1]
    sign, logdet = np.linalg.slogdet(cov)
    e = te - mu
    q = np.einsum("ij,ij->i", e @ np.linalg.inv(cov), e)
    return float(np.mean(-(q + logdet + d * np.log(2 * np.pi)) / 2))


def best_mixture(tr, va, te, kind, kmax):
    best = None
    for k in range(1, kmax + 1):
        g = GaussianMixture(n_components=k, covariance_type=kind, n_init=5, random_state=0).fit(tr)
        v = g.score(va)
        if best is None or v > best[1]:
            best = (k, v, g.score(te))
    return {"k": best[0], "val": best[1], "test": best[2]}


def boltzmann(binary, work, tr, te, hidden, updates, seed, extra):
    epochs = max(1, round(updates / max(1, len(tr) // 100)))
    run = os.path.join(work, "run-h%d-s%d" % (hidden, seed))
    cmd = [binary, "train", os.path.join(work, "train.npy"), "--model", "gbrbm", "--hidden", str(hidden),
           "--epochs", str(epochs), "--seed", str(seed), "--out", run, "--force", "-q"] + extra
    t0 = time.time()
    subprocess.run(cmd, check=True)
    secs = time.time() - t0
    out = subprocess.run([binary, "evaluate", run, os.path.join(work, "test.npy"), "--logz", "exact", "--json"],
                         check=True, capture_output=True, text=True).stdout
    rep = json.loads(out)
    return {"seed": seed, "epochs": epochs, "test": rep["log_likelihood"], "train_s": round(secs, 1)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", default="bin/boltzmann")
    ap.add_argument("--hidden", type=int, default=16)
    ap.add_argument("--updates", type=int, default=3000)
    ap.add_argument("--seeds", default="1,2,3")
    ap.add_argument("--kmax", type=int, default=10)
    ap.add_argument("--extra", default="", help="extra train flags (to try other settings than the defaults)")
    ap.add_argument("--work", default="/tmp/gbrbm-sklearn")
    ap.add_argument("--sets", default="", help="comma-separated subset of the data set names")
    a = ap.parse_args()
    seeds = [int(s) for s in a.seeds.split(",")]
    rows = []
    for name, x in load_sets():
        if a.sets and name.split()[0] not in a.sets.split(","):
            continue
        tr, va, te = prepare(x)
        work = os.path.join(a.work, name.split()[0])
        os.makedirs(work, exist_ok=True)
        for f, s in (("train", tr), ("val", va), ("test", te)):
            np.save(os.path.join(work, f + ".npy"), s)
        res = {"set": name, "n": [len(tr), len(va), len(te)], "d": tr.shape[1],
               "gaussian_full": gaussian_ll(tr, te),
               "gmm_full": best_mixture(tr, va, te, "full", a.kmax),
               "gmm_diag": best_mixture(tr, va, te, "diag", a.kmax),
               "gbrbm": [boltzmann(a.bin, work, tr, te, a.hidden, a.updates, s, a.extra.split()) for s in seeds],
               "load": os.getloadavg()}
        print(json.dumps(res), flush=True)
        rows.append(res)
    print()
    print("| data (train/val/test × dim) | Gaussian (full) | GMM full (K) | GMM diag (K) | GB-RBM %d hidden, %d updates (seeds %s) |"
          % (a.hidden, a.updates, a.seeds))
    print("| --- | --- | --- | --- | --- |")
    for r in rows:
        g = [b["test"] for b in r["gbrbm"]]
        print("| %s (%s × %d) | %.2f | %.2f (%d) | %.2f (%d) | %.2f ± %.2f (%s) |" % (
            r["set"], "/".join(map(str, r["n"])), r["d"], r["gaussian_full"], r["gmm_full"]["test"], r["gmm_full"]["k"],
            r["gmm_diag"]["test"], r["gmm_diag"]["k"], np.mean(g), np.std(g), ", ".join("%.2f" % v for v in g)))


if __name__ == "__main__":
    sys.exit(main())
