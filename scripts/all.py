#!/usr/bin/env python3
"""One table of per-theme F1 on demo, dev A, dev B and the paraphrase probes, dev C (tunable since round 3),
plus the demo-figure check and `lexicon test`. Never touches dev D (the held-out set).

Usage: scripts/all.py [--save NAME | --diff NAME [--changed]]   (snapshots kept in /tmp/codeframe-all-NAME.json)
"""
import csv, json, os, re, subprocess, sys
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
os.chdir(ROOT)
LEX = "lexicons/stalking-consultation.toml"
res = {}
for s in ["demo", "a", "b", "c"]:
    subprocess.run(["scripts/val.sh", s], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    res[s] = {f"{r['question']} {r['theme']}": r for r in csv.DictReader(open(f"/tmp/v-{s}/validation.csv")) if r["question"] != "(all)"}
# probe: every earlier paraphrase batch; new: the round-3 batches (regional, voices, traps3, voices2).
# probes-holdout6.tsv was held out until the round-3 rules were done (see its header).
import tempfile
BATCHES = {
    "probe": ["probes.tsv", "probes-short.tsv", "probes-holdout.tsv", "probes-holdout2.tsv", "probes-holdout3.tsv",
              "probes-holdout4.tsv", "probes-holdout5.tsv"],
    "new": ["probes-regional.tsv", "probes-voices.tsv", "probes-traps3.tsv", "probes-voices2.tsv", "probes-holdout6.tsv"],
}
for name, files in BATCHES.items():
    tmp = tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False, encoding="utf-8")
    for fn in files:
        tmp.write(open(os.path.join("scripts", fn), encoding="utf-8").read().rstrip("\n") + "\n")
    tmp.close()
    out = subprocess.run(["python3", "scripts/probe.py", "-q", "--file", tmp.name], capture_output=True, text=True).stdout
    res[name] = {}
    for line in out.splitlines():
        m = re.match(r"(\S+)\s+(\S+)\s+F1 (\S+)\s+tp (\d+) fp (\d+) fn (\d+)", line)
        if m:
            res[name][f"{m[1]} {m[2]}"] = {"f1": m[3], "fp": m[5], "fn": m[6]}
def f(r):
    try: return float(r["f1"])
    except (ValueError, KeyError, TypeError): return float("nan")
snap = {s: {k: f(r) for k, r in d.items()} for s, d in res.items()}
old = None
if "--diff" in sys.argv:
    old = json.load(open(f"/tmp/codeframe-all-{sys.argv[sys.argv.index('--diff') + 1]}.json"))
if "--save" in sys.argv:
    json.dump(snap, open(f"/tmp/codeframe-all-{sys.argv[sys.argv.index('--save') + 1]}.json", "w"))
sets = ["demo", "a", "b", "c", "probe", "new"]
print(f"{'':40}" + "".join(f"{s:>16}" for s in sets))
for k in sorted(res["demo"]):
    cells = []
    for s in sets:
        r = res[s].get(k)
        if not r: cells.append(f"{'-':>16}"); continue
        d = ""
        if old and k in old.get(s, {}) and abs(old[s][k] - f(r)) > 0.005:
            d = f"{f(r) - old[s][k]:+.2f}"
        cells.append(f"{f(r):.2f}({r['fp']}/{r['fn']}){d:>6}")
    if "--changed" in sys.argv and not any(c.strip().endswith(("0", "1", "2", "3", "4", "5", "6", "7", "8", "9")) and ("+" in c or "-0" in c) for c in cells):
        continue
    print(f"{k:40}" + "".join(f"{c:>16}" for c in cells))
for s in sets:
    v = [x for x in snap[s].values() if x == x]
    extra = f"  (was {sum(old[s].values())/len(old[s]):.3f})" if old else ""
    print(f"{s:6} macro F1 {sum(v)/len(v):.3f}  min {min(v):.2f}{extra}")
fig = subprocess.run(["python3", "scripts/check_demo_figures.py", "--lexicon", LEX], capture_output=True, text=True).stdout
print("demo figures:", [l for l in fig.splitlines() if "figures hold" in l or l.startswith("FAIL")] or fig[-300:])
t = subprocess.run(["target/release/codeframe", "lexicon", "test", LEX], capture_output=True, text=True)
print("lexicon test:", (t.stdout + t.stderr).strip().splitlines()[-1])
