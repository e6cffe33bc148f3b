"""A study's intrusion tests scored together: one row per model and task of ``intrusion.csv``.

The tests live in ``data/reference/intrusion/<model>/`` (written by :mod:`themes.validate.intrusion`,
answered in ``answers/``); each is scored by :mod:`themes.validate.intrusion_scores`.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from .intrusion import META, IntrusionError, word_intrusion_items
from .intrusion_scores import read_key, score_intrusion_test


def drawn_from(model, test: Path, meta: dict) -> bool:
    """Whether the test's word items are the ones ``model`` gives with the settings the test records.

    A test drawn from an earlier fit (another K, or topics that moved when the estimator changed)
    is about topics the study no longer has: its answers are reported, marked stale, and not set
    beside the current model's AUC. Compared: every item's options and intruder, as shown.
    """
    if model.k != meta["k"]:
        return False
    word = meta.get("tasks", {}).get("word")
    if word is None or not (Path(test) / "key" / "word_intrusion_key.csv").is_file():
        return True  # nothing recorded to redraw: K is all that can be compared
    settings = {name: word[name] for name in ("seed", "n_words", "n_high", "low_quantile")}
    now = word_intrusion_items(model, **settings).key
    then = read_key(test, "word")
    shown = ["item_id", "intruder", *(c for c in then.columns if c.startswith("option_"))]
    if list(now.columns) != list(then.columns):
        return False
    now, then = (t[shown].astype(str).reset_index(drop=True) for t in (now, then))
    return now.equals(then)


def _unmeasured(meta: dict, shown: int, stale: bool) -> dict:
    """The row of a topic-intrusion test none of whose items qualifies (:data:`MIN_GENUINE_SHARE`)."""
    return {
        "model": meta["model"],
        "task": "topic",
        "K": meta["k"],
        "stale": stale,
        "n_items": 0,
        "n_items_shown": shown,
    }


ANSWERS = "answers"
"""A test's folder of filled-in forms: ``answers/word/<coder>.csv`` and ``answers/topic/<coder>.csv``."""


def score_study_intrusion(folder, *, models=None, seed: int = 0) -> pd.DataFrame:
    """One row per model and task of the intrusion tests under ``folder`` that have answers.

    ``folder`` holds one test per model (``folder/<model>/`` with ``intrusion.json``, ``key/``
    and ``answers/``). ``models`` (name -> the study's current :class:`~themes.models.TopicModel`)
    marks a test not drawn from the current model (:func:`drawn_from`) as stale.
    Columns: model, task, K, coders, items, answers, the share of answers that found the intruder
    (model precision for words) with its interval, chance, the mean topic log odds with its interval
    (topic task), percent agreement and Krippendorff's alpha.
    """
    rows = []
    for test in sorted(Path(folder).glob(f"*/{META}")):
        test = test.parent
        word = sorted((test / ANSWERS / "word").glob("*.csv"))
        topic = sorted((test / ANSWERS / "topic").glob("*.csv"))
        if not word and not topic:
            continue
        meta = json.loads((test / META).read_text(encoding="utf-8"))
        current = (models or {}).get(meta["model"])
        stale = current is not None and not drawn_from(current, test, meta)
        scores = score_intrusion_test(test, word_answers=word, seed=seed) if word else {}
        if topic:
            try:
                scores |= score_intrusion_test(test, topic_answers=topic, seed=seed)
            except IntrusionError:  # no item measures anything: said in the table, not an error
                shown = len(read_key(test, "topic"))
                rows.append(_unmeasured(meta, shown, stale))
        for task, result in scores.items():
            overall = result.overall.iloc[0].rename({"precision": "share_correct"})
            agreement = result.agreement.iloc[0]
            rows.append(
                {
                    "model": meta["model"],
                    "task": task,
                    "K": meta["k"],
                    "stale": stale,
                    "n_coders": int(overall["n_coders"]),
                    "n_items": int(overall["n_items"]),
                    "n_items_shown": int(overall.get("n_items_shown", overall["n_items"])),
                    "n_answers": int(overall["n_answers"]),
                    "share_correct": overall["share_correct"],
                    "ci_low": overall["ci_low"],
                    "ci_high": overall["ci_high"],
                    "chance": overall["chance"],
                    "tlo": overall.get("tlo", np.nan),
                    "tlo_ci_low": overall.get("tlo_ci_low", np.nan),
                    "tlo_ci_high": overall.get("tlo_ci_high", np.nan),
                    "percent_agreement": agreement["percent_agreement"],
                    "krippendorff_alpha": agreement["krippendorff_alpha"],
                }
            )
    return pd.DataFrame(rows)
