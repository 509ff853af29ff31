#!/usr/bin/env bash
# GPU checks of issue 6, one script, at most BUDGET seconds (default 450) on one H100/H200.
# On one H200 (2026-11-29) the steps took 18 + 52 + 54 + 213 + 59 s (about 400 s with the start): give the
# device call a limit of about 480 s.
#
# Steps, in this order, each under its own `timeout` (never past the BUDGET deadline):
#   1. the CUDA-path tests (tests/test_batched.py, tests/test_online.py -k cuda, tests/test_latency.py)
#   2. scripts/bench_env.py --device cuda --quick --profile                     (archgym/DigitsMLP-v0)
#   3. scripts/bench_vec.py --device cuda --ks 1,8,32                           (batched vs sync vs subproc)
#   4. scripts/bench_env.py --env archgym/MNIST1D-v0 --device cuda --quick
#   5. an end-to-end `archgym train --env archgym/MNIST1D-v0 --agent dqn --device cuda` run (child and agent on
#      CUDA, env_kwargs device=cuda); its budget is about a minute of env steps at the inherit speed step 4
#      measured (CLI_TIMESTEPS overrides it; 150 if step 4 gave nothing), clamped to 150..1000 steps.
#
# Everything lands under $OUT, 8 files (the most a device call brings back):
#   device.txt                   nvidia-smi, torch version and GPU name
#   pytest_cuda.txt              step 1's pytest output
#   benchmarks_cuda.md           sections bench_env_cuda, bench_vec_cuda, bench_env_mnist1d_cuda, ready to paste
#                                into docs/benchmarks.md (a --quick bench_env run only prints its section: it is
#                                cut out of the printed output here)
#   bench_env_cuda.json, bench_vec_cuda.json, bench_env_mnist1d_cuda.json   the scripts' --json figures
#   logs.txt                     the printed output of steps 2-4, each with its rc and wall time
#   cli_mnist1d_cuda.txt         step 5's output, rc, wall time, config.yaml and run.json of the run
# Nothing in docs/ is modified.
#
# Usage (repository root, a Python with a CUDA build of torch and archgym's dependencies):
#     OUT=/tmp/gpu_out PY=python bash scripts/gpu_check.sh
# DEVICE=cpu runs the same steps on the CPU (a dry run of the flags and paths; tests needing CUDA skip); for a
# short one add BENCH_ARGS (appended to both bench_env runs, e.g. "--archs 3 --full-steps 100 --rss-steps 20"),
# VEC_ARGS (default "--ks 1,8,32 --steps 10") and CLI_TIMESTEPS.
set -u
OUT=${OUT:-gpu_out}
PY=${PY:-python}
DEVICE=${DEVICE:-cuda}
BUDGET=${BUDGET:-450}
BENCH_ARGS=${BENCH_ARGS:-}
VEC_ARGS=${VEC_ARGS:---ks 1,8,32 --steps 10}
mkdir -p "$OUT"
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}" PYTHONUNBUFFERED=1
sfx=$([ "$DEVICE" = cpu ] && echo "" || echo "_$DEVICE")
T0=$SECONDS
LOG="$OUT/logs.txt"
DOC="$OUT/benchmarks_cuda.md"
: > "$LOG"
rc=0

# step NAME CAP LOGFILE CMD...: run CMD under timeout min(CAP, time left), append its output, rc and wall time
step() {
    local name=$1 cap=$2 log=$3 left t s r
    shift 3
    left=$((BUDGET - (SECONDS - T0)))
    t=$((cap < left ? cap : left))
    if [ "$t" -lt 10 ]; then
        echo "=== $name: skipped, $left s of the ${BUDGET} s budget left" | tee -a "$log"
        rc=1
        return 1
    fi
    echo "=== $name (timeout $t s): $*" >> "$log"
    s=$SECONDS
    timeout -k 5 "$t" "$@" >> "$log" 2>&1
    r=$?
    echo "=== $name: rc=$r wall=$((SECONDS - s)) s$([ $r -eq 124 ] && echo ' (TIMED OUT)')" | tee -a "$log"
    [ $r -eq 0 ] || rc=1
    return $r
}

