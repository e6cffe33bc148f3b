"""Faults and bad input across every command: exit code 2, one line naming what and where, nothing written.

Each case builds its bad input in a writable copy of the project (or beside it), runs the real
command line, and checks that the files of the copy are the same bytes after the failure as before.
"""

from __future__ import annotations

import builtins
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from fault_cases import GOOD, table_corpus, write
from helpers import ROOT, RUN_ENV, planted_texts, snapshot

from themes.cli import main
from themes.study import notebooks
from themes.study.project import Project


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def first_kept_id(root: Path) -> str:
    return pd.read_csv(root / "data" / "reference" / "labels.csv", dtype=str)["paragraph_id"].iloc[0]


def planted_csv(path: Path, n_per_group: int = 4) -> Path:
    texts, ids, _ = planted_texts(n_per_group=n_per_group)
    return table_corpus(
        path, [{"id": i, "text": t.capitalize() + "."} for i, t in zip(ids, texts, strict=True)]
    )


def fit_corpus(corpus: Path, model: str, k: int | str, out: Path, *extra: str) -> list[str]:
    """The argv of ``themes fit --corpus`` (``extra`` options go before ``--out``)."""
    return ["fit", "--corpus", str(corpus), "--model", model, "--k", str(k), *extra, "--out", str(out)]


# Each case: (root, scratch) -> (argv after --root ROOT, words the error line must hold).
# ``root`` is the project copy, ``scratch`` a folder outside it for other inputs and outputs.


def _corpus(path: Path, scratch: Path) -> list[str]:
    return ["corpus", str(path), "--out", str(scratch / "out")]


