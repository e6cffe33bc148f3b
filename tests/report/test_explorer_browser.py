"""The topic explorer in a real browser (headless Chromium, offline): it runs, and it responds.

The session fixture installs Chromium and chromedriver with ``scripts/ensure_chromium.sh``
when they are missing. A screenshot goes to ``$THEMES_EXPLORER_SCREENSHOT`` (or tmp_path).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from helpers import ROOT, planted_texts
from selenium import webdriver
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait
from sklearn.decomposition import NMF

from themes.comparison.compare import compare
from themes.comparison.theme_table import Inference
from themes.models.fitting import fit_matrix
from themes.report.explorer import write_explorer
from themes.report.relevance import relevant_words

pytestmark = pytest.mark.slow  # starts a browser

NO_INTERVALS = Inference(n_boot=0, n_perm=0)  # the overlay needs the matching only
N_TERMS = 8


@pytest.fixture(scope="session")
def chromium() -> tuple[str, str]:
    """Paths of chromium and chromedriver, installed by the project's script when missing."""
    done = subprocess.run(
        ["bash", str(ROOT / "scripts" / "ensure_chromium.sh")], capture_output=True, text=True, timeout=900
    )
    if done.returncode != 0:
        pytest.fail(f"scripts/ensure_chromium.sh could not provide Chromium:\n{done.stderr}", pytrace=False)
    return shutil.which("chromium"), shutil.which("chromedriver")


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
    options = webdriver.ChromeOptions()
    options.binary_location = chromium[0]
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1700"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=chromium[1]))
    try:
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd(
            "Network.emulateNetworkConditions",
            {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
        )
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


def visible_panel(driver):
    (panel,) = [p for p in driver.find_elements(By.CSS_SELECTOR, ".topic-panel") if p.is_displayed()]
    return panel


def test_page_shows_one_marker_and_one_button_per_topic(page, fitted):
    model = fitted[0]
    assert len(page.find_elements(By.CSS_SELECTOR, "#topic-map .scatterlayer .point")) == model.k
    buttons = page.find_elements(By.CSS_SELECTOR, "button.topic")
    assert [b.text.split(". ", 1)[1] for b in buttons] == list(model.topic_names)


def test_clicking_a_topic_shows_its_top_terms(page, fitted):
    model = fitted[0]
    set_lambda(page, Keys.END)  # lambda 1: ranked by probability
    for i in reversed(range(model.k)):
        page.find_elements(By.CSS_SELECTOR, "button.topic")[i].click()
        assert shown_terms(page) == model.top_word_lists(N_TERMS)[i]
    # a click on the map's circle chooses the topic as well
    marker = page.find_elements(By.CSS_SELECTOR, "#topic-map .scatterlayer .point")[2]
    ActionChains(page).move_to_element(marker).click().perform()
    WebDriverWait(page, 5).until(lambda d: shown_terms(d) == model.top_word_lists(N_TERMS)[2])
    assert visible_panel(page).find_element(By.TAG_NAME, "h2").text.startswith(model.topic_names[2])


def test_lambda_slider_reranks_the_terms(page, fitted):
    model = fitted[0]
    page.find_elements(By.CSS_SELECTOR, "button.topic")[0].click()
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
        page.find_elements(By.CSS_SELECTOR, "button.topic")[model.topic_names.index(topic)].click()
        panel = visible_panel(page)
        assert panel.find_element(By.CSS_SELECTOR, ".theme").text == theme
        auc = comparison.association.at[topic, theme]
        assert panel.find_element(By.CSS_SELECTOR, "td.matched").text == f"{auc:.2f}"
        labelled = [m.text for m in panel.find_elements(By.CSS_SELECTOR, "table.examples mark")]
        assert labelled == [theme] * 5


def test_no_script_errors_and_a_screenshot(page, fitted, tmp_path):
    # the log holds every message since the page was opened, this test's and the others'
    for button in page.find_elements(By.CSS_SELECTOR, "button.topic"):
        button.click()
        set_lambda(page, Keys.HOME)
        set_lambda(page, Keys.ARROW_RIGHT)
    page.find_elements(By.CSS_SELECTOR, "button.topic")[0].click()
    set_lambda(page, Keys.END)
    set_lambda(page, Keys.PAGE_DOWN)
    severe = [e for e in page.get_log("browser") if e["level"] == "SEVERE"]
    assert severe == []
    target = Path(os.environ.get("THEMES_EXPLORER_SCREENSHOT") or tmp_path / "explorer.png")
    target.parent.mkdir(parents=True, exist_ok=True)
    assert page.save_screenshot(str(target))
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
