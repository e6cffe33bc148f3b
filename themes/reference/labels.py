"""The reference set's themes and labels: the codebook's theme names, label files read and checked.

Theme names come from the codebook (its ``### name`` headings under ``## Themes``), so a
student can bring their own set of themes; every label file is validated against them.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd

from .. import files
from ..errors import LabelError

ID = "paragraph_id"
"""The id column of every label file."""
THEME_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
"""A theme name: lower case letters, digits and underscores, starting with a letter."""


# ---------------------------------------------------------------- codebook


def read_utf8(path: Path) -> str:
    """A text file's content (a BOM dropped), or one sentence when it is not UTF-8."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LabelError(
            f"{path} is not valid UTF-8 (bad byte at position {exc.start}); re-save it as UTF-8 text."
        ) from None


def misnamed_and_repeated(names: list[str], pattern: re.Pattern) -> tuple[list[str], list[str]]:
    """The names that do not match ``pattern``, and those given more than once (sorted): what every
    list of names a user gives (themes, coders) is checked for."""
    return [n for n in names if not pattern.match(n)], sorted({n for n in names if names.count(n) > 1})


def read_themes(codebook: str | Path) -> list[str]:
    """Theme names in codebook order: the ``### name`` headings of its ``## Themes`` section.

    Raises
    ------
    LabelError
        When the file is missing, has no ``## Themes`` section, a heading is not a
        lower-case identifier (``sleeper_cells``), or a theme is named twice.
    """
    path = Path(codebook)
    if not path.is_file():
        raise LabelError(f"the codebook {path} does not exist; write one with a '## Themes' section.")
    text = read_utf8(path)
    section = re.search(r"^## Themes\s*$(.*?)(?=^## |\Z)", text, flags=re.M | re.S)
    if section is None:
        raise LabelError(f"{path} has no '## Themes' section; list each theme there as a '### name' heading.")
    names = [m.strip() for m in re.findall(r"^### (.+)$", section.group(1), flags=re.M)]
    bad, repeated = misnamed_and_repeated(names, THEME_NAME)
    if bad:
        raise LabelError(
            f"{path}: theme heading(s) {', '.join(repr(b) for b in bad)} are not lower-case names "
            "such as 'sleeper_cells'; rename them so that they can be label columns."
        )
    if repeated:
        raise LabelError(f"{path} names the theme(s) {', '.join(repeated)} more than once.")
    if not names:
        raise LabelError(f"{path} has a '## Themes' section without any '### name' heading.")
    return names


def codebook_definitions(codebook: str | Path) -> pd.DataFrame:
    """Each theme's one-paragraph definition (the text after ``**Definition.**``), in order."""
    text = Path(codebook).read_text(encoding="utf-8")
    rows = []
    for theme in read_themes(codebook):
        section = re.search(rf"^### {re.escape(theme)}\s*$(.*?)(?=^##|\Z)", text, flags=re.M | re.S)
        found = re.search(r"\*\*Definition\.\*\*\s*(.*?)(?:\n\s*\n|\Z)", section.group(1), flags=re.S)
        rows.append({"theme": theme, "definition": " ".join(found.group(1).split()) if found else ""})
    return pd.DataFrame(rows)


# ----------------------------------------------------------------- labels


def load_labels(path: str | Path, *, themes: list[str], paragraph_ids: list[str]) -> pd.DataFrame:
    """Read and validate a label file: one row per kept paragraph, one 0/1 column per theme.

    Parameters
    ----------
    path : path
        CSV with a ``paragraph_id`` column and one column per theme.
    themes : list of str
        The codebook's themes (:func:`read_themes`).
    paragraph_ids : list of str
        Ids of the kept paragraphs (the coding units).

    Returns
    -------
    pandas.DataFrame
        Integer 0/1 columns ``themes`` in codebook order, indexed by ``paragraph_id`` in
        the order of ``paragraph_ids``.

    Raises
    ------
    LabelError
        One message listing every offender: an unknown paragraph id, a kept paragraph
        without a row, a duplicated row, an unknown or missing theme column, a value other
        than 0 or 1.
    """
    path = Path(path)
    return _validate_labels(_read_label_table(path), path, themes=themes, paragraph_ids=paragraph_ids)


