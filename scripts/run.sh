#!/usr/bin/env bash
# Set up the pinned environment when it is missing or stale, then run one task.
#   bash scripts/run.sh reproduce   rebuild every table, figure and notebook from data/
#   bash scripts/run.sh verify      rebuild into a temporary folder and compare with results/
#   bash scripts/run.sh test [ARGS] run the test suite (pytest ARGS)
#   bash scripts/run.sh bench       time the model sweep and the whole rebuild
#   bash scripts/run.sh lint        ruff
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.venv
python=${PYTHON:-$(command -v python3.11 || command -v python3)}
want=$(cat pyproject.toml constraints.txt | sha256sum | cut -d' ' -f1)
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$venv/.installed" 2>/dev/null)" != "$want" ]; then
    echo "setting up $venv (pinned versions from constraints.txt) ..." >&2
    "$python" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
        -c constraints.txt -e ".[notebooks,dev]"
    echo "$want" > "$venv/.installed"
fi

# Same results on every machine: one thread per numeric library, fixed hashing, and the same
# OpenBLAS kernels whatever the CPU (it otherwise picks them per processor, and their rounding differs).
# The Haswell kernels need AVX2: an x86 processor without it, or an ARM one, keeps the kernels OpenBLAS
# picks, and `verify` reports how far that moves the results.
export PYTHONHASHSEED=0 OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 MPLBACKEND=Agg
if [ -z "${OPENBLAS_CORETYPE:-}" ] && [ "$(uname -m)" = x86_64 ] && grep -qw avx2 /proc/cpuinfo 2>/dev/null; then
    export OPENBLAS_CORETYPE=Haswell
fi
# numpy picks its SIMD code per processor too: with AVX-512 it runs its own exp and log, which round
# differently from the C library's that other x86 processors use (the LDA models' arrays moved in their
# last digits). Its AVX-512 targets are turned off, so every x86 processor with AVX2 runs the same code.
if [ -z "${NPY_DISABLE_CPU_FEATURES:-}" ] && [ "$(uname -m)" = x86_64 ] && grep -qw avx512f /proc/cpuinfo 2>/dev/null; then
    export NPY_DISABLE_CPU_FEATURES="X86_V4 AVX512_ICL AVX512_SPR"
fi

task=${1:-}
[ $# -gt 0 ] && shift
case "$task" in
    reproduce) exec "$venv/bin/themes" reproduce "$@" ;;
    verify) exec "$venv/bin/themes" verify "$@" ;;
    # one pytest worker per core; a module's tests stay on one worker, so its fixtures (the rebuild)
    # are built once (--dist loadgroup would balance better, but with pytest 9.2 it ignores the
    # groups and builds a shared fixture on every worker: pytest-xdist issue 1386)
    test) exec "$venv/bin/python" -m pytest -n auto --dist loadfile "$@" ;;
    bench)
        "$venv/bin/python" benchmarks/bench.py "$@"
        "$venv/bin/python" benchmarks/corpus_timing.py
        [ -f benchmarks/data/paragraphs.txt ] || "$venv/bin/python" benchmarks/scale.py prepare
        exec "$venv/bin/python" benchmarks/scale.py run --sizes 10000 100000 ;;
    lint) exec "$venv/bin/ruff" check themes tests benchmarks ;;
    *) echo "usage: bash scripts/run.sh {reproduce|verify|test|bench|lint} [ARGS]" >&2; exit 2 ;;
esac
