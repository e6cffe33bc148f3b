"""The hand-labelled reference set: codebook, labels, seed words, inter-coder agreement.

Theme names come from the codebook (its ``### name`` headings under ``## Themes``), so a
student can bring their own set of themes; every label file is validated against them.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import krippendorff
import numpy as np
import pandas as pd
import yaml
from sklearn.metrics import cohen_kappa_score

from .errors import LabelError

ID = "paragraph_id"
# Krippendorff (2004, p. 241): rely on variables with alpha >= .800; consider variables with
# .667 <= alpha < .800 only for tentative conclusions.
ALPHA_FIRM = 0.8
ALPHA_TENTATIVE = 0.667
_THEME_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


# ---------------------------------------------------------------- codebook


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LabelError(
            f"{path} is not valid UTF-8 (bad byte at position {exc.start}); re-save it as UTF-8 text."
        ) from None


def read_themes(codebook: str | Path) -> list[str]:
    """Theme names in codebook order: the ``### name`` headings of its ``## Themes`` section.

    Raises
    ------
    LabelError
        When the file is missing, has no ``## Themes`` section, a heading is not a
        lower-case identifier (``sleeper_cells``), or a theme is named twice.
    """
    path = Path(codebook)
    if not path.is_file():
        raise LabelError(f"the codebook {path} does not exist; write one with a '## Themes' section.")
    text = _read_text(path)
    section = re.search(r"^## Themes\s*$(.*?)(?=^## |\Z)", text, flags=re.M | re.S)
    if section is None:
        raise LabelError(f"{path} has no '## Themes' section; list each theme there as a '### name' heading.")
    names = [m.strip() for m in re.findall(r"^### (.+)$", section.group(1), flags=re.M)]
    bad = [n for n in names if not _THEME_NAME.match(n)]
    if bad:
        raise LabelError(
            f"{path}: theme heading(s) {', '.join(repr(b) for b in bad)} are not lower-case names "
            "such as 'sleeper_cells'; rename them so that they can be label columns."
        )
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise LabelError(f"{path} names the theme(s) {', '.join(repeated)} more than once.")
    if not names:
        raise LabelError(f"{path} has a '## Themes' section without any '### name' heading.")
    return names


def codebook_definitions(codebook: str | Path) -> pd.DataFrame:
    """Each theme's one-paragraph definition (the text after ``**Definition.**``), in order."""
    text = Path(codebook).read_text(encoding="utf-8")
    rows = []
    for theme in read_themes(codebook):
        section = re.search(rf"^### {re.escape(theme)}\s*$(.*?)(?=^##|\Z)", text, flags=re.M | re.S)
        found = re.search(r"\*\*Definition\.\*\*\s*(.*?)(?:\n\s*\n|\Z)", section.group(1), flags=re.S)
        rows.append({"theme": theme, "definition": " ".join(found.group(1).split()) if found else ""})
    return pd.DataFrame(rows)


# ----------------------------------------------------------------- labels


def load_labels(path: str | Path, *, themes: list[str], paragraph_ids: list[str]) -> pd.DataFrame:
    """Read and validate a label file: one row per kept paragraph, one 0/1 column per theme.

    Parameters
    ----------
    path : path
        CSV with a ``paragraph_id`` column and one column per theme.
    themes : list of str
        The codebook's themes (:func:`read_themes`).
    paragraph_ids : list of str
        Ids of the kept paragraphs (the coding units).

    Returns
    -------
    pandas.DataFrame
        Integer 0/1 columns ``themes`` in codebook order, indexed by ``paragraph_id`` in
        the order of ``paragraph_ids``.

    Raises
    ------
    LabelError
        One message listing every offender: an unknown paragraph id, a kept paragraph
        without a row, a duplicated row, an unknown or missing theme column, a value other
        than 0 or 1.
    """
    path = Path(path)
    return _validate_labels(_read_label_table(path), path, themes=themes, paragraph_ids=paragraph_ids)


