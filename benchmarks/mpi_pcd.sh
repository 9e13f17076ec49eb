#!/bin/bash
# PCD-1 on 10,000 MNIST digits, 784×500 RBM: one process × 2 threads (fused
# and block arithmetic) against 2 MPI processes × 1 thread. Run from the
# repository root after: go build -tags "mpi openblas" -o bzfast ./cmd/boltzmann
set -u
D=${MNIST:-../shared/data/mnist/train-images-idx3-ubyte.gz}
A="train $D --limit 10000 --binarize threshold --model rbm --hidden 500 --chains 100 --batch-size 100 --method pcd --k 1 --epochs 2 --seed 1"
for rep in 1 2; do
rm -rf b1 b1f b2
echo "== rep $rep $(uptime)"
GOMAXPROCS=2 ./bzfast $A --out b1f 2>&1 | grep -E "epoch done|training done"
GOMAXPROCS=2 ./bzfast $A --reduction blocks --out b1 2>&1 | grep -E "epoch done|training done"
OMPI_MCA_btl=self,vader mpirun --oversubscribe --allow-run-as-root --bind-to none -n 2 -x GOMAXPROCS=1 ./bzfast $A --out b2 2>&1 | grep -E "epoch done|training done|reduction"
done
