#!/usr/bin/env bash
# Reproduces the throughput and memory figures of BENCHMARKS.md.
#
#   bash benches/measure.sh [ROWS]        (default 1000000; data go to bench-data/)
#
# Generates the corpus and lexicons if missing, then times `codeframe run` with 1 and 2
# threads on the 600- and 20,000-entry lexicons and on the plain 600-entry lexicon, and
# the Python baseline (benches/baseline/baseline.py) on the plain lexicon, each under
# /usr/bin/time -v. Appends one tab-separated line per run to bench-data/results.tsv:
# name, rows, input bytes, seconds, MB/s, rows/s, peak RSS (KB). Finally checks that the
# baseline and codeframe agree on the plain lexicon (benches/baseline/compare.py).
# The baseline needs `pip install pyahocorasick` in the python3 on PATH or in $PYTHON.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-1000000}
PYTHON=${PYTHON:-python3}
D=bench-data
B=target/release/codeframe
mkdir -p "$D"
cargo build --release --quiet
CORPUS=$D/corpus-$ROWS.csv
[ -f "$CORPUS" ] || $B generate corpus --rows "$ROWS" --seed 1 --out "$CORPUS"
[ -f $D/survey.toml ] || $B generate survey --out $D/survey.toml
[ -f $D/lexicon-600.toml ] || $B generate lexicon --entries 600 --seed 1 --out $D/lexicon-600.toml
[ -f $D/lexicon-20000.toml ] || $B generate lexicon --entries 20000 --seed 1 --out $D/lexicon-20000.toml
[ -f $D/lexicon-600-plain.toml ] || $B generate lexicon --entries 600 --seed 1 --plain --out $D/lexicon-600-plain.toml
BYTES=$(stat -c %s "$CORPUS")

measure() { # name, command...
  local name=$1; shift
  sync
  /usr/bin/time -v -o "$D/time-$name.txt" "$@"
  local secs rss
  secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; print s}' "$D/time-$name.txt")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$D/time-$name.txt")
  printf '%s\t%s\t%s\t%s\t%.1f\t%.0f\t%s\n' "$name" "$ROWS" "$BYTES" "$secs" \
    "$(echo "$BYTES / 1000000 / $secs" | bc -l)" "$(echo "$ROWS / $secs" | bc -l)" "$rss" | tee -a $D/results.tsv
}

for lex in 600 20000 600-plain; do
  for t in 1 2; do
    measure "codeframe-$lex-t$t" $B run --survey $D/survey.toml --input "$CORPUS" --lexicon $D/lexicon-$lex.toml \
      --out $D/out-$lex-t$t --threads $t --quiet
  done
done
measure "python-baseline-600-plain" "$PYTHON" benches/baseline/baseline.py "$CORPUS" $D/lexicon-600-plain.toml $D/out-python
"$PYTHON" benches/baseline/compare.py $D/out-600-plain-t1 $D/out-python
