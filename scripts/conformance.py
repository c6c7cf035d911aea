#!/usr/bin/env python3
"""Compares codeframe's dictionary counts with contentcoder's (LIWC-22 conventions).

For each LIWC dictionary in the real-data folder, counts every NHS comment with
contentcoder 1.3.0 (``ContentCoder.Analyze(text, relativeFreq=False)``) and with
``codeframe run --measure counts``, then compares counts.csv with contentcoder per
comment and category. Every cell that differs is put down to one of the divergences
documented in docs/dictionaries.md, by rerunning without that cause:

  non-answer   codeframe skips the comment as a non-answer ("Nothing.", "Did not
               answer"); found by a codeframe run with the one-entry lexicon `*`.
  apostrophe   contentcoder agrees once curly apostrophes in the comment are
               straightened (it splits "don’t" into "don" and "t").
  duplicate    codeframe agrees once the dictionary keeps only the last line of a
               term listed on several lines (contentcoder's reading).
  both         the last two together.
  tokens       codeframe agrees once the comment has a space at a full stop between
               letters ("long.I") and between letters and digits ("forc5"), which
               codeframe's word segmentation keeps together and contentcoder splits.
  other        none of these: listed in full, for a look.

Prints the agreement table of docs/dictionaries.md and writes each dictionary's
disagreeing cells, with the comment and the cause, to OUT/NAME/disagreements.csv.
Nothing it writes belongs in the repository: the NHS comments are CC BY-NC-SA.
Run it through scripts/conformance.sh, which makes the venv and builds codeframe.
"""

import argparse
import csv
import os
import re
import subprocess
import sys
import tempfile

from contentcoder.ContentCoder import ContentCoder

DICTIONARIES = [
    "mfd2.0.dic",
    "mfd1.0.dic",
    "moral-foundations-2.0.dicx",
    "policy-position-laver-garry.dicx",
    "grievance.dicx",
    "arguing-lexicon.dicx",
]
CORPUS = "nhs-patient-feedback/v6framework_230831.csv"
ID, TEXT = "Comment ID", "FFT answer"
CURLY = str.maketrans({"\u2019": "'", "\u2018": "'"})
RUN_ON = re.compile(r"(?<=[A-Za-z])\.(?=[A-Za-z])")
LETTER_DIGIT = re.compile(r"(?<=[A-Za-z])(?=[0-9])")


def spaced(text):
    return LETTER_DIGIT.sub(" ", RUN_ON.sub(". ", text))


def split_lines(text):
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def tab_separated(path, workdir):
    """contentcoder splits .dic lines on tabs only and raises on mfd1.0.dic, whose
    header separates numbers from names, and some entries their categories, by
    spaces. Hand it a copy with those separators as tabs: the same dictionary."""
    if not path.endswith(".dic"):
        return path
    with open(path, encoding="utf-8-sig", newline="") as f:
        lines = split_lines(f.read())
    out, percents = [], 0
    for line in lines:
        s = line.strip()
        if s == "%":
            percents += 1
            out.append("%")
        elif percents == 1 and s:
            number, name = s.split(None, 1)
            out.append(number + "\t" + name.strip())
        elif percents >= 2 and "\t" in line:
            term, _, cats = line.partition("\t")
            out.append(term.strip() + "\t" + "\t".join(cats.split()))
        else:
            out.append(line)
    copy = os.path.join(workdir, "tabs-" + os.path.basename(path))
    with open(copy, "w", encoding="utf-8", newline="") as f:
        f.write("\n".join(out))
    return copy


