"""A corpus too large for memory, read in chunks of documents cut into paragraphs.

:func:`paragraph_tables` yields the paragraph table a chunk at a time (near-duplicates within a
chunk, word-for-word copies across chunks); :func:`write_paragraph_table` streams it into
``paragraphs.csv`` (``themes corpus``), :func:`read_paragraph_chunks` gives the kept paragraphs
(``themes fit --corpus``, counted by :mod:`themes.text.streaming`); :func:`needs_streaming` says
when a corpus is large enough (:data:`STREAMING_BYTES`) to be read that way.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import CorpusError
from ..files import csv_text, defuse_formulas, open_atomic, write_csv
from .cleaning import CleaningRules
from .documents import Document, iter_documents
from .duplicates import word_digest
from .paragraphs import (
    DUPLICATE,
    KEPT,
    build_paragraphs,
    document_counts,
    kept,
    summarize,
    why_dropped,
    with_total,
)

STREAMING_BYTES = 8 * 2**20
"""Corpus size (bytes of the file, or of a folder's ``.txt`` files) from which ``themes corpus`` and
``themes fit --corpus`` read in chunks: 8 MiB, about 16,000 paragraphs of 500 characters. Read
whole, the corpus stage holds some 35 times its text (the paragraph table, every word of every
paragraph for the near-duplicate search); in chunks of :data:`CHUNK_BYTES` its peak stays at that
of one chunk (``benchmarks/results/corpus_memory.md``)."""
CHUNK_DOCUMENTS = 2_000
"""Most documents cut into paragraphs (and de-duplicated) together by :func:`paragraph_tables`."""
CHUNK_BYTES = 8 * 2**20
"""Most characters of text in one chunk (a chunk ends at this or at :data:`CHUNK_DOCUMENTS`)."""


def corpus_bytes(path: str | Path) -> int:
    """Size of a corpus: the file's bytes, or the sum over a folder's ``.txt`` files."""
    path = Path(path)
    if path.is_dir():
        # the files the folder reader reads: its own .txt files, not those of sub-folders
        return sum(p.stat().st_size for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".txt")
    return path.stat().st_size if path.exists() else 0


def needs_streaming(path: str | Path) -> bool:
    """Whether a corpus is large enough (:data:`STREAMING_BYTES`) to be read in chunks."""
    return corpus_bytes(path) >= STREAMING_BYTES


def _batches(documents: Iterable[Document], count: int, size: int) -> Iterator[list[Document]]:
    batch, held = [], 0
    for doc in documents:
        batch.append(doc)
        held += len(doc.text)
        if len(batch) >= count or held >= size:
            yield batch
            batch, held = [], 0
    if batch:
        yield batch


def paragraph_tables(
    path: str | Path,
    *,
    documents: int = CHUNK_DOCUMENTS,
    chunk_bytes: int = CHUNK_BYTES,
    rules: CleaningRules = CleaningRules(),
) -> Iterator[pd.DataFrame]:
    """The paragraph table of a corpus (every block, with its status), a chunk at a time.

    Documents are read one at a time (:func:`themes.corpus.documents.iter_documents`) and cut,
    cleaned and de-duplicated ``documents`` (or ``chunk_bytes`` of text) at a time by
    :func:`themes.corpus.paragraphs.build_paragraphs`: near-duplicates are found within a chunk.
    Across chunks only word-for-word copies are (same words in the same order, whatever the case,
    punctuation or spacing: :func:`themes.corpus.duplicates.word_digest`): a kept paragraph
    repeating one kept in an earlier chunk is marked a duplicate of it. A corpus read whole also
    finds the near-duplicates whose original lies in another chunk. Memory holds one chunk and a
    64-bit digest per kept paragraph.

    Raises
    ------
    CorpusError
        When no document of the corpus leaves an analysable paragraph.
    """
    first: dict[int, str] = {}  # word digest -> id of the first kept paragraph with those words
    reasons, n_documents, found = pd.Series(dtype=int), 0, False
    for batch in _batches(iter_documents(path), documents, chunk_bytes):
        table = build_paragraphs(batch, rules=rules, allow_empty=True)
        n_documents += len(batch)
        rows = np.flatnonzero(table["status"].to_numpy() == KEPT)
        ids = table["paragraph_id"].to_numpy()[rows]
        digests = [word_digest(t) for t in table["text"].to_numpy()[rows]]
        earlier = [first.get(d) for d in digests]
        for pid, digest, seen in zip(ids, digests, earlier, strict=True):
            if seen is None:
                first.setdefault(digest, pid)
        repeats = [r for r, seen in zip(rows, earlier, strict=True) if seen is not None]
        if repeats:
            table.loc[repeats, "status"] = DUPLICATE
            table.loc[repeats, "reason"] = "near_duplicate"
            table.loc[repeats, "duplicate_of"] = [seen for seen in earlier if seen is not None]
        found = found or bool(len(rows))
        reasons = reasons.add(table["reason"].value_counts(), fill_value=0).astype(int)
        yield table
    if not n_documents:
        raise CorpusError(f"{path} holds no documents; give at least one text.")
    if not found:
        raise CorpusError(
            f"none of the {n_documents} documents of {path} has an analysable paragraph left after "
            f"cleaning: {why_dropped(reasons, rules)}."
        )


def write_paragraph_table(
    path: str | Path, out: str | Path, *, rules: CleaningRules = CleaningRules()
) -> pd.DataFrame:
    """Write the paragraph table of a corpus read in chunks (:func:`paragraph_tables`) to ``out``
    (as :func:`themes.files.write_csv` would, whole or not at all); returns its summary
    (:func:`themes.corpus.paragraphs.summarize`)."""
    counts = []
    with open_atomic(out, "w", encoding="utf-8", newline="") as handle:
        for number, table in enumerate(paragraph_tables(path, rules=rules)):
            text = csv_text(defuse_formulas(table))
            handle.write(text if number == 0 else text.split("\n", 1)[1])
            counts.append(document_counts(table))
    return with_total(pd.concat(counts))


def write_paragraphs(
    path: str | Path, folder: str | Path, *, rules: CleaningRules = CleaningRules()
) -> pd.DataFrame:
    """``paragraphs.csv`` and ``paragraph_summary.csv`` of a corpus in ``folder``; returns the summary.

    A corpus of :data:`STREAMING_BYTES` or more is read in chunks (:func:`write_paragraph_table`),
    a smaller one whole (:func:`themes.corpus.paragraphs.build_paragraphs`).
    """
    folder = Path(folder)
    if needs_streaming(path):
        summary = write_paragraph_table(path, folder / "paragraphs.csv", rules=rules)
    else:
        table = build_paragraphs(iter_documents(path), rules=rules)
        summary = summarize(table)
        write_csv(folder / "paragraphs.csv", table)
    write_csv(folder / "paragraph_summary.csv", summary)
    return summary


def read_paragraph_chunks(
    path: str | Path, *, documents: int = CHUNK_DOCUMENTS, chunk_bytes: int = CHUNK_BYTES
) -> Iterator[pd.DataFrame]:
    """The kept paragraphs of a corpus (folder, ``.txt``, ``.csv``, ``.jsonl``, ``.parquet``), in
    chunks (:func:`paragraph_tables`: a paragraph repeating one kept in an earlier chunk is left out).

    Yields
    ------
    pandas.DataFrame
        The chunk's kept paragraphs (``paragraph_id``, ``doc_id``, ``text``, ...).

    Raises
    ------
    CorpusError
        When no document of the corpus leaves an analysable paragraph.
    """
    for table in paragraph_tables(path, documents=documents, chunk_bytes=chunk_bytes):
        chunk = kept(table)
        if len(chunk):
            yield chunk
