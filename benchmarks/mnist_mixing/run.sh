#!/bin/sh
# Mixing of a trained MNIST RBM (784×500) under plain block Gibbs, parallel
# tempering and trajectory tempering, at equal compute: one chain, started
# from a training digit, for the same number of base-sampler sweeps
# (Gibbs: SWEEPS·R transitions; PT with R replicas: SWEEPS transitions of
# R levels; trajectory tempering: SWEEPS transitions of the levels it
# chooses among the saved models, reported), from a random start. Each
# method's samples of the β = 1 chain are classified by a discriminative
# labeled RBM; the script reports the integrated autocorrelation time of
# the free energy (sample --json), PT's round trips, and the digit classes
# the chain visited (distinct classes, class changes between successive
# samples). Usage:
#
#   sh benchmarks/mnist_mixing/run.sh OUTDIR [CLASSIFIER_RUN]
#
# CLASSIFIER_RUN is a labeled RBM trained with --objective discriminative
# (e.g. the one of benchmarks/mnist_disc/run.sh); without it one is trained
# here (500 hidden, 10 epochs). Needs the MNIST IDX files in $MNIST
# (default ../shared/data/mnist), /usr/bin/python3 with NumPy, and a binary
# in $BZ (default /tmp/bz).
set -eu
OUT=${1:-/tmp/mnist-mixing}
CLS=${2:-}
M=${MNIST:-../shared/data/mnist}
BZ=${BZ:-/tmp/bz}
SWEEPS=${SWEEPS:-10000}
R=${REPLICAS:-8}
EPOCHS=${EPOCHS:-20}
LIMIT=${LIMIT:-60000}     # training digits
BURN=${BURN_IN:-100}      # transitions before the first sample (the PT ladder adapts during them)
mkdir -p "$OUT"
TRAIN="$M/train-images-idx3-ubyte.gz"
[ -f "$OUT/rbm/model.npz" ] || /usr/bin/time -f "train: %e s wall, %U s user" "$BZ" train "$TRAIN" --binarize threshold --limit "$LIMIT" \
  --model rbm --hidden 500 --epochs "$EPOCHS" --chains 100 --save-trajectory 4 --seed 1 --out "$OUT/rbm" --force -q
if [ -z "$CLS" ]; then
  CLS="$OUT/classifier"
  [ -f "$CLS/model.npz" ] || "$BZ" train "$TRAIN" --binarize threshold --labels "$M/train-labels-idx1-ubyte.gz" \
    --model rbm --hidden 500 --epochs 10 --objective discriminative --optimizer adam --lr 0.001 --batch-size 50 \
    --seed 1 --out "$CLS" --force -q
fi
run() { # name, transitions, extra flags
  name=$1; steps=$2; shift 2
  /usr/bin/time -f "$name: %e s wall, %U s user" "$BZ" sample "$OUT/rbm" -n "$steps" --chains 1 --burn-in "$BURN" --thin 1 \
    --seed 3 --out "$OUT/$name.npy" --json -q "$@" > "$OUT/$name.json"
  "$BZ" classify "$CLS" "$OUT/$name.npy" --out "$OUT/$name-pred.npy" -q > /dev/null
}
run gibbs $((SWEEPS * R))
run pt "$SWEEPS" --sampler pt --replicas "$R"
run trajectory "$SWEEPS" --sampler trajectory
/usr/bin/python3 - "$OUT" <<'EOF'
import json, sys, numpy as np
out = sys.argv[1]
print("| sampler | transitions | levels | base sweeps | tau of F (transitions) | round trips | distinct classes | class changes |")
print("| --- | --- | --- | --- | --- | --- | --- | --- |")
for name in ["gibbs", "pt", "trajectory"]:
    j = json.load(open(f"{out}/{name}.json"))
    pred = np.load(f"{out}/{name}-pred.npy").astype(int).ravel()
    n = len(pred)
    t = j.get("parallel_tempering") or j.get("trajectory_tempering") or {}
    levels = t.get("replicas", t.get("levels", 1))
    tau = j.get("tau_free_energy")
    print(f"| {name} | {n} | {levels} | {n * levels} | {'-' if tau is None else round(tau, 1)} | {t.get('round_trips', '-')} | {len(set(pred))} | {int((pred[1:] != pred[:-1]).sum())} |")
EOF
