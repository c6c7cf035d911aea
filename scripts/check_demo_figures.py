#!/usr/bin/env python3
"""Check that the pipeline's run on the bundled demo reproduces the summary's figures.

Every figure of the target table in the codebook (docs/codebook.md, "Figures the
summary reports") must be within one percentage point, as a percent of all
respondents; q3's and q9's most frequent themes must be the ones the summary names.

Usage:
    scripts/check_demo_figures.py            # runs `codeframe run` on the demo itself
    scripts/check_demo_figures.py OUT_DIR    # checks an existing `codeframe run --out OUT_DIR`
    scripts/check_demo_figures.py --lexicon lexicons/stalking-consultation.toml
                                             # runs the demo with the lexicon file (no rebuild)

Exit status 0 when every figure holds, 1 otherwise.
"""

import csv
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "codeframe")
DEMO = os.path.join(ROOT, "data", "stalking-consultation")
TOLERANCE = 1.0  # percentage points

RESPONDENTS = 132
RESPONDENT_TYPES = {
    "Charity": 7,
    "Police / Law Enforcement": 11,
    "Professional body": 6,
    "Local Government": 3,
    "Member of the public": 72,
}
# (question, option) -> percent of all respondents; "Don't know (including nil)" merges nil.
CLOSED = {
    ("q1", "No"): 41,
    ("q1", "Yes"): 29.5,
    ("q1", "Don't know (including nil)"): 29.5,
    ("q2", "No"): 69,
    ("q6a", "Yes"): 80,
    ("q6b", "Yes"): 42,
    ("q6b", "Don't know (including nil)"): 45,
    ("q6b", "No"): 13,
    ("q7", "Yes"): 69,
    ("q7", "Don't know (including nil)"): 21,
    ("q7", "No"): 11,
}
# (question, theme) -> percent of all respondents.
THEMES = {
    ("q3", "lack_of_understanding"): 20,
    ("q4", "no_contact"): 24,
    ("q4", "online_restrictions"): 20,
    ("q5", "mental_health_treatment"): 32,
    ("q5", "perpetrator_programme"): 28,
    ("q5", "counselling"): 11,
    ("q8", "lack_of_understanding"): 14,
    ("q8", "professional_response"): 12,
}
NOT_ANSWERED = {"q8": 49}
MOST_FREQUENT = {"q3": "inconsistent_cjs_response", "q9": "training"}


def run_demo(lexicon):
    out = tempfile.mkdtemp(prefix="codeframe-demo-")
    cmd = [BIN, "run", "--out", out]
    if lexicon:
        cmd += [
            "--survey", os.path.join(DEMO, "survey.toml"),
            "--input", os.path.join(DEMO, "responses.csv"),
            "--lexicon", lexicon,
        ]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return out


def main(argv):
    lexicon = None
    out = None
    args = list(argv)
    while args:
        a = args.pop(0)
        if a == "--lexicon":
            lexicon = args.pop(0)
        elif a in ("-h", "--help"):
            print(__doc__)
            return 0
        else:
            out = a
    if out is None:
        out = run_demo(lexicon)

    rows = []  # (figure, expected, got, ok)

    def pct_check(name, expected, got):
        ok = got is not None and abs(got - expected) <= TOLERANCE
        rows.append((name, f"{expected}%", "missing" if got is None else f"{got:.2f}%", ok))

    with open(os.path.join(out, "summary.json"), encoding="utf-8") as f:
        summary = json.load(f)
    n = summary["respondents"]
    rows.append(("respondents", str(RESPONDENTS), str(n), n == RESPONDENTS))
    types = {t["name"]: t["pct"] for t in summary["respondent_types"]}
    for name, expected in RESPONDENT_TYPES.items():
        pct_check(f"respondent type {name}", expected, types.get(name))

    closed = {}
    with open(os.path.join(out, "closed_answers.csv"), encoding="utf-8") as f:
        for r in csv.DictReader(f):
            closed[(r["question"], r["option"])] = float(r["pct"])
    for (q, option), expected in CLOSED.items():
        pct_check(f"{q} {option}", expected, closed.get((q, option)))

    for q, expected in NOT_ANSWERED.items():
        got = None
        for question in summary["questions"]:
            if question["id"] == q:
                got = question["not_answered"]["pct"]
        pct_check(f"{q} did not answer", expected, got)

    freq = {}
    by_question = {}
    with open(os.path.join(out, "theme_frequencies.csv"), encoding="utf-8") as f:
        for r in csv.DictReader(f):
            freq[(r["question"], r["theme"])] = float(r["pct_respondents"])
            by_question.setdefault(r["question"], []).append((int(r["count"]), r["theme"]))
    for (q, theme), expected in THEMES.items():
        pct_check(f"{q} {theme}", expected, freq.get((q, theme)))

    for q, theme in MOST_FREQUENT.items():
        counts = sorted(by_question.get(q, []), reverse=True)
        top = [t for c, t in counts if counts and c == counts[0][0]]
        got = "/".join(top) if top else "none"
        desc = ", ".join(f"{t} {c}" for c, t in counts[:3])
        rows.append((f"{q} most frequent theme", theme, f"{got} ({desc})", top == [theme]))

    width = max(len(r[0]) for r in rows)
    for name, expected, got, ok in rows:
        print(f"{'ok  ' if ok else 'FAIL'} {name:<{width}}  expected {expected:<28} got {got}")
    failed = sum(1 for r in rows if not r[3])
    print(f"{len(rows) - failed} of {len(rows)} figures hold" + ("" if not failed else f"; {failed} FAIL"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
