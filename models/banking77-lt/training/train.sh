#!/usr/bin/env bash
# Rebuilds the bundled BANKING77-LT model end to end:
#   LT split -> train + ONNX export -> reference outputs for test/model.test.ts -> Node (transformers.js) check.
# Needs Debian's python3-torch and python3-onnx (apt-get install -y python3-torch python3-onnx) and the
# project's node_modules. Always /usr/bin/python3: a pyenv `python3` on PATH lacks torch.
#
# usage: models/banking77-lt/training/train.sh [BANKING77_DIR] [SCRATCH_DIR]
#   BANKING77_DIR  folder with BANKING77 train.jsonl/test.jsonl ({text,label}); default ../shared/data/banking77
#   SCRATCH_DIR    split files, pytorch_model.bin, ref.json, logs (never inside the project: the dataset
#                  texts are not redistributed); default a fresh mktemp -d
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
MODEL_DIR=$(dirname "$HERE")
ROOT=$(cd "$MODEL_DIR/../.." && pwd)
DATA=${1:-$ROOT/../shared/data/banking77}
SCRATCH=${2:-$(mktemp -d)}
PY=/usr/bin/python3
mkdir -p "$SCRATCH"
echo "scratch: $SCRATCH"

"$PY" "$HERE/make_lt_split.py" --train "$DATA/train.jsonl" --test "$DATA/test.jsonl" \
  --out "$SCRATCH/data" --label-counts "$MODEL_DIR/label_counts.json" --seed 77 --val-per-class 10

# The time budget is far above the run time so that the epoch count, not the machine load, decides.
"$PY" "$HERE/build_model.py" --data "$SCRATCH/data" --label-counts "$MODEL_DIR/label_counts.json" \
  --out "$MODEL_DIR" --work "$SCRATCH/work" --threads 1 --seed 0 \
  --epochs 30 --batch-size 32 --lr 1e-3 --logit-adjust-tau 0 \
  --vocab-size 6000 --min-word-freq 1 --min-piece-freq 1 \
  --time-budget 100000 2>&1 | tee "$SCRATCH/train.log"

"$PY" "$HERE/reference_outputs.py" --model-dir "$MODEL_DIR" --weights "$SCRATCH/work/pytorch_model.bin" \
  --out "$ROOT/test/fixtures/model-reference.json"

for dtype in fp32 q8; do
  node "$HERE/verify_node.mjs" --model "$MODEL_DIR" --data "$SCRATCH/data/test.jsonl" --dtype "$dtype" \
    --ref "$SCRATCH/work/ref.json" --label-counts "$MODEL_DIR/label_counts.json" | tee -a "$SCRATCH/verify.log"
done
node "$HERE/verify_node.mjs" --model "$MODEL_DIR" --data "$ROOT/data/bank-queries.jsonl" --dtype fp32 \
  --label-counts "$MODEL_DIR/label_counts.json" | tee -a "$SCRATCH/verify.log"
