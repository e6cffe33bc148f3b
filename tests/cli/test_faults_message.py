"""Messages that name the real cause, and outputs a colleague can read.

A corpus refused because every block was dropped says why (the Latin-script rule for Arabic text),
a repeated label column is named as the file names it, and what the package writes has the mode
the user's umask gives (0644 files and 0755 folders under the usual 022), not a temporary
folder's 0700.
"""

from __future__ import annotations

import os
import stat

import numpy as np
import pytest
from fault_cases import make_project, planted_csv, refused, run, table_corpus, write
from helpers import ROOT

ARABIC = "الدولة الإسلامية مقاتلين المدينة الخلافة الجنود الحرب السلام الناس الأرض الرجال".split()


def _arabic_rows(n: int = 5, words: int = 30) -> list[dict]:
    rng = np.random.default_rng(0)
    return [{"id": f"d{i}", "text": " ".join(rng.choice(ARABIC, size=words)) + "."} for i in range(n)]


def test_an_arabic_corpus_is_refused_naming_the_script_rule(tmp_path, capsys):
    source = table_corpus(tmp_path / "ar.csv", _arabic_rows())
    err = refused(
        ["corpus", source, "--out", tmp_path / "o"], capsys, "not in Latin script", "latin_min_share"
    )
    assert "shorter than" not in err


def test_one_arabic_text_is_refused_naming_the_script_rule(tmp_path, capsys):
    source = write(tmp_path / "ar.txt", "\n\n".join(row["text"] for row in _arabic_rows(3)))
    refused(["corpus", source, "--out", tmp_path / "o"], capsys, "3 blocks were not in Latin script")


def test_an_arabic_corpus_given_to_fit_names_the_script_rule(tmp_path, capsys):
    source = table_corpus(tmp_path / "ar.csv", _arabic_rows())
    argv = ["fit", "--corpus", source, "--model", "nmf_sklearn", "--k", "2", "--out", tmp_path / "o"]
    refused(argv, capsys, "not in Latin script")


def test_a_corpus_of_short_lines_names_that_cause(tmp_path, capsys):
    source = table_corpus(
        tmp_path / "s.csv", [{"id": f"d{i}", "text": "Too short to keep."} for i in range(3)]
    )
    refused(["corpus", source, "--out", tmp_path / "o"], capsys, "3 blocks were")


def test_a_repeated_label_column_is_named_as_in_the_file(tmp_path, capsys):
    root = make_project(tmp_path / "project", models=())
    labels = root / "data/reference/labels.csv"
    lines = labels.read_text(encoding="utf-8").splitlines()
    write(labels, "\n".join(f"{line},{line.split(',')[1]}" for line in lines) + "\n")  # morale twice
    err = refused(["--root", root, "reference"], capsys, "'morale' more than once", "labels.csv")
    assert "morale.1" not in err


def test_a_corpus_folder_given_as_output_names_it(tmp_path, capsys):
    folder = tmp_path / "texts"
    write(folder / "a.txt", "x")
    refused(["corpus", folder, "--out", folder / "out"], capsys, "refusing to write into the corpus folder")


# ----------------------------------------------------------------- permissions


def _modes(folder):
    return {
        p.relative_to(folder).as_posix(): stat.S_IMODE(p.stat().st_mode) for p in [folder, *folder.rglob("*")]
    }


def _expected(umask: int, path) -> int:
    return (0o777 if path.is_dir() else 0o666) & ~umask


@pytest.fixture
def umask():
    """The umask of the test (022 unless a test sets another), restored after."""
    old = os.umask(0o022)
    os.umask(old)
    yield old
    os.umask(old)


def test_a_fit_is_readable_by_the_group(tmp_path, capsys, umask):
    out = tmp_path / "fit"
    argv = [
        "fit",
        "--corpus",
        planted_csv(tmp_path / "c.csv"),
        "--model",
        "nmf_sklearn",
        "--k",
        "3",
        "--out",
        out,
    ]
    assert run(argv, capsys)[0] == 0
    modes = _modes(out)
    assert modes["."] == modes["model"] == 0o755 and modes["model/model.json"] == modes["topics.csv"] == 0o644


def test_outputs_follow_the_users_umask(tmp_path, capsys, monkeypatch):
    from themes import files

    files._umask.cache_clear()
    old = os.umask(0o027)
    try:
        out = tmp_path / "fit"
        c = planted_csv(tmp_path / "c.csv")
        assert run(["fit", "--corpus", c, "--model", "nmf_sklearn", "--k", "3", "--out", out], capsys)[0] == 0
    finally:
        os.umask(old)
        files._umask.cache_clear()
    for rel, mode in _modes(out).items():
        assert mode == _expected(0o027, out / rel), (rel, oct(mode))


def test_an_intrusion_test_is_readable_by_the_group(tmp_path, capsys, umask):
    out = tmp_path / "test"
    code, _, err = run(
        ["--root", ROOT, "intrusion", "create", "--model", "nmf_sklearn", "--paragraphs", "5", "--out", out],
        capsys,
    )
    assert code == 0, err
    modes = _modes(out)
    assert {modes["."], modes["form"], modes["key"]} == {0o755}
    assert modes["form/word_intrusion.csv"] == 0o644


def test_paragraphs_are_readable_by_the_group(tmp_path, capsys, umask):
    out = tmp_path / "out"
    assert run(["corpus", planted_csv(tmp_path / "c.csv"), "--out", out], capsys)[0] == 0
    assert set(_modes(out).values()) == {0o755, 0o644}
