#!/usr/bin/env bash
# Installs slicekit's build dependencies from Debian packages, only the ones
# that are missing, so running it again is cheap and changes nothing.
# Usage: scripts/install-deps.sh [--sanitizers] [--tests]
#   --sanitizers also installs clang with its sanitizer and libFuzzer
#   runtimes and llvm-symbolizer (scripts/check-sanitizers.sh, fuzz.sh).
#   --tests also installs chromium, which the report's browser test
#   (tests/report/report_browser_test.cc) runs headless; it is large
#   (hundreds of MB), so only the test command asks for it.
#   --tests and --sanitizers also install postgresql, the server the
#   PostgreSQL store tests start a cluster of their own with
#   (tests/testing/pg_server.h; they skip, saying so, without it).
set -euo pipefail

packages=(
  build-essential cmake
  libabsl-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libsqlite3-dev libpq-dev libutf8proc-dev libxxhash-dev libsimdjson-dev zlib1g-dev
  libxml2-dev libpng-dev
  # The Python package (src/python) and its tests: pybind11, Debian's
  # Python 3 with NumPy, pandas, pytest, Dask and distributed.
  pybind11-dev python3-pybind11 python3-dev
  python3-numpy python3-pandas python3-pytest python3-dask python3-distributed
  # `pip install .` / `pip wheel .` (pyproject.toml, setup.py) and the
  # test that installs the wheel into a fresh virtual environment.
  python3-pip python3-setuptools python3-wheel python3-venv
)
for arg in "$@"; do
  case "$arg" in
    --sanitizers) packages+=(clang libclang-rt-dev llvm ninja-build postgresql) ;;
    --tests) packages+=(chromium postgresql) ;;
    *)
      echo "usage: $0 [--sanitizers] [--tests]" >&2
      exit 2
      ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
