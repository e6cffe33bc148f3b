"""Documents to paragraphs: read texts, segment, clean, and mark near-duplicates.

The unit of analysis is the paragraph. Every block of the raw text gets a row
with a stable id, character offsets into the raw document and a status
(``kept``, ``dropped`` or ``duplicate``) with the reason, so that every
cleaning decision can be inspected. All thresholds live in :class:`CleaningRules`.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import CountVectorizer

from .errors import CorpusError

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


@dataclass(frozen=True)
class Document:
    """One source text, unchanged, with where it came from."""

    doc_id: str
    text: str
    source: str
    date: str = ""
    meta: dict = field(default_factory=dict, compare=False)


@dataclass
class _Block:
    doc_id: str
    number: int  # 1-based position among the document's raw blocks
    start: int
    end: int
    raw: str
    gap_before: int  # blank lines before the block
    merged: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- reading


def _decode(data: bytes, where: str) -> str:
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


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def read_provenance(folder: Path) -> pd.DataFrame | None:
    """The folder's provenance table, or None when it has none."""
    path = Path(folder) / PROVENANCE_FILE
    if not path.exists():
        return None
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in ("doc_id", "file", "sha256") if c not in table.columns]
    if missing:
        raise CorpusError(f"{path} lacks the column(s) {', '.join(missing)}.")
    return table


def _documents_from_folder(folder: Path) -> list[Document]:
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
    docs = []
    for path in files:
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
        text = _decode(data, str(path))
        doc_id = row["doc_id"] if row else path.stem
        date = row.get("date", "") if row else ""
        docs.append(Document(doc_id, text, str(path), date, dict(row or {})))
    return docs


def _documents_from_table(path: Path) -> list[Document]:
    data = path.read_bytes()
    text = _decode(data, str(path))
    if path.suffix.lower() == ".csv":
        try:
            records = list(csv.DictReader(text.splitlines(keepends=True)))
        except csv.Error as exc:
            raise CorpusError(f"{path} is not a readable CSV file ({exc}).") from None
        columns = set(records[0]) if records else set(next(csv.reader([text.splitlines()[0]])))
        lines = [i + 2 for i in range(len(records))]
    else:
        records, lines = [], []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                raise CorpusError(f"{path} line {number} is not valid JSON.") from None
            if not isinstance(record, dict):
                raise CorpusError(f"{path} line {number} is not a JSON object with id and text.")
            records.append(record)
            lines.append(number)
        columns = set().union(*records) if records else set()
    missing = [c for c in ("id", "text") if c not in columns]
    if missing:
        raise CorpusError(
            f"{path} has no {' or '.join(repr(c) for c in missing)} column; "
            "a table corpus needs an 'id' and a 'text' column."
        )
    docs, seen = [], set()
    for record, line in zip(records, lines, strict=True):
        doc_id, body = str(record.get("id", "")).strip(), record.get("text")
        where = f"{path} line {line}"
        if not doc_id:
            raise CorpusError(f"{where} has an empty id.")
        if doc_id in seen:
            raise CorpusError(f"{where} repeats the id {doc_id!r}; ids must be unique.")
        if not isinstance(body, str) or not body.strip():
            raise CorpusError(f"{where} (id {doc_id!r}) has an empty text.")
        seen.add(doc_id)
        docs.append(Document(doc_id, body, where, str(record.get("date", "") or "")))
    if not docs:
        raise CorpusError(f"{path} has no rows.")
    return docs


def load_documents(path: str | Path) -> list[Document]:
    """Read a corpus: a folder of ``.txt`` files, one ``.txt`` file, or a table.

    A folder may hold a ``provenance.csv`` (doc_id, file, sha256, ...); when it
    does, every file's checksum is verified and doc ids come from it.
    Otherwise the doc id is the file name without extension. A ``.csv`` or
    ``.jsonl`` file holds one document per row, with ``id`` and ``text``.

    Raises
    ------
    CorpusError
        For a missing path, an empty folder or file, bytes that are not
        UTF-8, a binary file, a checksum mismatch, or a table without the
        needed columns.
    """
    path = Path(path)
    if not path.exists():
        raise CorpusError(
            f"{path} does not exist; give a folder of .txt files or a .txt, .csv or .jsonl file."
        )
    if path.is_dir():
        return _documents_from_folder(path)
    suffix = path.suffix.lower()
    if suffix in (".csv", ".jsonl", ".ndjson"):
        return _documents_from_table(path)
    return [Document(path.stem, _decode(path.read_bytes(), str(path)), str(path))]


