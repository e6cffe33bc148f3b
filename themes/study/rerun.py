"""Whether a study's results are up to date: a rerun with nothing changed does nothing.

:func:`run_key` digests everything a run's outputs follow from: the inputs (``data/raw``,
``data/reference``, the study's own ``study/`` folder), the settings, the package's code and the
library versions. After a run, :func:`record_run` keeps the key and the sha256 of every output in the
study's cache folder; :func:`up_to_date` is true only when the key is the same and every output is
still there with the same bytes (an output edited or removed by hand makes the run go ahead).
"""

from __future__ import annotations

import json
from pathlib import Path

from .. import __version__, files
from ..environment import library_versions
from ..selection.cache import digest
from .config import StudyConfig
from .project import Project

PACKAGE = Path(__file__).resolve().parents[1]
RECORD = "last_run.json"


def _tree(folder: Path, root: Path) -> dict[str, str]:
    if not folder.is_dir():
        return {}
    return {
        p.relative_to(root).as_posix(): files.sha256_file(p)
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts and p.name != "agreement.csv"
    }


def run_key(project: Project, config: StudyConfig, *, notebooks: bool) -> str:
    """The digest of what the outputs follow from (inputs, settings, code, versions)."""
    root = project.root
    inputs = {**_tree(project.raw, root), **_tree(project.reference, root), **_tree(root / "study", root)}
    code = {p.relative_to(PACKAGE).as_posix(): files.sha256_file(p) for p in sorted(PACKAGE.rglob("*.py"))}
    return digest(inputs, repr(config), code, __version__, library_versions(), notebooks)


def outputs(project: Project) -> dict[str, str]:
    """sha256 of every output of a run: results/, data/processed/, agreement.csv, the notebooks."""
    root = project.root
    out = {**_tree(project.results, root), **_tree(project.processed, root), **_tree(project.notebooks, root)}
    agreement = project.reference / "agreement.csv"
    if agreement.is_file():
        out[agreement.relative_to(root).as_posix()] = files.sha256_file(agreement)
    return out


def up_to_date(project: Project, key: str) -> bool:
    """Whether the last run recorded in the cache had this key and left every output as it is now."""
    path = project.cache / RECORD
    if not path.is_file() or not (project.results / "MANIFEST.json").is_file():
        return False
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, OSError):
        return False
    return record.get("key") == key and record.get("outputs") == outputs(project)


def record_run(project: Project, key: str) -> None:
    """Keep the key of a finished run and the sha256 of its outputs."""
    files.write_json(project.cache / RECORD, {"key": key, "outputs": outputs(project)})
