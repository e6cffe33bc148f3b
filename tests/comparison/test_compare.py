"""Topics against themes: AUC, matching, failure kinds, baselines, bootstrap and null."""

import numpy as np
import pandas as pd
import pytest
from sklearn.decomposition import NMF
from sklearn.metrics import precision_recall_fscore_support, roc_auc_score

import themes as th
from themes.comparison import baselines, intervals, matching, metrics, null
from themes.comparison.scorers import ConfoundScorer, ModelRuns
from themes.comparison.theme_table import ALIGNMENT_COLUMNS, Inference, theme_table
from themes.errors import LabelError, ModelError
from themes.models.fitting import fit_matrix


def test_auc_matrix_equals_scikit_learn():
    rng = np.random.default_rng(0)
    scores = rng.random((40, 3))
    scores[:, 2] = np.round(scores[:, 2], 1)  # ties
    labels = rng.integers(0, 2, (40, 2))
    got = matching.auc_matrix(scores, labels)
    for i in range(3):
        for t in range(2):
            assert got[i, t] == pytest.approx(roc_auc_score(labels[:, t], scores[:, i]))
    assert np.isnan(matching.auc_matrix(scores, np.zeros((40, 1))))[0, 0]


def test_precision_recall_f1_equal_scikit_learn_including_empty_columns():
    rng = np.random.default_rng(1)
    truth = rng.integers(0, 2, (50, 5))
    pred = rng.integers(0, 2, (50, 5))
    truth[:, 2] = 0  # no positives: recall 0/0
    pred[:, 3] = 0  # nothing predicted: precision 0/0
    truth[:, 4] = pred[:, 4] = 0  # neither: F1 0/0 too
    got = metrics.precision_recall_f1(truth, pred)
    want = precision_recall_fscore_support(truth, pred, average=None, zero_division=0)[:3]
    for g, w in zip(got, want, strict=True):
        np.testing.assert_array_equal(g, w)


def test_matching_finds_each_planted_group_and_names_leftovers(planted):
    dtm, labels = planted
    model = fit_matrix(NMF(n_components=4, random_state=0), dtm)
    assoc = matching.association(model, labels)
    matched = matching.match_themes(assoc)
    for theme, topic in matched.items():
        assert assoc.at[topic, theme] == 1.0
    assert len(set(matched.values())) == 3  # one topic stays "other"
    scores = matching.topic_theme_scores(model, matched)
    assert list(scores.columns) == list(labels.columns)


def test_fewer_topics_than_themes_leave_themes_unmatched():
    assoc = pd.DataFrame([[0.9, 0.2, 0.6]], index=["topic_01"], columns=["a", "b", "c"])
    assert matching.match_themes(assoc) == {"a": "topic_01", "b": None, "c": None}
    assert matching.match_themes(assoc.rename(index={"topic_01": "a"}), seeded=True) == {
        "a": "a",
        "b": None,
        "c": None,
    }


def test_failure_kinds_are_named():
    assoc = pd.DataFrame(
        [[0.9, 0.8, 0.5, 0.5], [0.5, 0.5, 0.75, 0.5], [0.5, 0.5, 0.72, 0.5]],
        index=["t1", "t2", "t3"],
        columns=["a", "b", "c", "d"],
    )
    kinds = matching.failure_kinds(assoc)
    got = {(r.kind, r.theme) for r in kinds.itertuples()}
    assert got == {("fused", "a"), ("fused", "b"), ("repeated", "c"), ("missing", "d")}


def test_keyword_scores_are_shares_of_seed_word_hits(planted):
    dtm, _ = planted
    words = {"sea": ["oceans"], "farm": ["barley"]}  # analysed like the text: "oceans" -> "oceans"
    vec = dtm.vectorizer
    scores = baselines.keyword_scores(
        ["ocean barley barley", "nothing here"], ["x", "y"], vec, {"sea": ["ocean"], "farm": ["barley"]}
    )
    assert scores.loc["x"].tolist() == pytest.approx([1 / 3, 2 / 3]) and scores.loc["y"].tolist() == [0, 0]
    assert baselines.keyword_scores(["ocean"], ["z"], vec, words).loc["z"].tolist() == [0, 0]


