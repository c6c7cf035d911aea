#!/usr/bin/env python3
"""Checks that the Python baseline and `codeframe run` agree exactly.

Usage: compare.py CODEFRAME_OUT_DIR BASELINE_OUT_DIR

Compares, row by row, codeframe's codes.csv (respondent_id, question, theme, hits) with
the baseline's codes.csv, and the respondents per question and theme of codeframe's
theme_frequencies.csv (`count`) with the baseline's themes.csv. Exits 1 on any difference.
"""

import csv
import sys


def codes(path):
    with open(path, newline="", encoding="utf-8") as f:
        return [(r["respondent_id"], r["question"], r["theme"], r["hits"]) for r in csv.DictReader(f)]


def main():
    cf, py = sys.argv[1:3]
    a, b = codes(f"{cf}/codes.csv"), codes(f"{py}/codes.csv")
    bad = 0
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            print(f"codes row {i + 1}: codeframe {x} != baseline {y}")
            bad += 1
            if bad > 10:
                break
    if len(a) != len(b):
        print(f"codes rows: codeframe {len(a)}, baseline {len(b)}")
        bad += 1
    with open(f"{cf}/theme_frequencies.csv", newline="", encoding="utf-8") as f:
        ca = {(r["question"], r["theme"]): int(r["count"]) for r in csv.DictReader(f)}
    with open(f"{py}/themes.csv", newline="", encoding="utf-8") as f:
        cb = {(r["question"], r["theme"]): int(r["respondents"]) for r in csv.DictReader(f)}
    if ca != cb:
        diff = sorted(k for k in ca.keys() | cb.keys() if ca.get(k) != cb.get(k))
        print(f"theme counts differ for {len(diff)} (question, theme) pairs, e.g. {diff[:5]}")
        bad += 1
    hits = sum(int(r[3]) for r in a)
    print(
        f"{'AGREE' if not bad else 'DIFFER'}: {len(a)} codes rows, {hits} hits, "
        f"{len(ca)} (question, theme) counts, {sum(ca.values())} theme assertions"
    )
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
