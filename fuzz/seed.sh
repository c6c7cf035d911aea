#!/bin/sh
# Builds the fuzz corpora (fuzz/corpus/<target>/, git-ignored) from the test fixtures
# and fuzz/seeds/. Run from the repository root: sh fuzz/seed.sh
set -eu
fx=tests/fixtures
c=fuzz/corpus
mkdir -p "$c/analyzer" "$c/lexicon_toml" "$c/lexicon_dic" "$c/lexicon_dicx" "$c/lexicon_cat" "$c/lexicon_yaml" "$c/csv_codes" "$c/csv_split"

# analyzer: a flag byte (hyphenated words, spelling variants), then text.
i=0
{ cat fuzz/seeds/analyzer.txt; tail -n +2 "$fx/parks/responses.csv"; } | while IFS= read -r line; do
    i=$((i + 1))
    printf '\003%s' "$line" > "$c/analyzer/seed-$i"
done

# lexicons: as they are.
cp "$fx/parks/lexicon.toml" fuzz/seeds/rules.toml "$c/lexicon_toml/"
head -c 3000 lexicons/stalking-consultation.toml > "$c/lexicon_toml/stalking-head.toml"
cp "$fx/dictionaries/small.dic" "$c/lexicon_dic/"
printf '%%\n1\taffect\n\t2\tposemo (Positive emotion)\n%%\nhapp*\t1 2\nkind of\t2\nlike\t<of>1/2\n' > "$c/lexicon_dic/tabs.dic"
cp "$fx/dictionaries/small.dicx" "$c/lexicon_dicx/"
cp "$fx/dictionaries/small.cat" "$c/lexicon_cat/"
cp "$fx/dictionaries/small.yml" "$c/lexicon_yaml/"
printf 'economy:\n  positive: [growth, prosper*]\n  _entries: [econom*]\nculture: !tag art\n' > "$c/lexicon_yaml/nested.yml"

# csv_codes: a flag byte (name, chunking, encoding, duplicates, cell limit), then the file.
r="$fx/parks/responses.csv"
for f in 0 1 4 8 16 32; do
    { printf "\\$(printf '%03o' "$f")"; cat "$r"; } > "$c/csv_codes/parks-$f"
done
{ printf '\000\357\273\277'; sed 's/$/\r/' "$r"; } > "$c/csv_codes/bom-crlf"
{ printf '\000'; tr '\n' '\r' < "$r"; } > "$c/csv_codes/cr"
{ printf '\000'; printf 'id,type,area,visit,why\n1,Resident,North,Yes,"unclosed dark\n2,,,No,dogs\n'; } > "$c/csv_codes/unclosed"
{ printf '\000'; printf 'id;type;area;visit;why\n1;Business;S;No;caf\351 \223dark\224\n'; } > "$c/csv_codes/cp1252"
{ printf '\000\377\376'; printf 'id\tw\nx\t1\tdark\n' | sed 's/./&\x00/g'; } > "$c/csv_codes/utf16"
{ printf '\002'; printf '{"id":"1","type":"Resident","area":"N","visit":"Yes","why":"dark"}\n{"id":2,"why":null}\nnot json\n'; } > "$c/csv_codes/jsonl"
# csv_split: the csv_codes inputs (their first byte now picks the read size and delimiter).
cp "$c"/csv_codes/* "$c/csv_split/"
echo "corpora in $c:"; for d in "$c"/*; do echo "  $(ls "$d" | wc -l) $d"; done
