"""Coders check the topics by word and topic intrusion (Chang et al. 2009, "Reading Tea Leaves").

Builds the items and writes the form a coder fills in and the answer key kept from them;
:mod:`themes.validate.intrusion_scores` reads the answers back and scores them. The tests were made
for people; who answered each file (a person or a language model) is recorded in ``coders.yml``, and
:mod:`themes.validate.coding_app` puts the tests before people blind.

References
----------
Chang, J., Boyd-Graber, J., Gerrish, S., Wang, C. and Blei, D. M. (2009). Reading tea leaves: how
humans interpret topic models. Advances in Neural Information Processing Systems 22.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .. import files
from ..errors import ThemesError

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
    min_genuine_share: float = 0.10,
) -> IntrusionItems:
    """Paragraphs shown with their ``n_topics`` largest topics and one low-share intruder.

    Each topic is shown by its ``n_topic_words`` top words (eight in Chang et al.). The
    intruder is drawn among the topics whose share of the paragraph is below that of every
    topic shown and at most ``max_intruder_share`` (Chang et al.'s "low-probability topics":
    a topic the paragraph holds a fair share of would be no intruder); paragraphs without
    such a topic are never drawn. Nor are paragraphs whose ``n_topics`` largest topics do not each
    hold ``min_genuine_share`` of them: an option the paragraph barely holds would be a second
    intruder, and chance would not be one over the options
    (:data:`themes.validate.intrusion_scores.MIN_GENUINE_SHARE` scores only such items).

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
    min_genuine_share : float, default 0.10
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
    eligible = np.flatnonzero(below.any(axis=1) & (floor[:, 0] >= min_genuine_share))
    if n_paragraphs > eligible.size:
        raise IntrusionError(
            f"only {eligible.size} paragraphs have {n_topics} topics that each hold {min_genuine_share:.0%} "
            f"of them and a topic below {max_intruder_share}; ask for at most {eligible.size} paragraphs "
            "or fewer topics."
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
    params["min_genuine_share"] = min_genuine_share
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
    min_genuine_share: float = 0.10,
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
            min_genuine_share=min_genuine_share,
        ),
    ]
    with files.staged_folder(folder) as staged:  # in place of the (new or empty) folder, whole
        for items in tasks:
            # defused: coders open the forms in a spreadsheet (read back by files.read_csv)
            files.write_csv(staged / FORM / f"{items.task}_intrusion.csv", items.form)
            files.write_text(staged / FORM / f"{items.task}_intrusion.md", form_markdown(items))
            files.write_csv(staged / KEY / f"{items.task}_intrusion_key.csv", items.key)
        meta = dict(model=model.name, k=model.k, model_seed=model.seed, seed=seed)
        meta |= {"estimator": type(model.estimator).__name__, "tasks": {i.task: i.params for i in tasks}}
        files.write_json(staged / META, meta)
    return folder