def test_keyword_scores_from_counted_stems_equal_those_from_the_texts(planted):
    dtm, _ = planted
    words = {"sea": ["ocean", "wave"], "farm": ["tractor", "ocean"]}  # "ocean" counts for its first theme
    texts = [*dtm.texts[:20], "", "1 2 3"]  # the last two have no word at all
    ids = [str(i) for i in range(len(texts))]
    counted = baselines.stem_counts(texts, dtm.vectorizer)
    for vocabulary_only in (False, True):
        a = baselines.keyword_scores(texts, ids, dtm.vectorizer, words, vocabulary_only=vocabulary_only)
        b = baselines.keyword_scores(
            texts, ids, dtm.vectorizer, words, vocabulary_only=vocabulary_only, stems=counted
        )
        pd.testing.assert_frame_equal(a, b)
        assert a.iloc[-2:].to_numpy().tolist() == [[0, 0], [0, 0]] and a.to_numpy().max() > 0
    # counted by hand: every token of the text, as the corpus analysis gives it
    analyzer = dtm.vectorizer.analyzer_
    for text, (_, row) in zip(texts, a.iterrows(), strict=True):
        tokens = analyzer.stems(analyzer.words(text))
        sea, farm = sum(t in ("ocean", "wave") for t in tokens), sum(t == "tractor" for t in tokens)
        assert row.tolist() == ([sea / (sea + farm), farm / (sea + farm)] if sea + farm else [0, 0])


def test_supervised_scores_leave_each_document_out(planted, monkeypatch):
    dtm, labels = planted
    documents = [f"d{i % 4}" for i in range(len(labels))]  # every theme in every document
    seen = []
    real = baselines.supervised_classifier

    class Spy:
        def __init__(self, seed):
            self.inner = real(seed)

        def fit(self, X, y):
            seen.append(X.shape[0])
            self.inner.fit(X, y)
            return self

        def predict_proba(self, X):
            return self.inner.predict_proba(X)

    monkeypatch.setattr(baselines, "supervised_classifier", Spy)
    scores = baselines.supervised_scores(dtm, labels, documents, seed=0)
    for theme in labels.columns:
        assert roc_auc_score(labels[theme], scores[theme]) > 0.95
    per_doc = pd.Series(documents).value_counts()
    # one fit per theme and held-out document, on the other documents' paragraphs only
    assert sorted(seen) == sorted(len(labels) - n for n in per_doc.tolist() for _ in labels.columns)


def test_supervised_scores_say_absent_when_other_documents_lack_the_theme(planted):
    dtm, labels = planted
    theme = labels.columns[0]
    documents = np.where(labels[theme] == 1, "only", "rest").tolist()  # all positives in one document
    scores = baselines.supervised_scores(dtm, labels, documents, seed=0)
    # trained on "rest" (no positive), the positives get 0; trained on "only" (all positive), the rest 1
    assert (scores.loc[labels[theme] == 1, theme] == 0).all() and (
        scores.loc[labels[theme] == 0, theme] == 1
    ).all()


def test_theme_metrics_and_model_as_coder(planted):
    dtm, labels = planted
    perfect = labels.astype(float)
    table = metrics.theme_metrics(perfect, labels, metrics.decisions(perfect, 0.5))
    assert (
        (table[["auc", "average_precision", "precision", "recall", "f1", "alpha_model"]] == 1.0).all().all()
    )


def test_bootstrap_interval_brackets_the_estimate_and_is_reproducible(planted):
    dtm, labels = planted
    rng = np.random.default_rng(0)
    noisy = labels + rng.normal(0, 0.6, labels.shape)
    a = intervals.bootstrap_auc([noisy], labels, n_boot=300, seed=1)
    b = intervals.bootstrap_auc([noisy], labels, n_boot=300, seed=1)
    pd.testing.assert_frame_equal(a, b)
    for theme, row in a.set_index("theme").iterrows():
        auc = roc_auc_score(labels[theme], noisy[theme])
        assert row["auc_ci_low"] <= auc <= row["auc_ci_high"] and row["auc_ci_low"] < row["auc_ci_high"]


