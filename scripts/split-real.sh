#!/usr/bin/env bash
# Development only (never run by the product or its tests): splits a folder of real reports and its question and
# draft sets (../shared/real) by report into a part to tune on and a part only measured on.
#   bash scripts/split-real.sh REAL_DIR OUT_DIR MEASURED_REPORT...   (report file names without .txt)
# Writes OUT_DIR/{tune,measure}/{corpus,questions.jsonl,drafts.jsonl} and OUT_DIR/all/corpus. A question or draft
# goes with its source report; one with no source (no answer) goes with the only report of its place, else the
# parts alternate.
set -euo pipefail
[ $# -ge 3 ] || { echo "usage: bash scripts/split-real.sh REAL_DIR OUT_DIR MEASURED_REPORT..." >&2; exit 2; }
REAL=$1; OUT=$2; shift 2
python3 - "$REAL" "$OUT" "$@" <<'PY'
import json, os, shutil, sys
real, out, measure = sys.argv[1], sys.argv[2], set(sys.argv[3:])
questions = [json.loads(l) for l in open(f"{real}/questions.jsonl", encoding="utf-8")]
drafts = [json.loads(l) for l in open(f"{real}/drafts.jsonl", encoding="utf-8")]
reports_of = {}
for q in questions:
    if q["source"]: reports_of.setdefault(q["district"], set()).add(q["source"][:-4])
def part(source, place, i):
    if source: return "measure" if source[:-4] in measure else "tune"
    own = reports_of.get(place, set())
    if len(own) != 1: return "measure" if i % 2 else "tune"
    return "measure" if next(iter(own)) in measure else "tune"
for p in ("tune", "measure", "all"):
    os.makedirs(f"{out}/{p}/corpus", exist_ok=True)
for f in os.listdir(f"{real}/reports"):
    shutil.copy(f"{real}/reports/{f}", f"{out}/all/corpus/{f}")
    shutil.copy(f"{real}/reports/{f}", f"{out}/{'measure' if f[:-4] in measure else 'tune'}/corpus/{f}")
for name, rows, place in (("questions", questions, lambda r: r["district"]), ("drafts", drafts, lambda r: None)):
    files = {p: open(f"{out}/{p}/{name}.jsonl", "w", encoding="utf-8") for p in ("tune", "measure")}
    for i, r in enumerate(rows):
        files[part(r["source"], place(r), i)].write(json.dumps(r, ensure_ascii=False) + "\n")
    for f in files.values(): f.close()
PY
wc -l "$OUT"/{tune,measure}/*.jsonl