def last_line_only(path, workdir):
    """A copy of the dictionary where a term listed on several lines keeps only its
    last line, or None when no term is listed twice."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        lines = split_lines(f.read())
    if path.endswith(".dicx"):
        body = list(range(1, len(lines)))
        term_of = lambda line: next(csv.reader([line]), [""])[0] if line.strip() else ""
    else:
        marks = [i for i, line in enumerate(lines) if line.strip() == "%"]
        body = list(range(marks[1] + 1, len(lines))) if len(marks) >= 2 else []
        term_of = lambda line: line.split("\t")[0]
    key = lambda line: " ".join(term_of(line).lower().split())
    last = {}
    for i in body:
        if key(lines[i]):
            last[key(lines[i])] = i
    drop = {i for i in body if key(lines[i]) and last[key(lines[i])] != i}
    if not drop:
        return None
    copy = os.path.join(workdir, "last-line-" + os.path.basename(path))
    with open(copy, "w", encoding="utf-8", newline="") as f:
        f.write("\n".join(line for i, line in enumerate(lines) if i not in drop))
    return copy


def contentcoder_counts(dictionary, comments):
    """({(id, category): count > 0}, {id: WC}, category names)."""
    cc = ContentCoder(dicFilename=dictionary, fileEncoding="utf-8-sig")
    counts, words = {}, {}
    for cid, text in comments:
        result = cc.Analyze(text, relativeFreq=False, dropPunct=True)
        words[cid] = result["WC"]
        for cat in cc.dict.catNames:
            if result[cat]:
                counts[(cid, cat)] = result[cat]
    return counts, words, list(cc.dict.catNames)


def codeframe_counts(binary, dictionary, corpus, out):
    """({(id, category): count}, {id: words}) from codeframe's counts.csv."""
    subprocess.run(
        [binary, "run", "--input", corpus, "--id-column", ID, "--text-column", TEXT,
         "--lexicon", dictionary, "--measure", "counts", "--out", out],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    counts, words = {}, {}
    with open(os.path.join(out, "counts.csv"), encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            counts[(row["id"], row["category"])] = int(row["count"])
            words[row["id"]] = int(row["words"])
    return counts, words


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--codeframe", default=os.path.join(here, "..", "target", "release", "codeframe"))
    ap.add_argument("--realdata", default=os.path.join(here, "..", "..", "shared", "realdata"))
    ap.add_argument("--out", default=os.path.join(tempfile.gettempdir(), "codeframe-conformance"))
    ap.add_argument("dictionaries", nargs="*", default=DICTIONARIES)
    args = ap.parse_args()

    corpus = os.path.join(args.realdata, CORPUS)
    with open(corpus, encoding="utf-8-sig", newline="") as f:
        comments = [(r[ID], r[TEXT]) for r in csv.DictReader(f)]
    comments = [(cid, t) for cid, t in comments if t.strip()]
    texts = dict(comments)
    straightened = [(cid, t.translate(CURLY)) for cid, t in comments]
    os.makedirs(args.out, exist_ok=True)
    spaced_corpus = os.path.join(args.out, "spaced-comments.csv")
    with open(spaced_corpus, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow([ID, TEXT])
        w.writerows((cid, spaced(t)) for cid, t in comments)

    # Which comments codeframe counts at all, and its word count for each.
    every_word = os.path.join(args.out, "every-word.txt")
    with open(every_word, "w", encoding="utf-8") as f:
        f.write("*\n")
    _, cf_words = codeframe_counts(args.codeframe, every_word, corpus, os.path.join(args.out, "every-word"))
    answered = set(cf_words)

    print("| dictionary | categories | cells (answers) | equal | equal % "
          "| non-answer | apostrophe | duplicate | both | tokens | other |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    words_equal = None
    for name in args.dictionaries:
        path = os.path.join(args.realdata, "dictionaries", name)
        work = os.path.join(args.out, name)
        os.makedirs(work, exist_ok=True)
        readable = tab_separated(path, work)
        cc, cc_words, cats = contentcoder_counts(readable, comments)
        cc_straight, _, _ = contentcoder_counts(readable, straightened)
        cf, _ = codeframe_counts(args.codeframe, path, corpus, os.path.join(work, "codeframe"))
        last = last_line_only(path, work)
        cf_last = codeframe_counts(args.codeframe, last, corpus, os.path.join(work, "last-line"))[0] if last else cf
        cf_spaced, _ = codeframe_counts(args.codeframe, path, spaced_corpus, os.path.join(work, "spaced"))
        stray = sorted({cat for _, cat in cf if cat not in cats})
        if stray:
            sys.exit(f"{name}: categories contentcoder does not have: {stray}")
        if words_equal is None:
            both = [cid for cid in answered if cid in cc_words]
            words_equal = (sum(1 for cid in both if cf_words[cid] == cc_words[cid]), len(both))
        tally = {"equal": 0, "non-answer": 0, "apostrophe": 0, "duplicate": 0, "both": 0, "tokens": 0, "other": 0}
        with open(os.path.join(work, "disagreements.csv"), "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["id", "category", "contentcoder", "codeframe", "cause", "text"])
            for cid, _ in comments:
                for cat in cats:
                    cell = (cid, cat)
                    a, b = cc.get(cell, 0), cf.get(cell, 0)
                    if cid not in answered:
                        cause = "non-answer" if a != b else None
                    elif a == b:
                        cause = "equal"
                    elif cc_straight.get(cell, 0) == b:
                        cause = "apostrophe"
                    elif a == cf_last.get(cell, 0):
                        cause = "duplicate"
                    elif cc_straight.get(cell, 0) == cf_last.get(cell, 0):
                        cause = "both"
                    elif a == cf_spaced.get(cell, 0):
                        cause = "tokens"
                    else:
                        cause = "other"
                    if cause:
                        tally[cause] += 1
                    if cause and cause != "equal":
                        w.writerow([cid, cat, a, b, cause, texts[cid]])
        cells = len(answered) * len(cats)
        print(f"| {name} | {len(cats)} | {cells} | {tally['equal']} | {100 * tally['equal'] / cells:.3f} "
              f"| {tally['non-answer']} | {tally['apostrophe']} | {tally['duplicate']} | {tally['both']} "
              f"| {tally['tokens']} | {tally['other']} |")
    print()
    print(f"{len(comments)} non-empty comments; codeframe counts {len(answered)} and skips "
          f"{len(comments) - len(answered)} as non-answers.")
    if words_equal:
        print(f"Word counts equal on {words_equal[0]} of {words_equal[1]} counted comments "
              f"({100 * words_equal[0] / words_equal[1]:.2f}%).")


if __name__ == "__main__":
    main()
