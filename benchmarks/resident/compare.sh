#!/bin/sh
# Interleaved runs of BenchmarkTrainPCDMNIST (train/bench_test.go) for two
# builds, alternating the order, each process timed by /usr/bin/time.
#
#   git checkout OLD && go test -c -o /tmp/old-gonum.test ./train/ &&
#     go test -tags openblas -c -o /tmp/old-openblas.test ./train/
#   (the same for NEW), then from the repository root:
#   benchmarks/resident/compare.sh /tmp/old /tmp/new
set -e
old=$1 new=$2
cd "$(dirname "$0")/../../train" # the benchmark reads ../../shared
one() { # binary prefix, build, benchtime
  echo "=== $1 $2 $(date -u +%H:%M:%S) load: $(cut -d' ' -f1-3 /proc/loadavg)"
  /usr/bin/time -f "TIME user %U sys %S wall %e" nice -n 5 "$1-$2.test" -test.run XXX \
    -test.bench TrainPCDMNIST -test.benchtime "$3" -test.count 5
}
for order in "$old $new" "$new $old" "$old $new"; do
  for b in $order; do one "$b" openblas 20x; done
done
for order in "$old $new" "$new $old"; do
  for b in $order; do one "$b" gonum 5x; done
done
echo "=== done $(date -u +%H:%M:%S) load: $(cut -d' ' -f1-3 /proc/loadavg)"
