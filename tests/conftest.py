"""Shared fixtures: the repository root, a planted corpus with known word groups, the real study."""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING

import pytest
from helpers import ROOT, planted_texts

from themes.study.project import Project

if TYPE_CHECKING:
    import pandas as pd

# pandas and scikit-learn (through themes.vectorize) are imported in the fixtures, not here: the
# pytest-xdist controller loads this file too and runs no test, so it need not wait for them

# The module that rebuilds the whole study (two to three minutes) is collected first, so that with
# pytest-xdist (scripts/run.sh: --dist loadfile) it starts at once and the short tests fill in.
REBUILDING_MODULES = ("test_reproduce.py",)


def pytest_collection_modifyitems(items):
    def rank(item):
        name = item.path.name
        return REBUILDING_MODULES.index(name) if name in REBUILDING_MODULES else len(REBUILDING_MODULES)

    items.sort(key=rank)  # stable: the order within each module is kept


@pytest.fixture(scope="session")
def planted():
    """The planted corpus vectorized without stemming or corpus stop list (every word is distinct).

    Its 36 paragraphs come from four documents, each holding three paragraphs of every group: the
    themes vary within documents, as in real corpora, so the within-document null can test them.
    """
    return planted_matrix(documents=[f"doc{i % 4}" for i in range(36)])


@pytest.fixture(scope="session")
def planted_by_document():
    """The planted corpus with each group its own document: labels given per document."""
    return planted_matrix(documents=None)


def planted_matrix(documents):
    import pandas as pd

    from themes.text.matrix import DocumentTermMatrix
    from themes.text.vectorizer import Vectorizer

    texts, ids, groups = planted_texts()
    table = pd.DataFrame({"paragraph_id": ids, "doc_id": documents or groups, "text": texts})
    dtm = DocumentTermMatrix.from_paragraphs(Vectorizer(stem=False, corpus_stop_min_df=None), table, fit=True)
    labels = pd.DataFrame(
        {name: [int(g == name) for g in groups] for name in dict.fromkeys(groups)}, index=ids
    )
    return dtm, labels


@pytest.fixture(scope="session")
def real_paragraphs() -> pd.DataFrame:
    """The paragraph table of the real corpus, built afresh from data/raw."""
    from themes import corpus

    return corpus.build_paragraphs(corpus.load_documents(ROOT / "data" / "raw"))


@pytest.fixture(scope="session")
def real_study(real_paragraphs):
    """The real study's validated inputs (nothing is written)."""
    from themes.study.inputs import load_study

    return load_study(Project(ROOT), paragraphs=real_paragraphs)


@pytest.fixture
def project_copy(tmp_path) -> Project:
    """A writable copy of the project's inputs and results (for bad-input and scoring tests)."""
    for part in ("data/raw", "data/reference", "results"):
        shutil.copytree(ROOT / part, tmp_path / part)
    return Project(tmp_path)


@pytest.fixture(scope="session")
def chromium() -> tuple[str, str]:
    """Paths of chromium and chromedriver, installed by ``scripts/ensure_chromium.sh`` when missing."""
    import subprocess

    done = subprocess.run(
        ["bash", str(ROOT / "scripts" / "ensure_chromium.sh")], capture_output=True, text=True, timeout=900
    )
    if done.returncode != 0:
        pytest.fail(f"scripts/ensure_chromium.sh could not provide Chromium:\n{done.stderr}", pytrace=False)
    return shutil.which("chromium"), shutil.which("chromedriver")


@pytest.fixture
def findings_hold(monkeypatch):
    """Every declared finding holds: the tier logic of ``themes verify`` tested apart from the study's
    current claims."""
    import pandas as pd

    from themes.verify import verdict

    def every_claim_holds(results, claims):
        return pd.DataFrame({"claim": list(claims), "holds": True, "detail": ""})

    monkeypatch.setattr(verdict, "check_findings", every_claim_holds)
