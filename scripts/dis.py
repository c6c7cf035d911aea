#!/usr/bin/env python3
"""Print disagreements.csv grouped by question/theme: scripts/dis.py /tmp/v-a [theme-substring] [FP|FN]"""
import csv, sys
d = sys.argv[1]
flt = sys.argv[2] if len(sys.argv) > 2 else ""
kind = sys.argv[3] if len(sys.argv) > 3 else ""
rows = list(csv.DictReader(open(d + "/disagreements.csv", encoding="utf-8")))
rows.sort(key=lambda r: (r["question"], r["theme"], r["kind"]))
for r in rows:
    if flt and flt not in r["theme"] and flt != r["question"]:
        continue
    if kind and r["kind"] != kind:
        continue
    print(f"[{r['question']} {r['theme']} {r['kind']}] {r['respondent_id']}: {r['answer']}\n    -> {r['evidence']}")
