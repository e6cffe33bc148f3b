"""Writing outputs whole or not at all, in a byte-stable form, readable as the user's umask allows.

Every table and file the package writes goes through these helpers: the bytes are written to a
temporary file beside the target and moved into place, so a crash never leaves half a file; a
folder of several outputs is staged beside its target and swapped in whole (:func:`staged_folder`);
floats are written with a fixed precision so that reruns give identical bytes. Text cells a
spreadsheet would run as a formula are quoted on writing (:func:`defuse_formulas`) and unquoted
where the package reads its own tables back (:func:`read_csv`).
"""

from __future__ import annotations

import errno
import functools
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import pandas as pd

from .errors import ThemesError

FLOAT_FORMAT = "%.6g"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A text cell starting with one of these is a formula to a spreadsheet (OWASP: CSV injection)."""
QUOTE = "'"
PROBE_BYTES = 2**20
"""Bytes written (and removed) when a staging folder is made: a full disk is found before the work."""
"""The character put before a cell that would be a formula: a spreadsheet shows it as text."""


@functools.cache
def _umask() -> int:
    # read once: os.umask can only be read by setting it (and set back at once)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def file_mode() -> int:
    """The mode of a file the package writes: what ``open`` would give (0644 under umask 022)."""
    return 0o666 & ~_umask()


def folder_mode() -> int:
    """The mode of a folder the package writes: what ``mkdir`` would give (0755 under umask 022),
    not the 0700 of a temporary folder."""
    return 0o777 & ~_umask()


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
        os.chmod(tmp, file_mode())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def make_staging_folder(target: str | Path) -> Path:
    """A new empty folder beside ``target`` (``.<name>-XXXX``) with the mode of a folder made
    by ``mkdir``, to build ``target``'s content in before :func:`replace_folder`."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        os.chmod(staged, folder_mode())
        # a read-only folder or a full disk is found now, before the long work, not after it
        with open(staged / ".probe", "wb") as probe:
            probe.write(bytes(PROBE_BYTES))
        (staged / ".probe").unlink()
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    return staged


def check_removable(folder: str | Path) -> None:
    """Refuse, before any work, a folder that could not be replaced at the end: one of its folders
    is read-only (its files could not be removed). Raises ``PermissionError`` naming it."""
    folder = Path(folder)
    if not folder.is_dir():
        return
    for path in [folder, *(p for p in folder.rglob("*") if p.is_dir() and not p.is_symlink())]:
        if not os.access(path, os.W_OK | os.X_OK):
            raise PermissionError(errno.EACCES, "read-only folder", str(path))


def old_folder(target: str | Path) -> Path:
    """Where :func:`replace_folder` keeps the previous ``target`` while swapping."""
    target = Path(target)
    return target.with_name(f".{target.name}.old")


def replace_folder(staged: Path, target: Path) -> None:
    """Put a fully written folder in place of ``target`` (the old one is removed only then).

    A run killed between the two renames leaves no ``target`` but a whole ``.<name>.old``, which
    :func:`restore_folder` puts back.
    """
    old = None
    if target.exists():
        old = old_folder(target)
        if old.exists() or old.is_symlink():
            _remove(old)
        target.rename(old)
    staged.rename(target)
    if old is not None:
        _remove(old)


def _remove(path: Path) -> None:
    """A folder removed (a symbolic link to one: the link only, never what it points to)."""
    if path.is_symlink():
        path.unlink()
    else:
        shutil.rmtree(path)


def restore_folder(target: str | Path) -> list[Path]:
    """Undo what a killed :func:`staged_folder` left beside ``target``: put a whole previous
    folder back, remove its staging folders. Returns what was removed."""
    target = Path(target)
    old = old_folder(target)
    if old.is_dir() and not target.exists():
        old.rename(target)
    stale = sorted(target.parent.glob(f".{target.name}-*")) if target.parent.is_dir() else []
    stale = [p for p in stale if p.is_dir()] + ([old] if old.exists() else [])
    for folder in stale:
        _remove(folder)
    return stale


def check_replaceable(target: str | Path, outputs, *, command: str) -> Path:
    """Refuse to replace a folder holding anything but ``outputs`` (names, or glob patterns), which
    replacing it whole would delete: it must be new, empty or written by ``command`` before."""
    target = Path(target)
    if target.exists() and not target.is_dir():
        raise ThemesError(f"the output folder {target} is a file; give a folder with --out.")
    if target.is_dir():
        other = sorted(p.name for p in target.iterdir() if not any(p.match(o) for o in outputs))
        if other:
            more = f" and {len(other) - 3} more" if len(other) > 3 else ""
            raise ThemesError(
                f"{target} holds {', '.join(other[:3])}{more}, which {command} did not write and would "
                "replace; give a new or empty folder with --out."
            )
    return target


@contextmanager
def staged_folder(target: str | Path) -> Iterator[Path]:
    """A folder to write ``target``'s new content in; it replaces ``target`` whole when the block
    ends, and is removed (``target`` untouched) when the block raises or the run is stopped."""
    target = Path(target)
    check_removable(target)
    staged = make_staging_folder(target)
    try:
        yield staged
        replace_folder(staged, target)
    finally:
        if staged.exists():
            shutil.rmtree(staged, ignore_errors=True)


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


def _formula_like(value) -> bool:
    """A text that a spreadsheet runs as a formula, or that reads as one once its quotes are
    removed (so that quoting is undone exactly: ``'=x`` is written ``''=x``)."""
    return isinstance(value, str) and value.lstrip(QUOTE).startswith(FORMULA_STARTS)


def defuse(value):
    """One cell as written: a text a spreadsheet would run as a formula gets a leading ``'``."""
    return QUOTE + value if _formula_like(value) else value


def undefuse(value):
    """One cell as read back: the leading ``'`` of :func:`defuse` removed (``undefuse(defuse(v)) == v``)."""
    if isinstance(value, str) and value.startswith(QUOTE) and _formula_like(value[1:]):
        return value[1:]
    return value


def _text_columns(table: pd.DataFrame):
    for column in table.columns:
        values = table[column]
        if pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values):
            yield column, values


def defuse_formulas(table: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells that a spreadsheet would run as a formula start with a quote ``'``.

    Only text (object or string) cells are touched, the column names too; numbers are never
    changed. :func:`read_csv` undoes it.
    """
    out = table.copy()
    for column, values in _text_columns(out):
        risky = values.map(_formula_like).astype(bool)
        if risky.any():
            out[column] = values.mask(risky, QUOTE + values.astype(str))
    if any(_formula_like(c) for c in out.columns):
        out.columns = [defuse(c) for c in out.columns]
    return out


def undefuse_formulas(table: pd.DataFrame) -> pd.DataFrame:
    """The table as it was before :func:`defuse_formulas` (text cells and column names)."""
    for column, values in _text_columns(table):
        quoted = values.map(lambda v: undefuse(v) is not v).astype(bool)
        if quoted.any():
            table[column] = values.mask(quoted, values.map(undefuse))
    if any(isinstance(c, str) and c.startswith(QUOTE) for c in table.columns):
        table.columns = [undefuse(c) for c in table.columns]
    return table


def read_csv(path: str | Path, **kwargs) -> pd.DataFrame:
    """A CSV table the package (or a spreadsheet) wrote, its formula quotes removed
    (``pandas.read_csv``'s keywords)."""
    return undefuse_formulas(pd.read_csv(path, **kwargs))


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
