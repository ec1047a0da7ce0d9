#!/usr/bin/env bash
# slicekit demo: installs the build dependencies, builds the `slicekit` CLI
# (Release) into build/, generates a synthetic metrics table, runs a few
# queries on it and writes the HTML slice report of it (its path is printed
# last). Under ~2 minutes on 2 cores.
#
#   scripts/demo.sh                  # 200,000 rows
#   ROWS=1000000 scripts/demo.sh
#   BUILD_DIR=build-demo scripts/demo.sh
set -euo pipefail

cd "$(dirname "$0")/.."
rows="${ROWS:-200000}"
build="${BUILD_DIR:-build}"
jobs="$(nproc 2>/dev/null || echo 2)"

scripts/install-deps.sh

echo "== Building the slicekit CLI (Release) into ${build}/"
cmake -S . -B "${build}" -DCMAKE_BUILD_TYPE=Release \
  -DSLICEKIT_BUILD_EXAMPLES=ON >/dev/null
cmake --build "${build}" -j"${jobs}" --target slicekit_cli
cli="${build}/examples/slicekit"

mkdir -p "${build}/demo"
table="${build}/demo/metrics.csv"
echo
echo "== Generating ${rows} rows into ${table}"
"${cli}" generate --rows "${rows}" --seed 7 --out "${table}"
head -n 4 "${table}"

# Prints its arguments as a shell would need them typed.
shell_words() {
  local words=() arg
  for arg in "$@"; do
    if [[ "${arg}" =~ ^[A-Za-z0-9_./:=-]+$ ]]; then
      words+=("${arg}")
    elif [[ "${arg}" != *"'"* ]]; then
      words+=("'${arg}'")
    elif [[ ! "${arg}" =~ [\"\$\`\\!] ]]; then
      words+=("\"${arg}\"")
    else
      words+=("'${arg//\'/\'\\\'\'}'")
    fi
  done
  echo "${words[*]}"
}

# Prints a heading and the command, then runs it.
query() {
  local heading="$1"
  shift
  echo
  echo "== ${heading}"
  echo "\$ slicekit query --table ${table} $(shell_words "$@")"
  "${cli}" query --table "${table}" "$@"
}

query "All rows" --count
query "Low-confidence false positives (count)" \
  --where "fp >= 1 AND confidence < 0.3" --count
query "Top 10 candidate mislabels: confident detections matching no label" \
  --where "fp >= 1 AND tp = 0 AND confidence >= 0.9" \
  --order-by confidence desc --limit 10
query "Validation rows with the worst recall (page 2, 5 per page)" \
  --where "split = 'val' AND recall < 0.5" --order-by recall asc \
  --offset 5 --limit 5
query "Rows with nothing to score (no tp, fp or fn)" \
  --where "precision IS NULL AND recall IS NULL" --count
query "Rare datasets with middling F1" \
  --where "dataset IN ('ds5', 'ds6', 'ds7') AND f1 BETWEEN 0.4 AND 0.6" --count
query "Poor localization outside training (first 5 in row order)" \
  --where "NOT split = 'train' AND (iou < 0.3 OR iou IS NULL)" --limit 5
query "Timing: the same filter 5 times on 2 threads (median on stderr)" \
  --where "fp >= 1 AND confidence < 0.3 AND iou < 0.5" --count \
  --threads 2 --repeat 5

# Slices: auto-generated ones, then a saved one explored page by page.
store="${build}/demo/slices.db"
rm -f "${store}" "${store}-wal" "${store}-shm"
echo
echo "== Auto-generated slices (counts and top 3 rows)"
echo "\$ slicekit slice auto --table ${table} --limit 3"
"${cli}" slice auto --table "${table}" --limit 3
echo
echo "== Save a slice in ${store} and explore its first page"
echo "\$ slicekit slice --store ${store} --org demo create --name 'Confident FPs' --where 'fp >= 1 AND confidence > 0.9' --order-by confidence desc"
"${cli}" slice --store "${store}" --org demo create --name "Confident FPs" \
  --where "fp >= 1 AND confidence > 0.9" --order-by confidence desc
echo "\$ slicekit slice --store ${store} --org demo explore 'Confident FPs' --table ${table} --limit 5"
"${cli}" slice --store "${store}" --org demo explore "Confident FPs" \
  --table "${table}" --limit 5 2>&1
echo "\$ slicekit slice --store ${store} --org demo list"
"${cli}" slice --store "${store}" --org demo list

# The report: every saved and auto slice with charts, in one HTML file.
report="${build}/demo/report.html"
echo
echo "== The slice report: one self-contained HTML file"
echo "\$ slicekit slice --store ${store} --org demo create --name 'Rare datasets, low F1' --where \"dataset IN ('ds5', 'ds6', 'ds7') AND f1 < 0.5\" --order-by f1 asc"
"${cli}" slice --store "${store}" --org demo create \
  --name "Rare datasets, low F1" \
  --where "dataset IN ('ds5', 'ds6', 'ds7') AND f1 < 0.5" --order-by f1 asc
echo "\$ slicekit report --table ${table} --store ${store} --org demo --out ${report}"
"${cli}" report --table "${table}" --store "${store}" --org demo \
  --out "${report}" >/dev/null
echo "report: $(cd "$(dirname "${report}")" && pwd)/$(basename "${report}")"
echo "(open it in any browser; it needs no server and fetches nothing)"
