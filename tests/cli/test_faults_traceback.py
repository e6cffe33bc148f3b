"""Tracebacks and hangs turned into one line: bad arguments, devices, deep YAML, signals.

Where a fault could hang the interpreter or end it by a signal, the real program runs in a new
process with a time limit; a stopped run ends with one line and exit 130 (Ctrl-C) or 143
(SIGTERM), and leaves its outputs as they were.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fault_cases import (
    GOOD,
    make_project,
    one_line,
    planted_csv,
    planted_rows,
    refused,
    run_process,
    table_corpus,
    write,
)
from helpers import RUN_ENV, snapshot


@pytest.fixture
def project(tmp_path):
    return make_project(tmp_path / "project", models=("nmf_sklearn", "keywords"))


ARGUMENTS = {
    "fit --seed -1": (["fit", "--model", "nmf_sklearn", "--k", "3", "--seed", "-1"], ["--seed", "not -1"]),
    "fit --seed 2**32": (
        ["fit", "--model", "nmf_sklearn", "--k", "3", "--seed", str(2**32)],
        ["--seed", "4294967295"],
    ),
    "fit --corpus --seed -7": (
        ["fit", "--corpus", "c.csv", "--model", "nmf_sklearn", "--k", "3", "--seed", "-7", "--out", "o"],
        ["--seed", "not -7"],
    ),
    "intrusion create --seed 2**40": (
        ["intrusion", "create", "--model", "nmf_sklearn", "--seed", str(2**40)],
        ["--seed"],
    ),
}


@pytest.mark.parametrize("case", list(ARGUMENTS))
def test_a_seed_out_of_range_is_one_line(case, project, capsys):
    argv, needles = ARGUMENTS[case]
    refused(["--root", project, *argv], capsys, *needles, unchanged=project)


@pytest.mark.slow  # a new process: reading a device never ends
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_scoring_a_device_is_one_line(device, project):
    result = run_process(["--root", project, "score", "--model", "keywords", device], timeout=60)
    assert result.returncode == 2
    one_line(result.stderr, device, "not a regular file")


@pytest.mark.slow  # a new process: opening a pipe nobody writes to never returns
def test_a_corpus_that_is_a_pipe_is_one_line(tmp_path):
    fifo = tmp_path / "texts.txt"
    os.mkfifo(fifo)
    result = run_process(["corpus", fifo, "--out", tmp_path / "o"], timeout=60)
    assert result.returncode == 2
    one_line(result.stderr, "not a regular file")


def test_yaml_nested_5000_deep_is_one_line(project, capsys):
    write(
        project / "data/reference/seed_words.yml",
        "morale:\n" + "".join(" " * i + "- \n" for i in range(1, 400)),
    )
    refused(["--root", project, "reference"], capsys, "levels deep", unchanged=project)
    write(project / "data/reference/seed_words.yml", "morale: " + "{a: " * 5000 + "b" + "}" * 5000 + "\n")
    refused(["--root", project, "reference"], capsys, "levels deep", unchanged=project)


def test_a_lock_that_is_a_folder_is_one_line(project, capsys):
    (project / ".themes.lock").mkdir()
    refused(["--root", project, "reproduce", "--no-notebooks"], capsys, ".themes.lock", "not a file")
    refused(["--root", project, "verify"], capsys, ".themes.lock", "not a file")


# --------------------------------------------------------------------- signals


def _start(argv, cwd=None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "themes", *map(str, argv)],
        env=RUN_ENV,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for(path_glob: Path, pattern: str, proc, seconds: float = 120) -> None:
    """Until ``path_glob`` holds a match of ``pattern`` (the run reached its long work)."""
    deadline = time.monotonic() + seconds
    while not list(path_glob.glob(pattern)):
        assert proc.poll() is None, proc.stderr.read()
        assert time.monotonic() < deadline, "the run never reached its work"
        time.sleep(0.1)


@pytest.mark.slow  # fits in a new process and stops it
@pytest.mark.parametrize(("stop", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_stopped_fit_ends_with_one_line_and_leaves_the_previous_output(stop, code, tmp_path):
    out = tmp_path / "fit"
    small = planted_csv(tmp_path / "small.csv")
    done = run_process(["fit", "--corpus", small, "--model", "nmf_sklearn", "--k", "3", "--out", out])
    assert done.returncode == 0, done.stderr
    before = snapshot(out)
    rows = planted_rows(n_per_group=2000)
    big = table_corpus(tmp_path / "big.csv", [{"id": f"d{i}", "text": r["text"]} for i, r in enumerate(rows)])
    proc = _start(["fit", "--corpus", big, "--model", "lda_sklearn", "--k", "3", "--out", out])
    _wait_for(tmp_path, ".fit-*", proc)  # staged: the fit is under way
    time.sleep(1)
    proc.send_signal(stop)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err
    one_line(err, f"stopped by {signal.Signals(stop).name}")
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.csv", "fit", "small.csv"]


@pytest.mark.slow  # rebuilds in a new process and stops it
def test_a_stopped_rebuild_ends_with_one_line_and_leaves_the_previous_results(tmp_path):
    from helpers import ROOT

    from themes.verify.verdict import copy_inputs

    project = tmp_path / "project"
    copy_inputs(ROOT, project)
    write(project / "results" / "summary.csv", "stale\n")
    before = snapshot(project / "results")
    proc = _start(["--root", project, "reproduce", "--no-notebooks"])
    _wait_for(project, ".results-*", proc)
    time.sleep(2)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 143, err
    # the progress lines printed before the stop stay; the stop itself is one line, the last
    *progress, last = err.splitlines(keepends=True)
    assert all(line.startswith("themes: ") for line in progress), err
    one_line(last, "stopped by SIGTERM")
    assert snapshot(project / "results") == before
    assert not list(project.glob(".results*"))


@pytest.mark.slow  # a new process
def test_a_corpus_of_text_is_scored_after_a_refusal_without_a_traceback(project):
    # a refused file among good ones: the program says which, once, and scores nothing
    good = write(project.parent / "good.txt", GOOD)
    result = run_process(["--root", project, "score", "--model", "keywords", good, "/dev/null/x"], timeout=60)
    assert result.returncode == 2 and result.stdout == ""
    one_line(result.stderr, "does not exist")