CASES = {
    # ------------------------------------------------------------------ corpus
    "corpus: missing file": lambda r, s: (_corpus(s / "none.txt", s), ["does not exist", "none.txt"]),
    "corpus: empty file": lambda r, s: (_corpus(write(s / "e.txt", b""), s), ["is empty", "e.txt"]),
    "corpus: a file of whitespace": lambda r, s: (
        _corpus(write(s / "w.txt", b"  \n\t\r\n \n"), s),
        ["is empty", "w.txt"],
    ),
    "corpus: binary file": lambda r, s: (
        _corpus(write(s / "b.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR"), s),
        ["binary", "b.txt"],
    ),
    "corpus: UTF-16 text": lambda r, s: (
        _corpus(write(s / "u16.txt", GOOD.encode("utf-16")), s),
        ["UTF-16", "u16.txt"],
    ),
    "corpus: latin-1 text": lambda r, s: (
        _corpus(write(s / "l1.txt", "Caf\xe9 society ".encode("latin-1") * 5), s),
        ["not valid UTF-8", "l1.txt"],
    ),
    "corpus: UTF-16 table": lambda r, s: (
        _corpus(write(s / "u16.csv", f"id,text\na,{GOOD}".encode("utf-16")), s),
        ["UTF-16", "u16.csv"],
    ),
    "corpus: csv without a text column": lambda r, s: (
        _corpus(table_corpus(s / "t.csv", [{"id": "a", "body": GOOD}]), s),
        ["'text' column", "t.csv"],
    ),
    "corpus: csv with duplicate ids": lambda r, s: (
        _corpus(table_corpus(s / "d.csv", [{"id": "a", "text": GOOD}, {"id": "a", "text": GOOD}]), s),
        ["repeats the id 'a'", "d.csv line 3"],
    ),
    "corpus: csv whose texts are all empty": lambda r, s: (
        _corpus(table_corpus(s / "e.csv", [{"id": "a", "text": ""}, {"id": "b", "text": " "}]), s),
        ["analysable paragraph", "e.csv line 2"],
    ),
    "corpus: csv with an id holding a slash": lambda r, s: (
        _corpus(table_corpus(s / "s.csv", [{"id": "x/y", "text": GOOD}]), s),
        ["'x/y'", "s.csv line 2"],
    ),
    "corpus: jsonl with an id holding ..": lambda r, s: (
        _corpus(table_corpus(s / "p.jsonl", [{"id": "a", "text": GOOD}, {"id": "../b", "text": GOOD}]), s),
        ["'../b'", "p.jsonl line 2"],
    ),
    "corpus: jsonl without a text field": lambda r, s: (
        _corpus(write(s / "m.jsonl", '{"id": "a", "body": "x"}\n'), s),
        ["'text' field", "m.jsonl line 1"],
    ),
    "corpus: parquet without an id column": lambda r, s: (
        _corpus(table_corpus(s / "m.parquet", [{"name": "a", "text": GOOD}]), s),
        ["'id' column", "m.parquet"],
    ),
    "corpus: parquet with duplicate ids": lambda r, s: (
        _corpus(table_corpus(s / "d.parquet", [{"id": "a", "text": GOOD}, {"id": "a", "text": GOOD}]), s),
        ["repeats the id 'a'", "d.parquet row 2"],
    ),
    "corpus: --out inside data/raw": lambda r, s: (
        ["corpus", "--out", str(r / "data" / "raw" / "processed")],
        ["refusing to write", "data/raw"],
    ),
    "corpus: --out onto an existing file": lambda r, s: (
        ["corpus", "--out", str(write(s / "taken", "x"))],
        ["is a file", "taken"],
    ),
    "corpus: a tampered raw file": lambda r, s: (
        (
            edit(r / "data" / "raw" / "003_565d78071a5a5e33.txt", "the", "teh"),
            ["corpus", "--out", str(s / "o")],
        )[1],
        ["does not match its checksum", "003_565d78071a5a5e33.txt"],
    ),
    "corpus: a raw file not in the provenance": lambda r, s: (
        (write(r / "data" / "raw" / "extra.txt", GOOD), ["corpus", "--out", str(s / "o")])[1],
        ["not listed", "extra.txt"],
    ),
    # --------------------------------------------------------------- reference
    "reference: label of an unknown paragraph": lambda r, s: (
        (edit(r / "data/reference/labels.csv", first_kept_id(r), "nosuch-p001"), ["reference"])[1],
        ["nosuch-p001", "labels.csv"],
    ),
    "reference: a kept paragraph without labels": lambda r, s: (
        (edit(r / "data/reference/labels.csv", first_kept_id(r) + ",", "#,"), ["reference"])[1],
        ["no row for kept paragraph", first_kept_id(ROOT), "labels.csv"],
    ),
    "reference: a duplicated label row": lambda r, s: (
        (
            write(
                r / "data/reference/labels.csv",
                (ROOT / "data/reference/labels.csv").read_text(encoding="utf-8")
                + (ROOT / "data/reference/labels.csv").read_text(encoding="utf-8").splitlines()[1]
                + "\n",
            ),
            ["reference"],
        )[1],
        ["duplicated row", first_kept_id(ROOT), "labels.csv"],
    ),
    "reference: a label other than 0/1": lambda r, s: (
        (
            edit(r / "data/reference/labels.csv", first_kept_id(r) + ",0", first_kept_id(r) + ",yes"),
            ["reference"],
        )[1],
        ["other than 0 or 1", "'yes'", "labels.csv"],
    ),
    "reference: a label column of an unknown theme": lambda r, s: (
        (edit(r / "data/reference/labels.csv", "morale", "moral"), ["reference"])[1],
        ["unknown theme column(s) moral", "labels.csv"],
    ),
    "reference: an empty label file": lambda r, s: (
        (write(r / "data/reference/labels.csv", b""), ["reference"])[1],
        ["not a readable CSV", "labels.csv"],
    ),
    "reference: a codebook without themes": lambda r, s: (
        (edit(r / "data/reference/codebook.md", "## Themes", "## Topics"), ["reference"])[1],
        ["no '## Themes' section", "codebook.md"],
    ),
    "reference: a codebook that is not UTF-8": lambda r, s: (
        (
            write(r / "data/reference/codebook.md", "## Themes\n\n### caf\xe9\n".encode("latin-1")),
            ["reference"],
        )[1],
        ["not valid UTF-8", "codebook.md"],
    ),
    "reference: seed words not YAML": lambda r, s: (
        (write(r / "data/reference/seed_words.yml", "morale: [a, b\n"), ["reference"])[1],
        ["not valid YAML", "seed_words.yml"],
    ),
    "reference: an empty seed-word file": lambda r, s: (
        (write(r / "data/reference/seed_words.yml", ""), ["reference"])[1],
        ["must map each theme", "seed_words.yml"],
    ),
    "reference: a YAML-tagged seed-word file": lambda r, s: (
        (
            write(r / "data/reference/seed_words.yml", "morale: !!python/object:os.system ['x']\n"),
            ["reference"],
        )[1],
        ["not valid YAML", "python/object", "seed_words.yml"],
    ),
    "reference: seed words of an unknown theme": lambda r, s: (
        (
            write(
                r / "data/reference/seed_words.yml",
                (ROOT / "data/reference/seed_words.yml").read_text(encoding="utf-8") + "weather:\n  - rain\n",
            ),
            ["reference"],
        )[1],
        ["unknown theme(s) weather", "seed_words.yml"],
    ),
    "reference: --root missing": lambda r, s: (
        ["--root", str(s / "nowhere"), "reference"],
        ["nowhere", "does not exist"],
    ),
    "reference: --root a file": lambda r, s: (
        ["--root", str(write(s / "f", "x")), "reference"],
        ["is a file"],
    ),
    "reference: a labels file whose coder is not recorded": lambda r, s: (
        (edit(r / "data/reference/coders.yml", "files: [labels_coder2.csv, ", "files: ["), ["reference"])[1],
        ["labels_coder2.csv names no coder", "coders.yml"],
    ),
    # -------------------------------------------------------------------- code
    "code create: a coder name that is a path": lambda r, s: (
        ["code", "create", "--coders", "ann,../bob", "--out", str(s / "round")],
        ["'../bob'", "must start with a letter"],
    ),
    "code create: three coders of one labelling round": lambda r, s: (
        ["code", "create", "--coders", "ann,bob,cem", "--out", str(s / "round")],
        ["one or two coders", "3"],
    ),
    "code create --intrusion: a model without a test": lambda r, s: (
        ["code", "create", "--intrusion", "--coders", "ann", "--models", "nosuch", "--out", str(s / "round")],
        ["no intrusion test of nosuch"],
    ),
    "code collect: a folder that holds no round": lambda r, s: (
        ["code", "collect", str(s), str(write(s / "labels_ann.csv", "paragraph_id\n"))],
        ["holds no coding round", str(s)],
    ),
    "code collect: the file of a coder not in the round": lambda r, s: (
        (
            main(["--root", str(r), "code", "create", "--coders", "ann", "--out", str(s / "round")]),
            ["code", "collect", str(s / "round"), str(write(s / "labels_bob.csv", "paragraph_id\n"))],
        )[1],
        ["coder 'bob'", "not in round human1"],
    ),
    "code collect: an unfinished labels file": lambda r, s: (
        (
            main(["--root", str(r), "code", "create", "--coders", "ann", "--out", str(s / "round")]),
            ["code", "collect", str(s / "round"), str(write(s / "labels_ann.csv", "paragraph_id\n"))],
        )[1],
        ["no row for kept paragraph", "labels_ann.csv"],
    ),
    # --------------------------------------------------------------------- fit
    "fit: K of 0": lambda r, s: (["fit", "--model", "nmf_sklearn", "--k", "0"], ["at least 1", "K"]),
    "fit: negative K": lambda r, s: (["fit", "--model", "lda_gensim", "--k", "-3"], ["at least", "-3"]),
    "fit: K not a number": lambda r, s: (["fit", "--model", "lda_gensim", "--k", "abc"], ["--k", "'abc'"]),
    "fit: K not below the paragraphs": lambda r, s: (
        ["fit", "--model", "nmf_sklearn", "--k", "500"],
        ["not below the number of paragraphs", "500"],
    ),
    "fit --corpus: missing corpus": lambda r, s: (
        fit_corpus(s / "none.csv", "nmf_sklearn", 3, s / "o"),
        ["does not exist", "none.csv"],
    ),
    "fit --corpus: K not below the paragraphs": lambda r, s: (
        fit_corpus(planted_csv(s / "c.csv"), "nmf_sklearn", 12, s / "o"),
        ["not below the number of paragraphs", "12"],
    ),
    "fit --corpus: --out onto an existing file": lambda r, s: (
        fit_corpus(planted_csv(s / "c.csv"), "nmf_sklearn", 3, write(s / "taken", "x")),
        ["is a file", "taken"],
    ),
    "fit --corpus: --out inside data/raw": lambda r, s: (
        fit_corpus(planted_csv(s / "c.csv"), "nmf_sklearn", 3, r / "data" / "raw" / "fit"),
        ["refusing to write", "data/raw"],
    ),
    "fit --corpus: YAML-tagged seed words": lambda r, s: (
        fit_corpus(
            planted_csv(s / "c.csv"),
            "nmf_seeded",
            3,
            s / "o",
            "--seed-words",
            str(write(s / "seeds.yml", "sea: !!python/object/apply:os.system ['echo hi']\n")),
        ),
        ["not valid YAML", "seeds.yml"],
    ),
    # ------------------------------------------------------------------- score
    "score: missing file": lambda r, s: (
        ["score", "--model", "keywords", str(s / "none.txt")],
        ["does not exist"],
    ),
    "score: binary file": lambda r, s: (
        ["score", "--model", "keywords", str(write(s / "b.txt", b"\x00\x01\x02abc"))],
        ["binary", "b.txt"],
    ),
    "score: a model saved by another version of themes": lambda r, s: (
        (
            _age_model(r / "results/models/nmf_sklearn"),
            ["score", "--model", "nmf_sklearn", str(write(s / "n.txt", GOOD))],
        )[1],
        ["other versions", "themes 0.0.1", "nmf_sklearn"],
    ),
    # --------------------------------------------------------- reproduce, verify
    "reproduce: --jobs 0": lambda r, s: (["reproduce", "--no-notebooks", "--jobs", "0"], ["--jobs", "not 0"]),
    "reproduce: --jobs -5": lambda r, s: (
        ["reproduce", "--no-notebooks", "--jobs", "-5"],
        ["--jobs", "not -5"],
    ),
    "reproduce: a tampered raw file": lambda r, s: (
        (
            edit(r / "data" / "raw" / "000_ea31ae2736fed7e0.txt", " ", "  "),
            ["reproduce", "--no-notebooks"],
        )[1],
        ["does not match its checksum", "000_ea31ae2736fed7e0.txt"],
    ),
    "reproduce: a label other than 0/1": lambda r, s: (
        (
            edit(r / "data/reference/labels.csv", first_kept_id(r) + ",0", first_kept_id(r) + ",2"),
            ["reproduce", "--no-notebooks"],
        )[1],
        ["other than 0 or 1", "labels.csv"],
    ),
    "reproduce: --seeds not numbers": lambda r, s: (
        ["reproduce", "--no-notebooks", "--seeds", "a,b"],
        ["seeds", "the command line", "list of whole numbers"],
    ),
    "reproduce: a K grid from 0": lambda r, s: (["reproduce", "--no-notebooks", "--k", "0-3"], ["K grid"]),
    "reproduce: an unknown setting in study/settings.yml": lambda r, s: (
        (write(r / "study" / "settings.yml", "n_perms: 10\n"), ["reproduce", "--no-notebooks"])[1],
        ["settings.yml", "unknown setting 'n_perms'"],
    ),
    "reproduce: study/settings.yml not YAML": lambda r, s: (
        (write(r / "study" / "settings.yml", "seeds: [0, 1\n"), ["reproduce", "--no-notebooks"])[1],
        ["settings.yml", "not valid YAML"],
    ),
    "reproduce: --root missing": lambda r, s: (
        ["--root", str(s / "nowhere"), "reproduce", "--no-notebooks"],
        ["nowhere", "does not exist"],
    ),
    "verify: --jobs 0": lambda r, s: (["verify", "--jobs", "0"], ["--jobs", "not 0"]),
    "verify: --root a file": lambda r, s: (["--root", str(write(s / "f", "x")), "verify"], ["is a file"]),
    "verify: a folder without data": lambda r, s: (["--root", str(s), "verify"], ["data/raw does not exist"]),
    "verify: no committed results": lambda r, s: (["verify"], ["no committed results", "themes reproduce"]),
    # --------------------------------------------------------------- intrusion
    "intrusion create: unknown model": lambda r, s: (
        ["intrusion", "create", "--model", "bert", "--out", str(s / "o")],
        ["'bert'", "models"],
    ),
    "intrusion create: a model saved by another version of themes": lambda r, s: (
        (
            _age_model(r / "results/models/nmf_sklearn"),
            ["intrusion", "create", "--model", "nmf_sklearn", "--out", str(s / "o")],
        )[1],
        ["other versions", "themes 0.0.1", "nmf_sklearn"],
    ),
    "intrusion create: --out onto an existing file": lambda r, s: (
        ["intrusion", "create", "--model", "nmf_sklearn", "--out", str(write(s / "taken", "x"))],
        ["is a file", "taken"],
    ),
    "intrusion create: --out inside data/raw": lambda r, s: (
        ["intrusion", "create", "--model", "nmf_sklearn", "--out", str(r / "data/raw/intrusion")],
        ["refusing to write", "data/raw"],
    ),
    "intrusion create: no paragraphs to ask about": lambda r, s: (
        ["intrusion", "create", "--model", "nmf_sklearn", "--paragraphs", "0", "--out", str(s / "o")],
        ["at least 1", "0"],
    ),
    "intrusion score: a folder without a test": lambda r, s: (
        ["intrusion", "score", str(s), "--word", str(write(s / "w.csv", "item_id,answer\n"))],
        ["no intrusion test", str(s)],
    ),
    "intrusion score: a missing answer file": lambda r, s: (
        [
            "intrusion",
            "score",
            str(r / "data/reference/intrusion/nmf_sklearn"),
            "--word",
            str(s / "none.csv"),
            "--out",
            str(s / "o"),
        ],
        ["does not exist", "none.csv"],
    ),
    "intrusion score: --out onto an existing file": lambda r, s: (
        [
            "intrusion",
            "score",
            str(r / "data/reference/intrusion/nmf_sklearn"),
            "--word",
            *map(str, sorted((r / "data/reference/intrusion/nmf_sklearn/answers/word").glob("*.csv"))),
            "--out",
            str(write(s / "taken", "x")),
        ],
        ["is a file", "taken"],
    ),
}


