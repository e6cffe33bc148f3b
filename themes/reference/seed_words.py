"""Seed words: a few words per theme, read from YAML and checked against the codebook's themes.

Seeded and keyword-assisted models and the keyword baseline take them; a file as ``themes init``
writes it (every list still empty) means the study has none yet.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from ..errors import LabelError
from .labels import read_utf8


def read_seed_words(path: str | Path, *, themes: list[str] | None = None) -> dict[str, list[str]]:
    """Seed words per theme from a YAML mapping ``theme: [word, ...]`` (see :func:`check_seed_words`).

    ``themes`` (the codebook's) default to the file's own keys.
    """
    path = Path(path)
    if not path.is_file():
        raise LabelError(f"the seed-word file {path} does not exist.")
    try:
        data = yaml.safe_load(read_utf8(path))
    except yaml.YAMLError as exc:
        raise LabelError(f"{path} is not valid YAML ({str(exc).splitlines()[0]}).") from None
    if themes is None:
        themes = [str(t) for t in data] if isinstance(data, dict) else []
    return check_seed_words(data, themes=themes, where=str(path))


def check_seed_words(data, *, themes: list[str], where: str = "seed words") -> dict[str, list[str]]:
    """Validate a mapping ``theme: [word, ...]``; words are lower-cased and stripped.

    Every theme needs at least one seed word and no unknown theme may appear; a word under
    two themes is refused, since it could seed neither.
    """
    if not isinstance(data, dict):
        raise LabelError(f"{where} must map each theme to a list of seed words.")
    unknown = [t for t in data if t not in themes]
    missing = [t for t in themes if not data.get(t)]
    problems = []
    if unknown:
        problems.append(f"unknown theme(s) {', '.join(map(str, unknown))}")
    if missing:
        problems.append(f"no seed words for {', '.join(missing)}")
    words = {t: [str(w).strip().lower() for w in (data.get(t) or [])] for t in themes}
    owners: dict[str, list[str]] = {}
    for theme, ws in words.items():
        for w in ws:
            owners.setdefault(w, []).append(theme)
    shared = sorted(w for w, ts in owners.items() if len(set(ts)) > 1)
    if shared:
        problems.append(f"word(s) listed under two themes: {', '.join(shared)}")
    if problems:
        raise LabelError(f"{where}: " + "; ".join(problems) + ".")
    return words


def seed_words_empty(path: str | Path) -> bool:
    """True for a seed-word file as ``themes init`` writes it: every theme's list still empty."""
    path = Path(path)
    if not path.is_file():
        return False  # reading it names the missing file
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError:
        return False  # reading it names the YAML error
    return isinstance(data, dict) and bool(data) and not any(data.values())
