"""Looking into topics through paragraphs: each topic's examples, and where a model and coders disagree."""

from __future__ import annotations

import pandas as pd

from ..models.base import rank_descending
from ..models.topic_model import TopicModel


def shorten(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[: chars - 3] + "..."


def example_paragraphs(
    model: TopicModel, paragraphs: pd.DataFrame, *, n: int = 1, chars: int = 160
) -> pd.DataFrame:
    """For each topic, the ``n`` paragraphs with the largest share of it (text shortened; shares
    equal to 12 decimals in paragraph order, as :func:`~themes.models.base.rank_descending` ranks them)."""
    text_of = paragraphs.set_index("paragraph_id")["text"]
    shares = model.document_topics
    rows = []
    for topic in model.topic_names:
        for pid in shares.index[rank_descending(shares[topic].to_numpy())[:n]]:
            rows.append(
                {
                    "topic": topic,
                    "paragraph_id": pid,
                    "share": shares.at[pid, topic],
                    "text": shorten(text_of[pid], chars),
                }
            )
    return pd.DataFrame(rows)


def disagreements(
    scores: pd.DataFrame,
    labels: pd.DataFrame,
    paragraphs: pd.DataFrame,
    *,
    model: str,
    n: int = 2,
    chars: int = 200,
) -> pd.DataFrame:
    """Paragraphs where a model and the coders disagree most, per theme.

    From ``paragraph_scores.csv``: the labelled paragraphs the model scores lowest ("coders
    yes, model no") and the unlabelled ones it scores highest ("coders no, model yes").
    """
    part = scores[scores["model"] == model].set_index("paragraph_id")
    text_of = paragraphs.set_index("paragraph_id")["text"]
    rows = []
    for theme in labels.columns:
        y, s = labels.loc[part.index, theme], part[theme]
        for kind, ids in (
            ("coders yes, model no", s[y == 1].sort_values(kind="stable").index[:n]),
            ("coders no, model yes", s[y == 0].sort_values(ascending=False, kind="stable").index[:n]),
        ):
            rows.extend(
                {
                    "theme": theme,
                    "disagreement": kind,
                    "paragraph_id": pid,
                    "score": s[pid],
                    "text": shorten(text_of[pid], chars),
                }
                for pid in ids
            )
    return pd.DataFrame(rows)
