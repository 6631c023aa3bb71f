#!/usr/bin/python3
"""Build BANKING77-LT: a long-tailed (Zipf-like) subsample of the BANKING77 training split.

Intents are ranked by their available training count (descending, ties by name) and rank i
(i = 0..76) keeps n_i = min(available_i, round(150 * 30 ** (-i / 76))) examples, drawn with a
fixed seed. So the head intent keeps 150, the tail intent 5 (imbalance ratio 30).

A balanced validation split (--val-per-class per intent, default 10) is drawn from the training
examples the subsample did NOT keep, as ImageNet-LT does with its balanced 20-per-class val set.
It is only used to pick the checkpoint/hyper-parameters, never for training.

Writes (OUT is a scratch folder: the dataset texts are not redistributed with the project)
  OUT/train.jsonl       the LT subsample, in the source file's order
  OUT/validation.jsonl  the balanced validation split
  OUT/test.jsonl        a copy of the balanced BANKING77 test split
  OUT/labels.json       label names in id order (sorted, as build_model.py would order them)
and --label-counts (the project's models/banking77-lt/label_counts.json): {label: train count},
all 77 intents, in rank order.

usage: make_lt_split.py --train .../banking77/train.jsonl --test .../banking77/test.jsonl \
           --out SCRATCH/data --label-counts models/banking77-lt/label_counts.json [--seed 77]
"""
import argparse
import collections
import json
import os
import random
import shutil

HEAD = 150  # examples kept for the most frequent intent
RATIO = 30  # head / tail imbalance ratio


def target_count(rank, n_classes):
    return round(HEAD * RATIO ** (-rank / (n_classes - 1)))


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def write_jsonl(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps({"text": r["text"], "label": r["label"]}, ensure_ascii=False) + "\n")


def shot_group(n):
    return "many" if n > 100 else "few" if n < 20 else "medium"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--train", required=True, help="BANKING77 train.jsonl ({text,label} per line)")
    ap.add_argument("--test", required=True, help="BANKING77 test.jsonl (copied unchanged)")
    ap.add_argument("--out", required=True, help="scratch folder for the split files")
    ap.add_argument("--label-counts", required=True, help="where to write label_counts.json")
    ap.add_argument("--seed", type=int, default=77)
    ap.add_argument("--val-per-class", type=int, default=10)
    args = ap.parse_args()

    rows = read_jsonl(args.train)
    by_label = collections.defaultdict(list)
    for idx, r in enumerate(rows):
        by_label[r["label"]].append(idx)
    ranked = sorted(by_label, key=lambda lab: (-len(by_label[lab]), lab))

    rng = random.Random(args.seed)
    keep, val, counts = [], [], {}
    for rank, label in enumerate(ranked):
        pool = list(by_label[label])
        rng.shuffle(pool)
        n = min(len(pool), target_count(rank, len(ranked)))
        keep += pool[:n]
        val += pool[n : n + args.val_per_class]
        counts[label] = n
        if len(pool) - n < args.val_per_class:
            print(f"warning: only {len(pool) - n} left over for validation of {label}")

    os.makedirs(args.out, exist_ok=True)
    write_jsonl(os.path.join(args.out, "train.jsonl"), [rows[i] for i in sorted(keep)])
    write_jsonl(os.path.join(args.out, "validation.jsonl"), [rows[i] for i in sorted(val)])
    shutil.copyfile(args.test, os.path.join(args.out, "test.jsonl"))
    with open(os.path.join(args.out, "labels.json"), "w", encoding="utf-8") as f:
        json.dump(sorted(counts), f, ensure_ascii=False, indent=1)
    with open(args.label_counts, "w", encoding="utf-8") as f:
        json.dump(counts, f, ensure_ascii=False, indent=2)
        f.write("\n")

    groups = collections.Counter(shot_group(n) for n in counts.values())
    print(f"BANKING77-LT: {len(keep)} train examples over {len(counts)} intents "
          f"(max {max(counts.values())}, min {min(counts.values())}); validation {len(val)}; "
          f"shot groups many>100: {groups['many']}, medium 20-100: {groups['medium']}, few<20: {groups['few']}")


if __name__ == "__main__":
    main()
