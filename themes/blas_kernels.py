"""Whether this processor can run the OpenBLAS kernels ``OPENBLAS_CORETYPE`` asks for.

OpenBLAS runs the kernels the variable names without checking that the processor has their
instructions: on one without them, the first matrix product stops the program with "Illegal
instruction" (exit code 132) and no other message. A reviewer trying other kernels, as the
README suggests, should get one sentence instead. Nothing in numpy, scipy or threadpoolctl
answers this before the crash, so the check is written here.
"""

from __future__ import annotations

import os
import platform
from pathlib import Path

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
