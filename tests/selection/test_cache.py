"""The study's cache of fits and coherence scores: keyed by what a fit depends on, read back exactly."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.decomposition import NMF

from themes.models.seeded_nmf import SeededNMF
from themes.selection import measures
from themes.selection.cache import StudyCache, use_cache
from themes.selection.sweep import fit_models, grid_task

SEEDS = {"sea": ["ocean", "wave"], "farm": ["tractor", "barley"]}


def tasks():
    plain = NMF(init="nndsvda", max_iter=300)
    seeded = SeededNMF(seed_words=SEEDS)
    return [
        grid_task("nmf", plain, k=3, seed=0),
        grid_task("nmf", plain, k=4, seed=1),
        grid_task("seeded", seeded, k=3, seed=0),
    ]


def test_a_cached_fit_is_read_back_equal_and_a_new_one_stored(planted, tmp_path):
    dtm, _ = planted
    cache = StudyCache(tmp_path / "cache")
    with use_cache(cache):
        first = fit_models(tasks(), {"study": dtm})
        assert (cache.hits, cache.misses) == (0, 3) and cache.size()[0] == 3
        again = fit_models(tasks(), {"study": dtm})
    assert (cache.hits, cache.misses) == (3, 3)
    for a, b in zip(first, again, strict=True):
        assert (a.name, a.k, a.seed, a.topic_names) == (b.name, b.k, b.seed, b.topic_names)
        np.testing.assert_array_equal(a.doc_topic, b.doc_topic)
        np.testing.assert_array_equal(a.topic_term, b.topic_term)
        assert a.params == b.params


def test_new_seed_words_refit_only_the_seeded_fit(planted, tmp_path):
    dtm, _ = planted
    cache = StudyCache(tmp_path / "cache")
    with use_cache(cache):
        fit_models(tasks(), {"study": dtm})
        changed = tasks()
        changed[2] = grid_task("seeded", SeededNMF(seed_words={**SEEDS, "sea": ["ocean"]}), k=3, seed=0)
        fit_models(changed, {"study": dtm})
    assert (cache.hits, cache.misses) == (2, 4)


def test_a_changed_matrix_changes_every_key(planted, tmp_path):
    dtm, _ = planted
    cache = StudyCache(tmp_path / "cache")
    task = tasks()[0]
    other = type(dtm)(dtm.vectorizer, dtm.counts[:-1], dtm.paragraph_ids[:-1], None, dtm.texts[:-1])
    assert cache.fit_key(task.name, task.estimator, dtm) != cache.fit_key(task.name, task.estimator, other)
    assert cache.fit_key(task.name, task.estimator, dtm) == cache.fit_key(task.name, task.estimator, dtm)


def test_without_an_active_cache_nothing_is_stored(planted, tmp_path):
    dtm, _ = planted
    fit_models(tasks()[:1], {"study": dtm})
    assert not (tmp_path / "cache").exists()


def test_an_unreadable_cached_fit_is_refitted(planted, tmp_path):
    dtm, _ = planted
    cache = StudyCache(tmp_path / "cache")
    with use_cache(cache):
        fit_models(tasks()[:1], {"study": dtm})
        (next((tmp_path / "cache").rglob("model.json"))).write_text("{not json", encoding="utf-8")
        fit_models(tasks()[:1], {"study": dtm})
    assert cache.hits == 0 and cache.misses == 2


@pytest.mark.slow
def test_cached_coherence_equals_coherence_and_is_not_recomputed(planted, tmp_path, monkeypatch):
    dtm, _ = planted
    fits = fit_models(tasks()[:2], {"study": dtm})
    plain = measures.score_fits(fits, dtm)
    cache = StudyCache(tmp_path / "cache")
    with use_cache(cache):
        measures.score_fits(fits, dtm)

        def refuse(*args, **kwargs):
            raise AssertionError("coherence recomputed although cached")

        monkeypatch.setattr(measures, "coherence_in_parts", refuse)
        cached = measures.score_fits(fits, dtm)
    assert cached.equals(plain)


def test_clear_removes_the_folder(planted, tmp_path):
    dtm, _ = planted
    cache = StudyCache(tmp_path / "cache")
    with use_cache(cache):
        fit_models(tasks()[:1], {"study": dtm})
    cache.clear()
    assert not cache.folder.exists() and cache.size() == (0, 0)


class Interrupted(NMF):
    """An NMF whose fit is stopped, as Ctrl-C stops a run part way."""

    def fit_transform(self, X, y=None, W=None, H=None):
        raise KeyboardInterrupt


def test_a_run_stopped_part_way_keeps_the_fits_it_finished(planted, tmp_path):
    dtm, _ = planted
    cache = StudyCache(tmp_path / "cache")
    stopped = [*tasks()[:2], grid_task("nmf", Interrupted(init="nndsvda"), k=5, seed=0)]
    with use_cache(cache), pytest.raises(KeyboardInterrupt):
        fit_models(stopped, {"study": dtm}, n_jobs=1)
    assert cache.size()[0] == 2
    with use_cache(cache):
        fit_models(tasks(), {"study": dtm}, n_jobs=1)
    assert (cache.hits, cache.misses) == (2, 4)  # the rerun fits only the third task
