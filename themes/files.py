"""Writing outputs whole or not at all, in a byte-stable form.

Every table and file the package writes goes through these helpers: the
bytes are written to a temporary file beside the target and moved into
place, so a crash never leaves half a file; floats are written with a fixed
precision so that reruns give identical bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import pandas as pd

FLOAT_FORMAT = "%.6g"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A text cell starting with one of these is a formula to a spreadsheet (OWASP: CSV injection)."""


@contextmanager
def open_atomic(path: str | Path, mode: str = "w", **kwargs) -> Iterator[IO]:
    """A file for writing ``path`` whole or not at all: a temporary file beside it, moved onto
    ``path`` when the block ends and deleted if the block raises (``open``'s ``mode`` and
    keywords; a writing mode)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, mode, **kwargs) as handle:
            yield handle
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (temporary file, then rename)."""
    with open_atomic(path, "wb") as handle:
        handle.write(data)
    return Path(path)


def write_text(path: str | Path, text: str) -> Path:
    """Write UTF-8 text atomically."""
    return write_bytes(path, text.encode("utf-8"))


def csv_text(table: pd.DataFrame) -> str:
    """A table as CSV text with fixed float precision and Unix line ends."""
    return table.to_csv(index=False, float_format=FLOAT_FORMAT, lineterminator="\n")


def defuse_formulas(table: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells that a spreadsheet would run as a formula start with a quote ``'``.

    Only text (object or string) columns are touched; numbers are never changed.
    """
    out = table.copy()
    for column in out.columns:
        values = out[column]
        if not (pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values)):
            continue
        risky = values.map(lambda v: isinstance(v, str) and v.startswith(FORMULA_STARTS)).astype(bool)
        if risky.any():
            out[column] = values.mask(risky, "'" + values.astype(str))
    return out


def write_csv(path: str | Path, table: pd.DataFrame) -> Path:
    """Write a table as CSV atomically, with fixed float precision and formulas defused."""
    return write_text(path, csv_text(defuse_formulas(table)))


def write_json(path: str | Path, data) -> Path:
    """Write JSON atomically, keys sorted, so equal data gives equal bytes."""
    return write_text(path, json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n")


def sha256_file(path: str | Path) -> str:
    """Hex sha256 of a file's bytes, read in chunks (``hashlib.file_digest``)."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def safe_json(data) -> str:
    """JSON that can sit inside an HTML ``<script>`` element: no "<", ">" or "&" survives as such."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, allow_nan=False)
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(raw, escaped)
    return text
