"""Result tables as a reader sees them: read back with their ids as text, and fitted to a page.

:func:`read_table` reads a CSV the package wrote so that ``000`` stays ``000`` (not ``0``) and a
count with gaps (``K`` of a baseline) stays a whole number (not ``5.0``); :func:`for_page` rounds
numbers and cuts long text so that a table fits a notebook's width.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

WHOLE_NUMBERS = ("K", "seeds_matched", "theme_words_in_topic", "paragraphs", "themes")
"""Columns that count (besides every ``n_*`` column): shown as whole numbers even with gaps."""


def read_table(path: str | Path) -> pd.DataFrame:
    """A CSV written by the package, read back: every ``*_id`` column (and ``document``) as text,
    counts with missing values as whole numbers (pandas' ``Int64``)."""
    path = Path(path)
    head = pd.read_csv(path, nrows=0).columns
    text = [c for c in head if c.endswith("_id") or c in ("document", "doc")]
    table = pd.read_csv(path, dtype=dict.fromkeys(text, str), keep_default_na=True)
    for column in table.columns:
        counts = column in WHOLE_NUMBERS or column.startswith("n_")
        values = table[column]
        if counts and pd.api.types.is_float_dtype(values) and (values.dropna() % 1 == 0).all():
            table[column] = values.astype("Int64")
    return table


BREAK = "_\u200b"
"""An underscore followed by a zero-width space: where a long column name may wrap."""


def for_page(table: pd.DataFrame, *, digits: int = 3, text: int = 60) -> pd.DataFrame:
    """A copy for reading, that fits a page: floats rounded to ``digits``, text cut to ``text``
    characters (``…``), and column names allowed to wrap after an underscore (a zero-width space
    there), so that ``average_precision_mean`` can take two lines when the page is narrow."""
    out = table.rename(columns=lambda c: c.replace("_", BREAK) if isinstance(c, str) else c)
    for column in out.columns:
        values = out[column]
        if pd.api.types.is_float_dtype(values):
            out[column] = values.round(digits)
        elif pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values):
            out[column] = values.map(
                lambda v: v if not isinstance(v, str) or len(v) <= text else v[: text - 1].rstrip() + "…"
            )
    return out