# ------------------------------------------------------------- segmenting

_BLOCK_SEP = re.compile(r"\n(?:[ \t\xa0\u200b]*\n)+")


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


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_][\w'\u2019\-]*", text)


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
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_QUOTES = str.maketrans(
    {"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2018": "'", "\u2019": "'", "\u00a0": " "}
)


def clean_text(raw: str) -> str:
    """The text used for modelling: markup, footnote marks and odd spacing removed."""
    text = unicodedata.normalize("NFKC", raw).translate(_QUOTES)
    text = _MD_LINK.sub(r"\1", text)
    text = re.sub(r"^#+\s*", "", text, flags=re.M)
    text = text.replace("**", "").replace("__", "")
    text = _FOOTNOTE_MARK.sub("", text)
    return re.sub(r"\s+", " ", text).strip()


def _latin_share(text: str) -> float:
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
    words = _words(text)
    n = len(words)
    first_line = raw.strip().splitlines()[0]
    if re.match(r"^\[\d+\]", raw.strip()) or (
        re.match(r"^\*\s*\w", raw.strip()) and not raw.strip().startswith("**")
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
    if (_URL.search(raw) or _MD_LINK.search(raw)) and n <= rules.link_max_words:
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


def _shingle_matrix(texts: list[str], rules: CleaningRules):
    """Binary document x shingle matrix (word n-grams of normalised text)."""
    vectorizer = CountVectorizer(
        ngram_range=(rules.shingle_size, rules.shingle_size),
        binary=True,
        lowercase=True,
        token_pattern=r"[^\W_]+",
        dtype=np.int32,
    )
    normalised = [unicodedata.normalize("NFKC", t).translate(_QUOTES).replace("'", "") for t in texts]
    try:
        return vectorizer.fit_transform(normalised)
    except ValueError:  # no text long enough for a single shingle
        return None


def containment_scores(
    texts: list[str], groups: list[str], *, rules: CleaningRules = CleaningRules()
) -> np.ndarray:
    """Share of each text's shingles found in each group's (document's) text.

    Returns an array of shape (n_texts, n_groups) where entry (i, g) is
    ``|S_i & U_g| / |S_i|``, with ``S_i`` the shingles of text ``i`` and
    ``U_g`` the union of the shingles of the texts in group ``g``. Groups are
    given in order of first appearance.
    """
    names = list(dict.fromkeys(groups))
    matrix = _shingle_matrix(texts, rules)
    if matrix is None:
        return np.zeros((len(texts), len(names)))
    member = np.array([[g == name for name in names] for g in groups], dtype=np.int32)
    union = (matrix.T @ member > 0).astype(np.int32)  # shingles x groups
    sizes = np.asarray(matrix.sum(axis=1)).ravel()
    shared = np.asarray((matrix @ union).todense() if hasattr(matrix @ union, "todense") else matrix @ union)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(sizes[:, None] > 0, shared / np.maximum(sizes[:, None], 1), 0.0)


def find_duplicates(
    table: pd.DataFrame, doc_order: list[str], *, rules: CleaningRules = CleaningRules()
) -> dict[str, tuple[str, float]]:
    """Map each near-duplicate block to the earlier block it repeats.

    A block is compared with every document that comes before it in
    ``doc_order`` (and with the earlier part of its own document). It is a
    duplicate when at least ``rules.duplicate_containment`` of its shingles
    occur in one such document; it then points to the block there that
    shares most shingles with it. Chains are resolved to the first copy.
    """
    order = {d: i for i, d in enumerate(doc_order)}
    rows = table.assign(_o=table["doc_id"].map(order)).sort_values(["_o", "start"], kind="stable")
    ids, texts, docs = rows["paragraph_id"].tolist(), rows["_norm"].tolist(), rows["doc_id"].tolist()
    matrix = _shingle_matrix(texts, rules)
    if matrix is None:
        return {}
    sizes = np.asarray(matrix.sum(axis=1)).ravel()
    overlap = (matrix @ matrix.T).toarray()
    result: dict[str, tuple[str, float]] = {}
    for i in range(len(ids)):
        if sizes[i] < rules.min_shingles:
            continue
        earlier = [j for j in range(i) if sizes[j] >= rules.min_shingles]
        best = None
        for doc in dict.fromkeys(docs[j] for j in earlier):
            members = [j for j in earlier if docs[j] == doc]
            union = matrix[members].max(axis=0)
            share = (matrix[i].multiply(union)).sum() / sizes[i]
            if share >= rules.duplicate_containment and (best is None or share > best[1]):
                j = max(members, key=lambda m: (overlap[i, m], -m))
                best = (ids[j], float(share))
        if best is not None:
            original = best[0]
            while original in result:
                original = result[original][0]
            result[ids[i]] = (original, best[1])
    return result


def _originality_order(docs: list[Document]) -> list[str]:
    """Documents from most to least likely original: dated ones by date, then undated by id."""
    return [d.doc_id for d in sorted(docs, key=lambda d: (d.date == "", d.date, d.doc_id))]


# ----------------------------------------------------------------- main


def build_paragraphs(docs: list[Document], *, rules: CleaningRules = CleaningRules()) -> pd.DataFrame:
    """Segment, clean and de-duplicate documents into the paragraph table.

    Returns
    -------
    pandas.DataFrame
        One row per block with the columns of ``PARAGRAPH_COLUMNS``. Kept
        rows hold the cleaned text used for modelling; other rows hold the
        raw block (whitespace folded) so that the decision can be checked.
        ``paragraph_id`` is ``<doc_id>-p<NNN>`` with the block's position
        among the document's raw blocks; a merged paragraph takes the id
        of its first block.

    Raises
    ------
    CorpusError
        When a document leaves no analysable paragraph.
    """
    records = []
    for doc in docs:
        for block in merge_blocks(split_blocks(doc), rules):
            reason = classify_block(block.raw, gap_before=block.gap_before, rules=rules)
            cleaned = clean_text(block.raw)
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
                    "word_count": len(_words(cleaned)),
                    "_norm": cleaned,
                }
            )
    table = pd.DataFrame.from_records(records)
    # The about section runs from an "About ..." heading to the next heading
    # that is not one: the institution's self-description, not the article.
    in_about = None
    for i, row in table.iterrows():
        if row["doc_id"] != in_about and row["reason"] == "about_block":
            in_about = row["doc_id"]
        elif row["doc_id"] != in_about:
            continue
        elif row["reason"] == "heading":
            in_about = None
            continue
        table.loc[i, ["status", "reason"]] = [DROPPED, "about_block"]
        table.loc[i, "text"] = re.sub(r"\s+", " ", row["_norm"]).strip()
    # A block repeating another document is marked as a duplicate whatever
    # else it is, so that a republication shows as a whole; within one
    # document only kept paragraphs are (repeated footnotes stay footnotes).
    doc_of = dict(zip(table["paragraph_id"], table["doc_id"], strict=True))
    for dup, (original, _share) in find_duplicates(table, _originality_order(docs), rules=rules).items():
        i = table.index[table["paragraph_id"] == dup][0]
        if doc_of[original] != doc_of[dup] or table.loc[i, "status"] == KEPT:
            table.loc[i, ["status", "reason", "duplicate_of"]] = [DUPLICATE, "near_duplicate", original]
    for doc in docs:
        if not ((table["doc_id"] == doc.doc_id) & (table["status"] != DROPPED)).any():
            raise CorpusError(
                f"{doc.source} has no analysable paragraph left after cleaning "
                f"(every block was a heading, caption, footnote or shorter than {rules.min_words} words)."
            )
    return table[PARAGRAPH_COLUMNS].reset_index(drop=True)


def summarize(table: pd.DataFrame) -> pd.DataFrame:
    """Per document: kept, duplicate and dropped counts, and dropped by reason."""
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
    for _, row in table[table["status"] == DUPLICATE].iterrows():
        original = row["duplicate_of"]
        pair = [row["text"], text_of[original]]
        matrix = _shingle_matrix(pair, rules)
        if matrix is None:
            continue
        a, b = (matrix[0] > 0).toarray().ravel(), (matrix[1] > 0).toarray().ravel()
        rows.append(
            {
                "duplicate": row["paragraph_id"],
                "original": original,
                "containment": (a & b).sum() / max(a.sum(), 1),
                "similarity": (a & b).sum() / max((a | b).sum(), 1),
                "duplicate_words": len(_words(row["text"])),
                "original_words": len(_words(text_of[original])),
            }
        )
    return pd.DataFrame(rows)
