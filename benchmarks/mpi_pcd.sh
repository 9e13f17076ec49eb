#!/bin/bash
# PCD-1 on 10,000 MNIST digits, 784×500 RBM in float32: one process × 2
# threads (the fused default, per-block sums, fixed-point sums) against 2
# MPI processes × 1 thread (per-block sums, fixed-point sums: one partial
# per process). Each run's log gives the epoch times; the MPI runs log the
# reduction time and bytes per update. Usage, from the repository root:
#   go build -tags "mpi openblas" -o /tmp/bz-mpi ./cmd/boltzmann
#   bash benchmarks/mpi_pcd.sh [OUTDIR]
set -u
BZ=${BZ:-/tmp/bz-mpi}
OUT=${1:-/tmp/mpi-pcd}
D=${MNIST:-../shared/data/mnist/train-images-idx3-ubyte.gz}
A="train $D --limit 10000 --binarize threshold --model rbm --hidden 500 --chains 100 --batch-size 100 --method pcd --k 1 --epochs 2 --seed 1"
MPI="mpirun --oversubscribe --allow-run-as-root --bind-to none -n 2 -x GOMAXPROCS=1"
export OMPI_MCA_btl=self,vader
mkdir -p "$OUT"
for rep in 1 2; do
  rm -rf "$OUT"/b1f "$OUT"/b1 "$OUT"/b2 "$OUT"/x1 "$OUT"/x2
  echo "== rep $rep $(uptime)"
  echo "-- 1 process, fused";            GOMAXPROCS=2 $BZ $A --out "$OUT/b1f" 2>&1 | grep -E "epoch done|training done"
  echo "-- 1 process, blocks";           GOMAXPROCS=2 $BZ $A --reduction blocks --out "$OUT/b1" 2>&1 | grep -E "epoch done|training done"
  echo "-- 2 processes, blocks";         $MPI $BZ $A --out "$OUT/b2" 2>&1 | grep -E "epoch done|training done|reduction"
  echo "-- 1 process, exact";            GOMAXPROCS=2 $BZ $A --reduction exact --out "$OUT/x1" 2>&1 | grep -E "epoch done|training done"
  echo "-- 2 processes, exact";          $MPI $BZ $A --reduction exact --out "$OUT/x2" 2>&1 | grep -E "epoch done|training done|reduction"
  cmp "$OUT/b1/model.npz" "$OUT/b2/model.npz" && echo "blocks: model.npz identical on 1 and 2 processes"
  cmp "$OUT/x1/model.npz" "$OUT/x2/model.npz" && echo "exact: model.npz identical on 1 and 2 processes"
done
