"""Scoring intrusion tests: coders' answers read back, model precision, topic log odds, agreement.

The tests are written by :mod:`themes.validate.intrusion`; :func:`score_study_intrusion` scores every
model's test of a study that has its coders' answers.

References
----------
Chang, J., Boyd-Graber, J., Gerrish, S., Wang, C. and Blei, D. M. (2009). Reading tea leaves: how
humans interpret topic models. Advances in Neural Information Processing Systems 22.
"""

from __future__ import annotations

import itertools
import json
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

import krippendorff
import numpy as np
import pandas as pd
from scipy import stats

from .. import files
from .intrusion import KEY, META, TASKS, IntrusionError


@dataclass(frozen=True, eq=False)
class IntrusionScores:
    """Scores of one intrusion task; every table is a DataFrame whatever the number of coders.

    Attributes
    ----------
    task : {"word", "topic"}
    by_item, by_topic, by_coder : pandas.DataFrame
    overall : pandas.DataFrame
        One row: the model-level score with its interval, chance level and the interval method.
    agreement : pandas.DataFrame
        One row: coders, items answered by two or more, pairwise percent agreement and
        Krippendorff's alpha (nominal: the option chosen is the category).
    """

    task: str
    by_item: pd.DataFrame
    by_topic: pd.DataFrame
    by_coder: pd.DataFrame
    overall: pd.DataFrame
    agreement: pd.DataFrame

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables by file name, e.g. ``word_intrusion_by_topic.csv``."""
        names = ("by_item", "by_topic", "by_coder", "overall", "agreement")
        return {f"{self.task}_intrusion_{n}.csv": getattr(self, n) for n in names}


# ------------------------------------------------------------------ reading answers


def _read_table(path: Path) -> pd.DataFrame:
    try:
        # utf-8-sig: spreadsheets often save a byte-order mark
        table = files.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except FileNotFoundError:
        raise IntrusionError(f"{path} does not exist; give the path of a filled-in form.") from None
    except (pd.errors.EmptyDataError, pd.errors.ParserError, UnicodeDecodeError):
        raise IntrusionError(f"{path} is not a readable CSV form; fill in the form as written.") from None
    return table[(table != "").any(axis=1)]  # rows a spreadsheet left wholly empty


def read_key(folder, task: str) -> pd.DataFrame:
    """The answer key of ``task`` ("word" or "topic") in a folder written by :func:`write_intrusion_test`."""
    if task not in TASKS:
        raise IntrusionError(f"the task must be one of {', '.join(TASKS)} (got {task!r}).")
    key = _read_table(Path(folder) / KEY / f"{task}_intrusion_key.csv")
    return key.astype({"intruder_option": int, **{c: float for c in key.columns if c.startswith("share_")}})


def read_answers(path, key: pd.DataFrame, *, coder: str | None = None) -> pd.DataFrame:
    """One coder's filled-in form, checked against the key.

    An answer is an option number or the option's text (case aside; a number is read as a
    number first); blank answers are skipped. Raises :class:`IntrusionError` naming the file
    and item for an item not in the key, an item answered twice, an answer that is not an
    option, options that differ from the key's (a form of another test), or no answer at all.

    Returns
    -------
    pandas.DataFrame
        Columns ``coder`` (default: the file name without suffix), ``item_id``, ``choice``
        (the 1-based option number).
    """
    path = Path(path)
    table = _read_table(path)
    for column in ("item_id", "answer"):
        if column not in table.columns:
            raise IntrusionError(f"{path} has no {column} column; fill in the form as written.")
    options = [c for c in key.columns if c.startswith("option_")]
    known = key.set_index("item_id")
    for item in table["item_id"]:
        if item not in known.index:
            raise IntrusionError(
                f"{path}: item {item!r} is not in this test's key; use the form of this test."
            )
    twice = table["item_id"][table["item_id"].duplicated()]
    if len(twice):
        raise IntrusionError(f"{path}: item {twice.iloc[0]!r} appears twice; keep one row per item.")
    rows = []
    for row in table.itertuples(index=False):
        answer = str(row.answer).strip()
        shown = [str(known.at[row.item_id, c]) for c in options]
        differ = [c for c, s in zip(options, shown, strict=True) if c in table and getattr(row, c) != s]
        if differ:
            raise IntrusionError(
                f"{path}: item {row.item_id!r} shows other options than the key ({differ[0]}); "
                "use the form of this test."
            )
        if not answer:
            continue
        by_text = [i for i, s in enumerate(shown, 1) if s.casefold() == answer.casefold()]
        number = pd.to_numeric(answer, errors="coerce")  # "2" or, saved by a spreadsheet, "2.0"
        if number in range(1, len(options) + 1):
            choice = int(number)
        elif len(by_text) == 1:
            choice = by_text[0]
        else:
            raise IntrusionError(
                f"{path}: item {row.item_id!r} has answer {answer!r}, which is not one of its options "
                f"(a number from 1 to {len(options)})."
            )
        rows.append({"item_id": row.item_id, "choice": choice})
    if not rows:
        raise IntrusionError(f"{path} holds no answer; write an option number in the answer column.")
    answers = pd.DataFrame(rows)
    answers.insert(0, "coder", coder or path.stem)
    return answers


def combine_answers(paths, key: pd.DataFrame) -> pd.DataFrame:
    """Several coders' forms (one file each, the coder named by the file name) in one long table."""
    paths = [Path(p) for p in paths]
    if not paths:
        raise IntrusionError("no answer file was given; give at least one filled-in form.")
    twice = [name for name, n in Counter(p.stem for p in paths).items() if n > 1]
    if twice:
        same = " and ".join(str(p) for p in paths if p.stem == twice[0])
        raise IntrusionError(f"{same} name the same coder {twice[0]!r}; give each coder's file its own name.")
    return pd.concat([read_answers(p, key) for p in paths], ignore_index=True)


