"""A coding round done in a real browser (headless Chromium, offline) by scripted coders.

Two coders label the study's paragraphs in the pages of ``themes code create`` (keys for some
themes, clicks for others, a note, the page closed and reopened half-way), export, and ``themes
code collect`` gives back exactly what they clicked; ``themes reference`` then lists exactly the
planted disagreements, and once they are settled the people's labels become the study's reference.
A third coder answers a blind intrusion round the same way.
"""

from __future__ import annotations

import hashlib
import time

import pandas as pd
import pytest
from helpers import severe_messages, start_browser
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from themes.cli import main
from themes.reference.coders import coder_of
from themes.study.inputs import load_study

pytestmark = pytest.mark.slow  # starts a browser

THEMES = ["morale", "theology", "territory", "finance", "sleeper_cells"]


def planted(pid: str, j: int) -> int:
    """The label a scripted coder gives: fixed by the paragraph and the theme, not by the order shown."""
    return int(hashlib.sha256(f"{pid}/{j}".encode()).digest()[0] % 3 == 0)


DISAGREE = {("000-p004", "finance"), ("001-p010", "morale"), ("004-p013", "territory")}
"""Where the second coder decides otherwise than the first."""


def bob_label(pid: str, j: int) -> int:
    return 1 - planted(pid, j) if (pid, THEMES[j]) in DISAGREE else planted(pid, j)


def wait_ready(driver):
    WebDriverWait(driver, 10).until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready"))


def press(driver, key):
    ActionChains(driver).send_keys(key).perform()


def shown_item(driver) -> str:
    """The id of the paragraph (or item) on screen: the first words of the line above the text."""
    return driver.find_element(By.ID, "where").text.split(" \u00b7 ")[0].split()[-1]


def downloaded(folder, name, timeout=10):
    path = folder / name
    end = time.monotonic() + timeout
    while not path.is_file() and time.monotonic() < end:
        time.sleep(0.1)
    assert path.is_file(), f"{name} was not downloaded"
    return path


def code_labels(driver, uri, label, *, reopen_after=None, clicks=True):
    """Code every paragraph of the page as ``label(pid, j)`` says; returns the ids in the order shown."""
    driver.get(uri)
    wait_ready(driver)
    seen = []
    for step in range(
        len(
            driver.execute_script(
                "return JSON.parse(document.getElementById('coding-data').textContent).items"
            )
        )
    ):
        pid = shown_item(driver)
        seen.append(pid)
        for j in range(len(THEMES)):
            if label(pid, j):
                if clicks and j % 2:  # some themes by a click on the box, the others by their key
                    driver.find_elements(By.CSS_SELECTOR, "#choices input")[j].click()
                else:
                    press(driver, str(j + 1))
        if step == 2:
            press(driver, "c")
            driver.find_element(By.ID, "note").send_keys("unsure, see the boundary case")
            press(driver, Keys.ESCAPE)
        press(driver, Keys.ENTER)
        if step == reopen_after:
            driver.get(uri)  # the coder closes the file and opens it again
            wait_ready(driver)
            assert driver.find_element(By.ID, "progress-text").text.startswith(f"{step + 1} of ")
            assert "Restored" in driver.find_element(By.ID, "status").text
    return seen


@pytest.fixture
def browser(chromium, tmp_path):
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    driver = start_browser(chromium, width=1280, height=900, downloads=downloads)
    yield driver, downloads
    driver.quit()