def _read_label_table(path: Path) -> pd.DataFrame:
    """A label file as text cells, with a ``paragraph_id`` column (one-line errors otherwise)."""
    if not path.is_file():
        raise LabelError(f"the label file {path} does not exist.")
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise LabelError(f"{path} is not a readable CSV file ({str(exc).splitlines()[0]}).") from None
    if ID not in table.columns:
        raise LabelError(f"{path} has no '{ID}' column.")
    return table


def _validate_labels(
    table: pd.DataFrame, path: Path, *, themes: list[str], paragraph_ids: list[str]
) -> pd.DataFrame:
    """The label table checked against the themes and the kept paragraphs (see :func:`load_labels`)."""
    problems = []
    unknown_cols = [c for c in table.columns if c != ID and c not in themes]
    if unknown_cols:
        problems.append(
            f"unknown theme column(s) {', '.join(unknown_cols)} "
            f"(the codebook's themes are {', '.join(themes)})"
        )
    missing_cols = [t for t in themes if t not in table.columns]
    if missing_cols:
        problems.append(f"missing theme column(s) {', '.join(missing_cols)}")
    ids = table[ID].str.strip()
    known = set(paragraph_ids)
    unknown = [i for i in dict.fromkeys(ids) if i not in known]
    if unknown:
        problems.append(f"unknown or not kept paragraph id(s) {', '.join(unknown)}")
    repeated = sorted(set(ids[ids.duplicated()]))
    if repeated:
        problems.append(f"duplicated row(s) for {', '.join(repeated)}")
    absent = [i for i in paragraph_ids if i not in set(ids)]
    if absent:
        problems.append(f"no row for kept paragraph(s) {', '.join(absent)}")
    for theme in themes:
        if theme not in table.columns:
            continue
        values = table[theme].str.strip()
        bad = [f"{pid} ({val!r})" for pid, val in zip(ids, values, strict=True) if val not in ("0", "1")]
        if bad:
            problems.append(f"value(s) other than 0 or 1 in '{theme}': {', '.join(bad)}")
    if problems:
        raise LabelError(f"{path}: " + "; ".join(problems) + ".")
    out = table.assign(**{ID: ids}).set_index(ID)[themes].apply(lambda c: c.str.strip().astype(int))
    return out.loc[list(paragraph_ids)]


def read_labels(
    path: str | Path, *, themes: list[str] | None = None, paragraph_ids: list[str] | None = None
) -> pd.DataFrame:
    """A label table for :func:`themes.compare`: 0/1 theme columns indexed by paragraph id.

    Like :func:`load_labels`, with the themes (default: every column but ``paragraph_id``)
    and the paragraphs (default: the file's rows, in order) taken from the file when not given.
    """
    path = Path(path)
    table = _read_label_table(path)
    if themes is None:
        themes = [c for c in table.columns if c != ID]
    if paragraph_ids is None:
        paragraph_ids = list(dict.fromkeys(table[ID].str.strip()))
    return _validate_labels(table, path, themes=list(themes), paragraph_ids=list(paragraph_ids))


def read_seed_words(path: str | Path, *, themes: list[str] | None = None) -> dict[str, list[str]]:
    """Seed words per theme from a YAML mapping ``theme: [word, ...]`` (see :func:`check_seed_words`).

    ``themes`` (the codebook's) default to the file's own keys.
    """
    path = Path(path)
    if not path.is_file():
        raise LabelError(f"the seed-word file {path} does not exist.")
    try:
        data = yaml.safe_load(_read_text(path))
    except yaml.YAMLError as exc:
        raise LabelError(f"{path} is not valid YAML ({str(exc).splitlines()[0]}).") from None
    if themes is None:
        themes = [str(t) for t in data] if isinstance(data, dict) else []
    return check_seed_words(data, themes=themes, where=str(path))


