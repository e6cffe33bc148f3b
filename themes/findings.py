"""The study's findings as code: each claim of the README ("What the study finds") and of
notebook 05, checked against the tables of a results folder.

Every check takes the tables (:func:`read_tables`) and returns a :class:`Finding`: whether the
claim holds and one line of the numbers it rests on. ``tests/test_findings.py`` asserts them on
the committed results; ``themes verify`` runs them on the rebuilt ones.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from .registry import MODELS

TABLES = ("alignment", "summary", "model_sweep", "model_selection", "intrusion")
NAIVE = tuple(name for name, spec in MODELS.items() if spec.vectorizer == "naive")
SEEDED = tuple(name for name, spec in MODELS.items() if spec.seeded)
PLAIN = tuple(name for name in MODELS if name not in NAIVE and name not in SEEDED)
TOPIC_MODELS = tuple(MODELS)
HARD_THEMES = ("morale", "theology", "territory")


class Finding(NamedTuple):
    holds: bool
    detail: str


Tables = Mapping[str, pd.DataFrame]


def read_tables(results_dir: str | Path) -> dict[str, pd.DataFrame]:
    """The tables the findings rest on, read from a results folder (a missing one is left out)."""
    results_dir = Path(results_dir)
    return {
        name: pd.read_csv(results_dir / f"{name}.csv")
        for name in TABLES
        if (results_dir / f"{name}.csv").exists()
    }


def _summary(t: Tables) -> pd.DataFrame:
    return t["summary"].set_index("model")


def _verdicts(t: Tables) -> pd.DataFrame:
    return t["alignment"].pivot(index="theme", columns="model", values="verdict")


def naive_lda_is_at_chance(t: Tables) -> Finding:
    s = _summary(t)
    auc, n = s.loc[list(NAIVE), "auc_mean"], s.loc[list(NAIVE), "themes_recovered"]
    return Finding(
        bool((auc < 0.6).all() and (n == 0).all()),
        "; ".join(f"{m}: mean AUC {auc[m]:.3f} (< 0.60), {int(n[m])} themes recovered (0)" for m in NAIVE),
    )


def plain_models_beat_naive_but_recover_at_most_one_theme(t: Tables) -> Finding:
    s = _summary(t)
    naive = s.loc[list(NAIVE), "auc_mean"].max()
    plain = s.loc[list(PLAIN)]
    holds = bool((plain["auc_mean"] > naive).all() and (plain["themes_recovered"] <= 1).all())
    return Finding(
        holds,
        f"lowest plain mean AUC {plain['auc_mean'].min():.3f} vs naive {naive:.3f}; "
        f"most themes recovered by a plain model {int(plain['themes_recovered'].max())} (<= 1)",
    )


def plain_lda_is_less_stable_than_nmf(t: Tables) -> Finding:
    chosen = t["model_selection"][["model", "K"]]
    at_k = t["model_sweep"].merge(chosen, on=["model", "K"]).set_index("model")["stability_mean"]
    lda = at_k[[m for m in PLAIN if m.startswith("lda") and m in at_k.index]].max()
    nmf = at_k[[m for m in PLAIN if m.startswith("nmf") and m in at_k.index]].min()
    return Finding(
        bool(lda < 0.5 < 0.75 < nmf),
        f"stability at the chosen K: plain LDA at most {lda:.3f} (< 0.50), NMF at least {nmf:.3f} (> 0.75)",
    )


def seeding_helps_lda_more_than_nmf(t: Tables) -> Finding:
    s = _summary(t)["auc_mean"]
    # each seeded model against the plain model of the same implementation
    lda_gain, nmf_gain = s["lda_seeded"] - s["lda_gensim"], s["nmf_seeded"] - s["nmf_sklearn"]
    return Finding(
        bool(lda_gain > nmf_gain and lda_gain > 0.05),
        f"mean AUC gain from seeding: LDA {lda_gain:+.3f} (> 0.05), NMF {nmf_gain:+.3f}",
    )


def only_seeded_models_recover_morale_theology_or_territory(t: Tables) -> Finding:
    v = _verdicts(t)
    recovered = {(m, th) for th in HARD_THEMES for m in TOPIC_MODELS if v.at[th, m] == "recovered"}
    unseeded = sorted(f"{m}/{th}" for m, th in recovered if m not in SEEDED)
    seeded = sorted(f"{m}/{th}" for m, th in recovered if m in SEEDED)
    return Finding(
        bool(seeded) and not unseeded,
        f"recovered by seeded models: {', '.join(seeded) or 'none'}; "
        f"by unseeded models: {', '.join(unseeded) or 'none'}",
    )


def seed_words_alone_are_the_strongest_and_recover_every_theme(t: Tables) -> Finding:
    s = _summary(t)
    best, n_themes = s["auc_mean"].idxmax(), t["alignment"]["theme"].nunique()
    n = int(s.at["keywords", "themes_recovered"])
    return Finding(
        best == "keywords" and n == n_themes,
        f"highest mean AUC: {best} ({s.at[best, 'auc_mean']:.3f}); keywords recover {n} of {n_themes} themes",
    )


def finance_is_recovered_by_no_topic_model_nor_the_supervised_one(t: Tables) -> Finding:
    s, v = _summary(t), _verdicts(t)
    n_themes = t["alignment"]["theme"].nunique()
    n = int(s.at["supervised", "themes_recovered"])
    found = [m for m in (*TOPIC_MODELS, "supervised") if v.at["finance", m] == "recovered"]
    return Finding(
        n == n_themes - 1 and not found,
        f"supervised recovers {n} of {n_themes} themes; finance recovered by {', '.join(found) or 'none'}",
    )


def morale_is_the_hardest_theme_and_theology_the_easiest(t: Tables) -> Finding:
    a = t["alignment"][t["alignment"]["model"].isin(TOPIC_MODELS)]
    mean_auc = a.groupby("theme")["auc_mean"].mean()
    n_recovered = a.assign(r=a["verdict"] == "recovered").groupby("theme")["r"].sum()
    hardest = mean_auc.idxmin()
    most = n_recovered[n_recovered == n_recovered.max()].index.tolist()
    return Finding(
        hardest == "morale" and most == ["theology"],
        f"lowest mean AUC over the topic models: {hardest} ({mean_auc[hardest]:.3f}); "
        f"recovered by the most topic models: {', '.join(most)} ({int(n_recovered.max())})",
    )


def models_agree_with_the_reference_less_than_the_coders_agree(t: Tables) -> Finding:
    a = t["alignment"]
    gap = a["alpha_human"] - a["alpha_model_mean"]
    i = gap.idxmin()
    return Finding(
        bool((gap > 0).all()),
        f"smallest gap between the coders' alpha and a model's: {gap[i]:.3f} "
        f"({a.at[i, 'model']}, {a.at[i, 'theme']})",
    )


def keyatm_does_not_beat_the_seed_words_and_recovers_theology_only(t: Tables) -> Finding:
    a = t["alignment"].set_index(["model", "theme"])
    keyatm, keywords = a.loc["keyatm"], a.loc["keywords"]
    above = keyatm.index[keyatm["auc_mean"] >= keywords.loc[keyatm.index, "auc_mean"]].tolist()
    recovered = keyatm.index[keyatm["verdict"] == "recovered"].tolist()
    s = _summary(t)
    return Finding(
        not above and recovered == ["theology"],
        f"mean AUC keyatm {s.at['keyatm', 'auc_mean']:.3f} vs keywords {s.at['keywords', 'auc_mean']:.3f}; "
        f"themes where keyatm is not lower: {', '.join(above) or 'none'}; "
        f"keyatm recovers: {', '.join(recovered) or 'none'}",
    )


def intrusion_is_above_chance_but_does_not_rank_the_models(t: Tables) -> Finding:
    if "intrusion" not in t:
        return Finding(False, "results/intrusion.csv is missing")
    words = t["intrusion"].query("task == 'word'")
    complete = set(words["model"]) == set(TOPIC_MODELS) and not words["stale"].astype(bool).any()
    above = bool((words["share_correct"] > words["chance"]).all())
    sizes = (int(words["n_items"].min()), int(words["n_items"].max()))
    overlap = words["ci_high"].min() > words["ci_low"].max()  # one range common to every interval
    common = f"[{words['ci_low'].max():.3f}, {words['ci_high'].min():.3f}]" if overlap else "none"
    return Finding(
        bool(complete and above and sizes == (3, 11) and overlap),
        f"{words['model'].nunique()} models scored, stale: {bool(words['stale'].astype(bool).any())}; "
        f"lowest share correct minus chance {(words['share_correct'] - words['chance']).min():+.3f}; "
        f"topics per model {sizes[0]}-{sizes[1]}; range common to every interval: {common}",
    )


CLAIMS: dict[str, Callable[[Tables], Finding]] = {
    "naive LDA is at chance": naive_lda_is_at_chance,
    "plain LDA and NMF beat naive LDA but recover at most one theme each": (
        plain_models_beat_naive_but_recover_at_most_one_theme
    ),
    "plain LDA is unstable across seeds, NMF stable": plain_lda_is_less_stable_than_nmf,
    "seeding helps, LDA more than NMF": seeding_helps_lda_more_than_nmf,
    "only the seeded models recover morale, theology or territory": (
        only_seeded_models_recover_morale_theology_or_territory
    ),
    "counting the seed words beats every model and recovers all five themes": (
        seed_words_alone_are_the_strongest_and_recover_every_theme
    ),
    "the supervised classifier recovers four themes; no topic model nor it recovers finance": (
        finance_is_recovered_by_no_topic_model_nor_the_supervised_one
    ),
    "morale is the hardest theme for the topic models, theology the most often recovered": (
        morale_is_the_hardest_theme_and_theology_the_easiest
    ),
    "every model agrees with the reference less than the coders agree with each other": (
        models_agree_with_the_reference_less_than_the_coders_agree
    ),
    "keyATM is below the seed words on every theme and recovers theology only": (
        keyatm_does_not_beat_the_seed_words_and_recovers_theology_only
    ),
    "intrusion: above chance for every model, but the intervals do not rank the models": (
        intrusion_is_above_chance_but_does_not_rank_the_models
    ),
}


def check_findings(results: str | Path | Tables) -> pd.DataFrame:
    """One row per claim: claim, holds, detail.

    ``results`` is a results folder or its tables as read by :func:`read_tables`. A claim whose
    tables or rows are missing does not hold, with the reason as its detail.
    """
    tables = results if isinstance(results, Mapping) else read_tables(results)
    rows = []
    for claim, check in CLAIMS.items():
        try:
            holds, detail = check(tables)
        except (KeyError, ValueError) as exc:  # a missing table, model, theme or column
            holds, detail = False, f"cannot be checked: {type(exc).__name__}: {exc}"
        rows.append({"claim": claim, "holds": bool(holds), "detail": detail})
    return pd.DataFrame(rows, columns=["claim", "holds", "detail"])
