"""Human validation of topics by word and topic intrusion (Chang et al. 2009, "Reading Tea Leaves").

Builds the items, writes the form a coder fills in and the answer key kept from them, reads the
answers back and scores them: model precision, topic log odds, and agreement between coders.

References
----------
Chang, J., Boyd-Graber, J., Gerrish, S., Wang, C. and Blei, D. M. (2009). Reading tea leaves: how
humans interpret topic models. Advances in Neural Information Processing Systems 22.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

import krippendorff
import numpy as np
import pandas as pd
from scipy import stats

from . import io as files
from .errors import ThemesError

TASKS = ("word", "topic")
FORM = "form"  # the folder handed to coders
KEY = "key"  # the folder they must not see
META = "intrusion.json"


class IntrusionError(ThemesError, ValueError):
    """An intrusion test cannot be built, or a coder's answer file is invalid."""


@dataclass(frozen=True, eq=False)
class IntrusionItems:
    """The items of one intrusion task: what the coder sees and the answer key, kept apart.

    Attributes
    ----------
    task : {"word", "topic"}
    form : pandas.DataFrame
        One row per item: ``item_id``, (topic task) ``text``, ``option_1`` ... ``option_n`` in
        shuffled order, and an empty ``answer`` column for the option number.
    key : pandas.DataFrame
        One row per item: ``item_id``, the options, ``intruder_option`` (1-based) and what the
        options stand for (topics, shares).
    params : dict
        The settings and the seed the items were drawn with.
    """

    task: str
    form: pd.DataFrame
    key: pd.DataFrame
    params: dict


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


# ------------------------------------------------------------------ building items


def _check_count(value, name: str, low: int, high: int | None = None) -> None:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < low:
        raise IntrusionError(f"{name} must be a whole number of at least {low} (got {value!r}).")
    if high is not None and value > high:
        raise IntrusionError(f"{name}={value} is more than this model allows ({high}).")


def _options(n: int) -> list[str]:
    return [f"option_{i}" for i in range(1, n + 1)]


def _item_ids(prefix: str, n: int) -> list[str]:
    width = max(2, len(str(n)))
    return [f"{prefix}{i:0{width}d}" for i in range(1, n + 1)]


def intruder_pool(model, topic: int, *, n_words: int, n_high: int, low_quantile: float) -> np.ndarray:
    """Column indices of the terms that may intrude into ``topic`` (Chang et al.'s rule).

    A term qualifies when its probability in ``topic`` is at most the topic's ``low_quantile``
    quantile, it is among the ``n_high`` top terms of another topic with a higher
    probability there, and neither it nor its readable word is among ``topic``'s top
    ``n_words``.
    """
    phi = model.topic_term
    row = phi[topic]
    ranks = np.argsort(np.argsort(-phi, axis=1, kind="stable"), axis=1, kind="stable")
    others = np.arange(model.k) != topic
    high = ((ranks[others] < n_high) & (phi[others] > row)).any(axis=0)
    low = row <= np.quantile(row, low_quantile)
    top = model.top_term_indices(n_words)[topic]
    shown = {model.words[j] for j in top}  # also keeps out a top term's namesake
    return np.array([j for j in np.flatnonzero(low & high) if model.words[j] not in shown], dtype=int)


def word_intrusion_items(
    model, *, seed: int, n_words: int = 5, n_high: int = 10, low_quantile: float = 0.5
) -> IntrusionItems:
    """One item per topic: its ``n_words`` top words and one intruder, in random order.

    The intruder is drawn from :func:`intruder_pool`: low in this topic, high in another
    (Chang et al. showed five top words and one intruder, the defaults here). Items are
    shuffled too, so item ids say nothing about topics.

    Parameters
    ----------
    model : TopicModel
    seed : int
        Draws the intruders and every order; the same seed gives the same items.
    n_words : int, default 5
        Top words shown per item; each item has ``n_words + 1`` options.
    n_high : int, default 10
        How far down another topic's ranking an intruder may come from.
    low_quantile : float, default 0.5
        An intruder's probability in the topic is at most this quantile of the topic's.
    """
    if model.k < 2:
        raise IntrusionError(
            "word intrusion needs a model of at least two topics (intruders come from others)."
        )
    _check_count(seed, "seed", 0)  # a seed is required: items must be redrawn identically
    _check_count(n_words, "n_words", 2, model.topic_term.shape[1] - 1)
    _check_count(n_high, "n_high", 1)
    if not 0 < low_quantile <= 1:
        raise IntrusionError(f"low_quantile must be in (0, 1] (got {low_quantile!r}).")
    rng = np.random.default_rng(seed)
    rows = []
    for t, top in enumerate(model.top_term_indices(n_words)):
        pool = intruder_pool(model, t, n_words=n_words, n_high=n_high, low_quantile=low_quantile)
        if pool.size == 0:
            raise IntrusionError(
                f"topic {model.topic_names[t]} has no intruder candidate (no word low in it and high in "
                "another topic); raise n_high or low_quantile."
            )
        intruder = int(rng.choice(pool))
        terms = [*top, intruder]
        order = rng.permutation(len(terms))
        source = int(np.argmax(np.where(np.arange(model.k) == t, -np.inf, model.topic_term[:, intruder])))
        rows.append(
            {
                "topic": model.topic_names[t],
                "intruder": model.words[intruder],
                "intruder_topic": model.topic_names[source],
                "intruder_option": int(np.flatnonzero(order == len(top))[0]) + 1,
                **dict(zip(_options(len(terms)), [model.words[terms[i]] for i in order], strict=True)),
            }
        )
    key = pd.DataFrame([rows[i] for i in rng.permutation(len(rows))])
    key.insert(0, "item_id", _item_ids("W", len(key)))
    form = key[["item_id", *_options(n_words + 1)]].assign(answer="")
    params = {"n_words": n_words, "n_high": n_high, "low_quantile": low_quantile, "seed": seed}
    return IntrusionItems("word", form, key, params)


