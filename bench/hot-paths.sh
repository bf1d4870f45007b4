#!/usr/bin/env bash
# BenchmarkDotNet over the hot paths (bench/Todo.Benchmarks): Lambda event -> proxy response, token validation,
# a todo page through the repository, a page's JSON.
# Usage: bench/hot-paths.sh [artifacts-dir] [extra BenchmarkDotNet arguments...]
#   e.g. bench/hot-paths.sh /tmp/bdn --job short          (a quick check rather than a measurement)
#        bench/hot-paths.sh /tmp/bdn --filter '*TokenValidation*'
# Release only: BenchmarkDotNet refuses to measure a Debug build.
set -euo pipefail
cd "$(dirname "$0")/.."
artifacts=${1:-$(mktemp -d -t todo-hot-paths-XXXXXX)}
shift || true
filter=(--filter '*')
for arg in "$@"; do
  [[ $arg == --filter || $arg == -f ]] && filter=()
done

mkdir -p "$artifacts"
dotnet build bench/Todo.Benchmarks -c Release --nologo -v quiet > "$artifacts/build.log" 2>&1 || { cat "$artifacts/build.log"; exit 1; }
dotnet run -c Release --no-build --project bench/Todo.Benchmarks -- "${filter[@]}" --artifacts "$artifacts" --exporters github json "$@" \
  > "$artifacts/run.log" 2>&1 || { tail -50 "$artifacts/run.log"; exit 1; }

# One table per benchmark class, as BenchmarkDotNet's GitHub exporter wrote them.
for table in "$artifacts"/results/*-report-github.md; do
  echo "== $(basename "$table" -report-github.md)"
  # The exporter writes Markdown for GitHub: bold parameter rows and HTML entities, plain text here.
  sed -n -e '/^|/{s/\*\*//g; s/&#39;/'"'"'/g; s/&amp;/\&/g; s/&lt;/</g; s/&gt;/>/g; p}' "$table"
  echo
done
echo "Artifacts (reports, JSON, log): $artifacts"
