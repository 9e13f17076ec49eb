#!/bin/sh
# Generative, discriminative and hybrid training of a labeled RBM on MNIST
# (Larochelle & Bengio 2008, "Classification using discriminative restricted
# Boltzmann machines"), test error of each, and samples of every digit class
# from the generative model, classified by the discriminative one.
#
# Usage: sh benchmarks/mnist_disc/run.sh OUTDIR
#
# The defaults are the paper's settings: 1500 hidden units, learning rate 0.05,
# alpha = 0.01 for the hybrid objective, the 60,000 training digits with the
# last 10,000 held out for validation (early stopping, patience 5). Pixels are
# binarized at 0.5 (threshold) unless BINARIZE is set empty (BINARIZE=): then
# the grey levels in [0,1] are the probabilities of the data units, the
# paper's protocol. Shorter runs set the variables below,
# e.g. the one in BENCHMARKS.md:
#
#   HIDDEN=500 LIMIT=12000 EPOCHS=10 sh benchmarks/mnist_disc/run.sh /tmp/disc
#
# and the full-size run of BENCHMARKS.md (each objective started on its own,
# in parallel; OBJECTIVES=" " afterwards draws and classifies the samples):
#
#   HIDDEN=1500 EPOCHS=16 BATCH=50 OPT=adam LR=0.001 SCHEDULE=linear:0.00001 \
#     OBJECTIVES=hybrid SAMPLES=0 sh benchmarks/mnist_disc/run.sh /tmp/mnb
#
# A run directory that already has a checkpoint is not trained again (only
# classified), so a run stopped and continued with 'train --resume' is
# classified by running the script again.
#
# Needs the MNIST IDX files in $MNIST (default ../shared/data/mnist) and a
# built binary in $BZ (default /tmp/bz: go build -tags openblas -o /tmp/bz ./cmd/boltzmann).
set -eu
OUT=${1:-/tmp/mnist-disc}
M=${MNIST:-../shared/data/mnist}
BZ=${BZ:-/tmp/bz}
HIDDEN=${HIDDEN:-1500}
LIMIT=${LIMIT:-60000}     # training rows read, of which the last VAL are held out
VAL=${VAL_FRACTION:-0.1666667}
EPOCHS=${EPOCHS:-50}
BATCH=${BATCH:-10}
PATIENCE=${PATIENCE:-5}
LR=${LR:-0.05}
OPT=${OPT:-sgd}           # discriminative and hybrid: sgd or adam
MOMENTUM=${MOMENTUM:-0.5} # with OPT=sgd
SCHEDULE=${SCHEDULE:-}    # e.g. linear:0.00001; empty: the command's default (linear to 1/50)
GEN_LR=${GEN_LR:-0.05}    # generative run: SGD with momentum 0.5 (the command's defaults)
ALPHA=${ALPHA:-0.01}
OBJECTIVES=${OBJECTIVES:-generative discriminative hybrid}
FLAGS=${FLAGS:-}          # more train flags for the discriminative and hybrid runs, e.g. "--sparsity 0.05 --l2 1e-5"
SAMPLES=${SAMPLES:-1}      # 0: skip the samples (they need the generative and discriminative runs)
mkdir -p "$OUT"
TRAIN="$M/train-images-idx3-ubyte.gz"; LABELS="$M/train-labels-idx1-ubyte.gz"
TEST="$M/t10k-images-idx3-ubyte.gz"; TEST_LABELS="$M/t10k-labels-idx1-ubyte.gz"
BINARIZE=${BINARIZE-threshold}
COMMON="${BINARIZE:+--binarize $BINARIZE} --labels $LABELS --limit $LIMIT --val-fraction $VAL --patience $PATIENCE
  --model rbm --hidden $HIDDEN --epochs $EPOCHS --seed 1"
DISC="--lr $LR --optimizer $OPT${SCHEDULE:+ --schedule $SCHEDULE} $FLAGS"
[ "$OPT" = sgd ] && DISC="$DISC --momentum $MOMENTUM"

# generative: PCD-1 with 100 chains on minibatches of 100 (the command's
# defaults); discriminative: exact gradients on minibatches of $BATCH; hybrid:
# the same plus alpha times a CD-1 estimate of the generative gradient (chains
# restarted at the minibatch), as in the paper.
for OBJ in $OBJECTIVES; do
  case $OBJ in
    generative) EXTRA="--batch-size 100 --chains 100 --lr $GEN_LR" ;;
    discriminative) EXTRA="--batch-size $BATCH $DISC" ;;
    hybrid) EXTRA="--batch-size $BATCH --method cd --alpha $ALPHA $DISC" ;;
  esac
  [ -f "$OUT/$OBJ/checkpoint.bin" ] || /usr/bin/time -f "$OBJ: %e s wall, %U s user, %S s sys" nice -n 5 \
    "$BZ" train "$TRAIN" $COMMON --objective $OBJ $EXTRA --out "$OUT/$OBJ" --force 2> "$OUT/$OBJ.log"
  nice -n 5 "$BZ" classify "$OUT/$OBJ" "$TEST" --labels "$TEST_LABELS" --out "$OUT/$OBJ-pred.npy" \
    --proba "$OUT/$OBJ-proba.npy" --json | tee "$OUT/$OBJ-classify.json"
done

# 10 samples of every digit from the generative model (label block clamped),
# written class by class, and their classification by the discriminative model.
[ "$SAMPLES" = 0 ] && exit 0
nice -n 5 "$BZ" sample "$OUT/generative" --label all -n 10 --burn-in 1000 --seed 1 \
  --out "$OUT/samples.npy" --png "$OUT/samples.png" --shape 28x28 --json -q | tee "$OUT/sample.json"
: > "$OUT/sample-labels.txt"
for C in 0 1 2 3 4 5 6 7 8 9; do for K in 1 2 3 4 5 6 7 8 9 10; do echo $C >> "$OUT/sample-labels.txt"; done; done
nice -n 5 "$BZ" classify "$OUT/discriminative" "$OUT/samples.npy" --labels "$OUT/sample-labels.txt" \
  --out "$OUT/sample-pred.npy" --json | tee "$OUT/sample-classify.json"
