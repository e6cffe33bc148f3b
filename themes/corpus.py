"""Documents to paragraphs: segment, clean, mark near-duplicates; one row per block with its reason.

Every cleaning decision is a status (kept, dropped, duplicate) in the table; thresholds live in CleaningRules.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from . import duplicates
from .documents import (  # noqa: F401  (re-exported: the corpus API predates the split)
    PROVENANCE_COLUMNS,
    PROVENANCE_FILE,
    Document,
    iter_documents,
    load_documents,
    progress,
    read_provenance,
    sha256_file,
)
from .errors import CorpusError, CorpusWarning

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


@dataclass(frozen=True)
class CleaningRules:
    """Every threshold the cleaning uses, in one place.

    Parameters
    ----------
    min_words : int
        Blocks with fewer words are dropped as ``too_short``: a line of a
        dozen words carries too few content words for a topic model, and in
        web articles such lines are mostly lead-ins and labels.
    heading_max_words : int
        A block this short that does not end a sentence, or is in title
        case, is a title or heading.
    title_case_share : float
        Share of capitalised words from which a short block counts as title case.
    caption_max_words : int
        Longest block still taken for an image caption.
    image_gap_lines : int
        Number of blank lines (or a line holding only a non-breaking space)
        before a block that mark where an image stood.
    date_max_words, byline_max_words, link_max_words : int
        Longest block still taken for a date line, a byline, a contact or
        link line.
    latin_min_share : float
        Blocks whose letters are less than this share Latin script are taken
        for site navigation in another script (the corpus is English).
    verse_max_words : int
        Longest block still taken for one verse line (``a / b`` couplet).
    shingle_size : int
        Words per shingle for near-duplicate detection.
    duplicate_containment : float
        A block is a near-duplicate when at least this share of its shingles
        occurs in one earlier document. Containment (not Jaccard similarity)
        is used because a republication splits paragraphs differently, so one
        copy may be half of the other. 0.5 means "at least half of the text
        is repeated"; unrelated paragraphs of this corpus share well under
        0.2 (see notebook 01).
    min_shingles : int
        Blocks with fewer shingles are too short to compare reliably and are
        never marked as duplicates.
    """

    min_words: int = 15
    heading_max_words: int = 25
    title_case_share: float = 0.7
    caption_max_words: int = 30
    image_gap_lines: int = 2
    date_max_words: int = 12
    byline_max_words: int = 15
    link_max_words: int = 30
    latin_min_share: float = 0.5
    verse_max_words: int = 30
    shingle_size: int = 3
    duplicate_containment: float = 0.5
    min_shingles: int = 3


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


_TERMINAL = re.compile(r"[.!?\u2026][\"'\u201d\u2019)\]*]*\s*$")


def _ends_sentence(text: str) -> bool:
    return bool(_TERMINAL.search(text.rstrip(" *_")))


_WORD = re.compile(r"[^\W_][\w'\u2019\-]*")


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


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


# ------------------------------------------------------------- cleaning

_MD_LINK = re.compile(r"\[([^\]]*)\]\(([^)]*)\)")
_FOOTNOTE_MARK = re.compile(r"\[\d+\]")
_URL = re.compile(r"(https?://|www\.|mailto:|\b[\w.-]+@[\w-]+\.\w+|\b\w+\.(?:me|com|org|net)/)", re.I)
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_DATE = re.compile(
    rf"\b(?:{_MONTHS})\.?\s+\d{{1,2}}\b|\b\d{{1,2}}\s+(?:{_MONTHS})\b|\b\d{{4}}-\d{{2}}-\d{{2}}\b", re.I
)
_HEADING_MARK = re.compile(r"^#+\s*", re.M)
_SPACE = re.compile(r"\s+")
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_QUOTES = str.maketrans(
    {"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2018": "'", "\u2019": "'", "\u00a0": " "}
)


def clean_text(raw: str) -> str:
    """The text used for modelling: markup, footnote marks and odd spacing removed."""
    text = unicodedata.normalize("NFKC", raw).translate(_QUOTES)
    text = _MD_LINK.sub(r"\1", text)
    text = _HEADING_MARK.sub("", text)
    text = text.replace("**", "").replace("__", "")
    text = _FOOTNOTE_MARK.sub("", text)
    return _SPACE.sub(" ", text).strip()


def _latin_share(text: str) -> float:
    if text.isascii():  # every ASCII letter is Latin; this skips a name lookup per character
        return 1.0 if any(c.isalpha() for c in text) else 0.0
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    latin = sum("LATIN" in unicodedata.name(c, "") for c in letters)
    return latin / len(letters)


def _title_case_share(words: list[str]) -> float:
    content = [w for w in words if len(w) > 3 and w[0].isalpha()]
    if not content:
        return 0.0
    return sum(w[0].isupper() for w in content) / len(content)


def classify_block(raw: str, *, gap_before: int = 1, rules: CleaningRules = CleaningRules()) -> str:
    """Why a block is not an analysable paragraph, or ``""`` when it is.

    The rules are tried in order; the first that matches names the reason.
    """
    text = clean_text(raw)
    return _reason(raw, text, _words(text), gap_before, rules)


_FOOTNOTE = re.compile(r"^\[\d+\]")
_STARRED_NOTE = re.compile(r"^\*\s*\w")


def _reason(raw: str, text: str, words: list[str], gap_before: int, rules: CleaningRules) -> str:
    """:func:`classify_block` for a block whose cleaned text and words are known."""
    n = len(words)
    first_line = raw.strip().splitlines()[0]
    if _FOOTNOTE.match(raw.strip()) or (
        _STARRED_NOTE.match(raw.strip()) and not raw.strip().startswith("**")
    ):
        return "footnote"
    if n <= rules.byline_max_words and (
        re.search(r"(^|[\s|,])(?i:by)\s+(dr\.?\s+)?[A-Z]", text)
        or re.match(r"^(dr|prof)\.?\s+[A-Z]", text, re.I)
    ):
        return "byline"
    if n <= rules.date_max_words and _YEAR.search(text) and (_DATE.search(text) or n <= 3):
        return "date"
    if _latin_share(text) < rules.latin_min_share:
        return "foreign_script"
    if re.match(r"^share (this|on|via)\b", text, re.I):
        return "share_line"
    if (
        re.match(r"^#+\s*about\b", first_line, re.I)
        or re.match(r"^about (the|us|this)\b", text, re.I)
        and n <= 8
    ):
        return "about_block"
    if n <= rules.link_max_words and (_URL.search(raw) or _MD_LINK.search(raw)):
        return "contact_link"
    if n <= rules.caption_max_words and (
        re.match(
            r"^(a|an|the)?\s*(photo|photograph|image|picture|graph|chart|map|screenshot|still)\b", text, re.I
        )
        or (gap_before >= rules.image_gap_lines and n <= rules.caption_max_words and not _ends_sentence(text))
        or (gap_before >= rules.image_gap_lines and n < rules.min_words)
    ):
        return "caption"
    if raw.lstrip().startswith("#") or (
        n <= rules.heading_max_words
        and (not _ends_sentence(text) or _title_case_share(words) >= rules.title_case_share)
    ):
        return "heading"
    if n < rules.min_words:
        return "too_short"
    return ""


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


def build_paragraphs(docs: Iterable[Document], *, rules: CleaningRules = CleaningRules()) -> pd.DataFrame:
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
        When no document leaves an analysable paragraph.
    """
    records, seen = [], []
    for doc in progress(docs, desc="segmenting"):
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
    # A block repeating another document is marked as a duplicate whatever
    # else it is, so that a republication shows as a whole; within one
    # document only kept paragraphs are (repeated footnotes stay footnotes).
    position = pd.Series(np.arange(len(table)), index=table["paragraph_id"])
    doc_of = table["doc_id"].to_numpy()
    found = duplicates.find_duplicates(
        table[["paragraph_id", "doc_id", "start"]].assign(text=table["_norm"]),
        _originality_order(seen),
        shingle_size=rules.shingle_size,
        containment=rules.duplicate_containment,
        min_shingles=rules.min_shingles,
    )
    dup = position[list(found)].to_numpy()
    original = position[[o for o, _ in found.values()]].to_numpy()
    mark = (doc_of[dup] != doc_of[original]) | (table["status"].to_numpy()[dup] == KEPT)
    rows = table.index[dup[mark]]
    table.loc[rows, "status"] = DUPLICATE
    table.loc[rows, "reason"] = "near_duplicate"
    table.loc[rows, "duplicate_of"] = table["paragraph_id"].to_numpy()[original[mark]]
    analysable = set(table.loc[table["status"] != DROPPED, "doc_id"])
    empty = [doc for doc in seen if doc.doc_id not in analysable]
    why = f"every block was a heading, caption, footnote or shorter than {rules.min_words} words"
    if len(empty) == len(seen) == 1:
        raise CorpusError(f"{empty[0].source} has no analysable paragraph left after cleaning ({why}).")
    if len(empty) == len(seen):
        raise CorpusError(
            f"none of the {len(seen)} documents has an analysable paragraph left after cleaning "
            f"(the first is {seen[0].source}); {why}."
        )
    for doc in empty:
        warnings.warn(
            f"{doc.source} (id {doc.doc_id!r}) has no analysable paragraph and is skipped.",
            CorpusWarning,
            stacklevel=2,
        )
    return table[PARAGRAPH_COLUMNS].reset_index(drop=True)


def summarize(table: pd.DataFrame) -> pd.DataFrame:
    """Per document: kept, duplicate and dropped counts, and dropped by reason.

    A skipped document (nothing analysable) is the row with zero kept and zero duplicates.
    """
    counts = pd.crosstab(table["doc_id"], table["status"]).reindex(
        columns=[KEPT, DUPLICATE, DROPPED], fill_value=0
    )
    dropped = table[table["status"] == DROPPED]
    reasons = pd.crosstab(dropped["doc_id"], "dropped_" + dropped["reason"])
    out = counts.join(reasons).fillna(0).astype(int)
    out.loc["total"] = out.sum()
    out.columns.name = None
    return out.reset_index().rename(columns={"index": "doc_id"})


def kept(table: pd.DataFrame) -> pd.DataFrame:
    """Only the paragraphs used for modelling."""
    return table[table["status"] == KEPT].reset_index(drop=True)


def rules_dict(rules: CleaningRules = CleaningRules()) -> dict:
    """The rules as a plain dict for manifests."""
    return asdict(rules)


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
