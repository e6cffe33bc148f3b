"""Reading a corpus: a folder of .txt files (checksummed), one text, or a CSV / JSON Lines / Parquet table.

Tables are streamed in chunks; every error names the file and, for a table, the line or row.
"""

from __future__ import annotations

import csv
import hashlib
import json
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from .. import files
from ..errors import CorpusError

PROVENANCE_FILE = "provenance.csv"
PROVENANCE_COLUMNS = [
    "doc_id",
    "file",
    "sha256",
    "title",
    "author",
    "publisher",
    "date",
    "language",
    "notes",
    "rights",
]
TABLE_SUFFIXES = (".csv", ".jsonl", ".ndjson", ".parquet")
CHUNK_ROWS = 10_000
"""Rows of a table read at a time."""


@dataclass(frozen=True)
class Document:
    """One source text, unchanged, with where it came from."""

    doc_id: str
    text: str
    source: str
    date: str = ""
    meta: dict = field(default_factory=dict, compare=False)


def progress(iterable, *, desc: str, unit: str = "doc"):
    """A tqdm progress bar on standard error, shown only when that is a terminal."""
    return tqdm(iterable, desc=desc, unit=unit, disable=not sys.stderr.isatty(), leave=False)


def _refuse_utf16(head: bytes, where: str) -> None:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CorpusError(
            f"{where} is UTF-16 text (it starts with a UTF-16 byte-order mark); re-save it as UTF-8."
        )


def _decode(data: bytes, where: str) -> str:
    _refuse_utf16(data[:2], where)
    if b"\x00" in data:
        raise CorpusError(f"{where} looks like a binary file (it contains NUL bytes); give plain UTF-8 text.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(
            f"{where} is not valid UTF-8 (bad byte at position {exc.start}); re-save it as UTF-8 text."
        ) from None
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise CorpusError(f"{where} is empty; remove it or add its text.")
    return text


def read_provenance(folder: Path) -> pd.DataFrame | None:
    """The folder's provenance table, or None when it has none."""
    path = Path(folder) / PROVENANCE_FILE
    if not path.exists():
        return None
    table = files.read_csv(path, dtype=str, keep_default_na=False)  # written defused by themes init
    missing = [c for c in ("doc_id", "file", "sha256") if c not in table.columns]
    if missing:
        raise CorpusError(f"{path} lacks the column(s) {', '.join(missing)}.")
    return table


def _documents_from_folder(folder: Path) -> Iterator[Document]:
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".txt")
    if not files:
        raise CorpusError(f"{folder} holds no .txt files; put one UTF-8 text file per document there.")
    provenance = read_provenance(folder)
    rows = {}
    if provenance is not None:
        rows = {r["file"]: r for r in provenance.to_dict("records")}
        listed_missing = sorted(set(rows) - {p.name for p in files})
        if listed_missing:
            raise CorpusError(
                f"{folder / PROVENANCE_FILE} lists {', '.join(listed_missing)}, "
                f"which is not in {folder}; restore the file or remove its row."
            )
    seen: dict[str, str] = {}
    for path in progress(files, desc=f"reading {folder.name}", unit="file"):
        data = path.read_bytes()
        row = rows.get(path.name)
        if provenance is not None:
            if row is None:
                raise CorpusError(
                    f"{path} is not listed in {folder / PROVENANCE_FILE}; add a row for it or move it out."
                )
            digest = hashlib.sha256(data).hexdigest()
            if digest != row["sha256"]:
                raise CorpusError(
                    f"{path} does not match its checksum in {PROVENANCE_FILE} "
                    f"(sha256 {digest[:12]}..., expected {row['sha256'][:12]}...); "
                    "the raw texts must not be edited, so restore the original file."
                )
        # In a folder of many texts an empty file is one document without paragraphs:
        # building the corpus reports and skips it (a lone empty file is an error).
        text = _decode(data, str(path)) if len(files) == 1 or data.strip() else ""
        doc_id = _document_id(row["doc_id"] if row else path.stem, f"{path} (its document id)")
        if doc_id in seen:
            raise CorpusError(
                f"{path} and {seen[doc_id]} both have the document id {doc_id!r}; ids must be unique, "
                f"so correct {PROVENANCE_FILE}."
            )
        seen[doc_id] = path.name
        date = row.get("date", "") if row else ""
        yield Document(doc_id, text, str(path), date, dict(row or {}))


