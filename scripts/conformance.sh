#!/usr/bin/env bash
# Reproduces the contentcoder conformance figures in docs/dictionaries.md.
#
# Makes a venv with contentcoder 1.3.0 (PyPI) outside the repository, builds
# codeframe, and runs scripts/conformance.py over the real data in ../shared
# (or REALDATA=...). Writes only under OUT (default: a temporary folder): the NHS
# comments are CC BY-NC-SA and no output of this belongs in the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
REALDATA="${REALDATA:-../shared/realdata}"
OUT="${OUT:-${TMPDIR:-/tmp}/codeframe-conformance}"
VENV="$OUT/venv"
mkdir -p "$OUT"
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet contentcoder==1.3.0
fi
cargo build --release --quiet
"$VENV/bin/python" scripts/conformance.py --codeframe target/release/codeframe \
    --realdata "$REALDATA" --out "$OUT" "$@" | grep -v '^Dictionary loaded\.$'
