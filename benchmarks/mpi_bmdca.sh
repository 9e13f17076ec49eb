#!/bin/bash
# bmDCA on PF00014 (Potts, 1,000 chains, 10 sweeps per update, 20
# updates): one process × 2 threads against 2 MPI processes × 1 thread
# (shared memory). Usage, from the repository root:
#   go build -tags "mpi openblas" -o /tmp/bz-mpi ./cmd/boltzmann
#   bash benchmarks/mpi_bmdca.sh [OUTDIR]
set -u
BZ=${BZ:-/tmp/bz-mpi}
OUT=${1:-/tmp/mpi-bmdca}
F=$(realpath "${PF00014:-../shared/data/msa/PF00014.fasta}")
mkdir -p "$OUT" && cd "$OUT" || exit 1
A="train $F --model potts --chains ${CHAINS:-1000} --max-updates ${UPDATES:-20} --save-every 1000 --target-pearson 0.999 --seed 1"
for rep in 1 2; do
rm -rf p1 p2
echo "== rep $rep $(uptime)"
GOMAXPROCS=2 /usr/bin/time -f "%e s wall, %M KB" $BZ $A --out p1 2>&1 | grep -E "stopped|wall"
tail -1 p1/history.jsonl | grep -o '"seconds":[0-9.]*'
OMPI_MCA_btl=self,vader /usr/bin/time -f "%e s wall (mpirun)" mpirun --oversubscribe --allow-run-as-root --bind-to none -n 2 -x GOMAXPROCS=1 $BZ $A --out p2 2>&1 | grep -E "stopped|reduction|wall"
tail -1 p2/history.jsonl | grep -o '"seconds":[0-9.]*'
cmp p1/model.npz p2/model.npz && echo "model.npz identical"
done