def paragraph_texts(model, texts) -> pd.Series:
    """The text of each of the model's paragraphs from a table with ``paragraph_id`` and ``text``
    (or a Series indexed by paragraph id)."""
    if isinstance(texts, pd.DataFrame):
        if not {"paragraph_id", "text"} <= set(texts.columns):
            raise IntrusionError("the paragraph table needs the columns paragraph_id and text.")
        texts = texts.set_index("paragraph_id")["text"]
    missing = [p for p in model.paragraph_ids if p not in texts.index]
    if missing:
        raise IntrusionError(
            f"paragraph {missing[0]} of the model has no text ({len(missing)} missing); "
            "give the paragraphs the model was fitted on."
        )
    return texts.loc[list(model.paragraph_ids)].astype(str)


def topic_intrusion_items(
    model,
    texts,
    *,
    n_paragraphs: int,
    seed: int,
    n_topics: int = 3,
    n_topic_words: int = 8,
    max_intruder_share: float = 0.05,
) -> IntrusionItems:
    """Paragraphs shown with their ``n_topics`` largest topics and one low-share intruder.

    Each topic is shown by its ``n_topic_words`` top words (eight in Chang et al.). The
    intruder is drawn among the topics whose share of the paragraph is below that of every
    topic shown and at most ``max_intruder_share`` (Chang et al.'s "low-probability topics":
    a topic the paragraph holds a fair share of would be no intruder); paragraphs without
    such a topic are never drawn.

    Parameters
    ----------
    model : TopicModel
    texts : pandas.DataFrame or pandas.Series
        The paragraphs (``paragraph_id``, ``text``), as given to the model.
    n_paragraphs : int
        Paragraphs drawn at random (without replacement) among those eligible.
    seed : int
    n_topics : int, default 3
    n_topic_words : int, default 8
    max_intruder_share : float, default 0.05
    """
    _check_count(seed, "seed", 0)
    _check_count(n_topics, "n_topics", 1, model.k - 1)
    _check_count(n_paragraphs, "n_paragraphs", 1)
    _check_count(n_topic_words, "n_topic_words", 1)
    text = paragraph_texts(model, texts)
    theta = model.doc_topic
    order = np.argsort(-theta, axis=1, kind="stable")
    floor = np.take_along_axis(theta, order[:, n_topics - 1 : n_topics], axis=1)
    below = (theta < floor) & (theta <= max_intruder_share)
    eligible = np.flatnonzero(below.any(axis=1))
    if n_paragraphs > eligible.size:
        raise IntrusionError(
            f"only {eligible.size} paragraphs have a topic with a share below their top {n_topics} and "
            f"at most {max_intruder_share}; ask for at most {eligible.size} paragraphs, fewer topics or "
            "a larger max_intruder_share."
        )
    rng = np.random.default_rng(seed)
    labels = [" ".join(ws) for ws in model.top_word_lists(n_topic_words)]
    rows = []
    for d in rng.choice(eligible, size=n_paragraphs, replace=False):
        topics = [*order[d, :n_topics].tolist(), int(rng.choice(np.flatnonzero(below[d])))]
        shown = [topics[i] for i in rng.permutation(len(topics))]
        n = len(shown)
        rows.append(
            {
                "paragraph_id": model.paragraph_ids[d],
                "top_topic": model.topic_names[topics[0]],
                "intruder_topic": model.topic_names[topics[-1]],
                "intruder_option": shown.index(topics[-1]) + 1,
                "text": text.iloc[d],
                **dict(zip(_options(n), [labels[t] for t in shown], strict=True)),
                **{f"topic_{i + 1}": model.topic_names[t] for i, t in enumerate(shown)},
                **{f"share_{i + 1}": float(theta[d, t]) for i, t in enumerate(shown)},
            }
        )
    key = pd.DataFrame(rows)
    key.insert(0, "item_id", _item_ids("T", len(key)))
    form = key[["item_id", "text", *_options(n_topics + 1)]].assign(answer="")
    params = dict(n_paragraphs=n_paragraphs, n_topics=n_topics, n_topic_words=n_topic_words, seed=seed)
    params["max_intruder_share"] = max_intruder_share
    return IntrusionItems("topic", form, key.drop(columns="text"), params)


