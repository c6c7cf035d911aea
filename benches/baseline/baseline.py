#!/usr/bin/env python3
"""Python baseline for codeframe's benchmarks (issue 5): pyahocorasick over tokens.

Codes a generated corpus with a *plain* lexicon (`codeframe generate lexicon --plain`:
exact words and trailing-`*` prefixes, stem = false, negation = false,
spelling_variants = false, fold_accents = false) the way a Python user would, and writes

  codes.csv   respondent_id,question,theme,hits   (one row per answer and theme)
  themes.csv  question,theme,respondents          (answers asserting each theme)

which `compare.py` checks against `codeframe run` on the same corpus and lexicon.

Semantics reproduced from codeframe, as far as this corpus needs them:
- words: Unicode word segmentation as codeframe's tokeniser does it (letters joined
  across ' . : and curly apostrophes, digits across ' . , ;), plus its run-on split
  (`stalking.The` is two words);
- normalisation: NFKC, curly apostrophes to ', ß to ss, lowercase;
- an entry hits a word if the word equals it (exact) or starts with it (prefix); a
  word counts once per theme (codeframe's "a span counts once per theme");
- empty cells are not answers; non-answers ("n/a", "see above") are not coded, with
  codeframe's built-in list (read from src/survey.rs so the two cannot drift).

Usage: baseline.py CORPUS.csv LEXICON.toml OUT_DIR
"""

import csv
import os
import re
import sys
import tomllib
import unicodedata

import ahocorasick

OPEN_QUESTIONS = ["q1_text", "q2_text", "q3", "q4"]
ID_COLUMN = "respondent_id"

LETTER = r"[^\W\d_]"
WORD = re.compile(
    r"\w+(?:(?:(?<=" + LETTER + r")[':.\u2018\u2019](?=" + LETTER + r")|(?<=\d)[',;.\u2018\u2019](?=\d))\w+)*"
)


def split_run_ons(word):
    """codeframe's split of `stalking.The` into two words (tokenise.rs, split_run_ons)."""
    if "." not in word and ":" not in word:
        return [word]
    seps = [i for i, c in enumerate(word) if c in ".:"]
    out, piece_start = [], 0
    for k, sep in enumerate(seps):
        next_sep = seps[k + 1] if k + 1 < len(seps) else len(word)
        left, right = word[piece_start:sep], word[sep + 1 : next_sep]
        if left and right and left[-1].isalpha() and right[0].isalpha() and len(left) >= 2 and len(right) >= 2:
            out.append(word[piece_start:sep])
            piece_start = sep + 1
    out.append(word[piece_start:])
    return out


def normalise(text):
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201b", "'").replace("\u02bc", "'")
    return text.replace("ß", "ss").replace("ẞ", "ss").lower()


def tokens(text):
    out = []
    for w in WORD.findall(normalise(text)):
        if w.strip("_") == "":
            continue
        if "." in w or ":" in w:
            out.extend(split_run_ons(w))
        else:
            out.append(w)
    return out


def default_non_answers(repo):
    src = open(os.path.join(repo, "src", "survey.rs"), encoding="utf-8").read()
    block = re.search(r"DEFAULT_NON_ANSWERS: &\[&str\] = &\[(.*?)\];", src, re.S)
    if not block:
        sys.exit("cannot find DEFAULT_NON_ANSWERS in src/survey.rs")
    return re.findall(r'"((?:[^"\\]|\\.)*)"', block.group(1))


def non_answer_key(text):
    return " ".join(t.replace("'", "") for t in tokens(text))


def load_lexicon(path):
    with open(path, "rb") as f:
        lex = tomllib.load(f)
    for setting in ["spelling_variants", "fold_accents"]:
        if lex.get("settings", {}).get(setting, True):
            sys.exit(f"the baseline needs a plain lexicon: settings.{setting} = false")
    themes = []
    automaton = ahocorasick.Automaton()
    keys = {}
    for t in lex.get("theme", []):
        if t.get("stem", True) or t.get("negation", True):
            sys.exit(f"theme {t['id']}: the baseline needs stem = false and negation = false")
        ti = len(themes)
        themes.append((t["id"], set(t.get("questions", []))))
        for term in t.get("terms", []):
            if term.endswith("*") and "*" not in term[:-1] and "?" not in term:
                key = " " + normalise(term[:-1])
            elif not any(c in term for c in " *?=|"):
                key = " " + normalise(term) + " "
            else:
                sys.exit(f"theme {t['id']}: {term!r} is neither an exact word nor a prefix")
            keys.setdefault(key, set()).add(ti)
    for key, ts in keys.items():
        automaton.add_word(key, (len(key), sorted(ts)))
    automaton.make_automaton()
    return themes, automaton


def main():
    corpus, lexicon, out_dir = sys.argv[1:4]
    repo = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    themes, automaton = load_lexicon(lexicon)
    non_answers = {non_answer_key(s) for s in default_non_answers(repo)}
    os.makedirs(out_dir, exist_ok=True)
    counts = {(q, ti): 0 for q in OPEN_QUESTIONS for ti in range(len(themes))}
    applies = {q: [not qs or q in qs for (_, qs) in themes] for q in OPEN_QUESTIONS}
    with open(corpus, newline="", encoding="utf-8") as f, open(
        os.path.join(out_dir, "codes.csv"), "w", newline="", encoding="utf-8"
    ) as out:
        reader = csv.reader(f)
        header = next(reader)
        id_col = header.index(ID_COLUMN)
        cols = [(q, header.index(q)) for q in OPEN_QUESTIONS]
        w = csv.writer(out, lineterminator="\n")
        w.writerow(["respondent_id", "question", "theme", "hits"])
        for row in reader:
            rid = row[id_col].strip()
            for q, c in cols:
                text = row[c].strip()
                if not text:
                    continue
                if len(text.encode("utf-8")) <= 64 and non_answer_key(text) in non_answers | {""}:
                    continue
                joined = " " + " ".join(tokens(text)) + " "
                hit = {}
                ok = applies[q]
                for end, (n, ts) in automaton.iter(joined):
                    start = end - n + 1
                    for ti in ts:
                        if ok[ti]:
                            hit.setdefault(ti, set()).add(start)
                for ti in sorted(hit):
                    counts[(q, ti)] += 1
                    w.writerow([rid, q, themes[ti][0], len(hit[ti])])
    with open(os.path.join(out_dir, "themes.csv"), "w", newline="", encoding="utf-8") as out:
        w = csv.writer(out, lineterminator="\n")
        w.writerow(["question", "theme", "respondents"])
        for q in OPEN_QUESTIONS:
            for ti, (tid, _) in enumerate(themes):
                if applies[q][ti]:
                    w.writerow([q, tid, counts[(q, ti)]])


if __name__ == "__main__":
    main()
