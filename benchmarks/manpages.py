"""A real labelled corpus for the study benchmark: the Linux man-pages, labelled by their own sections.

Not run by the tests. Debian's ``manpages`` and ``manpages-dev`` packages (the Linux man-pages
project: system calls, library functions, file formats, overviews) and ``git-man`` (git's manual,
whose pages have the same sections) are rendered to plain text with ``man``, one ``.txt`` per page.
A paragraph's label is the section of the page it sits under, as the page itself says (``ERRORS``,
``RETURN VALUE``, ``BUGS``, ...): a fact of the text, not the output of any model. Five themes
gather the sections:

* ``errors``: ``ERRORS``;
* ``return_value``: ``RETURN VALUE``, ``EXIT STATUS``;
* ``notes``: ``NOTES``, ``CAVEATS``, ``WARNINGS``;
* ``bugs``: ``BUGS``;
* ``history``: ``VERSIONS``, ``STANDARDS``, ``HISTORY``, ``CONFORMING TO``.

Every other section (``DESCRIPTION``, ``SYNOPSIS``, ``EXAMPLES``, ...) carries none of them. The
seed words (:data:`SEED_WORDS`) were written from the section names alone, before any model was fitted.
Pages are taken in the order of :func:`in_order` until the study has about the number of kept
paragraphs asked for (the man-pages project's pages alone come to about 15,000 kept paragraphs; git's
manual takes the largest study past 20,000).
"""

from __future__ import annotations

import gzip
import re
import shutil
import subprocess
from pathlib import Path

THEMES = {
    "errors": ("ERRORS",),
    "return_value": ("RETURN VALUE", "EXIT STATUS"),
    "notes": ("NOTES", "CAVEATS", "WARNINGS"),
    "bugs": ("BUGS",),
    "history": ("VERSIONS", "STANDARDS", "HISTORY", "CONFORMING TO"),
}
SEED_WORDS = {
    "errors": ["error", "errno", "fails", "invalid", "einval", "eacces", "enomem"],
    "return_value": ["return", "returns", "success", "successful", "failure", "null", "value"],
    "notes": ["note", "notes", "portable", "portability", "caution", "implementation"],
    "bugs": ["bug", "bugs", "broken", "incorrectly", "wrong", "fixed"],
    "history": ["posix", "standard", "glibc", "version", "introduced", "conforming", "history"],
}
PACKAGES = ("manpages", "manpages-dev", "git-man")
HEADING = re.compile(r"^([A-Z][A-Z /-]+)$")


def page_files() -> list[Path]:
    """The man pages of :data:`PACKAGES` that are files (not links to another page), sorted."""
    try:
        listed = subprocess.run(["dpkg", "-L", *PACKAGES], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        raise SystemExit(f"install the man pages first: apt-get install {' '.join(PACKAGES)}") from None
    paths = sorted(
        Path(line) for line in listed.splitlines() if re.search(r"/usr/share/man/man[0-9]/[^/]+\.gz$", line)
    )
    return [p for p in paths if p.is_file() and not p.is_symlink() and not _is_alias(p)]


def _is_alias(path: Path) -> bool:
    with gzip.open(path, "rt", encoding="utf-8", errors="replace") as f:
        return f.read(64).lstrip().startswith(".so ")


def render(path: Path) -> str:
    """The page as plain text: paragraphs on one line each, separated by blank lines."""
    out = subprocess.run(
        ["man", "-P", "cat", "-l", str(path)],
        capture_output=True,
        text=True,
        env={"MANWIDTH": "100000", "LANG": "C.UTF-8", "PATH": "/usr/bin:/bin", "MAN_KEEP_FORMATTING": ""},
    ).stdout
    lines = [line.rstrip() for line in out.splitlines()[1:-1]]  # without the header and footer lines
    text = "\n".join(line.strip() for line in lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def sections(text: str) -> list[tuple[int, str]]:
    """(character offset, section name) of every section heading of a rendered page."""
    found, offset = [], 0
    for line in text.splitlines(keepends=True):
        m = HEADING.match(line.strip())
        if m and line.strip() == line.rstrip("\n") and len(line.strip()) < 40:
            found.append((offset, m.group(1)))
        offset += len(line)
    return found


def theme_of(section: str) -> str | None:
    for theme, names in THEMES.items():
        if section in names:
            return theme
    return None


def render_all(folder: Path) -> list[Path]:
    """Render every page into ``folder`` once (about two minutes); the rendered files, in order."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for path in page_files():
        name = path.name.removesuffix(".gz").replace(".", "_") + ".txt"
        target = folder / name
        if not target.exists():
            target.write_text(render(path), encoding="utf-8")
        if target.stat().st_size > 200:
            written.append(target)
    return written


GIT_PAGES = ("git", "Git_", "scalar_")
"""How the rendered pages of git's manual begin (they are taken after the man-pages project's)."""


def in_order(rendered: list[Path]) -> list[Path]:
    """The man-pages project's pages by file name, then git's: so that every study below about
    15,000 paragraphs is of the man-pages alone, and a larger study holds every smaller one."""
    return sorted(rendered, key=lambda p: (p.name.startswith(GIT_PAGES), p.name))


def make_corpus(rendered: list[Path], out: Path, *, n_paragraphs: int, min_words: int = 15) -> int:
    """Copy pages into ``out`` until their blocks of at least ``min_words`` words reach ``n_paragraphs``
    (an estimate of what the corpus stage keeps); the number of pages copied."""
    out.mkdir(parents=True, exist_ok=True)
    total = 0
    for i, page in enumerate(rendered):
        text = page.read_text(encoding="utf-8")
        shutil.copyfile(page, out / page.name)
        total += sum(len(b.split()) >= min_words for b in re.split(r"\n\s*\n", text))
        if total >= n_paragraphs:
            return i + 1
    return len(rendered)


def labels_for(paragraphs, raw: Path):
    """The labels of the kept paragraphs: 1 for the theme of the section each paragraph starts in.

    ``paragraphs`` is the study's paragraph table (``doc_id``, ``start``, ``status``); a page's
    sections come from its raw file (the offsets are into that file).
    """
    import pandas as pd

    kept = paragraphs[paragraphs["status"] == "kept"]
    provenance = pd.read_csv(raw / "provenance.csv", dtype=str, keep_default_na=False)
    file_of = dict(zip(provenance["doc_id"], provenance["file"], strict=True))
    heads = {}
    rows = []
    for row in kept.itertuples():
        if row.doc_id not in heads:
            heads[row.doc_id] = sections((raw / file_of[row.doc_id]).read_text(encoding="utf-8"))
        before = [name for offset, name in heads[row.doc_id] if offset <= int(row.start)]
        theme = theme_of(before[-1]) if before else None
        rows.append({"paragraph_id": row.paragraph_id, **{t: int(t == theme) for t in THEMES}})
    return pd.DataFrame(rows)
