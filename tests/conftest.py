"""Shared fixtures: the repository root, a planted corpus with known word groups, the real study."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from themes import corpus, pipeline
from themes.project import Project
from themes.vectorize import VectorizerSettings, vectorize

ROOT = Path(__file__).resolve().parents[1]
MODELS_CSV_COLUMNS = ["model", "K", "seed", "coherence_npmi", "coherence_cv", "diversity", "stability"]
"""The columns of ``results/models.csv`` promised by the README's output contract."""

# Three groups of words that never share a paragraph: every topic model must find them.
PLANTED_GROUPS = {
    "sea": ["ocean", "wave", "harbor", "sailor", "anchor", "tide", "vessel", "coast"],
    "farm": ["tractor", "barley", "harvest", "orchard", "cattle", "plough", "meadow", "silo"],
    "code": ["compiler", "python", "debugger", "kernel", "function", "variable", "module", "syntax"],
}


def planted_texts(
    n_per_group: int = 12, words: int = 30, seed: int = 0
) -> tuple[list[str], list[str], list[str]]:
    """Paragraphs drawn each from one group's words only; returns texts, ids and group names."""
    rng = np.random.default_rng(seed)
    texts, ids, groups = [], [], []
    for name, vocab in PLANTED_GROUPS.items():
        for i in range(n_per_group):
            texts.append(" ".join(rng.choice(vocab, size=words)))
            ids.append(f"{name}-{i:02d}")
            groups.append(name)
    return texts, ids, groups


@pytest.fixture(scope="session")
def planted():
    """The planted corpus vectorized without stemming or corpus stop list (every word is distinct)."""
    texts, ids, groups = planted_texts()
    settings = VectorizerSettings(stem=False, corpus_stop_min_df=None)
    dtm = vectorize(texts, doc_ids=ids, groups=groups, settings=settings)
    labels = pd.DataFrame({name: [int(g == name) for g in groups] for name in PLANTED_GROUPS}, index=ids)
    return dtm, labels


@pytest.fixture(scope="session")
def real_paragraphs() -> pd.DataFrame:
    """The paragraph table of the real corpus, built afresh from data/raw."""
    return corpus.build_paragraphs(corpus.load_documents(ROOT / "data" / "raw"))


@pytest.fixture(scope="session")
def real_study(real_paragraphs) -> pipeline.Study:
    """The real study's validated inputs (nothing is written)."""
    return pipeline.load_study(Project(ROOT), paragraphs=real_paragraphs)


@pytest.fixture
def project_copy(tmp_path) -> Project:
    """A writable copy of the project's inputs and results (for bad-input and scoring tests)."""
    for part in ("data/raw", "data/reference", "results"):
        shutil.copytree(ROOT / part, tmp_path / part)
    return Project(tmp_path)
