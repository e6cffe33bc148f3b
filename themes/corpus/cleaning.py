"""The cleaning rules: which block of a text is an analysable paragraph, and its modelling text.

Page furniture (headings, bylines, dates, captions, footnotes, share and contact lines, about
sections, site navigation in another script) is recognised by general rules whose thresholds all
live in :class:`CleaningRules`, never by a list of ids. Used by :mod:`themes.corpus.paragraphs`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass


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


_TERMINAL = re.compile(r"[.!?\u2026][\"'\u201d\u2019)\]*]*\s*$")


def _ends_sentence(text: str) -> bool:
    return bool(_TERMINAL.search(text.rstrip(" *_")))


_WORD = re.compile(r"[^\W_][\w'\u2019\-]*")


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


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


def rules_dict(rules: CleaningRules = CleaningRules()) -> dict:
    """The rules as a plain dict for manifests."""
    return asdict(rules)
