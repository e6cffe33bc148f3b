"""Word and topic intrusion: items drawn from a planted model, forms written whole, answers scored."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from helpers import PLANTED_GROUPS, ROOT
from sklearn.decomposition import NMF

from themes.cli import main
from themes.errors import ThemesError
from themes.models.fitting import fit_matrix
from themes.models.topic_model import TopicModel
from themes.text.matrix import DocumentTermMatrix
from themes.text.vectorizer import Vectorizer
from themes.validate.intrusion import (
    IntrusionError,
    intruder_pool,
    topic_intrusion_items,
    word_intrusion_items,
    write_intrusion_test,
)
from themes.validate.intrusion_scores import (
    combine_answers,
    genuine_shares_hold,
    read_answers,
    read_key,
    score_intrusion_test,
    score_topic_intrusion,
    score_word_intrusion,
)
from themes.validate.study_intrusion import drawn_from

# Four exclusive word groups; each paragraph mixes two of them (two thirds / one third), so a
# paragraph has two clear topics and two that make clear intruders.
GROUPS = {
    **PLANTED_GROUPS,
    "sky": ["cloud", "thunder", "rainbow", "breeze", "sunset", "drizzle", "storm", "comet"],
}
GROUP_OF = {w: g for g, ws in GROUPS.items() for w in ws}


@pytest.fixture(scope="module")
def mixed():
    rng = np.random.default_rng(0)
    rows = []
    for a in GROUPS:
        for b in GROUPS:
            for r in range(3 if a != b else 0):
                words = [*rng.choice(GROUPS[a], 24), *rng.choice(GROUPS[b], 12)]
                rows.append({"paragraph_id": f"{a}-{b}-{r}", "text": " ".join(words)})
    table = pd.DataFrame(rows)
    dtm = DocumentTermMatrix.from_paragraphs(Vectorizer(stem=False, corpus_stop_min_df=None), table, fit=True)
    model = fit_matrix(NMF(4, random_state=0, max_iter=500), dtm)
    # the planted group each topic recovered (checked, not assumed)
    group = {n: GROUP_OF[ws[0]] for n, ws in zip(model.topic_names, model.top_word_lists(8), strict=True)}
    assert sorted(group.values()) == sorted(GROUPS)
    return model, table, group


@pytest.fixture(scope="module")
def written(mixed, tmp_path_factory):
    model, table, _ = mixed
    folder = tmp_path_factory.mktemp("tests") / "intrusion"
    return write_intrusion_test(model, table, folder, seed=3, n_paragraphs=12, n_topics=2)


def fill(written, task: str, choices, path):
    """A copy of the task's form with ``choices`` (a list, or "key") in the answer column."""
    form = pd.read_csv(written / "form" / f"{task}_intrusion.csv", dtype=str, keep_default_na=False)
    key = read_key(written, task)
    form["answer"] = key["intruder_option"].astype(str) if choices == "key" else [str(c) for c in choices]
    form.to_csv(path, index=False)
    return path


# ------------------------------------------------------------------ items


def test_word_items_are_deterministic_for_a_seed(mixed):
    model = mixed[0]
    a, b = word_intrusion_items(model, seed=7), word_intrusion_items(model, seed=7)
    pd.testing.assert_frame_equal(a.form, b.form)
    pd.testing.assert_frame_equal(a.key, b.key)
    others = [word_intrusion_items(model, seed=s).key for s in range(8, 12)]
    assert any(not o.equals(a.key) for o in others)


