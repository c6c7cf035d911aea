"""Assembles responses.csv and gold.csv from the plan skeleton and the written answers."""
import csv, collections
skel = list(csv.DictReader(open("skeleton.csv", newline="")))
answers = {}
for f in ["answers-q1-q3.csv", "answers-q4-q6.csv", "answers-q7-q9.csv"]:
    for r in csv.DictReader(open(f, newline="")):
        key = (r["respondent_id"], r["question"])
        assert key not in answers, key
        answers[key] = r["text"]
cols = ["respondent_id", "respondent_type", "q1", "q1_text", "q2", "q2_text", "q3", "q4", "q5",
        "q6a", "q6b", "q6_text", "q7", "q7_text", "q8", "q9"]
open_qs = ["q1_text", "q2_text", "q3", "q4", "q5", "q6_text", "q7_text", "q8", "q9"]
with open("../responses.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\r\n")  # as Excel and survey platforms export
    w.writerow(cols)
    for r in skel:
        row = dict(r)
        for q in open_qs:
            row[q] = answers.pop((r["respondent_id"], q), "")
        w.writerow([row[c] for c in cols])
assert not answers, answers
gold = []
for f in ["gold-q1-q3.csv", "gold-q4-q6.csv", "gold-q7-q9.csv"]:
    gold += list(csv.DictReader(open(f, newline="")))
order = {r["respondent_id"]: i for i, r in enumerate(skel)}
gold.sort(key=lambda g: (order[g["respondent_id"]], open_qs.index(g["question"]), g["theme"]))
with open("../gold.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["respondent_id", "question", "theme"])
    for g in gold:
        w.writerow([g["respondent_id"], g["question"], g["theme"]])
c = collections.Counter((g["question"], g["theme"]) for g in gold)
for k in sorted(c):
    print(k, c[k], f"{100*c[k]/132:.1f}%")