# ------------------------------------------------------------------ writing the test

INSTRUCTIONS = {
    "word": "Each item lists words. All but one belong together; write the number of the word that "
    "does not belong in the answer column of word_intrusion.csv.",
    "topic": "Each item shows a paragraph and groups of words, each describing a topic. All but one "
    "group fit the paragraph; write the number of the group that does not fit in the answer column of "
    "topic_intrusion.csv.",
}


def form_markdown(items: IntrusionItems) -> str:
    """The form as Markdown, for reading; answers go in the CSV."""
    lines = [f"# {items.task.capitalize()} intrusion", "", INSTRUCTIONS[items.task], ""]
    options = [c for c in items.form.columns if c.startswith("option_")]
    for row in items.form.itertuples(index=False):
        lines += [f"## {row.item_id}", ""]
        if items.task == "topic":
            lines += ["> " + " ".join(str(row.text).split()), ""]
        lines += [f"{i}. {getattr(row, c)}" for i, c in enumerate(options, 1)]
        lines += ["", "Answer: ____", ""]
    return "\n".join(lines)


def write_intrusion_test(
    model,
    texts,
    folder,
    *,
    seed: int,
    n_words: int = 5,
    n_paragraphs: int = 20,
    n_topics: int = 3,
    n_topic_words: int = 8,
    max_intruder_share: float = 0.05,
) -> Path:
    """Write both tasks into a new ``folder``, whole or not at all.

    Layout: ``form/{word,topic}_intrusion.{csv,md}`` for coders (CSV with an empty
    ``answer`` column), ``key/{word,topic}_intrusion_key.csv`` kept from them, and
    ``intrusion.json`` (model, seed, settings). The settings are those of
    :func:`word_intrusion_items` and :func:`topic_intrusion_items`, with one ``seed``. The
    files are staged beside ``folder`` and renamed into place; an existing non-empty folder is
    refused, since its forms may already be with coders and a new key would not match their
    answers.
    """
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise IntrusionError(f"{folder} already exists; choose a new folder for the intrusion test.")
    tasks = [
        word_intrusion_items(model, seed=seed, n_words=n_words),
        topic_intrusion_items(
            model,
            texts,
            n_paragraphs=n_paragraphs,
            seed=seed,
            n_topics=n_topics,
            n_topic_words=n_topic_words,
            max_intruder_share=max_intruder_share,
        ),
    ]
    folder.parent.mkdir(parents=True, exist_ok=True)
    staged = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    try:
        for items in tasks:
            files.write_text(staged / FORM / f"{items.task}_intrusion.csv", files.csv_text(items.form))
            files.write_text(staged / FORM / f"{items.task}_intrusion.md", form_markdown(items))
            files.write_text(staged / KEY / f"{items.task}_intrusion_key.csv", files.csv_text(items.key))
        meta = dict(model=model.name, k=model.k, model_seed=model.seed, seed=seed)
        meta |= {"estimator": type(model.estimator).__name__, "tasks": {i.task: i.params for i in tasks}}
        files.write_json(staged / META, meta)
        if folder.exists():
            folder.rmdir()
        os.rename(staged, folder)
    finally:
        if staged.exists():
            shutil.rmtree(staged)
    return folder


# ------------------------------------------------------------------ reading answers


def _read_table(path: Path) -> pd.DataFrame:
    try:
        # utf-8-sig: spreadsheets often save a byte-order mark
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
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


def score_topic_intrusion(
    key: pd.DataFrame,
    answers: pd.DataFrame,
    *,
    share_floor: float = 1e-6,
    n_boot: int = 2000,
    seed: int = 0,
    level: float = 0.95,
) -> IntrusionScores:
    """Topic log odds (Chang et al.'s TLO) and the share of answers that found the intruder.

    An answer's TLO is log(share of the true intruder) - log(share of the topic chosen), the
    shares being the paragraph's topic shares: 0 when the intruder is found, more negative the
    more the model favours the topic the coder rejected. It is averaged over coders per item;
    per topic (the paragraph's largest) and per model, the mean over items with a percentile
    bootstrap interval over items (scipy's ``bootstrap``, ``n_boot`` resamples, ``seed``).
    Shares are floored at ``share_floor`` before the log, since NMF gives shares of exactly 0.
    """
    scored = _scored(key, answers)
    shares = scored[[c for c in key.columns if c.startswith("share_")]].to_numpy(dtype=float)
    log_share = np.log(np.maximum(shares, share_floor))
    rows = np.arange(len(scored))
    truth = log_share[rows, scored["intruder_option"].to_numpy(int) - 1]
    chosen = log_share[rows, scored["choice"].to_numpy(int) - 1]
    scored = scored.assign(tlo=truth - chosen)
    return _scores("topic", key, answers, scored, by="top_topic", level=level, n_boot=n_boot, seed=seed)


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
        out["topic"] = score_topic_intrusion(key, combine_answers(topic_answers, key), seed=seed)
    return {
        task: replace(scores, overall=scores.overall.assign(model=meta.get("model")))
        for task, scores in out.items()
    }