# ------------------------------------------------------------------ scoring


def wilson_interval(successes: int, n: int, *, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a proportion (scipy's ``binomtest``); NaN without trials."""
    if n == 0:
        return float("nan"), float("nan")
    ci = stats.binomtest(int(successes), int(n)).proportion_ci(confidence_level=level, method="wilson")
    return float(ci.low), float(ci.high)


def bootstrap_mean_interval(values, *, n_boot: int, seed: int, level: float = 0.95) -> tuple[float, float]:
    """Percentile bootstrap interval of a mean (scipy's ``bootstrap``); NaN below two values."""
    values = np.asarray(values, dtype=float)
    if values.size < 2:
        return float("nan"), float("nan")
    if np.all(values == values[0]):  # every resample has the same mean
        return float(values[0]), float(values[0])
    rng = np.random.default_rng(seed)
    res = stats.bootstrap(
        (values,), np.mean, n_resamples=n_boot, confidence_level=level, method="percentile", random_state=rng
    )
    return float(res.confidence_interval.low), float(res.confidence_interval.high)


def coder_agreement(answers: pd.DataFrame) -> pd.DataFrame:
    """Agreement of coders on the option chosen for the same items (one row).

    Pairwise percent agreement over items answered by two or more coders, and nominal
    Krippendorff's alpha (the ``krippendorff`` package; missing answers allowed). Both are
    NaN with one coder; alpha is NaN when every answer is the same option.
    """
    wide = answers.pivot(index="coder", columns="item_id", values="choice").astype(float)
    shared = wide.loc[:, wide.notna().sum(axis=0) >= 2]
    pairs = [
        float(a == b)
        for item in shared.columns
        for a, b in itertools.combinations(shared[item].dropna().tolist(), 2)
    ]
    data = wide.to_numpy()
    alpha = float("nan")
    if len(wide) >= 2 and np.unique(data[~np.isnan(data)]).size >= 2:
        alpha = float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))
    percent = float(np.mean(pairs)) if pairs else float("nan")
    row = {"n_coders": len(wide), "n_shared_items": shared.shape[1], "percent_agreement": percent}
    return pd.DataFrame([row | {"krippendorff_alpha": alpha}])