def test_word_items_hold_the_top_words_and_an_intruder_from_another_group(mixed):
    model, _, group = mixed
    items = word_intrusion_items(model, seed=1, n_words=5)
    assert list(items.form.columns) == ["item_id", *[f"option_{i}" for i in range(1, 7)], "answer"]
    assert (items.form["answer"] == "").all()
    assert set(items.key["topic"]) == set(model.topic_names)
    top = dict(zip(model.topic_names, model.top_word_lists(5), strict=True))
    for row in items.key.itertuples():
        shown = [getattr(row, f"option_{i}") for i in range(1, 7)]
        assert shown[row.intruder_option - 1] == row.intruder
        assert row.intruder not in top[row.topic]
        assert sorted(w for w in shown if w != row.intruder) == sorted(top[row.topic])
        assert GROUP_OF[row.intruder] != group[row.topic]
        assert GROUP_OF[row.intruder] == group[row.intruder_topic]


def test_intruders_are_low_in_the_topic_and_high_in_another(mixed):
    model, _, group = mixed
    farm = next(t for t, g in group.items() if g == "farm")
    f, sea = (
        model.topic_names.index(farm),
        model.topic_names.index(next(t for t, g in group.items() if g == "sea")),
    )
    anchor, tide = model.vocabulary.index("anchor"), model.vocabulary.index("tide")
    phi = model.topic_term.copy()
    phi[f, anchor], phi[sea, anchor] = 0.2, 0.6  # among farm's top words, and higher still in sea's
    phi[:, tide] = 0.0  # low in farm but high nowhere
    crafted = replace(model, topic_term=phi / phi.sum(axis=1, keepdims=True))
    assert "anchor" in crafted.top_word_lists(5)[f]
    pool = intruder_pool(crafted, f, n_words=5, n_high=10, low_quantile=1.0)
    assert pool.size > 0 and anchor not in pool and tide not in pool
    assert {GROUP_OF[crafted.words[j]] for j in pool} <= set(GROUPS) - {"farm"}
    for seed in range(20):
        key = word_intrusion_items(crafted, seed=seed, low_quantile=1.0).key.set_index("topic")
        assert key.at[farm, "intruder"] not in ("anchor", "tide")


def test_topic_items_show_the_planted_topics_and_a_low_share_intruder(mixed):
    model, table, group = mixed
    items = topic_intrusion_items(model, table, n_paragraphs=10, n_topics=2, seed=5)
    again = topic_intrusion_items(model, table, n_paragraphs=10, n_topics=2, seed=5)
    pd.testing.assert_frame_equal(items.key, again.key)
    assert "intruder_option" not in items.form and "share_1" not in items.form
    assert (
        items.form["text"].tolist()
        == table.set_index("paragraph_id").loc[items.key["paragraph_id"], "text"].tolist()
    )
    for row in items.key.itertuples():
        topics = [getattr(row, f"topic_{i}") for i in range(1, 4)]
        shares = np.array([getattr(row, f"share_{i}") for i in range(1, 4)])
        intruder = row.intruder_option - 1
        assert topics[intruder] == row.intruder_topic
        assert shares[intruder] < np.delete(shares, intruder).min()
        planted = set(row.paragraph_id.split("-")[:2])
        assert {group[t] for i, t in enumerate(topics) if i != intruder} == planted
        assert group[row.intruder_topic] not in planted


def test_a_topic_the_paragraph_holds_a_fair_share_of_never_intrudes(mixed):
    model, table, group = mixed
    # shown: each paragraph's main group only; its second group (a third of it) must not intrude
    items = topic_intrusion_items(model, table, n_paragraphs=30, n_topics=1, seed=0)
    for row in items.key.itertuples():
        assert group[row.intruder_topic] not in row.paragraph_id.split("-")
        assert getattr(row, f"share_{row.intruder_option}") <= 0.05


def test_too_many_paragraphs_or_topics_and_no_seed_are_refused(mixed):
    model, table, _ = mixed
    with pytest.raises(IntrusionError, match="at most"):
        topic_intrusion_items(model, table, n_paragraphs=10_000, n_topics=2, seed=0)
    with pytest.raises(IntrusionError, match="n_topics"):
        topic_intrusion_items(model, table, n_paragraphs=2, n_topics=4, seed=0)
    with pytest.raises(IntrusionError, match="seed"):
        word_intrusion_items(model, seed=None)


