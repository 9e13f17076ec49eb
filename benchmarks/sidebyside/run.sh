#!/usr/bin/env bash
# Times two builds of boltzmann side by side on the same work, alternating
# them, as whole processes under /usr/bin/time (wall seconds and peak memory),
# with the load average before each run:
#
#   benchmarks/sidebyside/run.sh OLD_BINARY NEW_BINARY [ROUNDS]
#
# Cases: PCD-1 training of a 784x500 RBM on 10,000 binarized MNIST digits
# (float32, 5 epochs), then a 14,500-step forward AIS evaluation of the model
# that OLD_BINARY trained, on 500 test digits. The MNIST files are read from
# ../shared/data/mnist relative to the repository root (override with MNIST).
set -euo pipefail
old=$1 new=$2 rounds=${3:-2}
root=$(cd "$(dirname "$0")/../.." && pwd)
mnist=${MNIST:-$root/../shared/data/mnist}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

run() { # label binary args...
  local label=$1 bin=$2; shift 2
  local load; load=$(cut -d' ' -f1-3 /proc/loadavg)
  /usr/bin/time -f "%e %M" -o "$work/time" "$bin" "$@" >"$work/out" 2>"$work/err" || { cat "$work/err"; exit 1; }
  read -r secs kib <"$work/time"
  printf '%-28s %8.2f s %8.0f MiB   load %s\n' "$label" "$secs" "$((kib / 1024))" "$load"
}

train_args=(train "$mnist/train-images-idx3-ubyte.gz" --binarize threshold --limit 10000
  --model rbm --hidden 500 --epochs 5 --chains 100 --batch-size 100 --lr 0.01 --seed 1 --force)
for r in $(seq "$rounds"); do
  for b in old new; do
    bin=$old; [ $b = new ] && bin=$new
    extra=(--float32)
    # The new build trains in float32 by default only if it says so.
    if [ $b = new ] && ! "$new" help train 2>&1 | grep -q -- '--float32'; then extra=(); fi
    run "train PCD-1 ($b, round $r)" "$bin" "${train_args[@]}" "${extra[@]}" --out "$work/run-$b"
  done
done
for r in $(seq "$rounds"); do
  for b in old new; do
    bin=$old; [ $b = new ] && bin=$new
    run "AIS 14500 ($b, round $r)" "$bin" evaluate "$work/run-old" "$mnist/t10k-images-idx3-ubyte.gz" \
      --binarize threshold --limit 500 --logz ais --ais-steps 14500 --json
    grep -o '"log_z":[^,]*' "$work/out" | sed "s/^/    $b /"
  done
done