def _read_label_table(path: Path) -> pd.DataFrame:
    """A label file as text cells, with a ``paragraph_id`` column (one-line errors otherwise)."""
    if not path.is_file():
        raise LabelError(f"the label file {path} does not exist.")
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            header = next(csv.reader(handle), [])
        # ids written by the package (the labels template) are defused: read back as they were
        table = files.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, csv.Error) as exc:
        raise LabelError(f"{path} is not a readable CSV file ({str(exc).splitlines()[0]}).") from None
    # pandas would rename a second 'morale' column 'morale.1': name the column as the file does
    repeated = sorted({c for c in header if header.count(c) > 1})
    if repeated:
        raise LabelError(
            f"{path} has the column(s) {', '.join(map(repr, repeated))} more than once; keep one of each."
        )
    if ID not in table.columns:
        raise LabelError(f"{path} has no '{ID}' column.")
    return table


def _validate_labels(
    table: pd.DataFrame, path: Path, *, themes: list[str], paragraph_ids: list[str]
) -> pd.DataFrame:
    """The label table checked against the themes and the kept paragraphs (see :func:`load_labels`)."""
    problems = []
    unknown_cols = [c for c in table.columns if c != ID and c not in themes]
    if unknown_cols:
        problems.append(
            f"unknown theme column(s) {', '.join(unknown_cols)} "
            f"(the codebook's themes are {', '.join(themes)})"
        )
    missing_cols = [t for t in themes if t not in table.columns]
    if missing_cols:
        problems.append(f"missing theme column(s) {', '.join(missing_cols)}")
    ids = table[ID].str.strip()
    known = set(paragraph_ids)
    unknown = [i for i in dict.fromkeys(ids) if i not in known]
    if unknown:
        problems.append(f"unknown or not kept paragraph id(s) {', '.join(unknown)}")
    repeated = sorted(set(ids[ids.duplicated()]))
    if repeated:
        problems.append(f"duplicated row(s) for {', '.join(repeated)}")
    present = set(ids)  # once: built per paragraph, it made the check quadratic (minutes at 20,000)
    absent = [i for i in paragraph_ids if i not in present]
    if absent:
        problems.append(f"no row for kept paragraph(s) {', '.join(absent)}")
    for theme in themes:
        if theme not in table.columns:
            continue
        values = table[theme].str.strip()
        wrong = ~values.isin(("0", "1"))
        bad = [f"{pid} ({val!r})" for pid, val in zip(ids[wrong], values[wrong], strict=True)]
        if bad:
            problems.append(f"value(s) other than 0 or 1 in '{theme}': {', '.join(bad)}")
    if problems:
        raise LabelError(f"{path}: " + "; ".join(problems) + ".")
    out = table.assign(**{ID: ids}).set_index(ID)[themes].apply(lambda c: c.str.strip().astype(int))
    return out.loc[list(paragraph_ids)]


def read_labels(
    path: str | Path, *, themes: list[str] | None = None, paragraph_ids: list[str] | None = None
) -> pd.DataFrame:
    """A label table for :func:`themes.compare`: 0/1 theme columns indexed by paragraph id.

    Like :func:`load_labels`, with the themes (default: every column but ``paragraph_id``)
    and the paragraphs (default: the file's rows, in order) taken from the file when not given.
    """
    path = Path(path)
    table = _read_label_table(path)
    if themes is None:
        themes = [c for c in table.columns if c != ID]
    if paragraph_ids is None:
        paragraph_ids = list(dict.fromkeys(table[ID].str.strip()))
    return _validate_labels(table, path, themes=list(themes), paragraph_ids=list(paragraph_ids))