# the markdown section a --quick bench_env run printed (from its '## ' heading to the '(a --quick run' line)
cut_section() {
    local name=$1 from=$2
    grep -q '^(a --quick run' "$from" || return 0
    [ -f "$DOC" ] || printf '# Benchmarks (%s check)\n' "$DEVICE" > "$DOC"
    { echo; echo "<!-- $name:start -->"
      awk '/^## /{p=1} /^\(a --quick run/{p=0} p' "$from"
      echo "<!-- $name:end -->"; } >> "$DOC"
}

(nvidia-smi; "$PY" -c "import torch; print('torch', torch.__version__, 'cuda', torch.version.cuda, \
torch.cuda.is_available(), torch.cuda.get_device_name(0) if torch.cuda.is_available() else '-')") \
    > "$OUT/device.txt" 2>&1
tail -1 "$OUT/device.txt"

# 1. CUDA-path tests
: > "$OUT/pytest_cuda.txt"
step pytest_cuda 100 "$OUT/pytest_cuda.txt" "$PY" -m pytest -q -p no:cacheprovider -rA \
    tests/test_batched.py tests/test_latency.py tests/test_online.py -k "cuda or latency"
grep -E "(passed|failed|error|skipped).* in [0-9.]+s" "$OUT/pytest_cuda.txt" | tail -1

# 2. env benchmark, DigitsMLP
tmp=$(mktemp)
step bench_env$sfx 120 "$tmp" "$PY" scripts/bench_env.py --device "$DEVICE" --quick --profile \
    --doc "$DOC" --json "$OUT/bench_env$sfx.json" $BENCH_ARGS
cat "$tmp" >> "$LOG"; cut_section "bench_env$sfx" "$tmp"; sed -n 2,5p "$tmp"

# 3. vector env benchmark (not quick: writes its section into $DOC itself)
step bench_vec$sfx 100 "$LOG" "$PY" scripts/bench_vec.py --device "$DEVICE" $VEC_ARGS \
    --subproc-max 8 --doc "$DOC" --json "$OUT/bench_vec$sfx.json"

# 4. env benchmark, MNIST-1D
: > "$tmp"
step bench_env_mnist1d$sfx 250 "$tmp" "$PY" scripts/bench_env.py --env archgym/MNIST1D-v0 --device "$DEVICE" \
    --quick --doc "$DOC" --json "$OUT/bench_env_mnist1d$sfx.json" $BENCH_ARGS
cat "$tmp" >> "$LOG"; cut_section "bench_env_mnist1d$sfx" "$tmp"; sed -n 2,5p "$tmp"
rm -f "$tmp"

# 5. end-to-end CLI run on MNIST-1D
CLI="$OUT/cli_mnist1d$sfx.txt"
n=${CLI_TIMESTEPS:-$("$PY" -c "import json,sys
try: v = json.load(open(sys.argv[1]))['inherit_steps_per_s']
except Exception: v = 2.5
print(max(150, min(1000, int(v * 60))))" "$OUT/bench_env_mnist1d$sfx.json" 2>/dev/null || echo 150)}
runs=$(mktemp -d)
: > "$CLI"
step cli_mnist1d$sfx 130 "$CLI" "$PY" -m archgym.cli train --env archgym/MNIST1D-v0 --agent dqn --device "$DEVICE" \
    --timesteps "$n" --eval-episodes 1 --seed 0 --logdir "$runs" --no-progress
for f in "$runs"/*/config.yaml "$runs"/*/run.json; do
    [ -f "$f" ] && { echo "--- ${f#"$runs"/}"; head -12 "$f"; echo; } >> "$CLI"
done
for f in "$runs"/*/search.jsonl; do [ -f "$f" ] && echo "--- search.jsonl: $(wc -l < "$f") evaluations" >> "$CLI"; done
grep -E '^(run dir|best architecture|val accuracy)' "$CLI"
rm -rf "$runs"

echo "=== total wall $((SECONDS - T0)) s, rc=$rc" | tee -a "$LOG"
ls "$OUT"
exit $rc
