"""The topic explorer in a real browser (headless Chromium, offline): it runs, and it responds.

Chromium and chromedriver come from the ``chromium`` fixture (``scripts/ensure_chromium.sh`` installs
them when missing). A screenshot goes to ``$THEMES_EXPLORER_SCREENSHOT`` (or tmp_path).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import planted_texts, severe_messages, start_browser
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait
from sklearn.decomposition import NMF

from themes.comparison.compare import compare
from themes.comparison.theme_table import Inference
from themes.models.fitting import fit_matrix
from themes.report.explorer import MAX_DIAMETER, MIN_DIAMETER, legend_shares, write_explorer
from themes.report.relevance import relevant_words, salient_term_indices, term_topics, topic_prevalence

pytestmark = pytest.mark.slow  # starts a browser

NO_INTERVALS = Inference(n_boot=0, n_perm=0)  # the overlay needs the matching only
N_TERMS = 8


@pytest.fixture(scope="module")
def fitted(planted):
    dtm, labels = planted
    model = fit_matrix(NMF(n_components=3, random_state=0, max_iter=500), dtm)
    return model, labels, compare(model, labels, inference=NO_INTERVALS)


@pytest.fixture(scope="module")
def page(chromium, fitted, tmp_path_factory):
    """The explorer of the planted model, open in headless Chromium with the network switched off."""
    model, labels, comparison = fitted
    texts, ids, _ = planted_texts()
    path = tmp_path_factory.mktemp("explorer") / "explorer.html"
    write_explorer(
        model, path, texts=pd.Series(texts, index=ids), labels=labels, comparison=comparison, n_terms=N_TERMS
    )
    driver = start_browser(chromium)
    try:
        driver.get(path.as_uri())
        WebDriverWait(driver, 10).until(lambda d: shown_terms(d))
        yield driver
    finally:
        driver.quit()


def shown_terms(driver) -> list[str]:
    """The words on the term chart's axis, top to bottom, as the reader sees them."""
    ticks = driver.find_elements(By.CSS_SELECTOR, "#topic-terms .yaxislayer-above .ytick text")
    return [t.text for t in sorted(ticks, key=lambda t: t.location["y"])]


def set_lambda(driver, key) -> None:
    driver.find_element(By.ID, "lambda").send_keys(key)


def topic_buttons(driver):
    """The buttons of the topics (not the overview's), in topic order."""
    return driver.find_elements(By.CSS_SELECTOR, "button.topic:not([data-topic='-1'])")


def visible_panel(driver):
    (panel,) = [p for p in driver.find_elements(By.CSS_SELECTOR, ".topic-panel") if p.is_displayed()]
    return panel


def test_page_shows_one_marker_and_one_button_per_topic(page, fitted):
    model = fitted[0]
    assert len(page.find_elements(By.CSS_SELECTOR, "#topic-map .scatterlayer .point")) == model.k
    buttons = topic_buttons(page)
    assert [b.text.split(". ", 1)[1] for b in buttons] == list(model.topic_names)


def test_clicking_a_topic_shows_its_top_terms(page, fitted):
    model = fitted[0]
    topic_buttons(page)[0].click()  # the slider ranks a topic's terms: it waits for a topic
    set_lambda(page, Keys.END)  # lambda 1: ranked by probability
    for i in reversed(range(model.k)):
        topic_buttons(page)[i].click()
        assert shown_terms(page) == model.top_word_lists(N_TERMS)[i]
    # a click on the map's circle chooses the topic as well
    marker = page.find_elements(By.CSS_SELECTOR, "#topic-map .scatterlayer .point")[2]
    ActionChains(page).move_to_element(marker).click().perform()
    WebDriverWait(page, 5).until(lambda d: shown_terms(d) == model.top_word_lists(N_TERMS)[2])
    assert visible_panel(page).find_element(By.TAG_NAME, "h2").text.startswith(model.topic_names[2])


def test_lambda_slider_reranks_the_terms(page, fitted):
    model = fitted[0]
    topic_buttons(page)[0].click()
    set_lambda(page, Keys.END)
    by_probability = shown_terms(page)
    set_lambda(page, Keys.HOME)
    assert page.find_element(By.ID, "lambda-value").text == "0.00"
    by_lift = shown_terms(page)
    assert by_lift == relevant_words(model, 0.0, N_TERMS)[0]
    assert by_lift != by_probability


