#!/bin/sh
# Measurements of benchmarks/tasks.md: MNIST (binarized at 0.5) test digits
# the models never saw. Usage: sh benchmarks/tasks/run.sh OUTDIR
# Needs MNIST IDX files in $MNIST (default /work/shared/data/mnist) and a
# built binary in $BZ (default: go build -tags openblas -o /tmp/bz ./cmd/boltzmann).
set -eu
OUT=${1:-/tmp/tasks-bench}
M=${MNIST:-/work/shared/data/mnist}
BZ=${BZ:-/tmp/bz}
mkdir -p "$OUT"
TEST="$M/t10k-images-idx3-ubyte.gz"

# 1. Generative RBM (unlabeled), used for sampling, inpainting, denoising.
[ -f "$OUT/mnist-rbm/model.npz" ] || nice -n 10 "$BZ" train "$M/train-images-idx3-ubyte.gz" --binarize stochastic --data-seed 1 \
  --model rbm --hidden 500 --method pcd --k 1 --chains 100 --epochs 40 --batch-size 100 --l2 1e-4 --float32 --seed 1 \
  --out "$OUT/mnist-rbm" -q

# 2. Fantasy data with burn-in, thinning and annealing.
nice -n 10 "$BZ" sample "$OUT/mnist-rbm" -n 100 --chains 10 --burn-in 1000 --thin 100 --anneal-from 3 \
  --out "$OUT/fantasy.npy" --png "$OUT/fantasy.png" --shape 28x28 --json -q | tee "$OUT/sample.json"

# 3. Inpainting the bottom half / 50% random pixels of 500 test digits.
for MASK in bottom-half random:0.5; do
  nice -n 10 "$BZ" inpaint "$OUT/mnist-rbm" "$TEST" --limit 500 --mask $MASK --burn-in 50 --sweeps 100 \
    --out "$OUT/inpaint.npy" --png "$OUT/inpaint-$MASK.png" --shape 28x28 --json -q | tee "$OUT/inpaint-$MASK.json"
done

# 4. Denoising 500 test digits at flip rates 0.1 and 0.2.
for E in 0.1 0.2; do
  nice -n 10 "$BZ" denoise "$OUT/mnist-rbm" "$TEST" --limit 500 --flip-rate $E --add-noise --burn-in 50 --sweeps 100 \
    --out "$OUT/denoise.npy" --png "$OUT/denoise-$E.png" --shape 28x28 --json -q | tee "$OUT/denoise-$E.json"
done

# 5. Joint RBM of digits and one-hot labels; classification of all 10000 test digits.
[ -f "$OUT/mnist-labeled/model.npz" ] || nice -n 10 "$BZ" train "$M/train-images-idx3-ubyte.gz" --binarize threshold \
  --labels "$M/train-labels-idx1-ubyte.gz" --model rbm --hidden 500 --method pcd --k 1 --chains 100 --epochs 10 \
  --batch-size 100 --l2 1e-4 --seed 1 --out "$OUT/mnist-labeled" -q
nice -n 10 "$BZ" classify "$OUT/mnist-labeled" "$TEST" --labels "$M/t10k-labels-idx1-ubyte.gz" \
  --out "$OUT/pred.npy" --json | tee "$OUT/classify.json"