def check_seed_words(data, *, themes: list[str], where: str = "seed words") -> dict[str, list[str]]:
    """Validate a mapping ``theme: [word, ...]``; words are lower-cased and stripped.

    Every theme needs at least one seed word and no unknown theme may appear; a word under
    two themes is refused, since it could seed neither.
    """
    if not isinstance(data, dict):
        raise LabelError(f"{where} must map each theme to a list of seed words.")
    unknown = [t for t in data if t not in themes]
    missing = [t for t in themes if not data.get(t)]
    problems = []
    if unknown:
        problems.append(f"unknown theme(s) {', '.join(map(str, unknown))}")
    if missing:
        problems.append(f"no seed words for {', '.join(missing)}")
    words = {t: [str(w).strip().lower() for w in (data.get(t) or [])] for t in themes}
    owners: dict[str, list[str]] = {}
    for theme, ws in words.items():
        for w in ws:
            owners.setdefault(w, []).append(theme)
    shared = sorted(w for w, ts in owners.items() if len(set(ts)) > 1)
    if shared:
        problems.append(f"word(s) listed under two themes: {', '.join(shared)}")
    if problems:
        raise LabelError(f"{where}: " + "; ".join(problems) + ".")
    return words


# -------------------------------------------------------------- agreement


def krippendorff_alpha(*codings: np.ndarray) -> float:
    """Nominal Krippendorff's alpha of two or more 0/1 codings of the same units.

    NaN when the codings use a single value throughout (alpha is undefined without
    variation).
    """
    data = np.vstack([np.asarray(c, dtype=float) for c in codings])
    if np.unique(data[~np.isnan(data)]).size < 2:
        return float("nan")
    return float(
        krippendorff.alpha(reliability_data=data, level_of_measurement="nominal", value_domain=[0, 1])
    )


def cohen_kappa(a: np.ndarray, b: np.ndarray) -> float:
    """Cohen's kappa of two 0/1 codings; NaN when both use a single value throughout."""
    a, b = np.asarray(a), np.asarray(b)
    if np.unique(np.concatenate([a, b])).size < 2:
        return float("nan")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # kappa is nan when one coder is constant
        return float(cohen_kappa_score(a, b, labels=[0, 1]))


def reliability_verdict(alpha: float) -> str:
    """Krippendorff's reading of an alpha: firm, tentative or unreliable."""
    if np.isnan(alpha):
        return "undefined"
    if alpha >= ALPHA_FIRM:
        return "firm"
    if alpha >= ALPHA_TENTATIVE:
        return "tentative"
    return "unreliable"


def alpha_interval(
    a: np.ndarray, b: np.ndarray, *, n_boot: int = 1000, seed: int = 0, level: float = 0.95
) -> tuple[float, float]:
    """Percentile bootstrap interval of Krippendorff's alpha over paragraphs.

    Paragraphs are resampled with replacement; resamples in which alpha is undefined (no
    variation) are left out. With few positives the interval is wide: it says how much the
    alpha of a rare theme rests on a handful of paragraphs.
    """
    rng = np.random.default_rng(seed)
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    draws = []
    for _ in range(n_boot):
        idx = rng.integers(0, len(a), len(a))
        draws.append(krippendorff_alpha(a[idx], b[idx]))
    draws = np.asarray(draws)
    draws = draws[np.isfinite(draws)]
    if draws.size == 0:
        return float("nan"), float("nan")
    lo, hi = np.quantile(draws, [(1 - level) / 2, (1 + level) / 2])
    return float(lo), float(hi)


def agreement_table(
    coder1: pd.DataFrame, coder2: pd.DataFrame, *, n_boot: int = 1000, seed: int = 0
) -> pd.DataFrame:
    """Per theme: positives by each coder, disagreements, Krippendorff's alpha (with a bootstrap
    interval over paragraphs), Cohen's kappa, and Krippendorff's reading of the alpha.

    Both codings must have the same index and columns (validate them with
    :func:`load_labels` first).
    """
    rows = []
    for theme in coder1.columns:
        a, b = coder1[theme].to_numpy(), coder2.loc[coder1.index, theme].to_numpy()
        alpha = krippendorff_alpha(a, b)
        low, high = alpha_interval(a, b, n_boot=n_boot, seed=seed)
        rows.append(
            {
                "theme": theme,
                "n_paragraphs": len(a),
                "coder1_positive": int(a.sum()),
                "coder2_positive": int(b.sum()),
                "disagreements": int((a != b).sum()),
                "percent_agreement": float((a == b).mean()),
                "krippendorff_alpha": alpha,
                "alpha_ci_low": low,
                "alpha_ci_high": high,
                "cohen_kappa": cohen_kappa(a, b),
                "verdict": reliability_verdict(alpha),
            }
        )
    return pd.DataFrame(rows)


