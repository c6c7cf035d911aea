#!/bin/sh
# Dev D is the held-out set: never add it here.
# Usage: scripts/val.sh demo|a|b|c [outdir]  -- validate the lexicon file on a data set.
set -e
cd "$(dirname "$0")/.."
D=data/stalking-consultation
case "$1" in
  demo) IN=$D/responses.csv; GOLD=$D/gold.csv ;;
  a) IN=$D/dev/answers-a.csv; GOLD=$D/dev/gold-a.csv ;;
  b) IN=$D/dev/answers-b.csv; GOLD=$D/dev/gold-b.csv ;;
  c) IN=$D/dev/answers-c.csv; GOLD=$D/dev/gold-c.csv ;;
  *) echo "usage: $0 demo|a|b|c [out]"; exit 2 ;;
esac
OUT=${2:-/tmp/v-$1}
./target/release/codeframe validate --survey $D/survey.toml --input $IN --gold $GOLD \
  --lexicon lexicons/stalking-consultation.toml --out "$OUT" >/dev/null
cat "$OUT/validation.md"
