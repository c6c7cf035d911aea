#!/usr/bin/env python3
"""Check every theme's `examples` in the lexicon: each `match` example must be coded with
the theme and each `no_match` example must not, in every question the theme applies to.

Usage: scripts/check_examples.py [lexicons/stalking-consultation.toml]
(Until `codeframe lexicon test` exists; runs `codeframe run` on a CSV built from the examples.)
"""
import csv, os, subprocess, sys, tempfile, tomllib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
lex_path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "lexicons", "stalking-consultation.toml")
lex = tomllib.load(open(lex_path, "rb"))
survey = os.path.join(ROOT, "data", "stalking-consultation", "survey.toml")
cols = ["respondent_id", "respondent_type", "q1", "q2", "q6a", "q6b", "q7", "q1_text", "q2_text", "q3", "q4",
        "q5", "q6_text", "q7_text", "q8", "q9"]
rows, expect = [], {}
for t in lex["theme"]:
    ex = t.get("examples", {})
    for kind in ("match", "no_match"):
        for k, text in enumerate(ex.get(kind, [])):
            rid = f"{t['id']}-{kind}-{k}"
            row = {c: "" for c in cols}
            row["respondent_id"] = rid
            for q in t["questions"]:
                row[q] = text
            rows.append(row)
            expect[rid] = (t["id"], t["questions"], kind == "match", text)
tmp = tempfile.mkdtemp(prefix="codeframe-examples-")
inp = os.path.join(tmp, "examples.csv")
with open(inp, "w", newline="", encoding="utf-8") as f:
    w = csv.DictWriter(f, fieldnames=cols)
    w.writeheader()
    w.writerows(rows)
gold = os.path.join(tmp, "gold.csv")
with open(gold, "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["respondent_id", "question", "theme"])
    for rid, (theme, qs, want, text) in expect.items():
        if want:
            for q in qs:
                w.writerow([rid, q, theme])
out = os.path.join(tmp, "out")
subprocess.run([os.path.join(ROOT, "target", "release", "codeframe"), "validate", "--survey", survey, "--input", inp,
                "--gold", gold, "--lexicon", lex_path, "--out", out],
               check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
bad = 0
for r in csv.DictReader(open(os.path.join(out, "disagreements.csv"), encoding="utf-8")):
    theme, qs, want, text = expect[r["respondent_id"]]
    if r["theme"] != theme:
        continue  # another theme's decision on this example: not what the example tests
    bad += 1
    print(f"FAIL {theme} {r['question']} {'match' if want else 'no_match'}: {text}\n     {r['evidence'][:300]}")
print(f"{len(expect)} examples, {bad} failures")
sys.exit(1 if bad else 0)
