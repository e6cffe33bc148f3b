"""A new study of one's own: the folder layout of this repository, filled in for given themes.

:func:`init_study` (``themes init DIR --themes a,b --corpus PATH``) writes ``data/raw`` with a
checksummed copy of the texts, a codebook and seed-word file to fill in, a labels template, a README
and the package's notebooks; the other functions build the text of each file.
"""

from __future__ import annotations

import re
import shutil
import warnings
from pathlib import Path

import pandas as pd

from .. import corpus, files
from ..corpus.documents import PROVENANCE_COLUMNS, PROVENANCE_FILE, TABLE_SUFFIXES, Document, load_documents
from ..errors import CorpusWarning, ThemesError
from ..reference.coders import CODERS_FILE, CODERS_HEADER
from ..reference.labels import THEME_NAME, misnamed_and_repeated
from .config import LARGE_FROM
from .inputs import build_corpus
from .notebooks import notebook_paths, scrub
from .project import Project

LABELS_TEMPLATE = "labels_template.csv"
TIME_2000, TIME_20000 = "about 2 to 3 minutes", "about 15 to 20 minutes"
"""How long a study of 2,000 and 20,000 paragraphs takes on 2 cores (benchmarks/results/study_scale.md,
study_scale_20000.md)."""
PACKAGE_NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
"""The numbered notebooks copied into a new study (present in a checkout of the repository)."""


def parse_themes(text: str) -> list[str]:
    """Theme names from a comma-separated list (``"morale,theology"``), checked as label columns."""
    names = [t.strip() for t in str(text).split(",") if t.strip()]
    bad, repeated = misnamed_and_repeated(names, THEME_NAME)
    if bad:
        raise ThemesError(
            f"theme name(s) {', '.join(map(repr, bad))} are not lower-case names such as 'sleeper_cells'; "
            "they become label columns, so use letters, digits and underscores."
        )
    if repeated:
        raise ThemesError(f"the theme(s) {', '.join(repeated)} are named more than once.")
    if not names:
        raise ThemesError("give at least one theme, e.g. --themes fire,conflict.")
    return names


def codebook_text(themes: list[str]) -> str:
    """A codebook to fill in: the decision rule, and one ``### theme`` section per theme."""
    parts = [
        "# Codebook\n",
        "Version 0 (draft). Write it before fitting any topic model, and do not change it to suit a model.\n",
        "## Unit and decision rule\n",
        "- **Unit**: one kept paragraph of `data/processed/paragraphs.csv` (status `kept`).",
        "- **Multi-label**: each theme is decided on its own, 1 (present) or 0 (absent).",
        "- **Present** means the paragraph says something about the theme; a word alone is not enough.\n",
        "## Themes\n",
    ]
    for theme in themes:
        parts += [
            f"### {theme}\n",
            "**Definition.** TODO: one paragraph saying what the theme is.\n",
            "**Include.** TODO: what counts as the theme.\n",
            "**Exclude.** TODO: what looks like it but is not (and which theme it is instead).\n",
            "**Boundary cases.**\n- TODO: a hard case and how it is decided.\n",
            "**Anchors.** TODO: ids of paragraphs that show the theme clearly.\n",
        ]
    parts += [
        "## Method\n",
        "TODO: who coded (people or language models, recorded in coders.yml), what they saw, how "
        "disagreements were settled.",
    ]
    return "\n".join(parts) + "\n"


def seed_words_text(themes: list[str]) -> str:
    """A seed-word file with an empty list per theme (seeded models are skipped until filled)."""
    head = [
        "# Seed words per theme for the seeded models and the keyword baseline.",
        "# Give each theme a few words a reader would expect in it, chosen from the codebook",
        "# before any model is fitted, e.g.  theme: [word, word, word]",
        "# While every list is empty the seeded models and the keyword baseline are skipped.",
    ]
    return "\n".join([*head, *(f"{theme}: []" for theme in themes)]) + "\n"


