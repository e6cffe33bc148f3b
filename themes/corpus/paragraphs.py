"""Documents to paragraphs: segment, clean, mark near-duplicates; one row per block with its reason.

Every cleaning decision is a status (kept, dropped, duplicate) in the table; thresholds live in CleaningRules.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import CorpusError, CorpusWarning
from . import duplicates
from .cleaning import CleaningRules, _ends_sentence, _reason, _words, clean_text
from .documents import Document, load_documents, progress

PARAGRAPH_COLUMNS = [
    "paragraph_id",
    "doc_id",
    "start",
    "end",
    "text",
    "status",
    "reason",
    "duplicate_of",
    "word_count",
]
KEPT, DROPPED, DUPLICATE = "kept", "dropped", "duplicate"


@dataclass
class _Block:
    doc_id: str
    number: int  # 1-based position among the document's raw blocks
    start: int
    end: int
    raw: str
    gap_before: int  # blank lines before the block
    merged: list[str] = field(default_factory=list)


# ------------------------------------------------------------- segmenting

_BLOCK_SEP = re.compile(r"\n(?:[ \t\r\xa0\u200b]*\n)+")  # \r: Windows (CRLF) line ends


def split_blocks(doc: Document) -> list[_Block]:
    """Split a document on blank lines, keeping offsets into its raw text."""
    blocks, pos, number = [], 0, 0
    gap = 0
    for match in [*_BLOCK_SEP.finditer(doc.text), None]:
        stop = match.start() if match else len(doc.text)
        chunk = doc.text[pos:stop]
        if chunk.strip():
            lead = len(chunk) - len(chunk.lstrip())
            start, end = pos + lead, pos + len(chunk.rstrip())
            number += 1
            blocks.append(_Block(doc.doc_id, number, start, end, doc.text[start:end], gap))
        if match:
            sep = match.group(0)
            # An image that was removed from a web page leaves several blank
            # lines, or a line holding only a non-breaking space.
            gap = sep.count("\n") - 1 + (2 if "\xa0" in sep else 0)
            pos = match.end()
    return blocks


def _is_verse(block: _Block, rules: CleaningRules) -> bool:
    return " / " in block.raw and len(_words(block.raw)) <= rules.verse_max_words


def merge_blocks(blocks: list[_Block], rules: CleaningRules) -> list[_Block]:
    """Rejoin what the page layout split.

    * A page break: a block that stops mid-sentence followed by one that
      starts in lower case is one paragraph.
    * A song or poem printed one couplet per block (lines holding ``" / "``)
      becomes one unit. A couplet is too short to model and would be dropped
      one line at a time; the song as a whole makes one statement, so it is
      kept as one paragraph.
    """
    out: list[_Block] = []
    for block in blocks:
        prev = out[-1] if out else None
        if prev is not None:
            first_letter = re.search(r"[^\W\d_]", block.raw)
            broken = (
                not _ends_sentence(prev.raw)
                and first_letter is not None
                and block.raw[: first_letter.start()].strip(" \"'\u201c\u2018") == ""
                and first_letter.group(0).islower()
                and len(_words(prev.raw)) > rules.heading_max_words // 2
            )
            verse = (
                _is_verse(block, rules)
                and ("verse" in prev.merged or _is_verse(prev, rules))
                and block.gap_before <= 1
            )
            if broken or verse:
                kind = "page_break" if broken else "verse"
                prev.raw = prev.raw + (" " if broken else "\n") + block.raw
                prev.end = block.end
                prev.merged.append(kind)
                continue
        out.append(_Block(**{**block.__dict__, "merged": list(block.merged)}))
    return out


# ----------------------------------------------------------- duplicates


def _originality_order(docs: list[Document]) -> list[str]:
    """Documents from most to least likely original: dated ones by date, then undated by id."""
    return [d.doc_id for d in sorted(docs, key=lambda d: (d.date == "", d.date, d.doc_id))]


# ----------------------------------------------------------------- main


def _block_records(doc: Document, rules: CleaningRules) -> list[dict]:
    records = []
    for block in merge_blocks(split_blocks(doc), rules):
        cleaned = clean_text(block.raw)
        words = _words(cleaned)
        reason = _reason(block.raw, cleaned, words, block.gap_before, rules)
        note = ";".join(f"merged_{k}" for k in dict.fromkeys(block.merged))
        records.append(
            {
                "paragraph_id": f"{doc.doc_id}-p{block.number:03d}",
                "doc_id": doc.doc_id,
                "start": block.start,
                "end": block.end,
                "text": cleaned if not reason else re.sub(r"\s+", " ", block.raw).strip(),
                "status": DROPPED if reason else KEPT,
                "reason": reason or note,
                "duplicate_of": "",
                "word_count": len(words),
                "_norm": cleaned,
            }
        )
    if not records:  # an empty text: one row, so that the summary lists the document
        records.append(
            {
                "paragraph_id": f"{doc.doc_id}-p000",
                "doc_id": doc.doc_id,
                "start": 0,
                "end": 0,
                "text": "",
                "status": DROPPED,
                "reason": "empty_text",
                "duplicate_of": "",
                "word_count": 0,
                "_norm": "",
            }
        )
    return records


def _about_sections(reasons: list[str], docs: list[str]) -> list[bool]:
    """Which blocks lie in an about section: from an "About ..." block to the next heading."""
    inside, in_about = [], None
    for reason, doc in zip(reasons, docs, strict=True):
        if doc != in_about and reason == "about_block":
            in_about = doc
        elif doc == in_about and reason == "heading":
            in_about = None
        inside.append(doc == in_about)
    return inside


def _find_duplicates(table: pd.DataFrame, order: list[str], rules: CleaningRules) -> dict[str, str]:
    found = duplicates.find_duplicates(
        table[["paragraph_id", "doc_id", "start"]].assign(text=table["_norm"]),
        order,
        shingle_size=rules.shingle_size,
        containment=rules.duplicate_containment,
        min_shingles=rules.min_shingles,
    )
    return {dup: original for dup, (original, _) in found.items()}


def _mark_duplicates(table: pd.DataFrame, order: list[str], rules: CleaningRules) -> None:
    """Mark near-duplicates in place (status, reason, ``duplicate_of``).

    A block repeating another document is marked as a duplicate whatever else it is, so that a
    republication shows as a whole; within one document only kept paragraphs are (repeated
    footnotes stay footnotes). A kept paragraph is a duplicate of a kept one only: one whose
    earliest copy was dropped (a caption or an about section there) is compared again with the
    kept paragraphs alone, so that its text is never lost from the corpus.
    """
    status = dict(zip(table["paragraph_id"], table["status"], strict=True))
    doc_of = dict(zip(table["paragraph_id"], table["doc_id"], strict=True))
    found = _find_duplicates(table, order, rules)
    marked = {
        dup: original
        for dup, original in found.items()
        if (doc_of[dup] != doc_of[original] or status[dup] == KEPT)
        and (status[dup] != KEPT or status[original] == KEPT)
    }
    orphans = [d for d, o in found.items() if status[d] == KEPT and status[o] != KEPT]
    if orphans:
        again = _find_duplicates(table[table["status"] == KEPT], order, rules)
        for dup in orphans:
            original = again.get(dup)
            while original in marked:  # resolved to the first kept copy, as find_duplicates does
                original = marked[original]
            if original is not None and original != dup:
                marked[dup] = original
    rows = table["paragraph_id"].isin(marked).to_numpy()
    table.loc[rows, "status"] = DUPLICATE
    table.loc[rows, "reason"] = "near_duplicate"
    table.loc[rows, "duplicate_of"] = table.loc[rows, "paragraph_id"].map(marked)


REASONS = {
    "foreign_script": "not in Latin script (under {latin:.0%} of their letters; the cleaning rules are "
    "made for English text, see CleaningRules.latin_min_share)",
    "too_short": "shorter than {words} words",
    "heading": "headings or titles",
    "empty_text": "empty",
}
"""How each common reason a block is dropped reads in a refusal."""


def why_dropped(reasons: pd.Series, rules: CleaningRules) -> str:
    """Why no block was kept, from the count of blocks per reason, the commonest first:
    "40 blocks were not in Latin script (...); 3 blocks were headings or titles"."""
    parts = []
    for reason, n in reasons.sort_values(ascending=False, kind="stable").head(3).items():
        what = REASONS.get(reason, reason.replace("_", " ") + "s")
        were = "blocks were" if n > 1 else "block was"
        parts.append(f"{n} {were} {what.format(latin=rules.latin_min_share, words=rules.min_words)}")
    return "; ".join(parts)


def build_paragraphs(
    docs: Iterable[Document], *, rules: CleaningRules = CleaningRules(), allow_empty: bool = False
) -> pd.DataFrame:
    """Segment, clean and de-duplicate documents into the paragraph table.

    Returns
    -------
    pandas.DataFrame
        One row per block with the columns of ``PARAGRAPH_COLUMNS``. Kept
        rows hold the cleaned text used for modelling; other rows hold the
        raw block (whitespace folded) so that the decision can be checked.
        ``paragraph_id`` is ``<doc_id>-p<NNN>`` with the block's position
        among the document's raw blocks; a merged paragraph takes the id
        of its first block. A document with an empty text gets one dropped
        row ``<doc_id>-p000`` with the reason ``empty_text``.

    Warns
    -----
    CorpusWarning
        For each document that leaves no analysable paragraph (every block
        dropped); it is skipped, and the summary shows it with nothing kept.

    Raises
    ------
    CorpusError
        When no document leaves an analysable paragraph (unless ``allow_empty``: one chunk of a
        corpus read in chunks may have none, see :mod:`themes.corpus.chunks`).
    """
    records, seen, source_of = [], [], {}
    for doc in progress(docs, desc="segmenting"):
        if doc.doc_id in source_of:  # two files of one name in two folders, say: ids would collide
            raise CorpusError(
                f"{source_of[doc.doc_id]} and {doc.source} both have the document id {doc.doc_id!r}; "
                "ids must be unique across a corpus, so rename one (or score them apart)."
            )
        source_of[doc.doc_id] = doc.source
        seen.append(Document(doc.doc_id, "", doc.source, doc.date))
        records.extend(_block_records(doc, rules))
    if not seen:
        raise CorpusError("the corpus holds no documents; give at least one text.")
    table = pd.DataFrame.from_records(records)
    # The about section runs from an "About ..." heading to the next heading
    # that is not one: the institution's self-description, not the article.
    about = np.array(_about_sections(table["reason"].tolist(), table["doc_id"].tolist()))
    table.loc[about, "status"] = DROPPED
    table.loc[about, "reason"] = "about_block"
    table.loc[about, "text"] = table.loc[about, "_norm"].str.replace(r"\s+", " ", regex=True).str.strip()
    _mark_duplicates(table, _originality_order(seen), rules)
    analysable = set(table.loc[table["status"] != DROPPED, "doc_id"])
    empty = [doc for doc in seen if doc.doc_id not in analysable]
    why = why_dropped(table["reason"].value_counts(), rules) if len(empty) == len(seen) else ""
    if len(empty) == len(seen) == 1 and not allow_empty:
        raise CorpusError(f"{empty[0].source} has no analysable paragraph left after cleaning: {why}.")
    if len(empty) == len(seen) and not allow_empty:
        raise CorpusError(
            f"none of the {len(seen)} documents has an analysable paragraph left after cleaning "
            f"(the first is {seen[0].source}): {why}."
        )
    for doc in empty:
        warnings.warn(
            f"{doc.source} (id {doc.doc_id!r}) has no analysable paragraph and is skipped.",
            CorpusWarning,
            stacklevel=2,
        )
    return table[PARAGRAPH_COLUMNS].reset_index(drop=True)


def summarize(table: pd.DataFrame) -> pd.DataFrame:
    """Per document: kept, duplicate and dropped counts, and dropped by reason; a total row last.

    A skipped document (nothing analysable) is the row with zero kept and zero duplicates.
    """
    return with_total(document_counts(table))


def document_counts(table: pd.DataFrame) -> pd.DataFrame:
    """Per document (indexed by doc id, sorted): kept, duplicate, dropped, and dropped by reason."""
    counts = pd.crosstab(table["doc_id"], table["status"]).reindex(
        columns=[KEPT, DUPLICATE, DROPPED], fill_value=0
    )
    dropped = table[table["status"] == DROPPED]
    reasons = pd.crosstab(dropped["doc_id"], "dropped_" + dropped["reason"])
    return counts.join(reasons).fillna(0).astype(int)


def with_total(counts: pd.DataFrame) -> pd.DataFrame:
    """:func:`document_counts` (of one table, or several concatenated) with a total row last."""
    counts = counts.fillna(0).astype(int).sort_index()
    counts = counts[[KEPT, DUPLICATE, DROPPED, *sorted(c for c in counts if c.startswith("dropped_"))]]
    total = counts.sum().to_frame("total").T  # a row of its own: a document named "total" keeps its row
    out = pd.concat([counts, total])
    out.columns.name = None
    return out.rename_axis("doc_id").reset_index()


def kept(table: pd.DataFrame) -> pd.DataFrame:
    """Only the paragraphs used for modelling."""
    return table[table["status"] == KEPT].reset_index(drop=True)


def duplicate_pairs(table: pd.DataFrame, *, rules: CleaningRules = CleaningRules()) -> pd.DataFrame:
    """Each near-duplicate beside the paragraph it repeats, with the containment share.

    ``containment`` is the share of the duplicate's word shingles found in its original;
    ``similarity`` the Jaccard similarity of the two shingle sets, which stays low when one
    text is only half of the other (the reason containment decides).
    """
    rows = []
    text_of = dict(zip(table["paragraph_id"], table["text"], strict=True))
    for row in table[table["status"] == DUPLICATE].itertuples():
        original = row.duplicate_of
        a, b = (duplicates.shingles(t, rules.shingle_size) for t in (row.text, text_of[original]))
        if not a and not b:
            continue
        rows.append(
            {
                "duplicate": row.paragraph_id,
                "original": original,
                "containment": len(a & b) / max(len(a), 1),
                "similarity": len(a & b) / max(len(a | b), 1),
                "duplicate_words": len(_words(row.text)),
                "original_words": len(_words(text_of[original])),
            }
        )
    return pd.DataFrame(rows)


def read_corpus(
    path: str | Path, *, rules: CleaningRules = CleaningRules(), kept_only: bool = True
) -> pd.DataFrame:
    """Paragraphs of a folder of ``.txt`` files or a table of texts, cut, cleaned and de-duplicated.

    Returns the paragraph table (``paragraph_id``, ``doc_id``, ``text``, ``status``, provenance
    columns): the kept paragraphs only, or with ``kept_only=False`` every block with the
    reason it was dropped. Nothing is written.
    """
    table = build_paragraphs(load_documents(path), rules=rules)
    return kept(table) if kept_only else table