def test_permutation_test_is_near_chance_for_one_column_higher_when_matching_many_and_small_for_signal():
    rng = np.random.default_rng(0)
    labels = pd.DataFrame({"a": rng.integers(0, 2, 60), "b": rng.integers(0, 2, 60)})
    one = pd.DataFrame({"a": rng.random(60), "b": rng.random(60)})
    many = pd.DataFrame(rng.random((60, 12)), columns=[f"t{i}" for i in range(12)])
    fixed = null.permutation_test([one], labels, n_perm=200, seed=0, match=False).set_index("theme")
    matched = null.permutation_test([many], labels, n_perm=200, seed=0).set_index("theme")
    assert fixed["auc_null_mean"].between(0.45, 0.55).all()
    assert (matched["auc_null_mean"] > fixed["auc_null_mean"] + 0.05).all()  # picking the best of 12 flatters
    assert (fixed["auc_p"] > 0.05).all() and (matched["auc_p"] > 0.05).all()  # noise is not significant
    signal = many.assign(t0=labels["a"] + rng.normal(0, 0.3, 60))
    test = null.permutation_test([signal, many], labels, n_perm=200, seed=0).set_index("theme")
    assert test.at["a", "auc_p"] == pytest.approx(1 / 201)  # no shuffle beats a real signal
    assert test.at["b", "auc_p"] > 0.05


def test_holm_adjusts_step_down_and_keeps_order():
    adjusted = null.holm([0.01, 0.04, 0.03, 0.5])
    assert adjusted.tolist() == pytest.approx([0.04, 0.09, 0.09, 0.5])


def test_cluster_bootstrap_resamples_whole_documents(planted_by_document):
    planted = planted_by_document
    dtm, labels = planted
    docs = pd.Series(dtm.document_ids, index=list(dtm.paragraph_ids))
    perfect = labels.astype(float) + 0.0
    ci = intervals.cluster_bootstrap_auc([perfect], labels, docs, n_boot=100, seed=0, match=False)
    assert (ci["n_documents"] == 3).all()
    # each planted group is one document: a resample without it leaves the theme with no positive
    # and no AUC (left out, not counted as 0.5); with it, the perfect score gives 1.0
    assert (ci["auc_cluster_high"] == 1.0).all() and (ci["auc_cluster_low"] == 1.0).all()


def _scorer(candidates: pd.DataFrame, matching: dict) -> ConfoundScorer:
    """A scorer whose themes are matched to the given candidate columns (None: unmatched)."""
    scores = pd.DataFrame(
        {t: candidates[c] if c else 0.0 for t, c in matching.items()}, index=candidates.index
    )
    return ConfoundScorer("m", candidates, matching, scores, 0.5, True)


def test_an_unmatched_seed_counts_at_chance_in_the_statistic_the_null_and_the_interval():
    rng = np.random.default_rng(3)
    labels = pd.DataFrame({"a": rng.integers(0, 2, 80), "b": rng.integers(0, 2, 80)})
    good = labels["a"] + rng.normal(0, 0.5, 80)
    # seed 0 matches both themes; seed 1 has one topic only, so "b" goes unmatched there
    seed0 = pd.DataFrame({"t0": good, "t1": labels["b"] + rng.normal(0, 0.5, 80)})
    seed1 = pd.DataFrame({"t0": good})
    test = null.permutation_test([seed0, seed1], labels, n_perm=50, seed=0).set_index("theme")
    b_alone = roc_auc_score(labels["b"], seed0["t1"])
    assert test.at["b", "auc_observed"] == pytest.approx((b_alone + 0.5) / 2)  # the unmatched seed at 0.5
    scores = [seed0.set_axis(["a", "b"], axis=1), pd.DataFrame({"a": good, "b": 0.0})]
    ci = intervals.bootstrap_auc(scores, labels, n_boot=200, seed=0).set_index("theme")
    alone = intervals.bootstrap_auc(scores[:1], labels, n_boot=200, seed=0).set_index("theme")
    # the unmatched seed's constant score pulls the interval halfway to 0.5
    assert ci.at["b", "auc_ci_low"] == pytest.approx((alone.at["b", "auc_ci_low"] + 0.5) / 2, abs=0.02)
    never = intervals.bootstrap_auc(scores[1:], labels, n_boot=20, seed=0).set_index("theme")
    assert never.loc["b"].tolist() == [0.5, 0.5]
    # and the per-seed table says which seeds matched; the mean over seeds counts the other at chance
    runs = ModelRuns("m", (_scorer(seed0, {"a": "t0", "b": "t1"}), _scorer(seed1, {"a": "t0", "b": None})))
    table = theme_table(runs, labels, inference=Inference(n_boot=0, n_perm=0)).table.set_index("theme")
    assert table.at["b", "seeds_matched"] == 1 and table.at["b", "auc_mean"] == pytest.approx(
        (b_alone + 0.5) / 2
    )


