"""Where a project's inputs and outputs live.

The layout follows cookiecutter-data-science: ``data/raw`` (read-only
texts), ``data/reference`` (codebook, labels, seed words), ``data/processed``
(the paragraph table), ``results`` (tables, figures, manifest) and
``notebooks``. A student's project uses the same layout in its own folder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import ModelError, ThemesError

MODEL_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
"""A saved model's name: its folder in ``results/models``, so never a path."""
CACHE_FOLDER = ".themes-cache"
"""The study's cache folder, below its root."""


@dataclass(frozen=True)
class Project:
    """Paths of one project, all below ``root``."""

    root: Path = Path(".")

    def __post_init__(self):
        object.__setattr__(self, "root", Path(self.root))

    @property
    def raw(self) -> Path:
        return self.root / "data" / "raw"

    @property
    def reference(self) -> Path:
        return self.root / "data" / "reference"

    @property
    def processed(self) -> Path:
        return self.root / "data" / "processed"

    @property
    def paragraphs(self) -> Path:
        return self.processed / "paragraphs.csv"

    @property
    def codebook(self) -> Path:
        return self.reference / "codebook.md"

    @property
    def human(self) -> Path:
        """The folder of a coding round by people (``themes code collect`` writes it)."""
        return self.reference / "human"

    @property
    def reference_round(self) -> Path:
        """The folder whose labels are the reference: ``human/`` once people's final labels are
        there (``human/labels.csv``), ``data/reference`` otherwise."""
        return self.human if (self.human / "labels.csv").is_file() else self.reference

    @property
    def labels(self) -> Path:
        """The reference labels: ``labels.csv`` of :attr:`reference_round`."""
        return self.reference_round / "labels.csv"

    def codings(self, folder: Path | None = None) -> tuple[Path, Path]:
        """The two independent codings of a round (default: the reference round)."""
        folder = self.reference_round if folder is None else folder
        return folder / "labels_coder1.csv", folder / "labels_coder2.csv"

    @property
    def seed_words(self) -> Path:
        return self.reference / "seed_words.yml"

    @property
    def results(self) -> Path:
        return self.root / "results"

    @property
    def notebooks(self) -> Path:
        return self.root / "notebooks"

    @property
    def cache(self) -> Path:
        """Finished fits and scores of earlier runs (:mod:`themes.selection.cache`); ignored by git."""
        return self.root / CACHE_FOLDER

    def saved_model(self, name: str) -> Path:
        """The folder of a model saved by the main job (``results/models/<name>``), or one sentence
        naming the models saved there."""
        folder = self.results / "models"
        check_model_name(name, folder)
        if not (folder / name / "scorer.json").is_file():
            have = sorted(p.parent.name for p in folder.glob("*/scorer.json")) if folder.is_dir() else []
            choose = (
                f"choose one of {', '.join(have)}" if have else "run 'themes reproduce' to fit and save them"
            )
            raise ModelError(f"there is no saved model {name!r} in {folder}; {choose}.")
        return folder / name

    def require_corpus(self) -> None:
        """Refuse a folder without ``data/raw``: reproducing and verifying start from it."""
        if not self.raw.is_dir():
            raise ThemesError(
                f"{self.raw} does not exist; a project keeps its corpus there (themes init makes one)."
            )


def check_model_name(name: str, folder: Path) -> str:
    """Refuse a model name that is not a plain name (``lda_sklearn``): it names a folder of ``folder``."""
    if not MODEL_NAME.match(name):
        raise ModelError(
            f"{name[:60]!r} is not a model name (letters, digits, '_' and '-'); "
            f"name a model saved in {folder}."
        )
    return name


def project_paths(root: str | Path) -> Project:
    """The project folder, checked to exist and to be a folder."""
    path = Path(root)
    if not path.exists():
        raise ThemesError(f"the project folder {path} does not exist.")
    if not path.is_dir():
        raise ThemesError(f"the project folder {path} is a file, not a folder.")
    return Project(path)
