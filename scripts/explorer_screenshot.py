"""Render the topic explorer of the study's best topic model to docs/explorer.png for the README.

The best model is the topic model with the highest mean ROC AUC in ``results/summary.csv``,
refitted with the study's reference seed (the first) at its reported K. Needs ``results/``
(run ``themes reproduce`` first) and headless Chromium (``scripts/ensure_chromium.sh``).

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
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from themes.models.registry import MODELS

from themes.comparison.matching import compare
from themes.report.explorer import write_explorer
from themes.selection.sweep import FitTask, fit_models
from themes.study.inputs import load_study, read_selection

ROOT = Path(__file__).resolve().parents[1]


def best_model(results: Path) -> str:
    """The topic model (not a baseline) with the highest mean ROC AUC over the themes."""
    summary = pd.read_csv(results / "summary.csv")
    topic_models = summary[summary["model"].isin(list(MODELS))]
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
    k = study.model_k(name, read_selection(study.project))
    seed = study.config.seeds[0]
    (model,) = fit_models([FitTask(name, k, seed)], study.matrices, seed_words=study.seed_words)
    texts = study.kept.set_index("paragraph_id")["text"]
    with tempfile.TemporaryDirectory() as tmp:
        page = args.html or Path(tmp) / "explorer.html"
        write_explorer(model, page, texts=texts, labels=study.labels, comparison=compare(model, study.labels))
        screenshot(page, args.out)
    print(f"{name} (K={k}, seed {seed}): {args.out}")


if __name__ == "__main__":
    main()
