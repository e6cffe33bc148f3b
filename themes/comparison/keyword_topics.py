"""Do the seeded models' theme topics hold their seed words? A check that needs no labels.

A keyword-assisted or seeded topic is named after its theme, but nothing forces the data to follow
the name: a keyATM keyword topic whose switch probability is near 0 draws its words from its general
distribution, and its top words may hold none of its keywords (the topic "sleeper_cells" then reads
"enemy retreat fight"). :func:`keyword_topic_table` reports, per seeded model and theme, how many
seed words the vocabulary holds (fewer than :data:`FEW_KEYWORDS` gives the model little to hold on
to), where they rank in the theme's topic, keyATM's switch probability, and the R-hat of keyATM's
log-likelihood across its seeds (each seed a chain).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..models.keyatm import rhat
from ..models.topic_model import TopicModel

FEW_KEYWORDS = 3
"""A theme with fewer seed words in the vocabulary than this is warned about."""
TOP = 10
KEYWORD_TOPIC_COLUMNS = [
    "model",
    "theme",
    "keywords_in_vocabulary",
    "n_seeds",
    "keywords_in_top10",
    "best_keyword_rank",
    "topic_share",
    "switch",
    "rhat",
]


def keyword_topic_table(
    fits: Mapping[str, Sequence[TopicModel]], seed_terms: Mapping[str, set[str]]
) -> pd.DataFrame:
    """One row per seeded model and theme, its values averaged over the model's seeds.

    ``keywords_in_top10``: the theme's seed terms among its topic's ten top terms; ``best_keyword_rank``:
    the median over seeds of the best rank of a seed term in the topic (1 = the top word);
    ``topic_share``: the topic's mean share of the paragraphs; ``switch``: keyATM's posterior mean
    probability that a token of the topic comes from its keyword distribution (NaN for other models);
    ``rhat``: the potential scale reduction of keyATM's log-likelihood over its seeds (one value per model).
    """
    rows = []
    for name, models in fits.items():
        seeded = [m for m in models if m.seeded]
        if not seeded:
            continue
        first = seeded[0]
        keyatm = hasattr(first.estimator, "switch_")
        chains = rhat([m.estimator.log_likelihood_ for m in seeded]) if keyatm and len(seeded) > 1 else np.nan
        vocabulary = {t: j for j, t in enumerate(first.vocabulary)}
        for theme, terms in seed_terms.items():
            if theme not in first.topic_names:
                continue
            columns = [vocabulary[t] for t in terms if t in vocabulary]
            in_top, best, share, switch = [], [], [], []
            for model in seeded:
                i = model.topic_names.index(theme)
                order = np.argsort(-np.round(model.topic_term[i], 12), kind="stable")
                rank = np.empty(len(order), dtype=int)
                rank[order] = np.arange(1, len(order) + 1)
                in_top.append(int(sum(rank[c] <= TOP for c in columns)))
                best.append(int(min(rank[c] for c in columns)) if columns else np.nan)
                share.append(float(model.doc_topic[:, i].mean()))
                switch.append(float(model.estimator.switch_[i]) if keyatm else np.nan)
            rows.append(
                {
                    "model": name,
                    "theme": theme,
                    "keywords_in_vocabulary": len(columns),
                    "n_seeds": len(seeded),
                    "keywords_in_top10": float(np.mean(in_top)),
                    "best_keyword_rank": float(np.nanmedian(best)) if columns else np.nan,
                    "topic_share": float(np.mean(share)),
                    "switch": float(np.mean(switch)) if keyatm else np.nan,
                    "rhat": chains,
                }
            )
    return pd.DataFrame(rows, columns=KEYWORD_TOPIC_COLUMNS)


def few_keywords(seed_terms: Mapping[str, set[str]]) -> dict[str, int]:
    """The themes with fewer than :data:`FEW_KEYWORDS` seed words in the vocabulary, and how many."""
    return {theme: len(terms) for theme, terms in seed_terms.items() if len(terms) < FEW_KEYWORDS}
