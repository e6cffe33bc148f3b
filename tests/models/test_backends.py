"""The backend seam: a new estimator is described once, and then works in every stage.

A toy estimator lives in a package of its own (written to a temporary folder, as a student's or
another lab's package would be) and declares its :class:`~themes.models.Backend` through the
entry point group ``themes.backends``. Nothing else is registered anywhere: the test then runs it
through fitting, the K sweep, a study's design, the comparison, saving and loading, ``themes score``
in a separate process, and the explorer.
"""

from __future__ import annotations

import io
import subprocess
import sys
import textwrap

import pandas as pd
import pytest
from helpers import PLANTED_GROUPS, RUN_ENV, planted_texts

import themes as th
from themes.comparison.saved_scorers import save_scorer
from themes.comparison.scorers import TopicScorer
from themes.errors import ModelError
from themes.models import backends
from themes.report.explorer import write_explorer
from themes.selection.sweep import run_sweep
from themes.study.config import StudyConfig
from themes.study.design import ModelSpec
from themes.study.inputs import make_study
from themes.study.pipeline import fit_stage

TOY_PACKAGE = '''
"""A toy topic estimator in a package of its own: multiplicative-update NMF, a dozen lines."""

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin

from themes.models import Backend


class ToyTopics(TransformerMixin, BaseEstimator):
    def __init__(self, n_components=2, n_iter=200, random_state=None):
        self.n_components = n_components
        self.n_iter = n_iter
        self.random_state = random_state

    def fit_transform(self, X, y=None):
        X = sp.csr_matrix(X).toarray()
        rng = np.random.default_rng(self.random_state)
        W = rng.random((X.shape[0], self.n_components)) + 0.1
        H = rng.random((self.n_components, X.shape[1])) + 0.1
        for _ in range(self.n_iter):
            H *= (W.T @ X) / (W.T @ W @ H + 1e-9)
            W *= (X @ H.T) / (W @ H @ H.T + 1e-9)
        self.components_ = H
        self.n_features_in_ = X.shape[1]
        return W

    def fit(self, X, y=None):
        self.fit_transform(X)
        return self

    def transform(self, X):
        X = sp.csr_matrix(X).toarray()
        W = np.full((X.shape[0], self.n_components), 0.5)
        for _ in range(self.n_iter):
            W *= (X @ self.components_.T) / (W @ self.components_ @ self.components_.T + 1e-9)
        return W


TOY_BACKEND = Backend("toy", "toy_topics:ToyTopics", matrix="tfidf", family="nmf", description="a toy NMF")
'''


@pytest.fixture
def toy(tmp_path, monkeypatch):
    """The toy package on the path, its backend declared by an entry point (nothing else registered)."""
    (tmp_path / "toy_topics.py").write_text(textwrap.dedent(TOY_PACKAGE), encoding="utf-8")
    info = tmp_path / "toy_topics-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: toy-topics\nVersion: 0.1\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(
        "[themes.backends]\ntoy = toy_topics:TOY_BACKEND\n", encoding="utf-8"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    backends._plugin_backends.cache_clear()
    yield __import__("toy_topics")
    backends._plugin_backends.cache_clear()
    sys.modules.pop("toy_topics", None)


def test_without_its_backend_an_estimator_is_refused_in_one_sentence(tmp_path, monkeypatch, planted):
    (tmp_path / "toy_topics.py").write_text(textwrap.dedent(TOY_PACKAGE), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))  # the package, but no entry point
    backends._plugin_backends.cache_clear()
    estimator = __import__("toy_topics").ToyTopics(n_components=3, random_state=0)
    dtm, _ = planted
    with pytest.raises(ModelError, match="not a backend of themes"):
        th.models.fit_matrix(estimator, dtm)
    sys.modules.pop("toy_topics", None)
    backends._plugin_backends.cache_clear()


def test_a_toy_backend_runs_through_every_stage(toy, planted, tmp_path):
    dtm, labels = planted
    assert backends.available_backends()["toy"] is toy.TOY_BACKEND

    # fitting: the backend says it takes tf-idf
    model = th.models.fit_matrix(toy.ToyTopics(n_components=3, random_state=0), dtm, name="toy")
    assert model.backend.name == "toy" and model.params["input"] == "tfidf" and not model.seeded
    for top in model.top_word_lists(5, readable=False):  # each topic is one planted group
        assert any(set(top) <= set(group) for group in PLANTED_GROUPS.values()), top

    # the K sweep takes the estimator itself, not a name
    sweep = run_sweep(dtm, {"toy": toy.ToyTopics()}, k_range=[2, 3, 4], seeds=[0, 1])
    assert set(sweep.scores["model"]) == {"toy"} and len(sweep.fits) == 6

    # the comparison: each planted group is found by one toy topic
    report = th.compare(model, labels)
    assert report.metrics["auc_mean"].min() > 0.95
    assert report.metrics["verdict"].eq("recovered").all()

    # saving and loading: the saved file names the toy class, and only its backend lets it load
    model.save(tmp_path / "saved")
    again = th.TopicModel.load(tmp_path / "saved")
    assert again.backend.name == "toy"
    texts = ["the sailor dropped the anchor as the tide came in over the harbor wave"]
    pd.testing.assert_frame_equal(again.transform(texts), model.transform(texts))

    # the explorer
    page = tmp_path / "toy.html"
    write_explorer(model, page, texts=pd.Series(dtm.texts, index=list(dtm.paragraph_ids)), labels=labels)
    assert "topic_01" in page.read_text(encoding="utf-8")


def test_a_toy_backend_serves_a_study_design_and_themes_score(toy, planted, tmp_path):
    dtm, labels = planted
    texts, ids, groups = planted_texts()
    paragraphs = pd.DataFrame({"paragraph_id": ids, "doc_id": groups, "text": texts, "status": "kept"})
    config = StudyConfig(
        models={"toy": ModelSpec("toy", "toy")},
        sweep_models=("toy",),
        k_range=(3, 4),
        seeds=(0, 1),
        n_jobs=1,
        vectorizer={"stem": False, "corpus_stop_min_df": None},
    )
    study = make_study(paragraphs, themes=list(PLANTED_GROUPS), seed_words={}, labels=labels, config=config)
    fits = fit_stage(study)
    assert list(fits.by_model) == ["toy"] and all(f.backend.name == "toy" for f in fits.by_model["toy"])

    # themes score, in a process of its own that finds the backend through the entry point alone
    project = tmp_path / "project"
    save_scorer(
        TopicScorer.from_model(fits.by_model["toy"][0], labels), project / "results" / "models" / "toy"
    )
    new = tmp_path / "new.txt"
    new.write_text(
        " ".join(PLANTED_GROUPS["farm"] * 3) + ".\n\n" + " ".join(PLANTED_GROUPS["code"] * 3) + ".\n",
        encoding="utf-8",
    )
    env = {**RUN_ENV, "PYTHONPATH": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "themes", "--root", str(project), "score", "--model", "toy", str(new)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    scores = pd.read_csv(io.StringIO(done.stdout))
    assert list(scores["model"]) == ["toy", "toy"]
    assert scores.loc[0, "farm"] > scores.loc[0, "code"] and scores.loc[1, "code"] > scores.loc[1, "farm"]