# ------------------------------------------------------------------ writing


def test_the_test_is_written_with_the_key_apart(written, mixed):
    names = sorted(p.relative_to(written).as_posix() for p in written.rglob("*") if p.is_file())
    assert names == [
        "form/topic_intrusion.csv",
        "form/topic_intrusion.md",
        "form/word_intrusion.csv",
        "form/word_intrusion.md",
        "intrusion.json",
        "key/topic_intrusion_key.csv",
        "key/word_intrusion_key.csv",
    ]
    for path in (written / "form").iterdir():
        assert "intruder" not in path.read_text(encoding="utf-8")
    meta = json.loads((written / "intrusion.json").read_text(encoding="utf-8"))
    assert meta["seed"] == 3 and meta["model"] == mixed[0].name
    assert meta["tasks"]["topic"]["n_topics"] == 2
    md = (written / "form" / "word_intrusion.md").read_text(encoding="utf-8")
    assert md.count("Answer: ____") == mixed[0].k


def test_a_paragraph_a_spreadsheet_would_run_as_a_formula_is_defused_in_the_form(mixed, tmp_path):
    model, table, _ = mixed
    table = table.assign(text='=HYPERLINK("http://example.org") ' + table["text"])
    folder = write_intrusion_test(model, table, tmp_path / "t", seed=3, n_paragraphs=4, n_topics=2)
    form = pd.read_csv(folder / "form" / "topic_intrusion.csv", dtype=str)
    assert form["text"].str.startswith("'=HYPERLINK").all()


def test_writing_refuses_an_existing_test_and_leaves_nothing_on_failure(written, mixed, tmp_path):
    model, table, _ = mixed
    with pytest.raises(IntrusionError, match="already exists"):
        write_intrusion_test(model, table, written, seed=3)
    with pytest.raises(IntrusionError):
        write_intrusion_test(model, table, tmp_path / "new", seed=3, n_paragraphs=10_000)
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------ scoring


def test_a_test_is_stale_once_its_model_is_refitted_with_other_topics(written, mixed):
    model, table, _ = mixed
    meta = json.loads((written / "intrusion.json").read_text(encoding="utf-8"))
    assert drawn_from(model, written, meta)
    dtm = DocumentTermMatrix.from_paragraphs(Vectorizer(stem=False, corpus_stop_min_df=None), table, fit=True)
    other_seed = fit_matrix(NMF(4, init="random", random_state=5, max_iter=500), dtm)  # same K, moved topics
    assert not drawn_from(other_seed, written, meta)
    other_k = fit_matrix(NMF(3, random_state=0, max_iter=500), dtm)
    assert not drawn_from(other_k, written, meta)


def test_perfect_coders_get_precision_one_and_log_odds_zero(written, tmp_path):
    word = [fill(written, "word", "key", tmp_path / f"{c}_word.csv") for c in ("ann", "bob")]
    topic = [fill(written, "topic", "key", tmp_path / f"{c}_topic.csv") for c in ("ann", "bob")]
    scores = score_intrusion_test(written, word_answers=word, topic_answers=topic)
    w, t = scores["word"], scores["topic"]
    assert w.overall.at[0, "precision"] == 1 and w.overall.at[0, "n_answers"] == 8
    assert (w.by_topic["precision"] == 1).all() and (w.by_topic["ci_high"] == 1).all()
    assert 0.5 < w.overall.at[0, "ci_low"] < 1
    assert w.overall.at[0, "chance"] == pytest.approx(1 / 6)
    assert (t.by_item["tlo"] == 0).all() and t.overall.at[0, "tlo"] == 0
    assert t.overall.at[0, "share_correct"] == 1 and t.overall.at[0, "model"] == "nmf"
    for s in (w, t):
        assert s.agreement.at[0, "n_coders"] == 2
        assert s.agreement.at[0, "percent_agreement"] == 1
        assert s.agreement.at[0, "krippendorff_alpha"] == pytest.approx(1)
    assert set(w.tables()) >= {"word_intrusion_by_topic.csv", "word_intrusion_agreement.csv"}


