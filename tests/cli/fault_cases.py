"""Building blocks of the fault battery (tests/cli/test_faults*.py): bad files, a project copy, runs.

A case builds its bad input in a writable copy of the project (or beside it), runs the real
command line (in this process, or in a new one where a fault could hang or kill it), and checks
one line on standard error, the exit code, and that nothing was written.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from helpers import ROOT, RUN_ENV, planted_texts, snapshot

from themes.cli import main

GOOD = (
    "The fighters who left the front were told that the organisation would welcome them back if they "
    "returned before the end of the month and swore their oath of allegiance again."
)
MODELS = ("nmf_sklearn", "lda_sklearn", "keyatm", "keywords", "supervised")
"""The saved models copied into a project: a factorization, an LDA, keyATM, the two baselines."""


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def table_corpus(path: Path, rows: list[dict]) -> Path:
    """A .csv, .jsonl or .parquet corpus of the given rows."""
    table = pd.DataFrame(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".parquet":
        table.to_parquet(path, index=False)
    elif path.suffix == ".jsonl":
        table.to_json(path, orient="records", lines=True)
    else:
        table.to_csv(path, index=False)
    return path


def planted_rows(n_per_group: int = 4, ids=None) -> list[dict]:
    texts, planted_ids, _ = planted_texts(n_per_group=n_per_group)
    ids = ids or planted_ids
    return [{"id": i, "text": t.capitalize() + "."} for i, t in zip(ids, texts, strict=False)]


def planted_csv(path: Path, n_per_group: int = 4) -> Path:
    return table_corpus(path, planted_rows(n_per_group))


def make_project(root: Path, models=MODELS) -> Path:
    """A writable copy of the inputs and some saved models."""
    for part in ("data/raw", "data/reference", *(f"results/models/{m}" for m in models)):
        shutil.copytree(ROOT / part, root / part)
    return root


def record(folder: Path, name: str = "model.json") -> dict:
    return json.loads((folder / name).read_text(encoding="utf-8"))


def save_record(folder: Path, data, name: str = "model.json") -> None:
    (folder / name).write_text(json.dumps(data), encoding="utf-8")


def change_record(folder: Path, change, name: str = "model.json") -> None:
    """Apply ``change(record)`` (in place) to a saved record."""
    data = record(folder, name)
    change(data)
    save_record(folder, data, name)


def vectorizer_params(data: dict) -> dict:
    """The vectorizer's settings of a saved record as a plain dict view (``__dict__`` pairs)."""
    return dict(data["vectorizer"]["params"]["__dict__"])


def set_vectorizer_param(data: dict, key: str, value) -> None:
    pairs = data["vectorizer"]["params"]["__dict__"]
    for pair in pairs:
        if pair[0] == key:
            pair[1] = value
            return
    pairs.append([key, value])


def save_array(path: Path, array: np.ndarray) -> None:
    np.save(path, array, allow_pickle=True)


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    """The command line in this process: exit code, standard output, standard error."""
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def run_process(
    argv: list[str], *, timeout: float = 120, cwd: Path | None = None
) -> subprocess.CompletedProcess:
    """``python -m themes ARGV`` in a new process (a fault that could hang or crash the interpreter);
    a run that does not end within ``timeout`` seconds fails the test (the process is killed)."""
    return subprocess.run(
        [sys.executable, "-m", "themes", *map(str, argv)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=RUN_ENV,
        cwd=cwd,
        check=False,
    )


def one_line(err: str, *needles: str) -> None:
    """A refusal: one line starting with ``themes``, no traceback, holding every needle."""
    assert err.count("\n") == 1 and err.startswith("themes") and "Traceback" not in err, err
    for needle in needles:
        assert needle in err, (needle, err)


def refused(argv: list[str], capsys, *needles: str, unchanged: Path | None = None) -> str:
    """Run in this process; exit 2 with one line holding the needles, ``unchanged`` as it was."""
    before = snapshot(unchanged) if unchanged is not None else None
    code, _, err = run(argv, capsys)
    assert code == 2, (code, err)
    one_line(err, *needles)
    if unchanged is not None:
        assert snapshot(unchanged) == before
    return err
