#!/usr/bin/env python3
"""Side-by-side F1 per question-theme on demo and dev A (and dev B macro/min only with --b)."""
import csv, subprocess, sys, os
os.chdir(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sets = ["demo", "a"] + (["b"] if "--b" in sys.argv else [])
res = {}
for s in sets:
    subprocess.run(["scripts/val.sh", s], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    res[s] = {(r["question"], r["theme"]): r for r in csv.DictReader(open(f"/tmp/v-{s}/validation.csv"))}
keys = sorted(k for k in res["demo"] if k[0] != "(all)")
def f(r): return float(r["f1"]) if r and r["f1"] not in ("", "NaN") else float("nan")
show = [s for s in sets if s != "b"]
for k in keys:
    cells = []
    for s in show:
        r = res[s].get(k)
        cells.append(f"{f(r):.2f} ({r['fp']}/{r['fn']})" if r else "  -  ")
    print(f"{k[0]:8} {k[1]:30} " + "   ".join(cells))
for s in sets:
    vals = [f(r) for k, r in res[s].items() if k[0] != "(all)"]
    low = sorted(vals)[:3]
    print(f"{s}: macro F1 {sum(vals)/len(vals):.3f}  lowest {', '.join(f'{v:.2f}' for v in low)}")
