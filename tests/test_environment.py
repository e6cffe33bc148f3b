"""OPENBLAS_CORETYPE naming kernels this processor cannot run is one sentence and exit 2, not a crash."""

import subprocess
import sys
from pathlib import Path

import pytest

from themes import environment as blas_kernels
from themes.cli import main

CPUINFO = "processor\t: 0\nvendor_id\t: AuthenticAMD\nflags\t\t: fpu sse2 avx avx2 fma\n\nprocessor\t: 1\n"


def test_flags_are_read_from_the_first_processor(tmp_path):
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text(CPUINFO)
    assert blas_kernels.processor_flags(cpuinfo) == {"fpu", "sse2", "avx", "avx2", "fma"}
    assert blas_kernels.processor_flags(tmp_path / "absent") is None


@pytest.mark.parametrize(
    ("core", "missing"),
    [
        ("SkylakeX", ("avx512f",)),
        ("cooperlake", ("avx512f", "avx512_bf16")),
        ("Haswell", ()),
        ("Prescott", ()),  # older families run on every x86-64 processor
        ("NoSuchCore", ()),  # OpenBLAS ignores names it does not know
        (None, ()),
    ],
)
def test_missing_flags(core, missing):
    assert blas_kernels.missing_flags(core, {"fpu", "sse2", "avx", "avx2", "fma"}) == missing


def test_an_arm_processor_cannot_be_told(monkeypatch):
    monkeypatch.setattr(blas_kernels.platform, "machine", lambda: "aarch64")
    assert blas_kernels.runs_here("Haswell") is None
    monkeypatch.setenv("OPENBLAS_CORETYPE", "Haswell")
    assert blas_kernels.unusable_core_message() is None  # OpenBLAS there ignores x86 names


def test_the_command_line_names_the_kernels_and_the_missing_instructions(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("OPENBLAS_CORETYPE", "Haswell")
    monkeypatch.setattr(blas_kernels.platform, "machine", lambda: "x86_64")
    monkeypatch.setattr(blas_kernels, "processor_flags", lambda: {"sse2", "avx"})
    assert main(["--root", str(tmp_path), "verify"]) == 2  # refused before the project is read
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "OPENBLAS_CORETYPE=Haswell" in err and "avx2, fma" in err


@pytest.mark.slow
def test_on_this_processor_a_kernel_it_cannot_run_is_refused_without_a_crash(tmp_path):
    # the newest kernel family this processor lacks the instructions of (with AVX-512, say,
    # Cooper Lake's bfloat16 ones): refused in one sentence naming them, before OpenBLAS runs it
    unusable = [
        core for core in reversed(list(blas_kernels.NEEDED_FLAGS)) if blas_kernels.runs_here(core) is False
    ]
    if not unusable:
        pytest.skip("an x86 processor that can run every OpenBLAS kernel family, or no x86 processor")
    core = unusable[0]
    missing = blas_kernels.missing_flags(core, blas_kernels.processor_flags())
    env = {"PATH": "/usr/bin:/bin", "OPENBLAS_CORETYPE": core}
    done = subprocess.run(
        [sys.executable, "-m", "themes", "--root", str(tmp_path), "reproduce"],
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(__file__).parents[1],
    )
    assert done.returncode == 2, done.stderr
    assert done.stdout == "" and missing[0] in done.stderr and "Traceback" not in done.stderr
