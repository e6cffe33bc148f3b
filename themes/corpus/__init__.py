"""Texts to paragraphs: reading documents, cutting and cleaning them, marking near-duplicates.

Owns the first stage of the data flow (raw text -> the paragraph table): ``documents`` reads a
folder of ``.txt`` files or a table of texts; ``cleaning`` decides which block is an analysable
paragraph; ``paragraphs`` builds the table with each block's status and reason; ``duplicates``
finds near-duplicates (MinHash LSH); ``chunks`` reads a corpus too large for memory in chunks.
It imports only the floor (``themes.errors``, ``themes.files``), never another sub-package.
"""

from .._lazy import lazy_names

_SOURCES = {
    "Document": "documents",
    "iter_documents": "documents",
    "load_documents": "documents",
    "read_provenance": "documents",
    "PROVENANCE_COLUMNS": "documents",
    "PROVENANCE_FILE": "documents",
    "CleaningRules": "cleaning",
    "classify_block": "cleaning",
    "clean_text": "cleaning",
    "rules_dict": "cleaning",
    "PARAGRAPH_COLUMNS": "paragraphs",
    "build_paragraphs": "paragraphs",
    "duplicate_pairs": "paragraphs",
    "kept": "paragraphs",
    "read_corpus": "paragraphs",
    "summarize": "paragraphs",
    "find_duplicates": "duplicates",
    "needs_streaming": "chunks",
    "read_paragraph_chunks": "chunks",
    "paragraph_tables": "chunks",
    "write_paragraphs": "chunks",
}
__all__ = sorted(_SOURCES)
__getattr__, __dir__ = lazy_names(__name__, _SOURCES)
