#!/usr/bin/env bash
# The run behind docs/PERFORMANCE.md: load (against the ceiling), cold start, scale and the hot-path
# micro-benchmarks, one after the other on an otherwise idle machine, then the charts.
#
#   bench/run-all.sh [RESULTS_DIR]     (default: docs/performance/results, overwritten)
#
# The charts go to docs/performance/*.svg. Takes about 20 minutes (the composite publish alone two). Nothing else
# may run meanwhile: the figures are only comparable within one run.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
results=${1:-docs/performance/results}
mkdir -p "$results"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "cpu: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores"
  echo "memory: $(free -g | awk '/^Mem:/ { print $2 }') GiB"
  echo "dotnet: $(dotnet --version)"
  echo "wrk: $(wrk -v 2>&1 | head -1)"
} | tee "$results/machine.txt"
bench/load.sh "$results" | tee "$results/load.txt"
bench/cold-start.sh "$results" | tee "$results/cold-start.txt"
bench/scale.sh "$results" | tee "$results/scale.txt"
bench/hot-paths.sh "$results/hot-paths" | tee "$results/hot-paths.txt"
python3 bench/charts.py "$results" docs/performance
