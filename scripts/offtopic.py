#!/usr/bin/env python3
"""Precision probe: code answers written to OTHER questions as if they answered QUESTION.

Answers to other questions rarely assert QUESTION's themes, so what gets coded here is mostly
an entry matching too broadly. Prints each coded answer with its evidence (demo, dev A, B and C;
never dev D, the held-out set).

Usage: scripts/offtopic.py QUESTION [THEME] [--lexicon FILE] [-q]
"""
import csv, os, subprocess, sys, tempfile
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
D = os.path.join(ROOT, "data", "stalking-consultation")
args = [a for a in sys.argv[1:] if a != "-q"]
lex = os.path.join(ROOT, "lexicons", "stalking-consultation.toml")
if "--lexicon" in args:
    lex = args[args.index("--lexicon") + 1]
    del args[args.index("--lexicon"):args.index("--lexicon") + 2]
q = args[0]
want = args[1] if len(args) > 1 else None
OPEN = ["q1_text", "q2_text", "q3", "q4", "q5", "q6_text", "q7_text", "q8", "q9"]
cols = ["respondent_id", "respondent_type", "q1", "q2", "q6a", "q6b", "q7"] + OPEN
rows = []
for f in ["responses.csv", "dev/answers-a.csv", "dev/answers-b.csv", "dev/answers-c.csv"]:
    for r in csv.DictReader(open(os.path.join(D, f), encoding="utf-8")):
        for other in OPEN:
            if other == q or not r.get(other, "").strip():
                continue
            if {other, q} <= {"q3", "q8"}:
                continue  # q3 and q8 share a theme and overlap in content
            row = {c: "" for c in cols}
            row["respondent_id"] = f"{r['respondent_id']}:{other}"
            row[q] = r[other]
            rows.append(row)
tmp = tempfile.mkdtemp(prefix="codeframe-offtopic-")
with open(os.path.join(tmp, "in.csv"), "w", newline="", encoding="utf-8") as fh:
    w = csv.DictWriter(fh, fieldnames=cols); w.writeheader(); w.writerows(rows)
with open(os.path.join(tmp, "gold.csv"), "w", newline="", encoding="utf-8") as fh:
    csv.writer(fh).writerow(["respondent_id", "question", "theme"])
out = os.path.join(tmp, "out")
subprocess.run([os.path.join(ROOT, "target", "release", "codeframe"), "validate", "--survey", os.path.join(D, "survey.toml"),
                "--input", os.path.join(tmp, "in.csv"), "--gold", os.path.join(tmp, "gold.csv"),
                "--lexicon", lex, "--out", out],
               check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
n = 0
for r in csv.DictReader(open(os.path.join(out, "disagreements.csv"), encoding="utf-8")):
    if want and want not in r["theme"]:
        continue
    n += 1
    if "-q" in sys.argv:
        continue
    print(f"[{r['theme']}] {r['respondent_id']}: {r['answer'][:300]}\n    -> {r['evidence'][:300]}")
print(f"{len(rows)} off-topic answers coded as {q}; {n} codes")