def readme_text(name: str, themes: list[str], *, has_corpus: bool) -> str:
    """The study folder's README: what is where and the steps in order."""
    corpus_step = (
        "Your texts are in `data/raw/`, with their sha256 in `provenance.csv` (fill in title, author, "
        "date, rights); they are read-only from now on."
        if has_corpus
        else "Put one UTF-8 `.txt` file per document in `data/raw/`, then run "
        f"`themes --root {name} corpus` and copy the `paragraph_id` column of "
        "`data/processed/paragraphs.csv` into `data/reference/labels_template.csv`."
    )
    return f"""# {name}

A thematic topic-modelling study made with `themes init`, for the themes
{", ".join(f"**{t}**" for t in themes)}.

## Steps

1. **Corpus.** {corpus_step} `themes --root {name} corpus` rebuilds the paragraphs
   (`data/processed/paragraphs.csv`).
2. **Codebook.** Fill in `data/reference/codebook.md`: a definition, include and exclude lists,
   boundary cases and anchors for each theme. Its `### name` headings are the themes.
3. **Seed words.** Give each theme a few words in `data/reference/seed_words.yml`, chosen from the
   codebook before seeing any model.
4. **Topics without labels.** `themes --root {name} reproduce` fits the K sweep and every topic
   model and writes `results/`: `topics.csv`, the top words per model in `results/figures/`, a
   topic explorer per model in `results/explorer/` and the saved models, and executes
   `01_corpus` and `06_your_own_corpus` (`--no-notebooks` skips them). The comparison with hand
   labels is skipped and said so. Check the topics with people instead:
   `themes --root {name} intrusion create --model MODEL` writes word- and topic-intrusion forms.
5. **Labels.** Code every kept paragraph against the codebook with the coding app:
   `themes --root {name} code create --coders alice,bob` writes one offline page per coder in
   `coding/human1/coders/`. Send each coder their own page: it opens in any browser without
   installing anything, shows the codebook beside one paragraph at a time, keeps the answers in
   the browser and exports `labels_alice.csv`. `themes --root {name} code collect coding/human1
   labels_alice.csv labels_bob.csv` checks the files, writes them to `data/reference/human/` and
   records each coder in `data/reference/coders.yml`; `themes --root {name} reference` gives their
   agreement and writes their disagreements to `data/reference/human/adjudication.csv`. Settle each
   (`final` 0 or 1 and a `reason`), then `themes --root {name} reference --adjudicator NAME` writes
   `data/reference/human/labels.csv`, the study's reference. (Labels coded elsewhere go to
   `data/reference/labels.csv`, from `labels_template.csv`, with their coder recorded in `coders.yml`.)
6. **Comparison.** `themes --root {name} reproduce` now also writes the alignment, the summary, the
   paragraph scores and the baselines, and executes the notebooks in `notebooks/`. All but
   `01_corpus` and `06_your_own_corpus` need the labels, `02_reference_set` two independent codings
   and `07_keyatm_and_intrusion` answered intrusion tests (each notebook's metadata says what it
   needs): `reproduce` executes those it can and names the others with what they wait for.

## How long it takes

`themes reproduce` first says what it will fit and about how long that will take, from one fit of each
model on your corpus, and then reports each stage as it goes. On a 2-core laptop, with the notebooks,
expect one to two minutes for 50 paragraphs, {TIME_2000} for 2,000 and {TIME_20000} for 20,000: the fits
grow about in proportion to the paragraphs, and from {LARGE_FROM} paragraphs on the design for large
corpora is used (three seeds, Gibbs-sampled LDA, no batch variational LDA; the manifest lists every
change). A second run reuses every fit it made before (`.themes-cache/`, ignored by git): with nothing
changed it does nothing, and after you edit one theme's seed words it refits only the seeded models.
`themes --root {name} reproduce --quick` gives a first look in a fraction of the time (every other K, one
seed, no seed-word checks), marked in every output as not for reporting. Settings (seeds, the K grid,
permutations, seed-word checks) go in `study/settings.yml` or on the command line
(`themes reproduce --help`).

The layout and every output are described in the `themes` README (Output contract).
"""


def _file_name(doc_id: str, taken: set[str]) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", doc_id).strip("._")[:60] or "doc"
    name, n = f"{stem}.txt", 1
    while name.lower() in taken:
        n += 1
        name = f"{stem}_{n}.txt"
    taken.add(name.lower())
    return name


def copy_corpus(source: str | Path, raw: str | Path) -> pd.DataFrame:
    """Copy a corpus into ``raw`` as ``.txt`` files and write their ``provenance.csv``.

    A folder's ``.txt`` files (or one ``.txt`` file) are copied byte for byte; each row of a
    ``.csv`` / ``.jsonl`` / ``.parquet`` table with ``id`` and ``text`` becomes one file. Returns
    the provenance table (doc id, file, sha256; title, author and the rest left to fill in).
    """
    source, raw = Path(source), Path(raw)
    docs: list[Document] = load_documents(source)  # checks encoding, checksums and columns first
    is_table = source.is_file() and source.suffix.lower() in TABLE_SUFFIXES
    rows, taken = [], set()
    for doc in docs:
        name = _file_name(doc.doc_id, taken)
        data = doc.text.encode("utf-8") if is_table else Path(doc.source).read_bytes()
        files.write_bytes(raw / name, data)
        row = dict.fromkeys(PROVENANCE_COLUMNS, "") | {k: str(v) for k, v in doc.meta.items()}
        row |= {"doc_id": doc.doc_id, "file": name, "sha256": files.sha256_file(raw / name)}
        row["date"] = row["date"] or doc.date
        row["notes"] = row["notes"] or f"copied by themes init from {source.name}"
        rows.append(row)
    table = pd.DataFrame(rows)[PROVENANCE_COLUMNS]
    files.write_csv(raw / PROVENANCE_FILE, table)
    return table


def labels_template(paragraphs: pd.DataFrame, themes: list[str]) -> pd.DataFrame:
    """One row per kept paragraph with an empty column per theme, to be filled with 0 or 1."""
    kept = corpus.kept(paragraphs)
    return pd.DataFrame({"paragraph_id": kept["paragraph_id"].to_numpy(), **dict.fromkeys(themes, "")})


