"""Render the topic explorer of the study's best topic model to docs/explorer.png for the README.

The best model is the topic model with the highest mean ROC AUC in ``results/summary.csv``, as
the main job saved it (``results/models/<name>``: the reference seed's fit, nothing refitted);
its first topic is chosen and a term hovered, as a reader would. Needs ``results/`` (run ``themes
reproduce`` first) and headless Chromium (``scripts/ensure_chromium.sh``).

    .venv/bin/python scripts/explorer_screenshot.py [--root .] [--out docs/explorer.png] [--html FILE]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
from pathlib import Path

import pandas as pd
from selenium import webdriver
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from themes.models.topic_model import TopicModel
from themes.report.explorer import write_explorer
from themes.study.inputs import load_study

ROOT = Path(__file__).resolve().parents[1]


def best_model(results: Path) -> str:
    """The topic model (not a baseline) with the highest mean ROC AUC over the themes."""
    summary = pd.read_csv(results / "summary.csv")
    saved = {p.parent.name for p in (results / "models").glob("*/model.json")}  # topic models only
    topic_models = summary[summary["model"].isin(saved)]
    return str(topic_models.loc[topic_models["auc_mean"].idxmax(), "model"])


def screenshot(html: Path, png: Path, *, size: tuple[int, int] = (1400, 1600)) -> None:
    """Open a page in headless Chromium (no network) and save what it shows as a PNG."""
    subprocess.run(["bash", str(ROOT / "scripts" / "ensure_chromium.sh")], check=True)
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        f"--window-size={size[0]},{size[1]}",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(
        options=options, service=webdriver.ChromeService(executable_path=shutil.which("chromedriver"))
    )
    try:
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd(
            "Network.emulateNetworkConditions",
            {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
        )
        driver.get(html.resolve().as_uri())
        WebDriverWait(driver, 30).until(
            lambda d: d.find_elements(By.CSS_SELECTOR, "#topic-terms .yaxislayer-above .ytick text")
        )
        driver.find_element(By.CSS_SELECTOR, "button.topic[data-topic='0']").click()
        bar = driver.find_elements(By.CSS_SELECTOR, "#topic-terms .trace.bars")[1]
        ActionChains(driver).move_to_element(bar.find_elements(By.CSS_SELECTOR, ".point")[1]).perform()
        png.parent.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(png))
    finally:
        driver.quit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="the project folder (default: this one)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "explorer.png", help="the PNG to write")
    parser.add_argument("--html", type=Path, default=None, help="also keep the explorer page here")
    args = parser.parse_args()

    study = load_study(args.root)
    name = best_model(study.project.results)
    model = TopicModel.load(study.project.results / "models" / name)
    texts = study.kept.set_index("paragraph_id")["text"]
    with tempfile.TemporaryDirectory() as tmp:
        page = args.html or Path(tmp) / "explorer.html"
        write_explorer(model, page, texts=texts, labels=study.labels)
        screenshot(page, args.out)
    print(f"{name} (K={model.k}, seed {model.seed}): {args.out}")


if __name__ == "__main__":
    main()
