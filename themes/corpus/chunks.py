"""A corpus too large for memory, read in chunks of documents cut into paragraphs.

:func:`read_paragraph_chunks` yields the kept paragraphs a chunk at a time (near-duplicates within
a chunk, word-for-word copies across chunks); :func:`needs_streaming` says when a corpus is large
enough (:data:`STREAMING_BYTES`) to be counted that way (:mod:`themes.text.streaming`).
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from pathlib import Path

import pandas as pd

from ..errors import CorpusError
from .documents import iter_documents
from .duplicates import word_digest
from .paragraphs import build_paragraphs, kept

STREAMING_BYTES = 256 * 2**20
"""Corpus size (bytes of the file, or of a folder's ``.txt`` files) from which ``themes fit
--corpus`` streams: 256 MiB, about 500,000 paragraphs of 500 characters."""


CHUNK_DOCUMENTS = 2_000
"""Documents cut into paragraphs (and de-duplicated) together by :func:`read_paragraph_chunks`."""


def corpus_bytes(path: str | Path) -> int:
    """Size of a corpus: the file's bytes, or the sum over a folder's ``.txt`` files."""
    path = Path(path)
    if path.is_dir():
        # the files the folder reader reads: its own .txt files, not those of sub-folders
        return sum(p.stat().st_size for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".txt")
    return path.stat().st_size if path.exists() else 0


def needs_streaming(path: str | Path) -> bool:
    """Whether a corpus is large enough (:data:`STREAMING_BYTES`) to be counted in chunks."""
    return corpus_bytes(path) >= STREAMING_BYTES


def read_paragraph_chunks(path: str | Path, *, documents: int = CHUNK_DOCUMENTS) -> Iterator[pd.DataFrame]:
    """The kept paragraphs of a corpus (folder, ``.txt``, ``.csv``, ``.jsonl``, ``.parquet``), in chunks.

    Documents are read one at a time (:func:`themes.corpus.documents.iter_documents`) and cut,
    cleaned and de-duplicated ``documents`` at a time by
    :func:`themes.corpus.paragraphs.build_paragraphs`: near-duplicates are found within a chunk. Across
    chunks only word-for-word copies are (same words in the same order, whatever the case,
    punctuation or spacing: :func:`themes.corpus.duplicates.word_digest`): a paragraph repeating one
    kept in an earlier chunk is left out. A corpus read whole also finds the near-duplicates
    whose original lies in another chunk.

    Yields
    ------
    pandas.DataFrame
        The chunk's kept paragraphs (``paragraph_id``, ``doc_id``, ``text``, ...).

    Raises
    ------
    CorpusError
        When no document of the corpus leaves an analysable paragraph.
    """
    found, reason = False, None
    earlier: set[int] = set()  # the word digests of every paragraph kept in an earlier chunk
    documents_left = iter(iter_documents(path))
    while batch := list(islice(documents_left, documents)):
        try:
            table = kept(build_paragraphs(batch))
        except CorpusError as exc:  # a chunk without paragraphs; an error only if every chunk is
            reason = reason or exc
            continue
        digests = [word_digest(text) for text in table["text"]]
        table = table[[d not in earlier for d in digests]]
        earlier.update(digests)
        if len(table):
            found = True
            yield table
    if not found:
        raise reason or CorpusError(f"{path} holds no documents; give at least one text.")
