#!/usr/bin/env bash
# PCD-1 on the 60,000 thresholded MNIST digits, 784×500 RBM, batch 100,
# learning rate 0.01: boltzmann binaries with their default flags against
# scikit-learn's BernoulliRBM (the same settings), as whole processes
# alternated, each for 1 and for 3 epochs, so that both the whole process
# and the time per epoch (the difference over 2 epochs, start-up and data
# reading removed) are compared. Prints one line per run and a summary of
# medians.
#
#   benchmarks/rbm_sklearn/process.sh ROUNDS BINARY [BINARY ...]
#
# e.g. with the README's build and the pure-Go one:
#   bash build.sh && cp bin/boltzmann /tmp/bz-fast && PUREGO=1 bash build.sh && cp bin/boltzmann /tmp/bz-go
#   benchmarks/rbm_sklearn/process.sh 3 /tmp/bz-fast /tmp/bz-go
# Needs /usr/bin/python3 with NumPy and scikit-learn (Debian python3-sklearn);
# MNIST from ../shared/data/mnist (override with MNIST).
set -euo pipefail
rounds=$1; shift
root=$(cd "$(dirname "$0")/../.." && pwd)
mnist=${MNIST:-$root/../shared/data/mnist}/train-images-idx3-ubyte.gz
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/sk.py" <<'EOF'
import gzip, sys, numpy as np
from sklearn.neural_network import BernoulliRBM
with gzip.open(sys.argv[1]) as f:
    x = (np.frombuffer(f.read(), dtype=np.uint8, offset=16).reshape(-1, 784) >= 128).astype(np.float64)
BernoulliRBM(n_components=500, batch_size=100, learning_rate=0.01, n_iter=int(sys.argv[2]), random_state=1).fit(x)
EOF
run() { # label epochs command...
  local label=$1 e=$2; shift 2
  local load; load=$(cut -d' ' -f1 /proc/loadavg)
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" >"$work/out" 2>"$work/err" || { cat "$work/err"; exit 1; }
  read -r secs kib <"$work/time"
  printf '%-40s epochs %d %8.2f s %6d MiB   load %s\n' "$label" "$e" "$secs" "$((kib / 1024))" "$load"
  echo "$label $e $secs" >>"$work/all"
}
for r in $(seq "$rounds"); do
  for e in 1 3; do
    run scikit-learn "$e" /usr/bin/python3 "$work/sk.py" "$mnist" "$e"
    for b in "$@"; do
      run "$b" "$e" "$b" train "$mnist" --binarize threshold --model rbm --hidden 500 --batch-size 100 --lr 0.01 \
        --epochs "$e" --seed 1 --out "$work/run" --force -q
    done
  done
done
echo "== medians over $rounds rounds: whole process (1 epoch, 3 epochs), per epoch = (3 - 1)/2, and scikit-learn's / this"
/usr/bin/python3 - "$work/all" <<'EOF'
import sys, statistics as st
t = {}
for line in open(sys.argv[1]):
    label, e, s = line.split()
    t.setdefault(label, {}).setdefault(int(e), []).append(float(s))
m = {k: (st.median(v[1]), st.median(v[3])) for k, v in t.items()}
sk = m["scikit-learn"]
for k, (a, b) in m.items():
    per = (b - a) / 2
    print(f"{k:40s} 1 epoch {a:7.2f} s  3 epochs {b:7.2f} s  per epoch {per:6.2f} s"
          f"  ratio: process(3) {sk[1] / b:5.2f}x  per epoch {((sk[1] - sk[0]) / 2) / per:5.2f}x")
EOF