@pytest.mark.slow  # over half a second
def test_random_coders_score_at_chance(mixed):
    items = word_intrusion_items(mixed[0], seed=2)
    rng = np.random.default_rng(0)
    answers = pd.DataFrame(
        [
            {"coder": f"c{c}", "item_id": item, "choice": int(rng.integers(1, 7))}
            for c in range(400)
            for item in items.key["item_id"]
        ]
    )
    scores = score_word_intrusion(items.key, answers)
    assert scores.overall.at[0, "precision"] == pytest.approx(1 / 6, abs=0.03)
    assert scores.overall.at[0, "ci_low"] < 1 / 6 < scores.overall.at[0, "ci_high"]
    assert abs(scores.agreement.at[0, "krippendorff_alpha"]) < 0.05
    assert scores.agreement.at[0, "percent_agreement"] == pytest.approx(1 / 6, abs=0.03)


def test_topic_log_odds_is_log_share_of_intruder_minus_log_share_of_choice():
    key = pd.DataFrame(
        {
            "item_id": ["T01", "T02"],
            "paragraph_id": ["p1", "p2"],
            "top_topic": ["a", "a"],
            "intruder_option": [3, 1],
            **{f"option_{i}": ["x", "y"] for i in (1, 2, 3)},
            "share_1": [0.6, 0.0],
            "share_2": [0.3, 0.5],
            "share_3": [0.1, 0.5],
        }
    )
    answers = pd.DataFrame({"coder": ["ann", "ann"], "item_id": ["T01", "T02"], "choice": [1, 2]})
    scores = score_topic_intrusion(key, answers, k=4, min_genuine_share=0.0)
    tlo = scores.by_item.set_index("item_id")["tlo"]
    assert tlo["T01"] == pytest.approx(np.log(0.1) - np.log(0.6))
    # a share of exactly 0 (NMF) is floored at a hundredth of a uniform share, 0.01 / K
    assert tlo["T02"] == pytest.approx(np.log(0.01 / 4) - np.log(0.5))
    assert scores.overall.at[0, "tlo"] == pytest.approx(tlo.mean())
    assert np.isnan(scores.agreement.at[0, "krippendorff_alpha"])  # one coder
    # with genuine options that must each hold 10%, an item showing a genuine topic of 0 is left out
    key = key.assign(intruder_option=[3, 3])  # T02's first option, share 0, is now a genuine one
    kept = score_topic_intrusion(key, answers, k=4)
    assert kept.overall.at[0, "n_items"] == 1 and kept.overall.at[0, "n_items_shown"] == 2
    assert kept.by_item["item_id"].tolist() == ["T01"]
    assert genuine_shares_hold(key).tolist() == [True, False]
    with pytest.raises(IntrusionError, match="measures nothing"):
        score_topic_intrusion(key.iloc[[1]], answers.iloc[[1]], k=4)


def test_an_answer_may_name_the_word_or_be_a_spreadsheet_number(written, tmp_path):
    key = read_key(written, "word")
    words = [row[f"option_{row['intruder_option']}"].upper() for _, row in key.iterrows()]
    answers = read_answers(fill(written, "word", words, tmp_path / "cy.csv"), key)
    assert answers["choice"].tolist() == key["intruder_option"].tolist()
    assert (answers["coder"] == "cy").all()
    # a spreadsheet may save numbers as floats, a byte-order mark and empty rows
    path = fill(written, "word", [f"{c}.0" for c in key["intruder_option"]], tmp_path / "dee.csv")
    path.write_text("\ufeff" + path.read_text(encoding="utf-8") + ",,,,,,,\n", encoding="utf-8")
    answers = read_answers(path, key)
    assert answers["choice"].tolist() == key["intruder_option"].tolist()


# ------------------------------------------------------------------ bad input


