"""A study's settings from its own folder (``study/settings.yml``) and from the command line.

The file holds any of :data:`SETTINGS` as YAML, for example::

    seeds: [0, 1, 2]
    k_range: [3, 4, 5, 6, 7, 8]
    n_perm: 500
    seed_word_checks: false

:func:`study_config` layers them: :class:`~themes.study.config.StudyConfig`'s defaults, then the
file, then what the command line gives. Every value is checked here and refused in one sentence.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from ..errors import ThemesError
from ..reference.seed_words import read_yaml  # the strict loader: no aliases, bounded size and depth
from .config import StudyConfig

SETTINGS_FILE = Path("study") / "settings.yml"
"""Where a study keeps its settings, relative to its folder."""
SETTINGS = {
    "seeds": "a list of whole numbers, e.g. [0, 1, 2]",
    "k_range": "a list of whole numbers, e.g. [3, 4, 5, 6], or a range '3-12'",
    "n_boot": "a whole number",
    "n_perm": "a whole number",
    "stat_seed": "a whole number",
    "n_free": "a whole number",
    "naive_k": "a whole number",
    "n_jobs": "a whole number (-1: every core)",
    "seed_word_checks": "true or false",
    "seed_word_variants": "a whole number (0: every variant)",
    "supervised_folds": "a whole number (0: one fold per document)",
    "confound_documents_max": "a whole number of documents",
    "scale": "auto, small or large",
    "large_from": "a whole number of paragraphs",
    "quick": "true or false",
}
"""The settings a study folder or the command line may give, and what each takes."""


def parse_ints(value, name: str, where: str) -> tuple[int, ...]:
    """A list of whole numbers from a list, ``"0,1,2"`` or a range ``"3-12"``."""
    if isinstance(value, str):
        text = value.strip()
        if "-" in text.lstrip("-") and "," not in text:
            lo, _, hi = text.partition("-")
            value = (
                list(range(int(lo), int(hi) + 1)) if lo.strip().isdigit() and hi.strip().isdigit() else None
            )
        else:
            parts = [p.strip() for p in text.split(",") if p.strip()]
            value = [int(p) for p in parts] if all(p.lstrip("-").isdigit() for p in parts) else None
    if isinstance(value, int) and not isinstance(value, bool):
        value = [value]
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    ):
        raise ThemesError(f"{name} in {where} must be {SETTINGS[name]}, not {value!r}.")
    return tuple(value)


def check_settings(values: dict, where: str) -> dict:
    """``values`` as :class:`StudyConfig` fields; an unknown name or a bad value is refused."""
    if not isinstance(values, dict):
        raise ThemesError(f"{where} must hold settings as 'name: value' lines, e.g. 'n_perm: 500'.")
    out = {}
    for name, value in values.items():
        if name not in SETTINGS:
            raise ThemesError(
                f"{where} names the unknown setting {name!r}; use one of {', '.join(SETTINGS)}."
            )
        if name in ("seeds", "k_range"):
            out[name] = parse_ints(value, name, where)
        elif name in ("seed_word_checks", "quick"):
            if not isinstance(value, bool):
                raise ThemesError(f"{name} in {where} must be true or false, not {value!r}.")
            out[name] = value
        elif name == "scale":
            if value not in ("auto", "small", "large"):
                raise ThemesError(f"scale in {where} must be auto, small or large, not {value!r}.")
            out[name] = value
        else:
            if isinstance(value, bool) or not isinstance(value, int):
                raise ThemesError(f"{name} in {where} must be {SETTINGS[name]}, not {value!r}.")
            out[name] = value
    return out


def read_settings(root: str | Path) -> dict:
    """The checked settings of ``<root>/study/settings.yml`` ({} when there is none)."""
    path = Path(root) / SETTINGS_FILE
    if not path.is_file():
        return {}
    data = read_yaml(path)
    return {} if data is None else check_settings(data, str(path))


def study_config(
    root: str | Path, overrides: dict | None = None, *, base: StudyConfig = StudyConfig()
) -> StudyConfig:
    """``base``, then the study folder's settings, then ``overrides`` (the command line's)."""
    values = {**read_settings(root), **check_settings(overrides or {}, "the command line")}
    try:
        return replace(base, **values)
    except ThemesError as exc:
        raise ThemesError(f"{exc} (settings of {Path(root) / SETTINGS_FILE} or the command line)") from None


def run_config(project) -> StudyConfig:
    """The settings the main job last ran with, from its ``results/MANIFEST.json``: what the notebooks
    describe its results with, so that a flag given on the command line (``--scale large``,
    ``--seeds 0,1``) holds there too. The study folder's settings (:func:`study_config`) before the
    first run. A quick look's settings are recorded already reduced, so they are read as they are
    (``quick`` is not applied again); models and vectorizer are the design's for the recorded scale.
    """
    manifest = Path(project.results) / "MANIFEST.json"
    if not manifest.is_file():
        return study_config(project.root)
    try:
        recorded = json.loads(manifest.read_text(encoding="utf-8")).get("config", {})
    except (OSError, ValueError, AttributeError):
        raise ThemesError(f"{manifest} is not a manifest the main job wrote; run themes reproduce.") from None
    given = (
        {k: v for k, v in recorded.items() if k in SETTINGS and k != "quick"}
        if isinstance(recorded, dict)
        else {}
    )
    return replace(StudyConfig(), **check_settings(given, str(manifest)))