def copy_notebooks(source: Path, target: Path, themes: list[str] | None = None) -> list[Path]:
    """The numbered notebooks of ``source`` into ``target``, without their outputs, for a new study.

    A cell about the seed study's own corpus (metadata ``"themes": {"seed_study": true}``) is left
    out, or replaced by its text for a study of one's own (``"own_study"``, with ``{themes}`` filled
    in), so that the copies speak of the new study. Their ``parameters`` cell already points at
    ``..``, the study folder.
    """
    import nbformat

    named = ", ".join(f"**{t}**" for t in themes or ())
    written = []
    for path in notebook_paths(source):
        nb = nbformat.read(path, as_version=4)
        cells = []
        for cell in nb.cells:
            meta = cell.metadata.pop("themes", {})
            if meta.get("seed_study"):
                if "own_study" not in meta:
                    continue
                cell.source = meta["own_study"].replace("{themes}", named or "your themes")
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
            cells.append(cell)
        nb.cells = cells
        written.append(files.write_text(target / path.name, nbformat.writes(scrub(nb)) + "\n"))
    return written


GITIGNORE = """# made again by `themes reproduce`: the cache of fits and scores, and the run's lock
.themes-cache/
.themes.lock
.results-*/
.ipynb_checkpoints/
__pycache__/
"""


def empty_documents(paragraphs: pd.DataFrame) -> pd.DataFrame:
    """Documents that kept no paragraph, with why: the reasons their blocks were dropped, counted."""
    kept = set(paragraphs.loc[paragraphs["status"] == "kept", "doc_id"])
    rows = []
    for doc_id, blocks in paragraphs.groupby("doc_id", sort=True):
        if doc_id in kept:
            continue
        reasons = blocks["reason"].where(blocks["status"] != "duplicate", "duplicate").fillna("")
        counts = reasons.replace("", "other").value_counts()
        rows.append(
            {"doc_id": doc_id, "blocks": len(blocks), "why": ", ".join(f"{r} {n}" for r, n in counts.items())}
        )
    return pd.DataFrame(rows, columns=["doc_id", "blocks", "why"])


def init_report(project: Project) -> list[str]:
    """What ``themes init`` says of the corpus it copied: kept paragraphs, and each document that kept
    none with the reasons its blocks were dropped (a document of headings only, too short, a copy)."""
    if not project.paragraphs.is_file():
        return []
    table = pd.read_csv(project.paragraphs, dtype=str, keep_default_na=False)
    n_docs, n_kept = table["doc_id"].nunique(), int((table["status"] == "kept").sum())
    lines = [f"{n_kept} kept paragraphs from {n_docs} documents (data/processed/paragraphs.csv)"]
    empty = empty_documents(table)
    if len(empty):
        lines.append(f"{len(empty)} document(s) kept no paragraph (blocks dropped, by reason):")
        lines += [f"  {r.doc_id}: {r.blocks} block(s): {r.why}" for r in empty.itertuples()]
    return lines


def init_study(folder: str | Path, themes: list[str] | str, *, corpus: str | Path | None = None) -> Project:
    """Write a new study folder for ``themes``, with the texts of ``corpus`` if given.

    Parameters
    ----------
    folder : path
        A folder that does not exist yet or is empty.
    themes : list of str or str
        Theme names (or one comma-separated string); they become the codebook's headings, the
        seed-word keys and the label columns.
    corpus : path, optional
        A folder of ``.txt`` files, one ``.txt`` file, or a table with ``id`` and ``text``; copied
        into ``data/raw`` and cut into paragraphs for the labels template.

    Returns
    -------
    Project
        The new study's paths.
    """
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ThemesError(f"{folder} already exists and is not empty; give a new folder for the study.")
    names = parse_themes(themes) if isinstance(themes, str) else parse_themes(",".join(themes))
    if corpus is not None and not Path(corpus).exists():
        raise ThemesError(f"the corpus {corpus} does not exist; give a folder of .txt files or a table.")
    project, created = Project(folder), not folder.exists()
    try:
        project.raw.mkdir(parents=True, exist_ok=True)
        if corpus is not None:
            copy_corpus(corpus, project.raw)
            with warnings.catch_warnings():  # init_report names each skipped document, with why
                warnings.simplefilter("ignore", CorpusWarning)
                table = build_corpus(project)
            files.write_csv(project.reference / LABELS_TEMPLATE, labels_template(table, names))
        files.write_text(project.codebook, codebook_text(names))
        files.write_text(project.seed_words, seed_words_text(names))
        files.write_text(project.reference / CODERS_FILE, CODERS_HEADER)
        readme = readme_text(folder.name, names, has_corpus=corpus is not None)
        files.write_text(project.root / "README.md", readme)
        files.write_text(project.root / ".gitignore", GITIGNORE)
        if PACKAGE_NOTEBOOKS.is_dir():
            copy_notebooks(PACKAGE_NOTEBOOKS, project.notebooks, names)
    except BaseException:
        # the folder was empty before: leave it so, or the next `themes init` would refuse it
        if folder.exists():
            for child in folder.iterdir():
                shutil.rmtree(child) if child.is_dir() else child.unlink()
            if created:
                folder.rmdir()
        raise
    return project
