"""Seed words: a few words per theme, read from YAML and checked against the codebook's themes.

Seeded and keyword-assisted models and the keyword baseline take them; a file as ``themes init``
writes it (every list still empty) means the study has none yet. YAML is read by one strict
loader (:func:`read_yaml`): no aliases or anchors, bounded size and depth, no tags beyond YAML's own.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from ..errors import LabelError
from .labels import read_utf8

MAX_YAML_BYTES = 2**20
"""Largest YAML file read (a seed-word file is a few hundred bytes)."""
MAX_YAML_DEPTH = 20
"""Deepest nesting of a YAML file (seed words nest two levels)."""


class _Refused(Exception):
    """A YAML feature the strict loader does not take."""


class _StrictLoader(yaml.SafeLoader):
    """PyYAML's safe loader without aliases and anchors (a few hundred bytes of them expand into
    billions of nodes: "billion laughs") and without nesting beyond :data:`MAX_YAML_DEPTH`
    (the composer recurses once per level)."""

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent):
            raise _Refused(f"uses the alias *{event.anchor} on line {line}; write each list out in full")
        if getattr(event, "anchor", None) is not None:
            raise _Refused(f"defines the anchor &{event.anchor} on line {line}; write each list out in full")
        self._depth += 1
        if self._depth > MAX_YAML_DEPTH:
            raise _Refused(f"nests more than {MAX_YAML_DEPTH} levels deep (line {line})")
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def read_yaml(path: str | Path):
    """A YAML file's content through the strict loader, or one sentence (:class:`LabelError`).

    Refused: a file over :data:`MAX_YAML_BYTES`, text that is not UTF-8, aliases and anchors,
    nesting over :data:`MAX_YAML_DEPTH` levels, tags beyond YAML's own (``!!python/...``).
    """
    path = Path(path)
    if not path.is_file():
        raise LabelError(f"the YAML file {path} does not exist.")
    size = path.stat().st_size
    if size > MAX_YAML_BYTES:
        raise LabelError(f"{path} holds {size:,} bytes; a YAML file of themes is at most {MAX_YAML_BYTES:,}.")
    text = read_utf8(path)
    loader = _StrictLoader(text)
    try:
        return loader.get_single_data()
    except _Refused as exc:
        raise LabelError(f"{path} {exc}.") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise LabelError(f"{path} is not valid YAML{where} ({str(exc).splitlines()[0]}).") from None
    except RecursionError:  # deep flow nesting the scanner meets before the composer
        raise LabelError(f"{path} nests too deep to be read as YAML.") from None
    finally:
        loader.dispose()


def read_seed_words(path: str | Path, *, themes: list[str] | None = None) -> dict[str, list[str]]:
    """Seed words per theme from a YAML mapping ``theme: [word, ...]`` (see :func:`check_seed_words`).

    ``themes`` (the codebook's) default to the file's own keys.
    """
    path = Path(path)
    if not path.is_file():
        raise LabelError(f"the seed-word file {path} does not exist.")
    data = read_yaml(path)
    if themes is None:
        themes = [str(t) for t in data] if isinstance(data, dict) else []
    return check_seed_words(data, themes=themes, where=str(path))


def _not_words(words) -> str | None:
    """Why a theme's value is not a list of words, or None when it is."""
    if not isinstance(words, list | tuple):
        shown = "null" if words is None else repr(words)[:40]
        return f"{shown} (a {type(words).__name__ if words is not None else 'null'}, not a list of words)"
    odd = [w for w in words if not isinstance(w, str) or not w.strip()]
    if odd:
        shown = "null" if odd[0] is None else repr(odd[0])[:40]
        return f"the item {shown}, which is not a word (write each word as text)"
    return None


def check_seed_words(data, *, themes: list[str], where: str = "seed words") -> dict[str, list[str]]:
    """Validate a mapping ``theme: [word, ...]``; words are lower-cased and stripped.

    Every theme needs at least one seed word and no unknown theme may appear; each value must
    be a list of words (text: ``morale: fear`` or ``- null`` is refused, not read as letters or
    as the word "none"); a word under two themes is refused, since it could seed neither.
    """
    if not isinstance(data, dict):
        raise LabelError(f"{where} must map each theme to a list of seed words.")
    unknown = [t for t in data if t not in themes]
    problems = []
    if unknown:
        problems.append(f"unknown theme(s) {', '.join(map(str, unknown))}")
    not_lists = {t: why for t in themes if t in data and (why := _not_words(data[t])) is not None}
    if not_lists:
        problems.append("; ".join(f"{t} holds {why}" for t, why in not_lists.items()))
    missing = [t for t in themes if t not in not_lists and not data.get(t)]
    if missing:
        problems.append(f"no seed words for {', '.join(missing)}")
    if problems:
        raise LabelError(f"{where}: " + "; ".join(problems) + ".")
    words = {t: [w.strip().lower() for w in data[t]] for t in themes}
    owners: dict[str, list[str]] = {}
    for theme, ws in words.items():
        for w in ws:
            owners.setdefault(w, []).append(theme)
    shared = sorted(w for w, ts in owners.items() if len(set(ts)) > 1)
    if shared:
        raise LabelError(f"{where}: word(s) listed under two themes: {', '.join(shared)}.")
    return words


def seed_words_empty(path: str | Path) -> bool:
    """True for a seed-word file as ``themes init`` writes it: every theme's list still empty."""
    path = Path(path)
    if not path.is_file():
        return False  # reading it names the missing file
    try:
        data = read_yaml(path)
    except LabelError:
        return False  # reading it names the problem
    return isinstance(data, dict) and bool(data) and all(v == [] for v in data.values())