def test_a_double_coded_round_in_the_browser_gives_the_labels_clicked(browser, project_copy, capsys):
    driver, downloads = browser
    root = str(project_copy.root)
    assert main(["--root", root, "code", "create", "--coders", "alice,bob", "--seed", "7"]) == 0
    folder = project_copy.root / "coding" / "human1"
    alice = code_labels(driver, (folder / "coders" / "alice.html").as_uri(), planted, reopen_after=20)
    driver.find_element(By.ID, "export").click()
    driver.find_element(By.ID, "export-notes").click()
    exported = [downloaded(downloads, "labels_alice.csv"), downloaded(downloads, "notes_alice.csv")]
    bob = code_labels(driver, (folder / "coders" / "bob.html").as_uri(), bob_label, clicks=False)
    driver.find_element(By.ID, "export").click()
    exported.append(downloaded(downloads, "labels_bob.csv"))
    assert severe_messages(driver) == []
    assert alice != bob and sorted(alice) == sorted(bob)  # each coder in their own order

    assert main(["--root", root, "code", "collect", str(folder), *map(str, exported)]) == 0
    human = project_copy.human
    got = pd.read_csv(human / "labels_coder1.csv", dtype={"paragraph_id": str}).set_index("paragraph_id")
    assert got.to_dict("index") == {p: {t: planted(p, j) for j, t in enumerate(THEMES)} for p in alice}
    notes = pd.read_csv(human / "notes_coder1.csv")
    assert notes.values.tolist() == [[alice[2], "unsure, see the boundary case"]]
    record = coder_of(project_copy.reference, human / "labels_coder2.csv")
    assert (record.name, record.kind, record.round) == ("bob", "person", "human1")

    capsys.readouterr()
    assert main(["--root", root, "reference"]) == 0
    log = pd.read_csv(human / "adjudication.csv", dtype=str, keep_default_na=False)
    assert set(zip(log["paragraph_id"], log["theme"], strict=True)) == DISAGREE
    assert "settle each" in capsys.readouterr().out
    log["final"], log["reason"] = log["coder2"], "reread against the codebook"
    log.to_csv(human / "adjudication.csv", index=False)
    assert main(["--root", root, "reference", "--adjudicator", "eve"]) == 0
    study = load_study(project_copy)
    settled = {p: {t: bob_label(p, j) for j, t in enumerate(THEMES)} for p in bob}
    assert study.labels.to_dict("index") == settled  # the people's labels are now the reference
    assert set(study.replaced) == {"labels.csv", "labels_coder1.csv", "labels_coder2.csv"}
    assert coder_of(project_copy.reference, human / "labels.csv").kind == "person"


def test_a_blind_intrusion_round_in_the_browser_gives_the_answers_chosen(browser, project_copy):
    driver, downloads = browser
    root = str(project_copy.root)
    command = [
        "--root",
        root,
        "code",
        "create",
        "--intrusion",
        "--coders",
        "carol",
        "--models",
        "keyatm,nmf_seeded",
    ]
    assert main(command) == 0
    folder = project_copy.root / "coding" / "intrusion_human1"
    driver.get((folder / "coders" / "carol.html").as_uri())
    wait_ready(driver)
    chosen = {}
    n = len(
        driver.execute_script("return JSON.parse(document.getElementById('coding-data').textContent).items")
    )
    for _ in range(n):
        where = driver.find_element(By.ID, "where").text.split(" \u00b7 ")
        options = driver.find_elements(By.CSS_SELECTOR, "#choices input")
        item = (where[0].split()[-1], where[1].split()[0], where[2].split()[-1])  # set, task, item id
        choice = 1 + int(hashlib.sha256("/".join(item).encode()).digest()[0]) % len(options)
        press(driver, str(choice))
        press(driver, Keys.ENTER)
        chosen[item] = choice
    driver.find_element(By.ID, "export").click()
    exported = downloaded(downloads, "intrusion_carol.csv")
    assert main(["--root", root, "code", "collect", str(folder), str(exported)]) == 0
    sets = pd.read_csv(folder / "key" / "sets.csv").set_index("set")["model"]
    for (letter, task, item), choice in chosen.items():
        answers = pd.read_csv(
            project_copy.reference / "intrusion" / sets[letter] / "answers" / task / "carol.csv"
        )
        assert answers.set_index("item_id").at[item, "answer"] == choice
    assert coder_of(project_copy.reference, answers_path(project_copy, sets["A"])).kind == "person"


def answers_path(project, model):
    return project.reference / "intrusion" / model / "answers" / "word" / "carol.csv"