def test_bad_answer_files_name_the_file_and_the_item(written, tmp_path):
    key = read_key(written, "word")
    form = pd.read_csv(written / "form" / "word_intrusion.csv", dtype=str, keep_default_na=False)
    first = form.at[0, "item_id"]
    cases = {
        "unknown": (form.assign(item_id=form["item_id"].replace(first, "W99"), answer="1"), "'W99'"),
        "twice": (pd.concat([form, form.iloc[[0]]]).assign(answer="1"), f"{first!r}"),
        "empty": (form, "holds no answer"),
        "number": (form.assign(answer=["7", *["1"] * (len(form) - 1)]), f"{first!r} has answer '7'"),
        "word": (form.assign(answer=["banana", *["1"] * (len(form) - 1)]), "'banana', which is not one"),
        "other_test": (form.assign(option_1="kettle", answer="1"), "other options"),
    }
    for name, (table, expected) in cases.items():
        path = tmp_path / f"{name}.csv"
        table.to_csv(path, index=False)
        with pytest.raises(IntrusionError, match=expected) as caught:
            read_answers(path, key)
        assert str(path) in str(caught.value)
        assert isinstance(caught.value, ThemesError) and isinstance(caught.value, ValueError)


def test_two_files_of_one_coder_and_missing_files_are_refused(written, tmp_path):
    key = read_key(written, "word")
    a = fill(written, "word", "key", tmp_path / "ann.csv")
    (tmp_path / "other").mkdir()
    b = fill(written, "word", "key", tmp_path / "other" / "ann.csv")
    with pytest.raises(IntrusionError, match="same coder 'ann'"):
        combine_answers([a, b], key)
    with pytest.raises(IntrusionError, match="does not exist"):
        read_answers(tmp_path / "nobody.csv", key)
    with pytest.raises(IntrusionError, match="no intrusion test"):
        score_intrusion_test(tmp_path, word_answers=[a])


COMMITTED_TESTS = sorted(p.name for p in (ROOT / "data" / "reference" / "intrusion").iterdir() if p.is_dir())


@pytest.mark.parametrize("name", COMMITTED_TESTS)
def test_the_committed_tests_are_what_create_gives_from_the_committed_models(name, tmp_path, capsys):
    # coders answered these forms: creating them again from the saved model with the recorded
    # settings must give the same items, or their provenance (intrusion.json) would not hold; a test
    # drawn from an earlier fit of the model must be reported as stale instead
    committed = ROOT / "data" / "reference" / "intrusion" / name
    settings = json.loads((committed / "intrusion.json").read_text(encoding="utf-8"))
    model = TopicModel.load(ROOT / "results" / "models" / settings["model"])
    reported = pd.read_csv(ROOT / "results" / "intrusion.csv").query("model == @name")
    if not drawn_from(model, committed, settings):
        assert len(reported) and reported["stale"].all(), "a test of an earlier fit is not marked stale"
        return
    assert not reported["stale"].any()
    topic = settings["tasks"]["topic"]
    argv = ["--root", str(ROOT), "intrusion", "create", "--model", name, "--out", str(tmp_path / name)]
    argv += ["--seed", str(settings["seed"]), "--paragraphs", str(topic["n_paragraphs"])]
    # a test drawn before items had to show genuine topics of a fair share records no minimum: 0
    share = topic.get("min_genuine_share", 0.0)
    argv += ["--topics", str(topic["n_topics"]), "--min-genuine-share", str(share)]
    assert main(argv) == 0, capsys.readouterr().err
    created = [*(committed / "form").iterdir(), *(committed / "key").iterdir()]
    assert len(created) > 3
    for path in created:
        assert (tmp_path / name / path.relative_to(committed)).read_bytes() == path.read_bytes(), path.name
    again = json.loads((tmp_path / name / "intrusion.json").read_text(encoding="utf-8"))
    if "min_genuine_share" not in topic:
        assert again["tasks"]["topic"].pop("min_genuine_share") == 0.0
    assert again == settings
