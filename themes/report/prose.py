"""The results in words, generated from the result tables (the discussion of notebook 05).

Every number and every threshold in the text is read from ``alignment.csv``, ``summary.csv``
and :data:`themes.comparison.rules.RULES`, so the prose cannot drift from the results or the rules.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ..comparison.rules import RULES, Rules
from ..reference.coders import LANGUAGE_MODEL, CoderRecord, describe_coders


def format_auc(row) -> str:
    """``0.81 [0.70, 0.90]``: a mean AUC with its interval."""
    return f"{row['auc_mean']:.2f} [{row['auc_ci_low']:.2f}, {row['auc_ci_high']:.2f}]"


def discussion(
    alignment: pd.DataFrame, summary: pd.DataFrame, *, roles: Mapping[str, str], rules: Rules = RULES
) -> str:
    """The results in Markdown bullets, every number from the tables.

    ``roles`` names each topic model's place in the study's design: ``naive``, ``plain`` or
    ``seeded`` (:attr:`themes.study.Study.model_roles`); every other row of the tables is a baseline.
    """
    s = summary.set_index("model")
    topic_models = [m for m in s.index if m in roles]
    naive = [m for m in topic_models if roles[m] == "naive"]
    plain = [m for m in topic_models if roles[m] == "plain"]
    seeded = [m for m in topic_models if roles[m] == "seeded"]
    baselines = [m for m in s.index if m not in roles]
    best_plain = max(plain, key=lambda m: s.at[m, "auc_mean"]) if plain else None
    best_seeded = max(seeded, key=lambda m: s.at[m, "auc_mean"]) if seeded else None
    n_themes = alignment["theme"].nunique()
    lines = []
    for m in naive:
        lines.append(
            f"- **Naive LDA** (scikit-learn defaults, K={int(s.at[m, 'K'])}) reaches a mean ROC AUC over "
            f"themes of {s.at[m, 'auc_mean']:.2f}, where 0.50 is chance: it recovers "
            f"{int(s.at[m, 'themes_recovered'])} of {n_themes} themes."
        )
    if best_plain:
        lines.append(
            f"- The best **plain** topic model is `{best_plain}` (K={int(s.at[best_plain, 'K'])}) "
            f"with mean AUC {s.at[best_plain, 'auc_mean']:.2f} and mean F1 "
            f"{s.at[best_plain, 'f1_mean']:.2f}; "
            + ", ".join(f"`{m}` {s.at[m, 'auc_mean']:.2f}" for m in plain if m != best_plain)
            + "."
        )
    if best_seeded:
        lines.append(
            f"- The best **seeded** model is `{best_seeded}` with mean AUC "
            f"{s.at[best_seeded, 'auc_mean']:.2f} ("
            + ", ".join(f"`{m}` {s.at[m, 'auc_mean']:.2f}" for m in seeded if m != best_seeded)
            + ")."
        )
    if "keywords" in s.index:
        lines.append(
            f"- Counting the **seed words alone** gives mean AUC {s.at['keywords', 'auc_mean']:.2f} "
            f"and mean F1 {s.at['keywords', 'f1_mean']:.2f}."
        )
    if "auc_lodo_mean" in s.columns and plain:
        lines.append(
            "- **Held out by document** (topics matched on the other documents, AUC over pairs of "
            "paragraphs from one document), the plain models fall: "
            + ", ".join(f"`{m}` {s.at[m, 'auc_mean']:.2f} to {s.at[m, 'auc_lodo_mean']:.2f}" for m in plain)
            + "; the seeded models, which choose nothing on the labels, "
            + ", ".join(f"`{m}` {s.at[m, 'auc_lodo_mean']:.2f}" for m in seeded)
            + (
                f"; the document indicator {s.at['document', 'auc_lodo_mean']:.2f}"
                if "document" in s.index
                else ""
            )
            + "."
        )
    if "supervised" in s.index:
        gains = ", ".join(f"`{m}` {s.at[m, 'share_of_supervised_gain']:.0%}" for m in topic_models)
        lines.append(
            "- The **supervised** classifier, trained on the other documents for each document it scores, "
            "ranks paragraphs within documents at a within-document AUC of "
            f"{s.at['supervised', 'auc_lodo_mean']:.2f}; pooled over its folds its AUC is "
            f"{s.at['supervised', 'auc_mean']:.2f} (each fold's classifier is fitted on other documents, so "
            "their scores are not on one scale). As a share of its held-out gain over chance, the topic "
            f"models reach: {gains}."
        )
    lines += [
        "",
        f"Per theme (mean AUC over seeds with its {rules.interval_level:.0%} bootstrap interval; "
        f"*recovered* means {rules.recovered_in_words}):",
        "",
    ]
    chance_share = f"{1 - rules.null_quantile:.0%}"
    for theme, part in alignment.groupby("theme", sort=False):
        part = part.set_index("model")
        got = [m for m in topic_models if part.at[m, "verdict"] == "recovered"]
        weak = [m for m in topic_models if part.at[m, "verdict"] == "weak"]
        best = max(topic_models, key=lambda m: part.at[m, "auc_mean"])
        text = (
            f"- **{theme}** (prevalence {part['prevalence'].iloc[0]:.0%}, coders' alpha "
            f"{part['alpha_coders'].iloc[0]:.2f}): "
        )
        if got:
            text += "recovered by " + ", ".join(
                f"`{m}` {format_auc(part.loc[m])}, p = {part.at[m, 'auc_p_holm']:.3f}"
                + _match_note(part.loc[m], theme)
                for m in got
            )
        else:
            text += (
                f"**no topic model recovers it**; the best is `{best}` at {format_auc(part.loc[best])}, "
                f"against {part.at[best, 'auc_null_95']:.2f} that matching alone reaches in "
                f"{chance_share} of the null's draws (Holm-adjusted p = {part.at[best, 'auc_p_holm']:.3f}, "
                f"{part.at[best, 'verdict']})"
            )
        if weak:
            text += "; weak in " + ", ".join(f"`{m}`" for m in weak)
        missing = [m for m in plain if part.at[m, "missing_share"] > 0]
        if missing:
            text += f"; no topic reaches AUC {rules.capture_auc:.2f} for it in " + ", ".join(
                f"`{m}` ({part.at[m, 'missing_share']:.0%} of seeds)" for m in missing
            )
        for base in baselines:
            if base in part.index:
                text += f"; {base} {format_auc(part.loc[base])}"
        lines.append(text + ".")
    return "\n".join(lines)


def _match_note(row, theme: str) -> str:
    """How a matched topic is quoted: by its top words, flagged when it holds none of the theme's
    seed words, and with the seeds that matched one when not all did."""
    notes = []
    if isinstance(row.get("matched_top_words"), str) and row["matched_top_words"]:
        words = " ".join(row["matched_top_words"].split()[:5])
        flag = (
            f", none of {theme}'s seed words among its top words"
            if row.get("theme_words_in_topic") == 0
            else ""
        )
        notes.append(f'topic "{words} …"{flag}')
    if row.get("seeds_matched", row.get("n_seeds")) < row.get("n_seeds", 0):
        notes.append(f"matched in {int(row['seeds_matched'])} of {int(row['n_seeds'])} seeds")
    return f" ({'; '.join(notes)})" if notes else ""


def alpha_against_coders(alignment: pd.DataFrame, *, coders: str = "the coders") -> str:
    """One sentence: how each model's alpha with the reference compares with the coders' alpha
    with each other (``alignment.csv``); a reference coded once has no coders' alpha. ``coders``
    says who they were (:func:`coders_note`'s words, e.g. ``the two language-model coders``)."""
    gap = alignment["alpha_coders"] - alignment["alpha_model_mean"]
    if gap.isna().all():
        return (
            "There is no coders' alpha to hold the models' alpha against: the reference was coded by "
            "one coder (two independent codings give it, see the codebook)."
        )
    low = alignment.loc[gap.idxmin()]
    return (
        f"Alpha between a model's decisions and the reference is below the alpha of {coders} with each "
        "other in "
        f"{int((gap > 0).sum())} of {int(gap.notna().sum())} model-theme rows; "
        f"the smallest gap is {gap.min():.2f} (`{low['model']}`, {low['theme']}: "
        f"{low['alpha_model_mean']:.2f} against {low['alpha_coders']:.2f})."
    )


def coders_note(records: list[CoderRecord]) -> str:
    """Who the coders were, from their records in ``coders.yml``, with what their agreement can show."""
    if not records:
        return "No coder of the reference labels is recorded in `data/reference/coders.yml`."
    who = describe_coders(records)
    models = [r for r in records if r.kind == LANGUAGE_MODEL]
    text = f"The reference was coded by {who}"
    if models:
        names = sorted({r.model for r in models})
        text += (
            f" (AI language-model sessions run apart; model and version: {', '.join(names)}, as "
            "`data/reference/coders.yml` records)"
        )
    text += "."
    if len(models) == len(records):
        text += (
            " Their agreement shows that the codebook can be applied consistently by runs of a language "
            "model; it does not show that human readers would draw the boundaries in the same place."
        )
    return text


def seeding_effect_text(effect: pd.DataFrame) -> str:
    """What the seed words add, per seeded model: the same estimator, K and seeds without them."""
    lines = []
    for model, part in effect.groupby("model", sort=False):
        diff = part.set_index("theme")["auc_difference"]
        lines.append(
            f"- `{model}` (K={int(part['K'].iloc[0])}): mean AUC {part['auc_seeded'].mean():.2f} "
            "with seed words, "
            f"{part['auc_unseeded'].mean():.2f} without (matched on the labels); higher with them on "
            f"{int((diff > 0).sum())} of {len(diff)} themes ("
            + ", ".join(f"{t} {d:+.2f}" for t, d in diff.items())
            + "). Recovered without seed words: "
            + (", ".join(part.loc[part["verdict_unseeded"] == "recovered", "theme"]) or "none")
            + "."
        )
    return "\n".join(lines)


def seed_sensitivity_text(table: pd.DataFrame) -> str:
    """Per seeded model and theme: the AUC with every seed word, the range when one is dropped and
    over random halves, and the word whose loss costs most."""
    lines = []
    for (model, theme), part in table.groupby(["model", "theme"], sort=False):
        drops = part[(part["variant"] == "drop") & part["auc"].notna()]
        halves = part[part["variant"].str.startswith("half")]
        text = f"- `{model}` {theme}: {part['auc_full'].iloc[0]:.2f} with every seed word"
        if len(drops):
            worst = drops.loc[drops["delta"].idxmin()]
            text += (
                f"; one word dropped {drops['auc'].min():.2f}-{drops['auc'].max():.2f} "
                f"(lowest without {worst['words_removed']!r})"
            )
        if halves["auc"].notna().any():
            text += f"; random halves {halves['auc'].min():.2f}-{halves['auc'].max():.2f}"
        if part["auc"].isna().any():
            text += f"; {int(part['auc'].isna().sum())} variants leave it no seed word in the vocabulary"
        lines.append(text + ".")
    return "\n".join(lines)


def keyword_model_comparison(
    alignment: pd.DataFrame, *, model: str = "keyatm", baseline: str = "keywords_vocab"
) -> str:
    """Whether a keyword-assisted model beats counting its own seed words, theme by theme."""
    a = alignment.set_index(["model", "theme"])
    themes = list(dict.fromkeys(alignment["theme"]))
    if model not in a.index.get_level_values(0) or baseline not in a.index.get_level_values(0):
        return f"`{model}` or `{baseline}` is not in the results."
    wins = [t for t in themes if a.at[(model, t), "auc_mean"] > a.at[(baseline, t), "auc_mean"]]
    mean_model = a.loc[model, "auc_mean"].mean()
    mean_base = a.loc[baseline, "auc_mean"].mean()
    verdict = "beats" if mean_model > mean_base else "does not beat"
    lines = [
        f"`{model}` {verdict} counting the seed words: mean AUC {mean_model:.2f} against "
        f"{mean_base:.2f} for `{baseline}`. It scores higher on {len(wins)} of {len(themes)} themes"
        + (f" ({', '.join(wins)})." if wins else "."),
        "",
    ]
    for t in themes:
        lines.append(
            f"- **{t}**: `{model}` {format_auc(a.loc[(model, t)])} ({a.at[(model, t), 'verdict']}), "
            f"`{baseline}` {format_auc(a.loc[(baseline, t)])}."
        )
    return "\n".join(lines)


def intrusion_beside_auc(intrusion: pd.DataFrame, summary: pd.DataFrame) -> pd.DataFrame:
    """Per model: word-intrusion precision, topic-intrusion share, their intervals, word intrusion's
    chance level (``chance``), and mean AUC. A stale test (drawn from an earlier fit) is left out:
    its answers are about topics the AUC is not."""
    if "stale" in intrusion.columns:
        intrusion = intrusion[~intrusion["stale"].astype(bool)]
    wide = intrusion.pivot(index="model", columns="task", values=["share_correct", "ci_low", "ci_high"])
    wide.columns = [f"{task}_{value}" for value, task in wide.columns]
    chance = intrusion[intrusion["task"] == "word"].set_index("model")["chance"]
    out = wide.join(chance).join(summary.set_index("model")[["auc_mean", "themes_recovered"]], how="left")
    order = [m for m in summary["model"] if m in out.index]
    return out.loc[order].reset_index()
