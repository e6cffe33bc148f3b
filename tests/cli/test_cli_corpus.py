"""`themes corpus` on bad input: one line naming the path, exit code 2, no traceback."""

import hashlib
import subprocess
import sys

import pytest
from helpers import ROOT

from themes.cli import main

GOOD = (
    "The fighters who left the front were told that the organisation would welcome them back if they "
    "returned before the end of the month.\n"
)


def bad_inputs(tmp_path):
    empty_folder = tmp_path / "empty"
    empty_folder.mkdir()
    cases = {
        "missing folder": (tmp_path / "nowhere", "does not exist"),
        "empty folder": (empty_folder, "holds no .txt files"),
    }
    files = {
        "empty file": ("empty.txt", b"", "is empty"),
        "not utf-8": ("latin.txt", "Caf\xe9 de la Paix".encode("latin-1") + b" and more", "not valid UTF-8"),
        "binary": ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
        "nothing left": ("short.txt", b"A Title\n\nBy Someone\n", "no analysable paragraph"),
        "csv without columns": ("table.csv", b"name,body\nx,hello\n", "'id' or 'text' column"),
        "csv malformed row": ("rows.csv", b"id,text\na,hello there\nb,one,two\n", "line 3 has 3 fields"),
        "parquet not parquet": ("table.parquet", b"PAR1 but not really", "not a readable Parquet file"),
        "jsonl not json": (
            "table.jsonl",
            b'{"id": "a", "text": "x"}\nnot json\n',
            "line 2 is not valid JSON",
        ),
    }
    for name, (filename, data, needle) in files.items():
        path = tmp_path / filename
        path.write_bytes(data)
        cases[name] = (path, needle)
    return cases


def test_each_bad_input_exits_2_with_one_line(tmp_path, capsys):
    for name, (path, needle) in bad_inputs(tmp_path).items():
        assert main(["corpus", str(path), "--out", str(tmp_path / "out")]) == 2, name
        err = capsys.readouterr().err
        assert needle in err and str(path) in err, (name, err)
        assert err.count("\n") == 1 and "Traceback" not in err, name
    assert not (tmp_path / "out").exists()  # nothing written on failure


@pytest.mark.slow  # starts a new Python process
def test_the_command_line_program_exits_2_on_a_missing_folder(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "themes", "corpus", str(tmp_path / "nowhere")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_the_corpus_folder_is_never_written(tmp_path, capsys):
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "a.txt").write_text(GOOD, encoding="utf-8")
    assert main(["corpus", str(folder), "--out", str(folder / "processed")]) == 2
    assert "refusing to write into the corpus folder" in capsys.readouterr().err
    assert [p.name for p in folder.iterdir()] == ["a.txt"]


def test_corpus_writes_the_paragraph_table_and_leaves_raw_untouched(tmp_path, capsys):
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (ROOT / "data" / "raw").iterdir()}
    assert main(["--root", str(ROOT), "corpus", "--out", str(tmp_path)]) == 0
    assert "kept paragraphs" in capsys.readouterr().out
    assert (tmp_path / "paragraphs.csv").read_bytes() == (
        ROOT / "data" / "processed" / "paragraphs.csv"
    ).read_bytes()
    assert (tmp_path / "paragraph_summary.csv").exists()
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (ROOT / "data" / "raw").iterdir()}
    assert before == after


@pytest.mark.parametrize("suffix", [".txt"])
def test_a_single_file_is_a_corpus(tmp_path, capsys, suffix):
    path = tmp_path / f"one{suffix}"
    path.write_text(GOOD, encoding="utf-8")
    assert main(["corpus", str(path), "--out", str(tmp_path / "out")]) == 0
