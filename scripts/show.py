#!/usr/bin/env python3
"""Show answers of a data set with their gold codes: scripts/show.py c|a|b|demo QUESTION [RESPONDENT-SUBSTRING|THEME]
(never dev D)."""
import csv, os, sys
D = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", "stalking-consultation")
FILES = {"demo": ("responses.csv", "gold.csv"), "a": ("dev/answers-a.csv", "dev/gold-a.csv"),
         "b": ("dev/answers-b.csv", "dev/gold-b.csv"), "c": ("dev/answers-c.csv", "dev/gold-c.csv")}
s, q = sys.argv[1], sys.argv[2]
flt = sys.argv[3] if len(sys.argv) > 3 else ""
a, g = FILES[s]
gold = {}
for r in csv.DictReader(open(os.path.join(D, g), encoding="utf-8")):
    if r["question"] == q:
        gold.setdefault(r["respondent_id"], []).append(r["theme"])
for r in csv.DictReader(open(os.path.join(D, a), encoding="utf-8")):
    t = r.get(q, "").strip()
    codes = gold.get(r["respondent_id"], [])
    if not t or (flt and flt not in r["respondent_id"] and flt not in codes):
        continue
    print(f"{r['respondent_id']} [{','.join(codes) or '-'}] {t}")
