"""Data faults: no text lost, renamed or mixed, and every multi-file output whole or not at all.

A paragraph is never a duplicate of a dropped one; ids are unique across a corpus whatever the
folder layout and are text as written; a run that fails, is stopped or killed leaves the folder
it writes as it was (staged beside it and swapped in whole), and its worker processes end with it.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from fault_cases import GOOD, make_project, planted_csv, refused, run, table_corpus, write
from helpers import RUN_ENV, planted_texts, snapshot

import themes.corpus.chunks as chunks_module
from themes import corpus, files
from themes.corpus.documents import Document
from themes.models.topic_model import TopicModel
from themes.study import notebooks


@pytest.fixture
def scratch(tmp_path):
    folder = tmp_path / "scratch"
    folder.mkdir()
    return folder


def _texts(n):
    texts, _, _ = planted_texts(n_per_group=max(1, n // 3 + 1))
    return [t.capitalize() + "." for t in texts[:n]]


# ------------------------------------------------------------- paragraphs kept


def test_a_paragraph_is_never_a_duplicate_of_a_dropped_one():
    (text,) = _texts(1)
    docs = [
        # in "a", the text lies in an about section (dropped); "b" publishes it as a paragraph
        Document("a", f"{_texts(2)[1]}\n\n## About the group\n\n{text}\n", "a.txt"),
        Document("b", f"{text}\n", "b.txt"),
    ]
    table = corpus.build_paragraphs(docs).set_index("paragraph_id")
    assert table.at["a-p003", "status"] == "dropped"
    assert table.at["b-p001", "status"] == "kept", table.loc["b-p001"].to_dict()


def test_a_chain_of_copies_of_a_dropped_text_keeps_one():
    (text,) = _texts(1)
    docs = [
        Document("a", f"{_texts(2)[1]}\n\n## About the group\n\n{text}\n", "a.txt"),
        Document("b", f"{text}\n", "b.txt"),
        Document("c", f"{text}\n", "c.txt"),
    ]
    table = corpus.build_paragraphs(docs).set_index("paragraph_id")
    assert table.at["b-p001", "status"] == "kept"
    assert (table.at["c-p001", "status"], table.at["c-p001", "duplicate_of"]) == ("duplicate", "b-p001")


def test_a_document_named_total_keeps_its_summary_row():
    texts = _texts(2)
    table = corpus.build_paragraphs([Document("total", texts[0], "t"), Document("other", texts[1], "o")])
    summary = corpus.summarize(table)
    assert summary["doc_id"].tolist() == ["other", "total", "total"]
    assert summary["kept"].tolist() == [1, 1, 2]


def test_two_files_of_one_name_in_two_folders_are_not_mixed(scratch, capsys):
    texts = _texts(2)
    a, b = write(scratch / "a" / "x.txt", texts[0]), write(scratch / "b" / "x.txt", texts[1])
    root = make_project(scratch / "project", models=("keywords",))
    refused(["--root", root, "score", "--model", "keywords", a, b], capsys, "both have the document id 'x'")


def test_a_provenance_naming_one_id_twice_is_refused(scratch, capsys):
    texts = _texts(2)
    folder = scratch / "raw"
    rows = []
    for name, text in zip(("one.txt", "two.txt"), texts, strict=True):
        write(folder / name, text)
        rows.append({"doc_id": "same", "file": name, "sha256": files.sha256_file(folder / name)})
    pd.DataFrame(rows).to_csv(folder / "provenance.csv", index=False)
    refused(["corpus", folder, "--out", scratch / "o"], capsys, "document id 'same'", unchanged=scratch)


# ------------------------------------------------------------------ ids as text


def _parquet(path, ids, pa_type=None):
    import pyarrow as pa
    import pyarrow.parquet as pq

    texts = _texts(len(ids))
    pq.write_table(pa.table({"id": pa.array(ids, type=pa_type), "text": texts}), path)
    return path


IDS = {
    "a Parquet id that is a fraction": (
        lambda p: _parquet(p / "f.parquet", [1.5, 2.0]),
        ["'1.5'", "as text"],
    ),
    "a Parquet id of bytes": (lambda p: _parquet(p / "b.parquet", [b"a", b"b"]), ["bytes", "as text"]),
    "a Parquet id that is NaN": (lambda p: _parquet(p / "n.parquet", [float("nan"), 1.0]), ["no id"]),
    "a Parquet id that is true or false": (lambda p: _parquet(p / "t.parquet", [True, False]), ["bool"]),
    "a JSON Lines id that is true": (
        lambda p: write(p / "t.jsonl", json.dumps({"id": True, "text": GOOD}) + "\n"),
        ["bool", "t.jsonl line 1"],
    ),
    "a JSON Lines id that is a list": (
        lambda p: write(p / "l.jsonl", json.dumps({"id": [1], "text": GOOD}) + "\n"),
        ["list"],
    ),
    "a JSON Lines id that is NaN": (
        lambda p: write(p / "n.jsonl", '{"id": NaN, "text": "x"}\n'),
        ["not valid JSON"],
    ),
    "an id holding a line break": (
        lambda p: table_corpus(p / "nl.csv", [{"id": "a\nb", "text": GOOD}]),
        ["control character '\\n'"],
    ),
    "an id holding a tab": (lambda p: table_corpus(p / "t.csv", [{"id": "a\tb", "text": GOOD}]), ["'\\t'"]),
    "an id holding a NUL": (
        lambda p: write(p / "z.jsonl", json.dumps({"id": "a\u0000b", "text": GOOD}) + "\n"),
        ["'\\x00'"],
    ),
    "an id holding a line separator": (
        lambda p: write(p / "ls.jsonl", json.dumps({"id": "a\u2028b", "text": GOOD}) + "\n"),
        ["control character"],
    ),
    "an id that is a dot": (lambda p: table_corpus(p / "d.csv", [{"id": ".", "text": GOOD}]), ["'.'"]),
    "a text holding a NUL in a CSV cell": (
        lambda p: write(p / "nul.csv", f"id,text\na,{GOOD}\x00 more\n"),
        ["NUL", "nul.csv line 2"],
    ),
    "a text holding a NUL in a JSON Lines value": (
        lambda p: write(p / "nul.jsonl", json.dumps({"id": "a", "text": GOOD + "\u0000"}) + "\n"),
        ["NUL", "nul.jsonl line 1"],
    ),
    "a file name holding a line break": (
        lambda p: (write(p / "nl" / "a\nb.txt", GOOD), p / "nl")[1],
        ["control character"],
    ),
}


@pytest.mark.parametrize("case", list(IDS))
def test_ids_and_texts_that_would_change_or_mix_are_refused(case, scratch, capsys):
    make, needles = IDS[case]
    source = make(scratch)
    refused(["corpus", source, "--out", scratch / "out"], capsys, *needles)
    assert not (scratch / "out").exists()


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('{"id": 1e3, "text": "%s"}', "1e3"),
        ('{"id": 1.0, "text": "%s"}', "1.0"),
        ('{"id": 7, "text": "%s"}', "7"),
    ],
)
def test_a_json_number_id_is_kept_as_written(line, expected, scratch, capsys):
    path = write(scratch / "n.jsonl", line % GOOD + "\n")
    code, _, err = run(["corpus", path, "--out", scratch / "out"], capsys)
    assert code == 0, err
    table = files.read_csv(scratch / "out" / "paragraphs.csv", dtype=str)
    assert table["doc_id"].tolist() == [expected]


def test_a_parquet_whole_number_id_is_kept_as_its_digits(scratch, capsys):
    import pyarrow as pa

    path = _parquet(scratch / "i.parquet", [10, 200], pa.int64())
    code, _, err = run(["corpus", path, "--out", scratch / "out"], capsys)
    assert code == 0, err
    assert files.read_csv(scratch / "out" / "paragraphs.csv", dtype=str)["doc_id"].tolist() == ["10", "200"]


# ------------------------------------------------------ whole or not at all


def _fit_argv(corpus_path, out):
    return ["fit", "--corpus", corpus_path, "--model", "nmf_sklearn", "--k", "3", "--out", out]


@pytest.fixture
def previous_fit(scratch, capsys):
    """A folder written by an earlier `themes fit --corpus`, and a new corpus to fit."""
    out = scratch / "fit"
    code, _, err = run(_fit_argv(planted_csv(scratch / "old.csv"), out), capsys)
    assert code == 0, err
    texts, ids, _ = planted_texts(n_per_group=6, seed=1)
    new = table_corpus(
        scratch / "new.csv", [{"id": f"n{i}", "text": t + "."} for i, t in zip(ids, texts, strict=True)]
    )
    return out, new


def _full_disk(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device", "model/topic_term.npy")


def test_a_fit_failing_while_writing_leaves_the_previous_output(previous_fit, capsys, monkeypatch):
    out, new = previous_fit
    before = snapshot(out)
    monkeypatch.setattr(TopicModel, "save", _full_disk)  # the last output written
    refused(_fit_argv(new, out), capsys, "disk is full")
    assert snapshot(out) == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["fit", "new.csv", "old.csv"]


def test_a_streamed_fit_failing_leaves_the_previous_output(previous_fit, capsys, monkeypatch):
    out, new = previous_fit
    before = snapshot(out)
    monkeypatch.setattr(TopicModel, "save", _full_disk)  # paragraphs.csv is written while counting
    refused([*_fit_argv(new, out), "--streaming"], capsys, "disk is full")
    assert snapshot(out) == before


def _run_stopped(argv, capsys):
    """The command line stopped by Ctrl-C: it must end with its own line, not let it through
    (which would stop pytest itself)."""
    try:
        return run(argv, capsys)
    except KeyboardInterrupt:
        pytest.fail("Ctrl-C went through the command line instead of ending it with one line")


def test_a_fit_interrupted_leaves_the_previous_output(previous_fit, capsys, monkeypatch):
    out, new = previous_fit
    before = snapshot(out)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(TopicModel, "save", interrupted)
    code, _, err = _run_stopped(_fit_argv(new, out), capsys)
    assert code == 130 and err.count("\n") == 1 and "SIGINT" in err, err
    assert snapshot(out) == before


def test_a_fit_into_a_folder_of_other_files_is_refused(scratch, capsys):
    out = scratch / "mine"
    write(out / "notes.txt", "my notes")
    refused(
        _fit_argv(planted_csv(scratch / "c.csv"), out), capsys, "notes.txt", "new or empty", unchanged=scratch
    )


def test_a_fit_killed_between_the_two_renames_is_put_back(previous_fit, capsys):
    out, new = previous_fit
    before = snapshot(out)
    out.rename(out.with_name(".fit.old"))  # what a kill between the renames leaves
    (out.parent / ".fit-killed").mkdir()  # and a staging folder
    refused([*_fit_argv(new, out)[:-4], "--k", "99", "--out", out], capsys, "not below")
    assert snapshot(out) == before and not (out.parent / ".fit-killed").exists()


def test_corpus_failing_while_writing_leaves_both_files_as_they_were(scratch, capsys, monkeypatch):
    out = scratch / "out"
    assert run(["corpus", planted_csv(scratch / "a.csv"), "--out", out], capsys)[0] == 0
    before = snapshot(out)
    real = files.write_csv

    def fail_on_summary(path, table):
        if Path(path).name == "paragraph_summary.csv":
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real(path, table)

    monkeypatch.setattr(files, "write_csv", fail_on_summary)
    monkeypatch.setattr(chunks_module, "write_csv", fail_on_summary, raising=False)
    texts, ids, _ = planted_texts(n_per_group=5, seed=2)
    new = table_corpus(
        scratch / "b.csv", [{"id": i, "text": t + "."} for i, t in zip(ids, texts, strict=True)]
    )
    refused(["corpus", new, "--out", out], capsys, "disk is full")
    assert snapshot(out) == before


def test_intrusion_scores_failing_while_writing_leave_the_folder_as_it_was(tmp_path, capsys, monkeypatch):
    from helpers import ROOT

    test = ROOT / "data/reference/intrusion/nmf_sklearn"
    answers = sorted(map(str, (test / "answers" / "word").glob("*.csv")))
    out = tmp_path / "scores"
    assert run(["intrusion", "score", test, "--word", *answers, "--out", out], capsys)[0] == 0
    before = snapshot(out)
    calls = []
    real = files.write_csv

    def fail_third(path, table):
        calls.append(path)
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real(path, table)

    monkeypatch.setattr(files, "write_csv", fail_third)
    write(out / "word_intrusion_by_item.csv", "stale\n")  # the first table written
    before = snapshot(out)
    refused(["intrusion", "score", test, "--word", *answers, "--out", out], capsys, "disk is full")
    assert snapshot(out) == before


@pytest.mark.slow  # starts Jupyter kernels
def test_notebooks_are_put_in_place_together_or_not_at_all(tmp_path):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    for name, source in (("01_ok", "1 + 1"), ("02_ok", "2 + 2"), ("03_fails", "1 / 0")):
        nbformat.write(
            nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)]), folder / f"{name}.ipynb"
        )
    write(folder / "notes.md", "kept")
    before = snapshot(folder)
    with pytest.raises(notebooks.NotebookError, match="03_fails"):
        notebooks.run_notebooks(folder, workers=1)
    assert snapshot(folder) == before  # 01 and 02 ran, but nothing was written
    (folder / "03_fails.ipynb").unlink()
    assert notebooks.run_notebooks(folder, workers=1) == [folder / "01_ok.ipynb", folder / "02_ok.ipynb"]
    assert (folder / "notes.md").read_text() == "kept"
    assert nbformat.read(folder / "01_ok.ipynb", as_version=4).cells[0].outputs
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notebooks"]  # no staging left


def _children(pid: int) -> set[int]:
    out = subprocess.run(["ps", "-eo", "pid=,ppid="], capture_output=True, text=True, check=True).stdout
    pairs = [tuple(map(int, line.split())) for line in out.splitlines() if line.strip()]
    return {p for p, parent in pairs if parent == pid}


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            os.kill(pid, 0)
            alive.add(pid)
        except ProcessLookupError:
            pass
    return alive


@pytest.mark.slow  # runs the main job in a new process and kills it
@pytest.mark.parametrize("workers_flag", [["--jobs", "2"], ["--dask-workers", "2"]], ids=["loky", "dask"])
def test_a_killed_run_leaves_no_worker_processes(tmp_path, workers_flag):
    # joblib's loky workers, or a local Dask cluster's nannies and workers
    from helpers import ROOT

    from themes.verify.verdict import copy_inputs

    project = tmp_path / "project"
    copy_inputs(ROOT, project)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "themes",
            "--root",
            str(project),
            "reproduce",
            "--no-notebooks",
            *workers_flag,
        ],
        env=RUN_ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    workers: set[int] = set()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(workers) < 2:  # the fits' workers and resource tracker
        workers |= _children(proc.pid)
        time.sleep(0.5)
    assert workers, "the run started no worker process"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 10
    while _alive(workers) and time.monotonic() < deadline:
        time.sleep(0.5)
    left = _alive(workers)
    for pid in left:  # do not leave them to the next test
        os.kill(pid, signal.SIGKILL)
    assert not left, f"{len(left)} worker processes outlived the killed run"


@pytest.mark.slow  # reads the corpus and vectorizes the study before it is stopped
def test_an_interrupted_rebuild_leaves_results_as_they_were(tmp_path, capsys, monkeypatch):
    from helpers import ROOT

    from themes.study import run as main_job
    from themes.verify.verdict import copy_inputs

    project = tmp_path / "project"
    copy_inputs(ROOT, project)
    write(project / "results" / "summary.csv", "stale\n")
    before = snapshot(project / "results")

    def stopped(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(main_job, "run_study", stopped)
    code, _, err = _run_stopped(["--root", project, "reproduce", "--no-notebooks"], capsys)
    assert code == 130 and err.count("\n") == 1, err
    assert snapshot(project / "results") == before
    assert not list(project.glob(".results*"))


def test_a_results_folder_that_cannot_be_replaced_is_refused_before_the_work(tmp_path, capsys, monkeypatch):
    from helpers import ROOT

    from themes.study import run as main_job
    from themes.verify.verdict import copy_inputs

    project = tmp_path / "project"
    copy_inputs(ROOT, project)
    locked = project / "results" / "figures"
    write(locked / "old.png", b"png")
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, **k: Path(p) != locked and real_access(p, mode, **k))
    monkeypatch.setattr(main_job, "run_study", lambda *a, **k: pytest.fail("the long work started"))
    refused(["--root", project, "reproduce", "--no-notebooks"], capsys, "figures", "read-only folder")


@pytest.mark.slow  # mounts a small file system and fits a model in a new process
def test_a_full_disk_leaves_the_previous_output(tmp_path, capsys):
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(disk)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip("mounting a small file system needs root")
    try:
        out = disk / "fit"
        code, _, err = run(_fit_argv(planted_csv(tmp_path / "small.csv"), out), capsys)
        assert code == 0, err
        before = snapshot(out)
        free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
        write(disk / "filler", bytes(free - 64 * 1024))  # the disk nearly full
        result = subprocess.run(
            [sys.executable, "-m", "themes", *map(str, _fit_argv(planted_csv(tmp_path / "new.csv", 6), out))],
            capture_output=True,
            text=True,
            env=RUN_ENV,
            timeout=300,
        )
        assert result.returncode == 2, result.stderr
        assert result.stderr.count("\n") == 1 and "disk is full" in result.stderr, result.stderr
        assert snapshot(out) == before
        assert sorted(p.name for p in disk.iterdir()) == ["filler", "fit"]
    finally:
        subprocess.run(["umount", str(disk)], check=True)
