#!/usr/bin/env bash
# The real-GPU check (issue 14), meant to finish in under 8 minutes on a datacenter GPU:
#   1. pnpm gpu:info (refuses a software adapter unless ALLOW_SOFTWARE=1);
#   2. the whole test suite on this adapter (its default matmul variant, `tiled` on a GPU; every
#      kernel test also runs each variant the adapter offers), then the optimizer and model tests
#      again under every other variant (OPTIMLAB_MATMUL_VARIANT);
#   3. pnpm bench --suite kernels,ns,train --large (tfjs-backend-webgpu beside us);
#   4. a thesis-preset step-bench at the thesis micro-batch 24 (plan, peak memory) and a step profile (AdamW and Muon alternately);
#   5. one short thesis-preset training run (20 steps);
#   6. optimlab doctor: the autotuner's cached kernel choices (the runs above tuned them).
# Everything is logged under gpu-check/<UTC date>_<commit>/ with a summary.md (date, adapter,
# commit, each step's status and seconds) to copy into docs/benchmarks.md.
# Usage: bash scripts/gpu-check.sh [--skip-tests]    Env: STEP_TIMEOUT (seconds per step, default 300).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

skip_tests=0
for arg in "$@"; do
  case "$arg" in
    --skip-tests) skip_tests=1 ;;
    *) echo "gpu-check: unknown argument $arg (usage: bash scripts/gpu-check.sh [--skip-tests])" >&2; exit 2 ;;
  esac
done

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
stamp=$(date -u +%Y-%m-%dT%H-%M-%SZ)
out="gpu-check/${stamp}_${commit}"
mkdir -p "$out"
summary="$out/summary.md"
step_timeout=${STEP_TIMEOUT:-300}
failed=0
start_all=$SECONDS

# run NAME COMMAND...: runs one step with a timeout, logs it, records status and seconds.
run() {
  local name=$1
  shift
  local log="$out/$name.log"
  local t0=$SECONDS
  echo "== $name: $*"
  timeout "$step_timeout" "$@" >"$log" 2>&1
  local rc=$?
  local took=$((SECONDS - t0))
  local status=ok
  if [ "$rc" -eq 124 ]; then status="timed out after ${step_timeout}s"; elif [ "$rc" -ne 0 ]; then status="failed (exit $rc)"; fi
  [ "$status" = ok ] || failed=1
  echo "   $status in ${took}s (log: $log)"
  echo "| $name | $status | $took | \`$*\` |" >>"$summary"
}

pnpm -s gpu:info >"$out/gpu-info.txt" 2>&1 || { cat "$out/gpu-info.txt"; echo "gpu-check: no adapter (see above)." >&2; exit 1; }
if grep -q 'software (CPU)' "$out/gpu-info.txt" && [ "${ALLOW_SOFTWARE:-0}" != 1 ]; then
  grep -E '^(description|kind):' "$out/gpu-info.txt"
  echo "gpu-check: this adapter is software, not a GPU; set ALLOW_SOFTWARE=1 to run anyway." >&2
  exit 2
fi
variants=$(sed -n 's/^variants: *//p' "$out/gpu-info.txt" | tr ',' '\n' | awk '$2 == "available" { print $1 }')
default_variant=$(sed -n 's/.*matmul: \([a-z]*\).*/\1/p' "$out/gpu-info.txt" | head -1)

{
  echo "# GPU check $stamp"
  echo
  echo "- date (UTC): $(date -u '+%Y-%m-%d %H:%M')"
  echo "- commit: $commit"
  echo "- adapter: $(sed -n 's/^description: *//p' "$out/gpu-info.txt")"
  echo "- $(grep '^kind:' "$out/gpu-info.txt")"
  echo "- matmul variants available: $(echo $variants)"
  echo
  echo "| step | status | seconds | command |"
  echo "|---|---|---|---|"
} >"$summary"
echo "| gpu:info | ok | 0 | \`pnpm gpu:info\` |" >>"$summary"

if [ "$skip_tests" = 0 ]; then
  run tests pnpm test
  for v in $variants; do
    [ "$v" = "$default_variant" ] && continue
    run "tests-$v" env OPTIMLAB_MATMUL_VARIANT="$v" pnpm --filter @optimlab/optim --filter @optimlab/moe-model test
  done
fi
run bench pnpm bench --suite kernels,ns,train --large
run step-bench-thesis pnpm --filter @optimlab/moe-model step-bench thesis 24
run step-profile-thesis pnpm --filter @optimlab/moe-model step-profile thesis 8
run doctor pnpm -s optimlab doctor # the autotuner's cached kernel choices (the runs above tuned them)
train_dir=$(mktemp -d)
run train-thesis pnpm optimlab train --preset thesis --steps 20 --out "$train_dir/run"
cp -r "$train_dir/run" "$out/train-thesis-run" 2>/dev/null
rm -rf "$train_dir"
cp "$(ls -t bench-results/*.json 2>/dev/null | head -1)" "$out/" 2>/dev/null

{
  echo
  echo "Total: $((SECONDS - start_all)) s. Bench JSON and logs beside this file."
  echo
  echo "## Bench (tables)"
  echo
  echo '```'
  grep -vE '^(Warning|\$ )' "$out/bench.log" | tail -n 80
  echo '```'
  echo
  echo "## Thesis-preset step at the thesis micro-batch (24 × 512): time, batch plan, peak memory"
  echo
  echo '```'
  grep -vE '^(Warning|\$ )' "$out/step-bench-thesis.log"
  echo '```'
  echo
  echo "## Thesis-preset step profile (batch 8)"
  echo
  echo '```'
  grep -vE '^(Warning|\$ )' "$out/step-profile-thesis.log"
  echo '```'
  echo
  echo "## Kernel autotuner's choices on this adapter (optimlab doctor)"
  echo
  echo '```'
  sed -n '/^kernel tuning/,/^corpus/p' "$out/doctor.log" | grep -v '^corpus'
  echo '```'
} >>"$summary"
echo "gpu-check: summary in $summary (total $((SECONDS - start_all)) s)"
exit $failed