def _age_model(folder: Path) -> None:
    """Make a saved model look saved by an older themes."""
    meta = folder / "model.json"
    record = json.loads(meta.read_text(encoding="utf-8"))
    record["themes_version"] = "0.0.1"
    meta.write_text(json.dumps(record), encoding="utf-8")


@pytest.fixture
def project(tmp_path) -> Project:
    """A writable copy of the inputs and two saved models: enough for every case, and quick to copy."""
    root = tmp_path / "project"
    for part in ("data/raw", "data/reference", "results/models/nmf_sklearn", "results/models/keywords"):
        shutil.copytree(ROOT / part, root / part)
    return Project(root)


@pytest.fixture
def scratch(tmp_path) -> Path:
    folder = tmp_path / "scratch"
    folder.mkdir()
    return folder


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_exits_2_with_one_line_and_writes_nothing(case, project, scratch, capsys):
    root = project.root
    argv, needles = CASES[case](root, scratch)
    if argv[0] != "--root":
        argv = ["--root", str(root), *argv]
    before = snapshot(root.parent)
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 2, (case, code, err)
    assert err.count("\n") == 1 and err.startswith("themes") and "Traceback" not in err, (case, err)
    for needle in needles:
        assert needle in err, (case, needle, err)
    assert snapshot(root.parent) == before, case  # nothing written, raw data untouched