def test_theme_overlay_shows_the_matched_theme(page, fitted):
    model, _, comparison = fitted
    for theme, topic in zip(comparison.matching["theme"], comparison.matching["topic"], strict=True):
        topic_buttons(page)[model.topic_names.index(topic)].click()
        panel = visible_panel(page)
        assert panel.find_element(By.CSS_SELECTOR, ".theme").text == theme
        auc = comparison.association.at[topic, theme]
        assert panel.find_element(By.CSS_SELECTOR, "td.matched").text == f"{auc:.2f}"
        labelled = [m.text for m in panel.find_elements(By.CSS_SELECTOR, "table.examples mark")]
        assert labelled == [theme] * 5


def test_no_script_errors_and_a_screenshot(page, fitted, tmp_path):
    # the log holds every message since the page was opened, this test's and the others'
    for button in topic_buttons(page):
        button.click()
        set_lambda(page, Keys.HOME)
        set_lambda(page, Keys.ARROW_RIGHT)
    topic_buttons(page)[0].click()
    set_lambda(page, Keys.END)
    set_lambda(page, Keys.PAGE_DOWN)
    severe = [e for e in page.get_log("browser") if e["level"] == "SEVERE"]
    assert severe == []
    target = Path(os.environ.get("THEMES_EXPLORER_SCREENSHOT") or tmp_path / "explorer.png")
    target.parent.mkdir(parents=True, exist_ok=True)
    assert page.save_screenshot(str(target))
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def hover(driver, element) -> None:
    ActionChains(driver).move_to_element(element).perform()


def bar_of(driver, word: str):
    """The grey bar of a term on the term chart."""
    words = shown_terms(driver)
    return driver.find_elements(By.CSS_SELECTOR, "#topic-terms .trace.bars")[0].find_elements(
        By.CSS_SELECTOR, ".point"
    )[words.index(word)]


def test_before_a_topic_is_chosen_the_corpus_most_salient_terms_are_shown(page, fitted):
    model = fitted[0]
    page.find_element(By.CSS_SELECTOR, "button.topic[data-topic='-1']").click()
    assert shown_terms(page) == [model.words[j] for j in salient_term_indices(model, N_TERMS)]
    assert page.find_element(By.ID, "terms-title").text.startswith(f"The {N_TERMS} most salient terms")
    assert not page.find_element(By.ID, "lambda").is_enabled()  # no topic, nothing to rank


def test_hovering_a_term_shows_its_spread_over_the_topics_in_words(page, fitted):
    model = fitted[0]
    topic_buttons(page)[1].click()
    word = shown_terms(page)[0]
    j = model.words.index(word)
    hover(page, bar_of(page, word))
    spread = term_topics(model)[:, j]
    info = page.find_element(By.ID, "term-info").text
    top = int(np.argmax(spread))
    assert info.startswith(f"\u201c{word}\u201d: ") and model.topic_names[top] in info.split(",")[0]
    sizes = page.execute_script("return document.getElementById('topic-map').data[0].marker.size")
    np.testing.assert_allclose(sizes, np.maximum(MIN_DIAMETER, MAX_DIAMETER * np.sqrt(spread)), atol=0.01)
    hovered = page.find_element(By.CSS_SELECTOR, "#topic-terms .hoverlayer .hovertext").text
    # in words, never Plotly's raw "(0.0117, word)"
    assert word in hovered and "of the term's overall weight" in hovered and "(0." not in hovered
    hover(page, page.find_element(By.TAG_NAME, "h1"))  # the pointer leaves: the map shows the topics again
    WebDriverWait(page, 5).until(lambda d: "Hover over a term" in d.find_element(By.ID, "term-info").text)
    sizes = page.execute_script("return document.getElementById('topic-map').data[0].marker.size")
    share = topic_prevalence(model)
    np.testing.assert_allclose(
        sizes, np.maximum(MIN_DIAMETER, MAX_DIAMETER * np.sqrt(share / share.max())), atol=0.01
    )


