"""Deterministic plan for the demo consultation's 132 respondents.

Fixes respondent ids, types (with raw spelling variants), closed answers (with raw
spelling variants) whose counts reproduce the published summary, and, per open
question, which respondents answered and which themes their answer must assert.
Writers then wrote each answer to that plan (see ../PROVENANCE.md).
"""
import csv, random

rng = random.Random(20160229)

def anon_id(i):
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    r = random.Random(i * 7919)
    part = lambda n: "".join(r.choice(alphabet) for _ in range(n))
    return f"ANON-{part(4)}-{part(4)}-{part(1)}"

types = (["Charity"] * 9 + ["Police / Law Enforcement"] * 15 + ["Professional body"] * 8
         + ["Local Government"] * 4 + ["Member of the public"] * 96)
rng.shuffle(types)
raw_type = {
    "Charity": ["Charity", "charity", "Charity ", "Charity / voluntary sector"],
    "Police / Law Enforcement": ["Police / Law Enforcement", "Police", "police force", "Police/Law Enforcement", "Law enforcement"],
    "Professional body": ["Professional body", "Professional Body", "professional body"],
    "Local Government": ["Local Government", "Local authority", "local government"],
}
mop_raw = ["Member of the public"] * 58 + ["member of the public"] * 6 + ["Member of public"] * 4 + \
          ["Individual"] * 3 + ["Prefer not to say"] * 3 + [""] * 22
rng.shuffle(mop_raw)

resp = []
for i, t in enumerate(types):
    if t == "Member of the public":
        raw = mop_raw.pop()
    else:
        raw = rng.choice(raw_type[t])
    resp.append({"respondent_id": anon_id(i + 1), "type": t, "respondent_type": raw})

spell = {
    "Yes": ["Yes"] * 8 + ["yes", "Y", "YES ", "y"],
    "No": ["No"] * 8 + ["no", "N", "NO"],
    "Don't know": ["Don't know"] * 5 + ["Dont know", "don't know", "Not sure", "DK", "Don\u2019t know"],
    "": [""],
}
closed = {
    "q1": {"Yes": 39, "No": 54, "Don't know": 21, "": 18},
    "q2": {"No": 91, "Yes": 20, "Don't know": 12, "": 9},
    "q6a": {"Yes": 106, "No": 9, "Don't know": 7, "": 10},
    "q6b": {"Yes": 55, "No": 17, "Don't know": 38, "": 22},
    "q7": {"Yes": 91, "No": 14, "Don't know": 17, "": 10},
}
for q, counts in closed.items():
    vals = [opt for opt, n in counts.items() for _ in range(n)]
    assert len(vals) == 132, q
    rng.shuffle(vals)
    for r, v in zip(resp, vals):
        r[q] = v
        r[q + "_raw"] = rng.choice(spell[v])

# engagement: organisations answer most questions, the public fewer
for r in resp:
    r["eng"] = rng.uniform(0.8, 1.0) if r["type"] != "Member of the public" else rng.uniform(0.15, 0.95)

open_plan = {
    "q1_text": (72, 6, {"process_confusion": 22, "cost_to_victims": 16}, "q1"),
    "q2_text": (78, 5, {"stranger_stalking_gap": 27}, "q2"),
    "q3": (88, 6, {"inconsistent_cjs_response": 31, "lack_of_understanding": 26, "cost_of_orders": 12,
                   "speed_of_orders": 14, "victim_onus": 11, "risk_after_reporting": 9}, None),
    "q4": (84, 5, {"no_contact": 32, "online_restrictions": 26, "geographic_restrictions": 19,
                   "tagging_monitoring": 13}, None),
    "q5": (86, 6, {"mental_health_treatment": 42, "perpetrator_programme": 37, "counselling": 15}, None),
    "q6_text": (64, 5, {}, "q6a"),
    "q7_text": (70, 5, {"stalking_harassment_confusion": 19, "stalking_harassment_linked": 23}, "q7"),
    "q8": (67, 7, {"lack_of_understanding": 19, "professional_response": 16, "evidence_difficulty": 11,
                   "low_level_behaviour": 8, "reluctance_to_report": 9}, None),
    "q9": (80, 4, {"training": 36, "awareness_campaigns": 24, "multi_agency_clinics": 12,
                   "specialist_officers": 11, "evidence_toolkit": 10}, None),
}

def weighted_sample(pool, k, weight):
    pool = list(pool)
    out = []
    for _ in range(k):
        w = [weight(p) for p in pool]
        pick = rng.choices(range(len(pool)), weights=w)[0]
        out.append(pool.pop(pick))
    return out

rows = []
for q, (answered, nonans, themes, closed_q) in open_plan.items():
    def w(r):
        base = r["eng"]
        if closed_q and r[closed_q] == "":
            base *= 0.25  # nil on the closed question: rarely explains
        return base
    ans = weighted_sample(resp, answered, w)
    rest = [r for r in resp if r not in ans]
    na = rng.sample(rest, nonans)
    codes = {r["respondent_id"]: [] for r in ans}
    for theme, n in themes.items():
        if q == "q7_text":
            # confusion / linked come from respondents who said yes (mostly)
            wt = lambda r: 5.0 if r["q7"] == "Yes" else 0.3
        elif q == "q2_text" and theme == "stranger_stalking_gap":
            wt = lambda r: 5.0 if r["q2"] == "No" else 0.2
        else:
            wt = lambda r: 1.0
        for r in weighted_sample(ans, n, wt):
            codes[r["respondent_id"]].append(theme)
    for r in resp:
        rid = r["respondent_id"]
        if rid in codes:
            slot = "answer"
        elif r in na:
            slot = "non-answer"
        else:
            slot = "empty"
        rows.append({"question": q, "respondent_id": rid, "respondent_type": r["type"],
                     "closed_answer": (r[closed_q] or "(nil)") if closed_q else "",
                     "slot": slot, "themes": ";".join(sorted(codes.get(rid, [])))})

with open("skeleton.csv", "w", newline="") as f:
    cols = ["respondent_id", "respondent_type"] + [q + "_raw" for q in closed] 
    wr = csv.writer(f)
    wr.writerow(["respondent_id", "respondent_type"] + list(closed))
    for r in resp:
        wr.writerow([r["respondent_id"], r["respondent_type"]] + [r[q + "_raw"] for q in closed])
with open("plan.csv", "w", newline="") as f:
    wr = csv.DictWriter(f, fieldnames=list(rows[0]))
    wr.writeheader()
    wr.writerows(rows)
print("respondents", len(resp), "plan rows", len(rows))