ADJUDICATION_COLUMNS = [ID, "theme", "coder1", "coder2", "final", "reason"]


def check_adjudication(
    coder1: pd.DataFrame, coder2: pd.DataFrame, final: pd.DataFrame, log: str | Path
) -> pd.DataFrame:
    """Check that the final labels are the two codings with every disagreement settled in the log.

    Where the coders agree the final label must be theirs; where they disagree the log
    must hold exactly one row (with a reason) whose ``final`` value is the final label.

    Returns
    -------
    pandas.DataFrame
        The adjudication log.
    """
    log = Path(log)
    if not log.is_file():
        raise LabelError(f"the adjudication log {log} does not exist.")
    table = pd.read_csv(log, dtype=str, keep_default_na=False)
    missing = [c for c in ADJUDICATION_COLUMNS if c not in table.columns]
    if missing:
        raise LabelError(f"{log} lacks the column(s) {', '.join(missing)}.")
    settled = {(r[ID], r["theme"]): r for r in table.to_dict("records")}
    problems = []
    if len(settled) < len(table):
        problems.append("a (paragraph, theme) pair is settled twice")
    for theme in coder1.columns:
        for pid in coder1.index:
            a, b, f = int(coder1.at[pid, theme]), int(coder2.at[pid, theme]), int(final.at[pid, theme])
            row = settled.pop((pid, theme), None)
            if a == b:
                if f != a:
                    problems.append(f"{pid}/{theme}: both coders gave {a} but the final label is {f}")
                if row is not None:
                    problems.append(f"{pid}/{theme} is in the log although the coders agree")
            elif row is None:
                problems.append(f"{pid}/{theme}: the coders disagree and the log does not settle it")
            elif (row["coder1"], row["coder2"], row["final"]) != (str(a), str(b), str(f)) or not row[
                "reason"
            ].strip():
                problems.append(
                    f"{pid}/{theme}: the log row does not match the codings and final labels, "
                    "or has no reason"
                )
    if settled:
        problems.append(f"log rows for unknown pairs {', '.join('/'.join(k) for k in settled)}")
    if problems:
        raise LabelError(f"{log}: " + "; ".join(problems) + ".")
    return table


# ------------------------------------------------------------ description


def prevalence(labels: pd.DataFrame) -> pd.DataFrame:
    """Number and share of paragraphs carrying each theme."""
    return pd.DataFrame(
        {"theme": labels.columns, "paragraphs": labels.sum().to_numpy(), "share": labels.mean().to_numpy()}
    )


def cooccurrence(labels: pd.DataFrame) -> pd.DataFrame:
    """Theme x theme counts of paragraphs carrying both (the diagonal is the prevalence)."""
    matrix = labels.T @ labels
    matrix.index.name = "theme"
    return matrix.reset_index()


def themes_by_document(labels: pd.DataFrame, doc_ids: pd.Series) -> pd.DataFrame:
    """Per document: number of kept paragraphs and of paragraphs carrying each theme."""
    table = labels.assign(doc_id=doc_ids.loc[labels.index].to_numpy())
    counts = table.groupby("doc_id")[list(labels.columns)].sum()
    counts.insert(0, "paragraphs", table.groupby("doc_id").size())
    return counts.reset_index()


def themes_per_paragraph(labels: pd.DataFrame) -> pd.DataFrame:
    """How many paragraphs carry 0, 1, 2, ... themes."""
    n = labels.sum(axis=1).value_counts().sort_index()
    return pd.DataFrame({"themes": n.index.astype(int), "paragraphs": n.to_numpy()})
