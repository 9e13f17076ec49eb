#!/usr/bin/env bash
# bmDCA side by side with adabmDCA 2 on one alignment, in one run on this
# machine, each program bounded by a wall-time limit:
#
#   benchmarks/bmdca_sidebyside/run.sh [-a MSA] [-t SECONDS] [-o OUTDIR] [-b BINARY] [-- BOLTZMANN_FLAGS...]
#
# Both programs fit the same alignment (default ../shared/data/msa/PF00014.fasta
# relative to the repository root) with adabmDCA's bmDCA settings: 10,000
# chains, 10 Gibbs sweeps per update, learning rate 0.05, reweighting at 80%
# identity, pseudocount 1/Neff, target Pearson 0.95 of the connected
# correlations; boltzmann with the flags after "--" (default: none, i.e. the
# command line's defaults; pass --preset adabmdca for adabmDCA's optimizer).
# adabmDCA 2 runs from its source tree (../shared/peers/adabmDCApy, override
# with ADABMDCA) under Debian's python3 with python3-torch and
# python3-biopython on the CPU, float32, with
# OMP_NUM_THREADS = the number of cores, and stand-ins for its optional
# logging module (wandb) and, when missing, its progress bar (tqdm). Both run
# under nice -n 5 and /usr/bin/time, the load average printed before and
# after each. The limit (-t, default 600 s) bounds each program's training
# time as its own log reports it (start-up, such as adabmDCA's computation of
# the sequence weights, is not counted): the program is stopped with SIGINT
# at the first check (every 5 s) after its log shows that much training.
#
# Output in OUTDIR (default ./bmdca-sidebyside): the logs, curves.csv
# (program, update, wall seconds, Pearson) and curves.png, and on stdout the
# per-update time of each program, the wall time at which each reached 0.95
# and, for a program stopped by the limit first, the extrapolation of its
# own curve (see benchmarks/bmdca_sidebyside/main.go).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
aln=$root/../shared/data/msa/PF00014.fasta limit=600 out=./bmdca-sidebyside bin=
while getopts a:t:o:b: opt; do
  case $opt in
    a) aln=$OPTARG ;; t) limit=$OPTARG ;; o) out=$OPTARG ;; b) bin=$OPTARG ;;
    *) echo "usage: $0 [-a MSA] [-t SECONDS] [-o OUTDIR] [-b BINARY] [-- BOLTZMANN_FLAGS...]" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[ "${1:-}" = -- ] && shift
peer=${ADABMDCA:-$root/../shared/peers/adabmDCApy}
py=${PYTHON:-/usr/bin/python3}
[ -f "$aln" ] || { echo "no alignment at $aln: pass -a MSA" >&2; exit 2; }
[ -f "$peer/adabmDCA/scripts/train.py" ] || { echo "no adabmDCA source at $peer: set ADABMDCA" >&2; exit 2; }
"$py" -c 'import torch, numpy, Bio.SeqIO' 2>/dev/null ||
  { echo "$py lacks torch, numpy or Bio: apt-get install python3-torch python3-biopython" >&2; exit 2; }
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -z "$bin" ]; then
  (cd "$root" && go build -o "$work/boltzmann" ./cmd/boltzmann)
  bin=$work/boltzmann
fi

# Stand-ins: adabmDCA imports wandb unconditionally (used only with --wandb)
# and tqdm for its progress bar.
mkdir -p "$work/stub/wandb"
printf 'def init(*a, **k):\n    pass\n\ndef log(*a, **k):\n    pass\n' >"$work/stub/wandb/__init__.py"
if ! "$py" -c 'import tqdm.autonotebook' 2>/dev/null; then
  mkdir -p "$work/stub/tqdm"
  cat >"$work/stub/tqdm/__init__.py" <<'PY'
class tqdm:
    def __init__(self, iterable=None, *args, **kwargs):
        self.iterable, self.n, self.total = iterable, kwargs.get("initial", 0), kwargs.get("total")
    def __iter__(self):
        return iter(self.iterable)
    def __enter__(self):
        return self
    def __exit__(self, *exc):
        return False
    def set_description(self, *a, **k):
        pass
    def update(self, n=1):
        self.n += n
    def refresh(self):
        pass
    def close(self):
        pass
PY
  echo 'from tqdm import tqdm' >"$work/stub/tqdm/autonotebook.py"
fi

cores=$(nproc)
# trained LOG: the training seconds a program has logged so far (its
# start-up, reading the alignment and computing the weights, not included).
trained() {
  case $1 in
    *.log) awk '$1 == "Epochs" {h = 1; next} h && NF > 8 {t = $NF} END {print int(t + 0)}' "$1" 2>/dev/null || echo 0 ;;
    *) grep -o 'msg=update .*seconds=[0-9.]*' "$1" 2>/dev/null | tail -1 | sed 's/.*seconds=//; s/\..*//' ;;
  esac
}
timed() { # name log command... : stopped (SIGINT) once its log shows limit seconds of training
  local name=$1 log=$2; shift 2
  echo "== $name: load $(cut -d' ' -f1-3 /proc/loadavg) at $(date -u +%H:%M:%S) UTC, training limit ${limit} s"
  /usr/bin/time -f "%e s wall, %U s user, %S s system, %M KiB peak" -o "$out/$name.time" \
    timeout --signal=INT --kill-after=60 "$((limit + 3600))" nice -n 5 "$@" >"$out/$name.out" 2>"$out/$name.err" &
  local pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 5
    local t; t=$(trained "$log"); t=${t:-0}
    if [ "$t" -ge "$limit" ]; then pkill -INT -P "$pid" -x timeout || true; break; fi
  done
  local rc=0
  wait "$pid" || rc=$?
  echo "   exit $rc, $(tail -1 "$out/$name.time"), load $(cut -d' ' -f1-3 /proc/loadavg) at $(date -u +%H:%M:%S) UTC"
}

timed adabmdca "$work/adabm/adabmDCA.log" env PYTHONPATH="$work/stub:$peer" OMP_NUM_THREADS="$cores" "$py" "$peer/adabmDCA/scripts/train.py" \
  -m bmDCA -d "$aln" -o "$work/adabm" --nchains 10000 --nsweeps 10 --lr 0.05 --target 0.95 \
  --clustering_seqid 0.8 --sampler gibbs --device cpu --dtype float32 --seed 0
cp "$work/adabm/adabmDCA.log" "$out/adabmdca.log"

timed boltzmann "$out/boltzmann.err" env GOMAXPROCS="$cores" "$bin" train "$aln" --model potts --out "$work/bz" \
  --chains 10000 --lr 0.05 --target-pearson 0.95 --max-updates 50000 --save-every 1000000 "$@"

(cd "$root" && go run ./benchmarks/bmdca_sidebyside -adabmdca "$out/adabmdca.log" -boltzmann "$out/boltzmann.err" \
  -limit "$limit" -out "$out")