def test_the_map_has_a_size_legend_and_no_button_sends_a_chart_to_a_cloud(page, fitted):
    labels = [t.text for t in page.find_elements(By.CSS_SELECTOR, "#size-legend-svg text")]
    assert labels and len(labels) == len(legend_shares(float(topic_prevalence(fitted[0]).max())))
    assert len(page.find_elements(By.CSS_SELECTOR, "#size-legend-svg circle")) == len(labels)
    titles = [
        b.get_attribute("data-title") or "" for b in page.find_elements(By.CSS_SELECTOR, ".modebar-btn")
    ]
    assert titles and not [t for t in titles if "cloud" in t.lower() or "chart studio" in t.lower()]
    assert not page.find_elements(By.CSS_SELECTOR, ".modebar-btn--logo")


@pytest.fixture
def open_page(chromium):
    drivers = []

    def opened(path, **size):
        driver = start_browser(chromium, **size)
        drivers.append(driver)
        driver.get(Path(path).as_uri())
        WebDriverWait(driver, 10).until(
            lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready")
        )
        return driver

    yield opened
    for driver in drivers:
        driver.quit()


def test_names_are_shown_as_written_never_as_markup(fitted, open_page, tmp_path):
    model = replace(fitted[0], topic_names=("<b>bold</b>", "a<br>b", "c & d"))
    driver = open_page(write_explorer(model, tmp_path / "names.html", n_terms=N_TERMS))
    assert [b.text.split(". ", 1)[1] for b in topic_buttons(driver)] == list(model.topic_names)
    topic_buttons(driver)[1].click()
    assert driver.find_element(By.ID, "terms-title").text.startswith("Most relevant terms of a<br>b (")
    hover(driver, bar_of(driver, shown_terms(driver)[0]))
    bars = driver.find_elements(By.CSS_SELECTOR, "#topic-terms .trace.bars")[1].find_elements(
        By.CSS_SELECTOR, ".point"
    )
    hover(driver, bars[0])
    WebDriverWait(driver, 5).until(
        lambda d: "weight in a<br>b" in d.find_element(By.CSS_SELECTOR, "#topic-terms .hoverlayer").text
    )


def test_a_page_copied_alone_says_what_is_missing_and_still_lists_the_topics(fitted, open_page, tmp_path):
    model = fitted[0]
    written = write_explorer(model, tmp_path / "study" / "model.html", n_terms=N_TERMS, plotly_js="shared")
    alone = tmp_path / "mailed" / "model.html"
    alone.parent.mkdir()
    shutil.copy(written, alone)
    driver = open_page(alone)
    message = driver.find_element(By.ID, "no-plotly")
    assert message.is_displayed() and "plotly.min.js" in message.text
    assert not driver.find_element(By.ID, "map-box").is_displayed()
    topic_buttons(driver)[2].click()
    rows = driver.find_elements(By.CSS_SELECTOR, "#terms-table tr")
    assert [r.find_element(By.TAG_NAME, "td").text for r in rows] == relevant_words(model, 0.6, N_TERMS)[2]
    assert visible_panel(driver).find_element(By.TAG_NAME, "h2").text.startswith(model.topic_names[2])
    errors = severe_messages(driver)
    assert [e for e in errors if "plotly.min.js" not in e["message"]] == []  # only the missing file
    # beside its plotly.min.js the same page draws both charts
    beside = open_page(written)
    assert not beside.find_element(By.ID, "no-plotly").is_displayed() and shown_terms(beside)


@pytest.mark.parametrize("width", [800, 500])
def test_a_narrow_window_stacks_the_plots_and_never_scrolls_sideways(fitted, open_page, tmp_path, width):
    model, labels, comparison = fitted
    texts, ids, _ = planted_texts()
    path = write_explorer(
        model,
        tmp_path / "narrow.html",
        texts=pd.Series(texts, index=ids),
        labels=labels,
        comparison=comparison,
    )
    driver = open_page(path, width=width, height=900)
    topic_buttons(driver)[0].click()
    wide = driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    assert wide <= 0
    box = {
        name: driver.find_element(By.ID, name).rect for name in ("topic-map", "terms-title", "topic-terms")
    }
    assert box["terms-title"]["y"] >= box["topic-map"]["y"] + box["topic-map"]["height"]  # stacked
    assert box["topic-terms"]["y"] >= box["terms-title"]["y"] + box["terms-title"]["height"]
    assert box["topic-map"]["width"] <= width and box["topic-terms"]["width"] <= width