@pytest.mark.parametrize("command", ["reproduce", "verify"])
def test_notebooks_without_their_executor_are_refused_before_any_work(command, project, monkeypatch, capsys):
    # a core install (no notebooks extra) has no nbclient or ipykernel; stand-in: a module that is nowhere
    monkeypatch.setattr(notebooks, "EXECUTION_TOOLS", ("nbclient", "themes_no_such_kernel"))
    shutil.copy(ROOT / "results" / "MANIFEST.json", project.results / "MANIFEST.json")  # results to verify
    before = snapshot(project.root.parent)
    assert main(["--root", str(project.root), command]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "themes_no_such_kernel (not installed here)" in err and "--no-notebooks" in err
    assert snapshot(project.root.parent) == before


@pytest.mark.parametrize("command", ["reproduce", "verify"])
def test_a_folder_that_is_not_a_project_is_left_as_it_was(command, scratch, capsys):
    # not even the lock file: it would make the folder unfit for themes init
    assert main(["--root", str(scratch), command]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "data/raw does not exist" in err
    assert list(scratch.iterdir()) == []


def test_unreadable_files_exit_2(project, scratch, capsys, monkeypatch):
    path = write(scratch / "locked.txt", GOOD)
    labels = project.reference / "labels.csv"
    if os.geteuid() == 0:
        # root reads a file whatever its mode (as CI runs): the operating system's refusal is made
        # here instead, for these two files, at the one function every reader of them goes through
        real_open, locked = io.open, {path.resolve(), labels.resolve()}

        def refusing_open(file, *args, **kwargs):
            if isinstance(file, str | os.PathLike) and Path(file).resolve() in locked:
                raise PermissionError(13, "Permission denied", str(file))
            return real_open(file, *args, **kwargs)

        monkeypatch.setattr(io, "open", refusing_open)
        monkeypatch.setattr(builtins, "open", refusing_open)
    path.chmod(0)
    labels.chmod(0)
    try:
        assert main(["corpus", str(path), "--out", str(scratch / "o")]) == 2
        err = capsys.readouterr().err
        assert "locked.txt" in err and err.count("\n") == 1, err
        assert main(["--root", str(project.root), "reference"]) == 2
        err = capsys.readouterr().err
        assert "labels.csv" in err and err.count("\n") == 1, err
    finally:
        path.chmod(0o644)
        labels.chmod(0o644)
    assert not (scratch / "o").exists()


@pytest.mark.slow  # starts a new Python process
@pytest.mark.parametrize(
    "argv",
    [
        ["fit", "--model", "lda_gensim", "--k", "abc"],
        ["corpus", "/nonexistent/themes-faults"],
        ["--root", "/nonexistent/themes-faults", "reproduce", "--no-notebooks"],
        ["verify", "--jobs", "-4"],
        ["nosuchcommand"],
    ],
)
def test_the_program_prints_one_line_and_no_traceback(argv):
    result = subprocess.run(
        [sys.executable, "-m", "themes", *argv], capture_output=True, text=True, check=False, env=RUN_ENV
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith("themes"), result.stderr


# ------------------------------------------------------- encodings read correctly


@pytest.mark.parametrize(
    "encode",
    [
        pytest.param(lambda t: t.encode("utf-8"), id="utf-8"),
        pytest.param(lambda t: "\ufeff".encode() + t.encode("utf-8"), id="utf-8 with BOM"),
        pytest.param(lambda t: t.replace("\n", "\r\n").encode("utf-8"), id="CRLF"),
    ],
)
def test_bom_and_crlf_give_the_same_paragraphs(tmp_path, capsys, encode):
    texts, _, _ = planted_texts(n_per_group=1)
    text = "\n\n".join("The " + t + "." for t in texts) + "\n"
    path = write(tmp_path / "doc.txt", encode(text))
    assert main(["corpus", str(path), "--out", str(tmp_path / "out")]) == 0
    capsys.readouterr()
    table = pd.read_csv(tmp_path / "out" / "paragraphs.csv")
    assert table["status"].tolist() == ["kept"] * 3
    assert table["text"].str.startswith("The ").all() and not table["text"].str.contains("\r").any()


@pytest.mark.slow  # over half a second
def test_labels_with_bom_and_crlf_are_read(project, capsys):
    labels = project.reference / "labels.csv"
    labels.write_bytes(b"\xef\xbb\xbf" + labels.read_bytes().replace(b"\n", b"\r\n"))
    assert main(["--root", str(project.root), "reference"]) == 0, capsys.readouterr().err


# ------------------------------------------------------------- spreadsheet safety


def test_text_cells_that_start_a_formula_are_quoted(tmp_path, capsys):
    formula = '=HYPERLINK("http://example.com","click")'
    folder = tmp_path / "texts"
    texts, _, _ = planted_texts(n_per_group=1)
    write(folder / "a.txt", f"{formula} {texts[0]}.\n\n-The {texts[1]}.\n\nThe {texts[2]}.\n")
    assert main(["corpus", str(folder), "--out", str(tmp_path / "out")]) == 0
    capsys.readouterr()
    table = pd.read_csv(tmp_path / "out" / "paragraphs.csv", dtype=str, keep_default_na=False)
    texts = table["text"].tolist()
    assert texts[0].startswith("'=HYPERLINK(") and texts[1].startswith("'-The ")
    assert texts[2].startswith("The ")
    assert not any(t[:1] and t[0] in "=+-@\t\r" for column in table.columns for t in table[column])
    numbers = pd.read_csv(tmp_path / "out" / "paragraphs.csv")
    assert numbers["start"].tolist()[0] == 0 and numbers["word_count"].dtype.kind == "i"
    assert (numbers["word_count"] > 0).all()


# ----------------------------------------------------------- one run at a time


@pytest.mark.parametrize("command", [["reproduce", "--no-notebooks"], ["verify"]])
def test_a_second_run_stops_while_the_lock_is_held(project, capsys, command):
    from filelock import FileLock

    root = project.root
    lock = root / ".themes.lock"
    before = snapshot(root)
    with FileLock(lock):
        code = main(["--root", str(root), *command])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert f"another themes run holds {lock}; wait for it to finish" in err
    assert snapshot(root) == before