def _scored(key: pd.DataFrame, answers: pd.DataFrame) -> pd.DataFrame:
    """Answers joined to the key, with ``correct`` (the intruder was chosen)."""
    unknown = answers.loc[~answers["item_id"].isin(key["item_id"]), "item_id"]
    if len(unknown):
        raise IntrusionError(f"answers name item {unknown.iloc[0]!r}, which is not in this test's key.")
    twice = answers.duplicated(["coder", "item_id"])
    if twice.any():
        coder, item = answers.loc[twice, ["coder", "item_id"]].iloc[0]
        raise IntrusionError(f"coder {coder!r} answered item {item!r} twice; keep one answer per item.")
    merged = answers.merge(key, on="item_id", how="left", validate="many_to_one")
    return merged.assign(correct=merged["choice"] == merged["intruder_option"].astype(int))


def _summary(scored: pd.DataFrame, *, level: float, n_boot: int, seed: int) -> dict:
    """Share of answers that found the intruder (Wilson interval) and, for topic intrusion, the
    mean over items of their TLO (percentile bootstrap over items)."""
    n, k = len(scored), int(scored["correct"].sum())
    low, high = wilson_interval(k, n, level=level)
    out = {"n_items": scored["item_id"].nunique(), "n_answers": n, "n_correct": k}
    out |= {"share_correct": k / n, "ci_low": low, "ci_high": high}
    if "tlo" in scored:
        per_item = scored.groupby("item_id")["tlo"].mean()
        low, high = bootstrap_mean_interval(per_item, n_boot=n_boot, seed=seed, level=level)
        out |= {"tlo": per_item.mean(), "tlo_ci_low": low, "tlo_ci_high": high}
    return out


def _scores(task, key, answers, scored, *, by: str, level: float, n_boot: int, seed: int) -> IntrusionScores:
    """The tables of :class:`IntrusionScores`, the same for both tasks."""
    sums = dict(
        n_answers=("correct", "size"), n_correct=("correct", "sum"), share_correct=("correct", "mean")
    )
    if "tlo" in scored:
        sums["tlo"] = ("tlo", "mean")
    item_columns = ["item_id", by, *(["paragraph_id"] if "paragraph_id" in scored else [])]
    by_item = scored.groupby(item_columns, sort=True).agg(**sums).reset_index()
    opts = {"level": level, "n_boot": n_boot, "seed": seed}
    by_topic = [{"topic": t, **_summary(g, **opts)} for t, g in scored.groupby(by, sort=True)]
    by_coder = [{"coder": c, **_summary(g, **opts)} for c, g in scored.groupby("coder", sort=True)]
    n_options = sum(c.startswith("option_") for c in key.columns)
    interval = f"share: Wilson {level:.0%}" + (
        f"; TLO: percentile bootstrap {level:.0%} over items" if "tlo" in scored else ""
    )
    overall = {"task": task, "n_coders": scored["coder"].nunique(), **_summary(scored, **opts)}
    overall |= {"chance": 1 / n_options, "interval": interval}
    # Chang et al. call the word-intrusion share "model precision"
    name = {"share_correct": "precision"} if task == "word" else {}
    tables = [by_item, pd.DataFrame(by_topic), pd.DataFrame(by_coder), pd.DataFrame([overall])]
    return IntrusionScores(task, *[t.rename(columns=name) for t in tables], coder_agreement(answers))


def score_word_intrusion(key: pd.DataFrame, answers: pd.DataFrame, *, level: float = 0.95) -> IntrusionScores:
    """Model precision (Chang et al.'s MP): the share of answers that found the intruder.

    Per item, per topic, per coder and per model, with Wilson score intervals (scipy's
    ``binomtest``). The model-level interval treats every answer as independent, which is
    optimistic when a few coders answer many items. ``chance`` (one over the number of
    options) is what a coder guessing at random gets.
    """
    return _scores("word", key, answers, _scored(key, answers), by="topic", level=level, n_boot=0, seed=0)


MIN_GENUINE_SHARE = 0.10
"""A topic-intrusion item measures something only when every genuine option (a topic shown as the
paragraph's own) holds at least this share of the paragraph: an option the paragraph barely holds is
a second intruder, and the chance of finding the planted one is then not 1 / options."""


