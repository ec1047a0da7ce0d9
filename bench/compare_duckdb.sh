#!/usr/bin/env bash
# compare_duckdb.sh [N] — slicekit and DuckDB on the same generated table,
# side by side in one run (the machines are shared and noisy, so only ratios
# measured together mean anything).
#
# 1. ../shared/peer/run_peer.sh N: builds the DuckDB peer (its official
#    prebuilt library from npm), generates /tmp/slicekit-peer/metrics_N.csv,
#    runs every query of queries.sql at 1 and 2 threads and the
#    memory-bandwidth probe.
# 2. Runs the same queries with `slicekit query --repeat` at 1 and 2 threads
#    on the same CSV, checks every result against DuckDB's (counts, and the
#    ordered ids for the top-100 queries), and prints ns/row and the ratio.
#
# Knobs: REPS (11), SLICEKIT (path of the CLI; default build/examples/slicekit),
# PEER (the peer harness folder; default ../shared/peer), SKIP_PEER=1 reuses
# the last DuckDB results for N.
set -euo pipefail
N=${1:-10000000}
REPS=${REPS:-11}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PEER=${PEER:-$ROOT/../shared/peer}
SLICEKIT=${SLICEKIT:-$ROOT/build/examples/slicekit}
WORK=/tmp/slicekit-peer
CSV=$WORK/metrics_$N.csv
RESULTS=$WORK/results_metrics_$N
ORACLE=$WORK/oracle_metrics_$N
OUT=$WORK/slicekit_$N
mkdir -p "$OUT"

[ -x "$SLICEKIT" ] || { echo "compare_duckdb: build the CLI first ($SLICEKIT)" >&2; exit 1; }
if [ "${SKIP_PEER:-0}" != 1 ]; then
  "$PEER/run_peer.sh" "$N" | tee "$OUT/peer_report.txt"
fi

# DuckDB's median ns/row for query $1 at $2 threads.
duck_ns() { awk -v q="$1" '$1 == q { print $4 }' "$RESULTS/duckdb_t$2.txt"; }

printf '\n== slicekit vs DuckDB, N=%s, median of %s runs, ns/row (lower is better)\n' "$N" "$REPS"
printf '%-4s %10s | %9s %9s %7s | %9s %9s %7s | %s\n' q rows sk@1t duck@1t ratio sk@2t duck@2t ratio check
grep -v '^\s*--' "$PEER/queries.sql" | grep -v '^\s*$' | while read -r qid sql; do
  args=()
  where=$(sed -n 's/.* WHERE \(.*\)$/\1/p' <<<"$sql" | sed 's/ ORDER BY .*//')
  [ -n "$where" ] && args+=(--where "$where")
  if grep -q 'ORDER BY' <<<"$sql"; then
    col=$(sed -n 's/.* ORDER BY \([A-Za-z_]*\).*/\1/p' <<<"$sql")
    dir=$(sed -n 's/.* ORDER BY [A-Za-z_]* \(ASC\|DESC\).*/\1/p' <<<"$sql" | tr 'A-Z' 'a-z')
    limit=$(sed -n 's/.* LIMIT \([0-9]*\).*/\1/p' <<<"$sql")
    args+=(--order-by "$col" "${dir:-asc}" --limit "$limit")
  else
    args+=(--count)
  fi
  line="$qid"
  for T in 1 2; do
    "$SLICEKIT" query --table "$CSV" "${args[@]}" --threads "$T" --repeat "$REPS" \
      > "$OUT/$qid.t$T.txt" 2> "$OUT/$qid.t$T.err"
    ns=$(sed -n 's/^scan_ns_per_row=//p' "$OUT/$qid.t$T.err")
    duck=$(duck_ns "$qid" "$T")
    eval "ns$T=$ns duck$T=$duck"
  done
  check=ok
  cmp -s <(tail -n +2 "$ORACLE/$qid.txt") "$OUT/$qid.t1.txt" || check="MISMATCH vs DuckDB"
  cmp -s "$OUT/$qid.t1.txt" "$OUT/$qid.t2.txt" || check="MISMATCH 1t vs 2t"
  rows=$(awk -v q="$qid" '$1 == q { print $2 }' "$RESULTS/duckdb_t1.txt")
  awk -v q="$qid" -v r="$rows" -v a="$ns1" -v b="$duck1" -v c="$ns2" -v d="$duck2" -v k="$check" \
    'BEGIN { printf "%-4s %10d | %9.3f %9.2f %6.1fx | %9.3f %9.2f %6.1fx | %s\n", q, r, a, b, b / a, c, d, d / c, k }'
done
echo "# slicekit outputs: $OUT; DuckDB oracle: $ORACLE"