def test_holm_leaves_untested_themes_out_of_the_family():
    adjusted = null.holm([0.01, np.nan, 0.03])
    assert adjusted[0] == pytest.approx(0.02) and np.isnan(adjusted[1]) and adjusted[2] == pytest.approx(0.03)


def test_compare_gives_matching_scores_and_metrics_as_tables(planted):
    dtm, labels = planted
    model = fit_matrix(NMF(n_components=3, random_state=0), dtm)
    report = th.compare(model, labels.reset_index(names="paragraph_id"))
    assert report.n_labelled == len(labels) and len(repr(report)) < 100
    assert list(report.matching["theme"]) == list(labels.columns)
    assert (report.matching["auc"] == 1.0).all()
    assert report.scores.shape == labels.shape and list(report.scores.index) == list(labels.index)
    # one fit: its per-seed row is the metric; the per-theme row averages it over the one seed
    assert list(report.metrics.columns) == ALIGNMENT_COLUMNS
    assert list(report.per_seed["theme"]) == list(labels.columns) and (report.per_seed["f1"] == 1.0).all()
    row = report.metrics.set_index("theme")
    assert (row["f1_mean"] == 1.0).all() and (row["auc_mean"] == 1.0).all() and (row["n_seeds"] == 1).all()
    assert (row["verdict"] == "recovered").all()  # the planted groups beat the matching null
    # a label table that shares no paragraph with the model is refused in one line
    with pytest.raises(LabelError, match="no paragraph of the model has a label row"):
        th.compare(model, labels.set_axis([f"x{i}" for i in range(len(labels))]))


def test_keyword_baseline_on_the_models_vocabulary_counts_only_words_the_models_can_use(planted):
    dtm, _ = planted
    vec = dtm.vectorizer  # the planted vocabulary has "ocean" but not "submarine"
    words = {"sea": ["ocean", "submarine"], "farm": ["barley"]}
    texts = ["submarine submarine ocean barley"]
    every = baselines.keyword_scores(texts, ["x"], vec, words)
    vocab = baselines.keyword_scores(texts, ["x"], vec, words, vocabulary_only=True)
    assert every.loc["x"].tolist() == pytest.approx([3 / 4, 1 / 4])
    assert vocab.loc["x"].tolist() == pytest.approx([1 / 2, 1 / 2])


def test_confound_baselines_match_documents_and_score_length(planted_by_document):
    planted = planted_by_document
    from themes.comparison.scorers import ConfoundScorer

    dtm, labels = planted  # each planted group is its own document: the document baseline is perfect
    document = ConfoundScorer.from_documents(dtm, labels)
    assert document.matching == {g: f"document_{g}" for g in labels.columns}
    assert (document.scores.to_numpy() == labels.loc[document.scores.index].to_numpy()).all()
    assert document.matched and document.decide(document.scores).equals(labels.loc[document.scores.index])
    length = ConfoundScorer.from_lengths(dtm, labels)
    assert (length.scores.nunique(axis=1) == 1).all() and length.scores.to_numpy().max() == 1.0
    assert not length.matched and length.threshold == length.scores.iloc[:, 0].median()
    with pytest.raises(ModelError, match="scores no new text"):
        length.predict(["ocean"])


def test_rank_auc_in_the_permutation_loops_equals_scikit_learn_and_the_observed_statistic(planted):
    rng = np.random.default_rng(1)
    values = np.round(rng.random((40, 4)), 1)  # ties
    y = rng.integers(0, 2, (40, 3)).astype(bool)
    got = intervals.rank_auc(values, y.astype(float))
    for i in range(4):
        for t in range(3):
            assert got[i, t] == pytest.approx(roc_auc_score(y[:, t], values[:, i]))
    dtm, labels = planted
    fits = [fit_matrix(NMF(n_components=4, init="random", random_state=s), dtm) for s in (0, 1)]
    test = null.permutation_test([f.document_topics for f in fits], labels, n_perm=20, seed=0)
    per_seed = [th.compare(f, labels).matching.set_index("theme")["auc"] for f in fits]
    assert test.set_index("theme")["auc_observed"].to_numpy() == pytest.approx(sum(per_seed).to_numpy() / 2)