def genuine_shares_hold(key: pd.DataFrame, min_share: float = MIN_GENUINE_SHARE) -> pd.Series:
    """Per item of a topic-intrusion key: whether every option but the intruder holds ``min_share``."""
    shares = key[[c for c in key.columns if c.startswith("share_")]].to_numpy(dtype=float)
    intruder = key["intruder_option"].to_numpy(int) - 1
    genuine = np.ones(shares.shape, dtype=bool)
    genuine[np.arange(len(key)), intruder] = False
    return pd.Series(np.all(np.where(genuine, shares >= min_share, True), axis=1), index=key.index)


def score_topic_intrusion(
    key: pd.DataFrame,
    answers: pd.DataFrame,
    *,
    k: int,
    min_genuine_share: float = MIN_GENUINE_SHARE,
    n_boot: int = 2000,
    seed: int = 0,
    level: float = 0.95,
) -> IntrusionScores:
    """Topic log odds (Chang et al.'s TLO) and the share of answers that found the intruder, over the
    items whose genuine options each hold ``min_genuine_share`` of the paragraph.

    Items that fail it are left out (:func:`genuine_shares_hold`; drawn at random among all
    paragraphs, the items kept are a random draw among the paragraphs that qualify, the draw
    :func:`themes.validate.intrusion.topic_intrusion_items` now makes); ``n_items_shown`` counts
    them all. An answer's TLO is log(share of the true intruder) - log(share of the topic chosen),
    the shares being the paragraph's topic shares: 0 when the intruder is found, more negative the
    more the model favours the topic the coder rejected. It is averaged over coders per item; per
    topic (the paragraph's largest) and per model, the mean over items with a percentile bootstrap
    interval over items (scipy's ``bootstrap``, ``n_boot`` resamples, ``seed``). Shares are floored
    at one hundredth of a uniform share (``0.01 / K``) before the log: NMF gives shares of exactly 0
    where LDA's prior keeps every share above a small positive value, and a fixed tiny floor (1e-6)
    made NMF's log odds incomparable with LDA's; the floor puts a zero NMF share where a small LDA
    share lies.
    """
    kept = key[genuine_shares_hold(key, min_genuine_share)]
    answers = answers[answers["item_id"].isin(kept["item_id"])]
    if answers.empty:
        raise IntrusionError(
            f"no topic-intrusion item shows genuine topics that each hold {min_genuine_share:.0%} of the "
            f"paragraph ({len(key)} items shown): this test measures nothing; write a new one."
        )
    scored = _scored(kept, answers)
    shares = scored[[c for c in key.columns if c.startswith("share_")]].to_numpy(dtype=float)
    log_share = np.log(np.maximum(shares, 0.01 / k))
    rows = np.arange(len(scored))
    truth = log_share[rows, scored["intruder_option"].to_numpy(int) - 1]
    chosen = log_share[rows, scored["choice"].to_numpy(int) - 1]
    scored = scored.assign(tlo=truth - chosen)
    result = _scores("topic", kept, answers, scored, by="top_topic", level=level, n_boot=n_boot, seed=seed)
    overall = result.overall.assign(n_items_shown=len(key), min_genuine_share=min_genuine_share)
    return replace(result, overall=overall)


def score_intrusion_test(
    folder, *, word_answers=(), topic_answers=(), seed: int = 0
) -> dict[str, IntrusionScores]:
    """Score the filled-in forms of a test written by :func:`write_intrusion_test`.

    ``word_answers`` and ``topic_answers`` are the coders' CSV files of each task (one file per
    coder, named after them); a task without files is left out. The model's name and the
    test's seed are in ``intrusion.json``.
    """
    folder = Path(folder)
    if not (folder / META).is_file():
        raise IntrusionError(f"{folder} holds no intrusion test (no {META}); write one first.")
    meta = json.loads((folder / META).read_text(encoding="utf-8"))
    if not word_answers and not topic_answers:
        raise IntrusionError("no answer file was given; give the coders' filled-in forms.")
    out = {}
    if word_answers:
        key = read_key(folder, "word")
        out["word"] = score_word_intrusion(key, combine_answers(word_answers, key))
    if topic_answers:
        key = read_key(folder, "topic")
        out["topic"] = score_topic_intrusion(key, combine_answers(topic_answers, key), k=meta["k"], seed=seed)
    return {
        task: replace(scores, overall=scores.overall.assign(model=meta.get("model")))
        for task, scores in out.items()
    }
