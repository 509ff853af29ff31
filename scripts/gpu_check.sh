#!/usr/bin/env bash
# GPU checks of issue 6, one script, about 6 minutes on one H100/H200.
#
# Runs the CUDA-path tests (tests/test_batched.py and tests/test_online.py -k cuda, tests/test_latency.py), then
# scripts/bench_env.py --device cuda --quick --profile and scripts/bench_vec.py --device cuda
# (K = 1, 8, 32). Every result lands under $OUT: pytest logs, bench_env_cuda.json,
# bench_vec_cuda.json, the printed output, and benchmarks_cuda.md (sections bench_env_cuda and
# bench_vec_cuda, ready to paste into docs/benchmarks.md). Nothing in docs/ is modified.
#
# Usage (repository root, a Python with a CUDA build of torch and archgym's dependencies):
#     OUT=/tmp/gpu_out PY=python bash scripts/gpu_check.sh
set -u
OUT=${OUT:-gpu_out}
PY=${PY:-python}
mkdir -p "$OUT"
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
(nvidia-smi; "$PY" -c "import torch; print(torch.__version__, torch.cuda.is_available(), torch.cuda.get_device_name(0))") \
    > "$OUT/device.txt" 2>&1
rc=0
timeout 150 "$PY" -m pytest -q -p no:cacheprovider tests/test_batched.py tests/test_latency.py tests/test_online.py \
    -k "cuda or latency" \
    > "$OUT/pytest_cuda.txt" 2>&1 || rc=1
tail -3 "$OUT/pytest_cuda.txt"
timeout 180 "$PY" scripts/bench_env.py --device cuda --quick --profile --doc "$OUT/benchmarks_cuda.md" \
    --json "$OUT/bench_env_cuda.json" > "$OUT/bench_env_cuda.txt" 2>&1 || rc=1
tail -6 "$OUT/bench_env_cuda.txt"
timeout 120 "$PY" scripts/bench_vec.py --device cuda --ks 1,8,32 --steps 10 --subproc-max 8 \
    --doc "$OUT/benchmarks_cuda.md" --json "$OUT/bench_vec_cuda.json" > "$OUT/bench_vec_cuda.txt" 2>&1 || rc=1
tail -4 "$OUT/bench_vec_cuda.txt"
exit $rc
