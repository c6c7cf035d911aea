#!/usr/bin/env bash
# Reproduces the throughput and memory figures of BENCHMARKS.md.
#
#   bash benches/measure.sh [ROWS]        (default 1000000; data go to bench-data/)
#   REPS=3 bash benches/measure.sh        (three rounds of every run, for medians)
#
# Generates the corpus and lexicons if missing, then times `codeframe run` with 1 and 2
# threads on the 600- and 20,000-entry lexicons, on the plain 600-entry lexicon and on
# the 600-entry lexicon with 19,400 entries that match nothing (lexicon size alone), and
# the Python baseline (benches/baseline/baseline.py) on the plain lexicon, each under
# /usr/bin/time -v, each after waiting for the machine to be quiet. Appends one
# tab-separated line per run to bench-data/results.tsv: name, rows, input bytes, seconds,
# MB/s, rows/s, peak RSS (KB), CPU seconds (user + system), and the cores other processes
# used meanwhile (should be near 0). Outputs go to $OUT (default bench-data/; set
# OUT=/dev/shm/x to take the disk out of the figures). Finally checks that the
# baseline and codeframe agree on the plain lexicon (benches/baseline/compare.py).
# The baseline needs `pip install pyahocorasick` in the python3 on PATH or in $PYTHON.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-1000000}
PYTHON=${PYTHON:-python3}
D=bench-data
OUT=${OUT:-$D}
B=target/release/codeframe
mkdir -p "$D"
cargo build --release --quiet
CORPUS=$D/corpus-$ROWS.csv
[ -f "$CORPUS" ] || $B generate corpus --rows "$ROWS" --seed 1 --out "$CORPUS"
[ -f $D/survey.toml ] || $B generate survey --out $D/survey.toml
[ -f $D/lexicon-600.toml ] || $B generate lexicon --entries 600 --seed 1 --out $D/lexicon-600.toml
[ -f $D/lexicon-20000.toml ] || $B generate lexicon --entries 20000 --seed 1 --out $D/lexicon-20000.toml
[ -f $D/lexicon-600-plain.toml ] || $B generate lexicon --entries 600 --seed 1 --plain --out $D/lexicon-600-plain.toml
# lexicon-600 and 19,400 entries that match nothing: 20,000 entries, lexicon-600's hits.
[ -f $D/lexicon-600-inert-19400.toml ] || $B generate lexicon --entries 600 --inert 19400 --seed 1 --out $D/lexicon-600-inert-19400.toml
BYTES=$(stat -L -c %s "$CORPUS")

busy_ticks() { awk '/^cpu / {print $2+$3+$4+$7+$8+$9}' /proc/stat; }
TICK=$(getconf CLK_TCK)

# The machine may be shared: wait (up to $QUIET_WAIT seconds, default 900) until other
# processes have used under 5% of a core for 10 seconds, so runs do not compete with
# someone else's build. The last column of results.tsv says how quiet it really was.
QUIET_WAIT=${QUIET_WAIT:-900}
# On a shared machine, PRIORITY=-20 runs the measured command at the highest priority
# (root only), so that other jobs yield the cores to it.
# With autogroup scheduling (sched_autogroup_enabled) nice only ranks processes within
# a session, so the session's autogroup gets the priority too.
PRIORITY=${PRIORITY:-0}
# REPS=3 measures everything three times (rounds, see below); results.tsv gets a line a run.
REPS=${REPS:-1}
if [ "$PRIORITY" != 0 ] && [ -w /proc/self/autogroup ]; then echo "$PRIORITY" > /proc/$$/autogroup || true; fi
wait_quiet() {
  local waited=0 a b
  while [ $waited -lt "$QUIET_WAIT" ]; do
    a=$(busy_ticks); sleep 10; b=$(busy_ticks)
    if [ $(( (b - a) * 100 / TICK / 10 )) -lt 5 ]; then return; fi
    waited=$((waited + 10))
  done
  echo "warning: machine still busy after $QUIET_WAIT s; measuring anyway" >&2
}

measure() { # name, command...
  local name=$1; shift
  sync
  wait_quiet
  local t0 t1 secs rss cpu others
  t0=$(busy_ticks)
  nice -n "$PRIORITY" /usr/bin/time -v -o "$D/time-$name.txt" "$@"
  t1=$(busy_ticks)
  secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; print s}' "$D/time-$name.txt")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$D/time-$name.txt")
  cpu=$(awk -F': ' '/User time|System time/ {s+=$2} END {print s}' "$D/time-$name.txt")
  # CPU used by everything else during the run, in cores (0 = the machine was ours).
  others=$(echo "(($t1 - $t0) / $TICK - $cpu) / $secs" | bc -l)
  printf '%s\t%s\t%s\t%s\t%.1f\t%.0f\t%s\t%s\t%.2f\n' "$name" "$ROWS" "$BYTES" "$secs" \
    "$(echo "$BYTES / 1000000 / $secs" | bc -l)" "$(echo "$ROWS / $secs" | bc -l)" "$rss" "$cpu" "$others" \
    | tee -a $D/results.tsv
}

FIRST_LINE=$(( $( [ -f $D/results.tsv ] && wc -l < $D/results.tsv || echo 0 ) + 1 ))
# REPS rounds of every run, one round after the other, so that a slow spell of the
# machine falls on every row rather than on one; summarise with the median of each row.
for rep in $(seq "$REPS"); do
  for lex in 600 20000 600-plain 600-inert-19400; do
    for t in 1 2; do
      measure "codeframe-$lex-t$t" $B run --survey $D/survey.toml --input "$CORPUS" --lexicon $D/lexicon-$lex.toml \
        --out $OUT/out-$lex-t$t --threads $t --quiet
    done
  done
  measure "python-baseline-600-plain" "$PYTHON" benches/baseline/baseline.py "$CORPUS" $D/lexicon-600-plain.toml $OUT/out-python
done
"$PYTHON" benches/baseline/compare.py $OUT/out-600-plain-t1 $OUT/out-python
# The inert entries change no code: the same codes.csv as lexicon-600's.
cmp $OUT/out-600-t1/codes.csv $OUT/out-600-inert-19400-t1/codes.csv && echo "SAME CODES: lexicon-600 and lexicon-600-inert-19400"
# Per run name, this invocation's median MB/s (and the range) and its largest peak RSS.
tail -n +"$FIRST_LINE" $D/results.tsv | sort -t$'\t' -k1,1 -k5,5g | awk -F'\t' '
  { n[$1]++; v[$1, n[$1]] = $5; if ($7 > rss[$1]) rss[$1] = $7 }
  END {
    for (k in n) {
      c = n[k]; m = (c % 2) ? v[k, (c + 1) / 2] : (v[k, c / 2] + v[k, c / 2 + 1]) / 2
      printf "MEDIAN\t%s\t%d runs\t%.1f MB/s (%.1f to %.1f)\tpeak RSS up to %.1f MiB\n", k, c, m, v[k, 1], v[k, c], rss[k] / 1024
    }
  }' | sort