def _missing_columns(path: Path, columns) -> None:
    missing = [c for c in ("id", "text") if c not in columns]
    if missing:
        raise CorpusError(
            f"{path} has no {' or '.join(repr(c) for c in missing)} column; "
            "a table corpus needs an 'id' and a 'text' column."
        )


def _csv_records(path: Path) -> Iterator[tuple[dict, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        try:
            header = next(reader, None)
            if header is None or not any(h.strip() for h in header):
                raise CorpusError(f"{path} is empty; give a header line with 'id' and 'text' columns.")
            _missing_columns(path, header)
            line = reader.line_num + 1
            for row in reader:
                if row and len(row) != len(header):
                    raise CorpusError(
                        f"{path} line {line} has {len(row)} fields where the header has {len(header)}; "
                        "put texts holding commas or line breaks in double quotes."
                    )
                if row:
                    yield dict(zip(header, row, strict=True)), f"{path} line {line}"
                line = reader.line_num + 1
        except csv.Error as exc:
            raise CorpusError(f"{path} line {reader.line_num} is not readable CSV ({exc}).") from None
        except UnicodeDecodeError:
            raise CorpusError(
                f"{path} is not valid UTF-8 (near line {reader.line_num + 1}); re-save it as UTF-8 text."
            ) from None


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _jsonl_records(path: Path) -> Iterator[tuple[dict, str]]:
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if number == 1:
                raw = raw.removeprefix(b"\xef\xbb\xbf")
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise CorpusError(f"{path} line {number} is not valid UTF-8; re-save it as UTF-8.") from None
            if not line.strip():
                continue
            try:
                # a number is kept as written ('1.0', not 1.0); NaN and Infinity are not JSON
                record = json.loads(line, parse_float=str, parse_constant=_no_constant)
            except (json.JSONDecodeError, ValueError):
                raise CorpusError(f"{path} line {number} is not valid JSON.") from None
            if not isinstance(record, dict):
                raise CorpusError(f"{path} line {number} is not a JSON object with id and text.")
            missing = [k for k in ("id", "text") if k not in record]
            if missing:
                raise CorpusError(
                    f"{path} line {number} has no {' or '.join(repr(k) for k in missing)} field; "
                    "every line needs an 'id' and a 'text'."
                )
            yield record, f"{path} line {number}"


def _parquet_records(path: Path) -> Iterator[tuple[dict, str]]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise CorpusError(f"{path} is not a readable Parquet file ({reason}).") from None
    names = parquet.schema_arrow.names
    _missing_columns(path, names)
    columns = [c for c in ("id", "text", "date") if c in names]
    row = 0
    for batch in parquet.iter_batches(batch_size=CHUNK_ROWS, columns=columns):
        for record in batch.to_pylist():
            row += 1
            yield record, f"{path} row {row}"


def _document_id(raw_id, where: str) -> str:
    """A table's id as text, as written: a string, or a whole number (its digits); anything else
    (a fraction, bytes, true/false, NaN, a list) is refused rather than turned into ``1.0`` or ``b'a'``."""
    if isinstance(raw_id, bool) or not isinstance(raw_id, str | int):
        if raw_id is None or (isinstance(raw_id, float) and raw_id != raw_id):
            raise CorpusError(f"{where} has no id (an empty or missing value); give every row an id.")
        raise CorpusError(
            f"{where} has the id {str(raw_id)[:40]!r} of type {type(raw_id).__name__}; "
            "store ids as text (or whole numbers) so that they are kept as written."
        )
    doc_id = str(raw_id).strip()
    if not doc_id:
        raise CorpusError(f"{where} has an empty id.")
    bad = [c for c in doc_id if unicodedata.category(c) in ("Cc", "Cs", "Zl", "Zp")]
    if bad:
        raise CorpusError(
            f"{where} has an id holding the control character {bad[0]!r}; ids name paragraphs and "
            "files, so give one of printable characters."
        )
    if "/" in doc_id or "\\" in doc_id or ".." in doc_id or set(doc_id) == {"."}:
        # ids name paragraphs ('<id>-p001') and may name files: no path separators
        raise CorpusError(f"{where} has the id {doc_id!r}; an id may not hold '/', '\\' or '..', nor be '.'.")
    return doc_id


def _documents_from_table(path: Path) -> Iterator[Document]:
    suffix = path.suffix.lower()
    if suffix != ".parquet":
        with path.open("rb") as handle:
            _refuse_utf16(handle.read(2), str(path))
    records = {".csv": _csv_records, ".parquet": _parquet_records}.get(suffix, _jsonl_records)(path)
    seen: set[str] = set()
    for record, where in progress(records, desc=f"reading {path.name}", unit="row"):
        body = record.get("text")
        doc_id = _document_id(record.get("id"), where)
        if doc_id in seen:
            raise CorpusError(f"{where} repeats the id {doc_id!r}; ids must be unique.")
        if body is not None and not isinstance(body, str):
            raise CorpusError(f"{where} (id {doc_id!r}) has a text that is not a string.")
        if body and "\x00" in body:  # as a .txt file holding one is refused as binary
            raise CorpusError(f"{where} (id {doc_id!r}) has a text holding a NUL character; remove it.")
        seen.add(doc_id)
        # An empty text is one document without paragraphs: reported and skipped later.
        yield Document(doc_id, body or "", where, str(record.get("date", "") or ""))
    if not seen:
        raise CorpusError(f"{path} has no rows; give one row per document with 'id' and 'text'.")


def iter_documents(path: str | Path) -> Iterator[Document]:
    """Stream the documents of a corpus one at a time (see :func:`load_documents`)."""
    path = Path(path)
    if not path.exists():
        raise CorpusError(
            f"{path} does not exist; give a folder of .txt files or a .txt, .csv, .jsonl or .parquet file."
        )
    if path.is_dir():
        return _documents_from_folder(path)
    if not path.is_file():  # a device (/dev/zero), a pipe or a socket: it may never end
        raise CorpusError(
            f"{path} is not a regular file; give a folder of .txt files or a text or table file."
        )
    if path.suffix.lower() in TABLE_SUFFIXES:
        return _documents_from_table(path)
    return iter([Document(path.stem, _decode(path.read_bytes(), str(path)), str(path))])


def load_documents(path: str | Path) -> list[Document]:
    """Read a corpus: a folder of ``.txt`` files, one ``.txt`` file, or a table.

    A folder may hold a ``provenance.csv`` (doc_id, file, sha256, ...); when it
    does, every file's checksum is verified and doc ids come from it.
    Otherwise the doc id is the file name without extension. A ``.csv``,
    ``.jsonl`` (or ``.ndjson``) or ``.parquet`` file holds one document per row,
    with ``id`` and ``text`` (and optionally ``date``); it is read in chunks.
    An empty text in a table, or an empty file in a folder of several, becomes a
    document without text, which :func:`themes.corpus.paragraphs.build_paragraphs` reports
    and skips.

    Raises
    ------
    CorpusError
        For a missing path, an empty folder or lone file, bytes that are not
        UTF-8, a binary file, a checksum mismatch, a table without the needed
        columns or rows, or a malformed row (named by its line or row number).
    """
    return list(iter_documents(path))
