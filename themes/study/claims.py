"""A study's own claims, checked against the tables of a results folder.

The library makes no claim about any study. A study declares its findings in
``study/findings.py`` of its folder: a mapping :data:`CLAIMS` of each claim (a sentence) to a
check that takes the result tables (:func:`read_tables`) and returns a :class:`Finding`.
:func:`load_claims` reads them, :func:`check_findings` runs them, and ``themes verify`` holds the
rebuilt results to them; a study that declares none is verified on its files alone.
"""

from __future__ import annotations

import hashlib
import importlib.util
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from .. import files
from ..errors import ThemesError
from .project import Project

TABLES = (
    "alignment",
    "summary",
    "model_sweep",
    "model_selection",
    "intrusion",
    "seeding_effect",
    "seed_sensitivity",
    "versus_keywords",
    "keyword_topics",
)
"""The result tables a claim may read."""
FINDINGS_FILE = Path("study") / "findings.py"
"""Where a study folder declares its claims."""


class Finding(NamedTuple):
    """Whether a claim holds, and one line of the numbers it rests on."""

    holds: bool
    detail: str


Tables = Mapping[str, pd.DataFrame]
Claims = Mapping[str, Callable[[Tables], Finding]]


def read_tables(results_dir: str | Path) -> dict[str, pd.DataFrame]:
    """The tables the findings rest on, read from a results folder (a missing one is left out)."""
    results_dir = Path(results_dir)
    return {
        name: files.read_csv(results_dir / f"{name}.csv")
        for name in TABLES
        if (results_dir / f"{name}.csv").exists()
    }


def load_claims(project: Project | str | Path) -> Claims:
    """The claims a study declares in ``study/findings.py`` (its ``CLAIMS``); none when there is no file.

    The file is the study's own code, run as the study's notebooks are: read it before you verify a
    study you did not make.
    """
    root = project.root if isinstance(project, Project) else Path(project)
    path = root / FINDINGS_FILE
    if not path.is_file():
        return {}
    name = "themes_study_findings_" + hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:12]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as exc:  # the study's own code: its failure is reported, in one line
        raise ThemesError(
            f"{path} could not be read ({type(exc).__name__}: {exc}); fix the study's claims."
        ) from None
    claims = getattr(module, "CLAIMS", None)
    if not isinstance(claims, Mapping):
        raise ThemesError(f"{path} declares no CLAIMS mapping of each claim to its check.")
    return claims


def check_findings(results: str | Path | Tables, claims: Claims) -> pd.DataFrame:
    """One row per claim: claim, holds, detail.

    ``results`` is a results folder or its tables as read by :func:`read_tables`. A claim whose
    tables or rows are missing does not hold, with the reason as its detail.
    """
    tables = results if isinstance(results, Mapping) else read_tables(results)
    rows = []
    for claim, check in claims.items():
        try:
            holds, detail = check(tables)
        except (KeyError, ValueError) as exc:  # a missing table, model, theme or column
            holds, detail = False, f"cannot be checked: {type(exc).__name__}: {exc}"
        rows.append({"claim": claim, "holds": bool(holds), "detail": detail})
    return pd.DataFrame(rows, columns=["claim", "holds", "detail"])
