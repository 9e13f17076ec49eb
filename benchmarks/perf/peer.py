"""Peer timings for benchmarks/perf: scikit-learn's BernoulliRBM (float64).

Usage: peer.py MODE [options]; prints one JSON line. MODE is
  train  one or more epochs of BernoulliRBM.fit (PCD-1) on binarized MNIST
  gibbs  BernoulliRBM.gibbs block Gibbs steps on random chains
  gemm   numpy matrix-multiply rate for a 100x784 by 784x500 product
Only the work itself is timed (no imports, no data loading).
"""
import argparse, gzip, json, time

import numpy as np


def mnist(path, rows):
    with gzip.open(path, "rb") as f:
        raw = np.frombuffer(f.read(), dtype=np.uint8, offset=16)
    x = raw.reshape(-1, 784)[:rows]
    return (x >= 128).astype(np.float64)  # same threshold as dataset "threshold"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode")
    p.add_argument("--mnist", default="/work/shared/data/mnist/train-images-idx3-ubyte.gz")
    p.add_argument("--rows", type=int, default=60000)
    p.add_argument("--hidden", type=int, default=500)
    p.add_argument("--batch", type=int, default=100)
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--chains", type=int, default=1000)
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--reps", type=int, default=5)
    a = p.parse_args()
    from sklearn.neural_network import BernoulliRBM

    out = {}
    if a.mode == "train":
        x = mnist(a.mnist, a.rows)
        rbm = BernoulliRBM(n_components=a.hidden, batch_size=a.batch, n_iter=a.epochs,
                           learning_rate=0.1, random_state=0)
        t0, c0 = time.perf_counter(), time.process_time()
        rbm.fit(x)
        out = {"wall": time.perf_counter() - t0, "cpu": time.process_time() - c0,
               "samples": a.rows * a.epochs}
    elif a.mode == "gibbs":
        rng = np.random.RandomState(0)
        rbm = BernoulliRBM(n_components=a.hidden, random_state=0)
        rbm.components_ = rng.normal(0, 0.01, (a.hidden, 784))
        rbm.intercept_hidden_ = np.zeros(a.hidden)
        rbm.intercept_visible_ = np.zeros(784)
        rbm.random_state_ = rng
        v = (rng.uniform(size=(a.chains, 784)) < 0.5).astype(np.float64)
        t0, c0 = time.perf_counter(), time.process_time()
        for _ in range(a.steps):
            v = rbm.gibbs(v)
        out = {"wall": time.perf_counter() - t0, "cpu": time.process_time() - c0,
               "chain_steps": a.chains * a.steps}
    elif a.mode == "gemm":
        for dt in (np.float64, np.float32):
            x = np.random.rand(100, 784).astype(dt)
            w = np.random.rand(784, 500).astype(dt)
            x @ w
            best = []
            for _ in range(a.reps):
                t0 = time.perf_counter()
                for _ in range(20):
                    x @ w
                best.append((time.perf_counter() - t0) / 20)
            out[np.dtype(dt).name] = 2 * 100 * 784 * 500 / sorted(best)[len(best) // 2] / 1e9
    print(json.dumps(out))


if __name__ == "__main__":
    main()
