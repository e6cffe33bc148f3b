"""The topic explorer page without a browser: bytes, inlined scripts, escaping, the numbers it shows."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from helpers import planted_texts
from scipy.spatial.distance import jensenshannon, pdist
from scipy.stats import entropy
from sklearn.decomposition import NMF

from themes.comparison.compare import compare
from themes.comparison.theme_table import Inference
from themes.errors import ThemesError
from themes.models.fitting import fit_matrix
from themes.report import examples as explore
from themes.report.explorer import write_explorer
from themes.report.relevance import (
    LAMBDAS,
    intertopic_map,
    relevant_words,
    saliency,
    salient_term_indices,
    term_marginal,
    term_topics,
    topic_prevalence,
)

NO_INTERVALS = Inference(n_boot=0, n_perm=0)  # the overlay needs the matching only
HOSTILE = "</script><b>bold</b><!--"


@pytest.fixture(scope="module")
def model(planted):
    dtm, _ = planted
    return fit_matrix(NMF(n_components=3, random_state=0, max_iter=500), dtm)


@pytest.fixture(scope="module")
def texts():
    texts, ids, _ = planted_texts()
    return pd.Series(texts, index=ids)


@pytest.fixture
def explorer_html(tmp_path):
    """The explorer page of a model as text."""
    return lambda model, **options: write_explorer(model, tmp_path / "explorer.html", **options).read_text()


def embedded_data(page: str) -> dict:
    found = re.search(r'<script type="application/json" id="explorer-data">(.*?)</script>', page, re.S)
    return json.loads(found.group(1))


@pytest.mark.slow  # over half a second
def test_same_inputs_give_the_same_bytes(planted, model, texts, tmp_path):
    _, labels = planted
    first = write_explorer(model, tmp_path / "a.html", texts=texts, labels=labels).read_bytes()
    second = write_explorer(model, tmp_path / "b.html", texts=texts, labels=labels).read_bytes()
    assert first == second
    refitted = fit_matrix(NMF(n_components=3, random_state=0, max_iter=500), planted[0])
    third = write_explorer(refitted, tmp_path / "c.html", texts=texts, labels=labels).read_bytes()
    assert third == first


def test_every_script_is_inlined(model, explorer_html):
    page = explorer_html(model)
    assert not re.search(r"<script[^>]*\bsrc\s*=", page, re.I)
    assert not re.search(r"<link[^>]*\bhref\s*=\s*[\"']?https?:", page, re.I)
    assert "Plotly.newPlot" in page and len(page) > 1_000_000  # plotly.js itself is in the page


def test_paragraph_text_theme_and_model_names_are_escaped(planted, texts, explorer_html):
    dtm, labels = planted
    hostile = fit_matrix(NMF(n_components=3, random_state=0, max_iter=500), dtm, name=HOSTILE)
    hostile = replace(hostile, topic_names=(f"a{HOSTILE}", "b&c", "c"))
    texts = texts.copy()
    texts.iloc[0] = f"the coast {HOSTILE} & more"  # sea-00, an example paragraph of the sea topic
    labels = labels.rename(columns={"sea": HOSTILE})
    page = explorer_html(hostile, texts=texts, labels=labels, n_examples=12)
    assert "</script><b>" not in page and "<!--" not in page.split("<body>")[1]
    assert "the coast &lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;&lt;!-- &amp; more" in page
    # every script element ends where it should: as many closings as openings
    assert page.count("</script>") == len(re.findall(r"<script\b", page))
    assert embedded_data(page)["names"] == list(hostile.topic_names)


def test_relevance_at_lambda_one_ranks_by_probability(model):
    assert relevant_words(model, 1.0, 8) == model.top_word_lists(8)
    assert relevant_words(model, 0.0, 8) != model.top_word_lists(8)


def test_page_ranks_exactly_like_relevance_at_every_slider_step(model, explorer_html):
    # the page ships only candidate terms; ranking them as its script does must give the same lists
    n = 5
    terms = embedded_data(explorer_html(model, n_terms=n))["terms"]
    for lam in LAMBDAS[::10]:
        lam = float(lam)
        in_page = [
            [r["w"] for r in sorted(rows, key=lambda r: -(lam * r["lp"] + (1 - lam) * r["ll"]))][:n]
            for rows in terms
        ]
        assert in_page == relevant_words(model, lam, n)


def test_map_distances_are_the_jensen_shannon_distances(model):
    # three topics always fit a plane exactly, so the map must keep their distances
    places = intertopic_map(model)
    expected = pdist(model.topic_term, lambda p, q: jensenshannon(p, q, base=2))
    np.testing.assert_allclose(pdist(places[["x", "y"]].to_numpy()), expected, atol=1e-9)
    np.testing.assert_allclose(places["prevalence"].sum(), 1.0)


def test_theme_overlay_names_each_topics_matched_theme(planted, model, texts, explorer_html):
    _, labels = planted
    comparison = compare(model, labels, inference=NO_INTERVALS)
    page = explorer_html(model, texts=texts, labels=labels, comparison=comparison)
    panels = re.findall(r'<section class="topic-panel" id="panel-(\d+)" hidden>(.*?)</section>', page, re.S)
    assert len(panels) == model.k
    for theme, topic in zip(comparison.matching["theme"], comparison.matching["topic"], strict=True):
        body = dict(panels)[str(model.topic_names.index(topic))]
        assert f'Matched theme: <b class="theme">{theme}</b>' in body
        # the planted topics are pure: every example paragraph is labelled with the matched theme
        assert body.count(f"<mark>{theme}</mark>") == 5


def test_without_labels_there_is_no_overlay(model, explorer_html):
    page = explorer_html(model)
    assert "Matched theme" not in page and "reference labels" not in page


@pytest.mark.parametrize("bad", [{"n_terms": 0}, {"n_examples": 2.5}, {"lambda_": 1.5}])
def test_bad_settings_are_one_clear_error(model, bad, explorer_html):
    with pytest.raises(ThemesError, match="must"):
        explorer_html(model, **bad)


def test_example_paragraphs_whose_shares_are_equal_to_twelve_decimals_come_in_paragraph_order(model, texts):
    theta = model.doc_topic.copy()
    theta[:, 0] = 0.0
    theta[0, 0], theta[1, 0] = 0.5 - 1e-16, 0.5  # the second ahead only in the 16th digit, as kernels round
    tied = replace(model, doc_topic=theta)
    paragraphs = pd.DataFrame({"paragraph_id": texts.index, "text": texts.to_numpy()})
    examples = explore.example_paragraphs(tied, paragraphs, n=2)
    first_topic = examples[examples["topic"] == tied.topic_names[0]]
    assert first_topic["paragraph_id"].tolist() == list(tied.paragraph_ids[:2])


def test_term_topics_and_saliency_follow_their_definitions(model):
    given = term_topics(model)
    np.testing.assert_allclose(given.sum(axis=0), 1.0)
    j = 5
    joint = topic_prevalence(model) * model.topic_term[:, j]
    np.testing.assert_allclose(given[:, j], joint / joint.sum())
    # Chuang et al.: p(w) times the Kullback-Leibler divergence of p(t|w) from p(t)
    expected = term_marginal(model)[j] * entropy(given[:, j], topic_prevalence(model))
    np.testing.assert_allclose(saliency(model)[j], expected)
    ranked = salient_term_indices(model, 4)
    assert ranked == sorted(range(model.topic_term.shape[1]), key=lambda i: -saliency(model)[i])[:4]


def test_the_page_ships_the_salient_terms_and_each_terms_spread(model, explorer_html):
    data = embedded_data(explorer_html(model, n_terms=4))
    assert [r["j"] for r in data["salient"]] == salient_term_indices(model, 4)
    j = data["salient"][0]["j"]
    np.testing.assert_allclose(data["dist"][str(j)], term_topics(model)[:, j], atol=1e-4)
    assert data["config"]["showSendToCloud"] is False
