#!/usr/bin/env bash
# Runs every fuzz target of readout for SECONDS each (default 600) and
# prints, per target, the executions, the corpus size and what was found.
#   scripts/fuzz.sh [SECONDS] [TARGET...]
# Needs cargo-fuzz (`cargo install cargo-fuzz`). Only the stable toolchain
# is installed here; RUSTC_BOOTSTRAP lets it take the -Z flags that the
# sanitizer build needs.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds="${1:-600}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(front_matter link_scanner quotation_matcher slug note_render)
fi
export RUSTC_BOOTSTRAP=1
status=0
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t" "artifacts/$t"
  # Seed the corpus with the fixtures and the default site's notes.
  for f in ../tests/fixtures/*/content/*/*.md ../content/*/*.md; do
    [ -f "$f" ] && cp -n "$f" "corpus/$t/" 2>/dev/null || true
  done
  log="artifacts/$t/last-run.log"
  if cargo fuzz run -O "$t" "corpus/$t" -- -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="artifacts/$t/" >"$log" 2>&1; then
    result="no crash"
  else
    result="FOUND A PROBLEM (see fuzz/$log and fuzz/artifacts/$t/)"
    status=1
  fi
  runs=$(grep -Eo '#[0-9]+' "$log" | tail -1 | tr -d '#')
  echo "$t: ${seconds}s, ${runs:-0} executions, corpus $(ls "corpus/$t" | wc -l) inputs: $result"
done
exit $status
