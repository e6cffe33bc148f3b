"""The machine a result is made on: library versions, thread pools, and the OpenBLAS kernels.

Every fit and every manifest records :func:`library_versions` and :func:`thread_settings`; the
command line checks :func:`unusable_core_message` before anything calls OpenBLAS, which runs
the kernels ``OPENBLAS_CORETYPE`` names without checking that the processor has their
instructions: on one without them, the first matrix product stops the program with "Illegal
instruction" (exit code 132) and no other message. A reviewer trying other kernels, as the
README suggests, should get one sentence instead. Nothing in numpy, scipy or threadpoolctl
answers this before the crash, so the check is written here.
"""

from __future__ import annotations

import contextlib
import functools
import os
import platform
import signal
import sys
import threading
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from threadpoolctl import threadpool_info, threadpool_limits

from .errors import Stopped

X86_MACHINES = ("x86_64", "amd64")  # platform.machine() of the processors these kernels are for

# Instruction-set flags (as /proc/cpuinfo names them) that each x86 kernel family needs; the
# older families (Prescott, Core2, Nehalem, ...) run on every x86-64 processor.
NEEDED_FLAGS: dict[str, tuple[str, ...]] = {
    "sandybridge": ("avx",),
    "haswell": ("avx2", "fma"),
    "zen": ("avx2", "fma"),
    "skylakex": ("avx512f",),
    "cooperlake": ("avx512f", "avx512_bf16"),
    "sapphirerapids": ("avx512f", "avx512_bf16"),
}


def processor_flags(cpuinfo: Path = Path("/proc/cpuinfo")) -> set[str] | None:
    """The first processor's instruction-set flags, or None where /proc/cpuinfo says nothing."""
    try:
        text = cpuinfo.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "flags":
            return set(value.split())
    return None


def missing_flags(core: str | None, flags: set[str] | None) -> tuple[str, ...]:
    """The flags kernel family ``core`` needs that ``flags`` lacks (none when either is unknown)."""
    if not core or flags is None:
        return ()
    return tuple(f for f in NEEDED_FLAGS.get(core.strip().lower(), ()) if f not in flags)


def runs_here(core: str) -> bool | None:
    """Whether this processor can run kernel family ``core``; None where that cannot be told (a
    processor other than x86, or no /proc/cpuinfo)."""
    flags = processor_flags() if platform.machine().lower() in X86_MACHINES else None
    return None if flags is None else not missing_flags(core, flags)


def unusable_core_message() -> str | None:
    """One sentence when ``OPENBLAS_CORETYPE`` names kernels this x86 processor cannot run, else None."""
    core = os.environ.get("OPENBLAS_CORETYPE")
    if not core or platform.machine().lower() not in X86_MACHINES:
        return None
    missing = missing_flags(core, processor_flags())
    if not missing:
        return None
    return (
        f"OPENBLAS_CORETYPE={core} asks for kernels that need {', '.join(missing)}, which this processor "
        "lacks (OpenBLAS would stop at its first matrix product with 'Illegal instruction'); unset it "
        "or choose kernels it can run (Prescott runs on every x86-64 processor)."
    )


NUMPY_AVX512_TARGETS = "X86_V4 AVX512_ICL AVX512_SPR"
"""numpy's AVX-512 dispatch targets, which ``scripts/run.sh`` turns off (``NPY_DISABLE_CPU_FEATURES``)
where the processor has AVX-512: numpy's own AVX-512 ``exp`` and ``log`` round differently from the
C library's that every other x86 processor uses, which moved the LDA models' arrays and explorer
pages in their last digits between machines."""


def numpy_simd() -> str:
    """The best SIMD dispatch target numpy uses on this machine (``X86_V3`` when AVX-512 is off)."""
    np = sys.modules.get("numpy")  # loaded by whatever records it; not loaded here (see the CLI)
    core = getattr(np, "_core", None)
    umath = getattr(core, "_multiarray_umath", None)
    features = getattr(umath, "__cpu_features__", {})
    targets = [t for t in getattr(umath, "__cpu_dispatch__", []) if features.get(t)]
    return targets[-1] if targets else "baseline"


def exit_with_parent(parent: int, interval: float = 1.0) -> None:
    """End this process within ``interval`` seconds of the end of process ``parent``.

    The initializer of the main job's worker processes
    (:func:`themes.selection.dask_cluster.end_workers_with_parent` registers it for joblib's ``loky``
    backend): a worker idles waiting for work and never learns that the run that started
    it was killed, so without this a killed run left its workers (and their resource tracker)
    alive for good. Nothing in joblib or loky offers it.
    """

    def watch():
        while os.getppid() == parent:
            time.sleep(interval)
        os._exit(0)

    threading.Thread(target=watch, name="themes-exit-with-parent", daemon=True).start()


def _stop_on_sigterm(signum, frame):
    raise Stopped(signum)


@contextlib.contextmanager
def sigterm_stops_the_run():
    """Within the block, SIGTERM unwinds the run like Ctrl-C (:class:`themes.errors.Stopped`), so that
    staged outputs are removed and the previous state left; in the main thread only (where Python
    runs signal handlers), the previous handler restored after."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _stop_on_sigterm)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


LIBRARIES = (
    "numpy",
    "scipy",
    "scikit-learn",
    "gensim",
    "pandas",
    "matplotlib",
    "krippendorff",
    "snowballstemmer",
    "PyStemmer",
    "threadpoolctl",
    "joblib",
    "numba",
    "tomotopy",
)


def library_versions() -> dict[str, str]:
    """Installed versions of the libraries a result depends on."""
    return dict(_installed_versions())


@functools.cache
def _installed_versions() -> tuple[tuple[str, str], ...]:
    # read once per process: every fit records them, and reading package metadata takes 40 ms
    return tuple((name, installed_version(name)) for name in LIBRARIES)


def installed_version(name: str) -> str:
    """The installed version of a distribution, or ``"not installed"``."""
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def thread_settings() -> dict:
    """Thread pools as they are while a model is fitted (pinned to one thread)."""
    with threadpool_limits(limits=1):
        return {
            "threadpool_limit": 1,
            "pools": sorted(
                {
                    f"{p['internal_api']}:{p.get('architecture', '')}:{p['num_threads']}"
                    for p in threadpool_info()
                }
            ),
        }
