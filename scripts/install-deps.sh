#!/usr/bin/env bash
# Installs slicekit's build dependencies from Debian packages, only the ones
# that are missing, so running it again is cheap and changes nothing.
# Usage: scripts/install-deps.sh [--sanitizers]
#   --sanitizers also installs clang with its sanitizer and libFuzzer
#   runtimes and llvm-symbolizer (scripts/check-sanitizers.sh, fuzz.sh).
set -euo pipefail

packages=(
  build-essential cmake
  libabsl-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libsqlite3-dev libutf8proc-dev libsimdjson-dev zlib1g-dev
  # The Python package (src/python) and its tests: pybind11, Debian's
  # Python 3 with NumPy, pandas, pytest, Dask and distributed.
  pybind11-dev python3-pybind11 python3-dev
  python3-numpy python3-pandas python3-pytest python3-dask python3-distributed
)
if [ "${1:-}" = "--sanitizers" ]; then
  packages+=(clang libclang-rt-dev llvm ninja-build)
elif [ -n "${1:-}" ]; then
  echo "usage: $0 [--sanitizers]" >&2
  exit 2
fi

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
