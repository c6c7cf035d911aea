#!/usr/bin/env python3
"""Run the paraphrase probes (scripts/probes.tsv) through `codeframe validate`.

The probes are answers written to vary the wording (not taken from any data set), so
they measure how the lexicon generalises. Prints macro F1, each theme's F1 and every
disagreement (with -q: only the summary).

Usage: scripts/probe.py [-q] [--lexicon FILE] [--file scripts/probes.tsv]
"""
import csv, os, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CODES = {
    "q1_text": {"PROC": "process_confusion", "COSTV": "cost_to_victims"},
    "q2_text": {"STR": "stranger_stalking_gap"},
    "q3": {"INC": "inconsistent_cjs_response", "LOU": "lack_of_understanding", "COST": "cost_of_orders",
           "SPD": "speed_of_orders", "ONUS": "victim_onus", "RISK": "risk_after_reporting"},
    "q4": {"NOC": "no_contact", "ONL": "online_restrictions", "GEO": "geographic_restrictions", "TAG": "tagging_monitoring"},
    "q5": {"MH": "mental_health_treatment", "PROG": "perpetrator_programme", "COUN": "counselling"},
    "q7_text": {"CONF": "stalking_harassment_confusion", "LINK": "stalking_harassment_linked"},
    "q8": {"LOU": "lack_of_understanding", "PROF": "professional_response", "EVID": "evidence_difficulty",
           "LOW": "low_level_behaviour", "REL": "reluctance_to_report"},
    "q9": {"TRAIN": "training", "AWARE": "awareness_campaigns", "MAC": "multi_agency_clinics",
           "SPEC": "specialist_officers", "TOOL": "evidence_toolkit"},
}
quiet = "-q" in sys.argv
lex = sys.argv[sys.argv.index("--lexicon") + 1] if "--lexicon" in sys.argv else os.path.join(ROOT, "lexicons", "stalking-consultation.toml")
cols = ["respondent_id", "respondent_type", "q1", "q2", "q6a", "q6b", "q7", "q1_text", "q2_text", "q3", "q4",
        "q5", "q6_text", "q7_text", "q8", "q9"]
rows, gold = [], []
pfile = sys.argv[sys.argv.index("--file") + 1] if "--file" in sys.argv else os.path.join(ROOT, "scripts", "probes.tsv")
for n, line in enumerate(open(pfile, encoding="utf-8")):
    if line.startswith("#") or not line.strip():
        continue
    q, codes, text = line.rstrip("\n").split("\t")
    rid = f"P{n:04d}"
    row = {c: "" for c in cols}
    row["respondent_id"] = rid
    row[q] = text.replace("\\n", "\n")
    rows.append(row)
    for c in codes.split(","):
        if c != "-":
            gold.append([rid, q, CODES[q][c]])
tmp = tempfile.mkdtemp(prefix="codeframe-probes-")
with open(os.path.join(tmp, "in.csv"), "w", newline="", encoding="utf-8") as f:
    w = csv.DictWriter(f, fieldnames=cols); w.writeheader(); w.writerows(rows)
with open(os.path.join(tmp, "gold.csv"), "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f); w.writerow(["respondent_id", "question", "theme"]); w.writerows(gold)
out = os.path.join(tmp, "out")
subprocess.run([os.path.join(ROOT, "target", "release", "codeframe"), "validate", "--survey",
                os.path.join(ROOT, "data", "stalking-consultation", "survey.toml"), "--input", os.path.join(tmp, "in.csv"),
                "--gold", os.path.join(tmp, "gold.csv"), "--lexicon", lex, "--out", out],
               check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
res = [r for r in csv.DictReader(open(os.path.join(out, "validation.csv"), encoding="utf-8")) if r["question"] != "(all)"]
def f1(r):
    try: return float(r["f1"])
    except ValueError: return float("nan")
if not quiet:
    for r in csv.DictReader(open(os.path.join(out, "disagreements.csv"), encoding="utf-8")):
        print(f"[{r['question']} {r['theme']} {r['kind']}] {r['answer']}\n    -> {r['evidence'][:220]}")
for r in sorted(res, key=f1):
    print(f"{r['question']:8} {r['theme']:30} F1 {f1(r):.2f}  tp {r['tp']} fp {r['fp']} fn {r['fn']}")
vals = [f1(r) for r in res if f1(r) == f1(r)]
print(f"probes: {len(rows)} answers, macro F1 {sum(vals)/len(vals):.3f}")
