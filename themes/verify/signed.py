"""The committed results held to what the run that made them recorded, before any rebuild.

``results/MANIFEST.json`` records the sha256 of every input and output of the run, and every
executed notebook's run record shows the manifest's own sha256. A committed file whose bytes are
not those recorded was changed after the run (by hand, or by a tool), and a manifest whose sha256
is not the one the notebooks show was changed after them: :func:`tampered_files` names each, and
:mod:`themes.verify.verdict` makes each *DRIFT* whatever the rebuild gives.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from .. import files

MANIFEST = "results/MANIFEST.json"
_RECORDED_DIGEST = re.compile(r"MANIFEST\.json sha256\s+([0-9a-f]{64})")


def _short(digest) -> str:
    return f"{str(digest)[:12]}..."


def read_manifest(root: Path) -> tuple[dict | None, str]:
    """The committed manifest (None when it is not a readable JSON object) and why not."""
    try:
        manifest = json.loads((Path(root) / MANIFEST).read_bytes())
    except (OSError, ValueError) as exc:
        return None, f"not a readable manifest ({type(exc).__name__}): it was damaged after the run"
    if not isinstance(manifest, dict):
        return None, "not a JSON object: it was damaged after the run"
    return manifest, ""


def recorded_digests(root: Path) -> dict[str, str]:
    """Notebook (relative path) -> the manifest's sha256 its run record shows (executed ones only)."""
    found = {}
    for path in sorted((Path(root) / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        try:
            cells = json.loads(path.read_bytes()).get("cells", [])
        except (OSError, ValueError, AttributeError):
            continue  # compared with the rebuilt notebook like any other file
        for cell in cells if isinstance(cells, list) else []:
            source = cell.get("source", "") if isinstance(cell, dict) else ""
            if "run_record(" not in ("".join(source) if isinstance(source, list) else str(source)):
                continue
            match = _RECORDED_DIGEST.search(json.dumps(cell.get("outputs", [])))
            if match:
                found[path.relative_to(root).as_posix()] = match.group(1)
    return found


def tampered_files(root: str | Path) -> dict[str, str]:
    """Each committed file that is not what the run that made it recorded -> why (one phrase).

    Inputs and outputs whose sha256 differs from the manifest's, and the manifest itself when it
    is unreadable or its sha256 differs from the one the executed notebooks show.
    """
    root = Path(root)
    manifest, why = read_manifest(root)
    if manifest is None:
        return {MANIFEST: why}
    problems = {}
    for section in ("inputs", "outputs"):
        recorded = manifest.get(section)
        if not isinstance(recorded, dict):
            problems[MANIFEST] = f"has no {section} section of sha256 sums: it was changed after the run"
            continue
        for rel, digest in sorted(recorded.items()):
            path = root / rel
            # a file the run did not write (agreement.csv without two codings) has no sum; a file
            # gone is found by the rebuild (an output missing, or the rebuilt manifest's inputs)
            if digest is None or ".." in Path(rel).parts or not path.is_file():
                continue
            if (actual := files.sha256_file(path)) != digest:
                problems[rel] = (
                    f"changed after the run that wrote it: sha256 {_short(actual)}, "
                    f"{MANIFEST} records {_short(digest)}"
                )
    actual = files.sha256_file(root / MANIFEST)
    shown = {nb: d for nb, d in recorded_digests(root).items() if d != actual}
    if shown:
        first, digest = next(iter(shown.items()))
        problems[MANIFEST] = (
            f"changed after the notebooks ran: {first} (and {len(shown) - 1} more) show sha256 "
            f"{_short(digest)}, the committed manifest has {_short(actual)}"
        )
    return problems
