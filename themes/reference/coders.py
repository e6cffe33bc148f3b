"""Who made each file of labels and answers: a person or a language model, recorded in ``coders.yml``.

Every coding, adjudication log, final label file and intrusion answer under ``data/reference`` is
named by one entry of ``data/reference/coders.yml``: the coder's kind (``person`` or ``language
model``), for a model its name and version as far as known, the instructions it was given, the
date and the round. What was not recorded is written ``not recorded``, never guessed.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import Path

import yaml

from .. import files
from ..errors import LabelError
from .labels import read_utf8
from .seed_words import read_yaml

CODERS_FILE = "coders.yml"
PERSON, LANGUAGE_MODEL = "person", "language model"
KINDS = (PERSON, LANGUAGE_MODEL)
NOT_RECORDED = "not recorded"
RECORDED_FILES = (
    "labels*.csv",
    "adjudication.csv",
    "rounds/*/labels_*.csv",
    "rounds/*/notes_*.csv",
    "human/labels*.csv",
    "human/notes_*.csv",
    "human/adjudication.csv",
    "intrusion/*/answers/*/*.csv",
)
"""Files of labels and answers (relative to ``data/reference``) that must name their coder."""
TEMPLATE = "labels_template.csv"
"""The empty labels file ``themes init`` writes: no coder made it."""
_REQUIRED = ("id", "name", "kind", "role", "round", "date", "instructions", "files")
_FOR_MODELS = ("model", "version", "prompt")


@dataclass(frozen=True)
class CoderRecord:
    """One coder of one round, as ``coders.yml`` records it.

    Attributes
    ----------
    id : str
        Unique in the file (``round1_coder1``).
    name : str
        What the coder's files call them (``coder1`` in ``labels_coder1.csv``).
    kind : {"person", "language model"}
    role : str
        ``coding``, ``adjudication`` or ``intrusion``.
    round, date : str
        The round, and the date of the work (``YYYY-MM-DD`` or ``not recorded``).
    instructions : list of str
        What the coder was given (files relative to ``data/reference``), or ``not recorded``.
    files : list of str
        The files this coder made (patterns relative to ``data/reference``).
    model, version, prompt : str
        For a language model: its name, its version and the prompt's file, or ``not recorded``.
    notes : str
        Anything else recorded (how the coder was run, what is known of the date).
    """

    id: str
    name: str
    kind: str
    role: str
    round: str
    date: str
    instructions: tuple[str, ...]
    files: tuple[str, ...]
    model: str = ""
    version: str = ""
    prompt: str = ""
    notes: str = ""

    def covers(self, relative: str) -> bool:
        """Whether this coder made the file at ``relative`` (a path below ``data/reference``)."""
        return any(fnmatch.fnmatchcase(relative, pattern) for pattern in self.files)


def _as_list(value) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else (str(value),)


def _record(entry, where: str) -> CoderRecord:
    """One entry of the file, checked: every field present, the kind known, a model's name given."""
    if not isinstance(entry, dict):
        raise LabelError(f"{where}: every entry under 'coders' must be a mapping of fields.")
    who = entry.get("id", "an entry")
    missing = [k for k in _REQUIRED if entry.get(k) in (None, "", [])]
    if entry.get("kind") == LANGUAGE_MODEL:
        missing += [k for k in _FOR_MODELS if entry.get(k) in (None, "")]
    if missing:
        raise LabelError(
            f"{where}: {who} lacks {', '.join(missing)}; write '{NOT_RECORDED}' for what is not known."
        )
    if entry["kind"] not in KINDS:
        raise LabelError(f"{where}: {who} has kind {entry['kind']!r}; write 'person' or 'language model'.")
    known = {*_REQUIRED, *_FOR_MODELS, "notes"}
    unknown = sorted(set(entry) - known)
    if unknown:
        raise LabelError(f"{where}: {who} has unknown field(s) {', '.join(unknown)}.")
    plain = {k: str(entry.get(k, "")) for k in ("id", "name", "kind", "role", "round", "date", "notes")}
    extra = {k: str(entry.get(k, "")) for k in _FOR_MODELS}
    return CoderRecord(
        **plain, **extra, instructions=_as_list(entry["instructions"]), files=_as_list(entry["files"])
    )


def read_coders(reference: str | Path) -> list[CoderRecord]:
    """The coders recorded in ``reference/coders.yml`` (an empty list when there is no such file)."""
    path = Path(reference) / CODERS_FILE
    if not path.is_file():
        return []
    data = read_yaml(path) or {}  # the strict loader: no aliases, bounded size and depth
    entries = data.get("coders") if isinstance(data, dict) else None
    if not isinstance(data, dict) or not isinstance(entries or [], list):
        raise LabelError(f"{path} must hold a list 'coders:' with one entry per coder and round.")
    records = [_record(entry, str(path)) for entry in entries or []]
    ids = [r.id for r in records]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise LabelError(f"{path} records the id(s) {', '.join(twice)} more than once; make each id unique.")
    return records


def coder_of(reference: str | Path, path: str | Path) -> CoderRecord:
    """The recorded coder of a file under ``reference``; one sentence when none or two are recorded."""
    reference = Path(reference)
    relative = Path(path).resolve().relative_to(reference.resolve()).as_posix()
    found = [r for r in read_coders(reference) if r.covers(relative)]
    if not found:
        raise LabelError(
            f"{reference / relative} names no coder in {reference / CODERS_FILE}; record who made it "
            "(a person or a language model, the round, the date and the instructions) before using it."
        )
    if len(found) > 1:
        raise LabelError(
            f"{reference / relative} is claimed by {' and '.join(r.id for r in found)} in "
            f"{reference / CODERS_FILE}; give each file one coder."
        )
    return found[0]


def unrecorded(reference: str | Path) -> list[str]:
    """Files of labels and answers under ``reference`` (:data:`RECORDED_FILES`) that name no coder."""
    reference = Path(reference)
    records = read_coders(reference)
    present = sorted(
        {
            p.relative_to(reference).as_posix()
            for pattern in RECORDED_FILES
            for p in reference.glob(pattern)
            if p.name != TEMPLATE
        }
    )
    return [p for p in present if not any(r.covers(p) for r in records)]


def require_recorded(reference: str | Path, *, pending=()) -> None:
    """Refuse, in one sentence, a folder with a file of labels or answers that names no coder.

    ``pending`` (paths relative to ``reference``) are left out: an adjudication log still being
    filled in, whose adjudicator is recorded once they sign it off.
    """
    missing = [p for p in unrecorded(reference) if p not in set(pending)]
    if missing:
        more = f" (and {len(missing) - 1} other file(s))" if len(missing) > 1 else ""
        raise LabelError(
            f"{Path(reference) / missing[0]}{more} names no coder in {Path(reference) / CODERS_FILE}; "
            "record who made it (a person or a language model, the round, the date and the instructions) "
            "before using it."
        )


def record_coder(reference: str | Path, entry: dict) -> Path:
    """Add one entry to ``reference/coders.yml`` (made if missing), keeping the file's comments.

    An entry with an id already recorded replaces nothing: it is refused.
    """
    reference = Path(reference)
    path = reference / CODERS_FILE
    _record(entry, str(path))
    existing = read_coders(reference)
    if any(r.id == entry["id"] for r in existing):
        raise LabelError(f"{path} already records {entry['id']!r}; a round's coders are recorded once.")
    text = read_utf8(path) if path.is_file() else CODERS_HEADER
    text = text if text.endswith("\n") else text + "\n"
    text += yaml.safe_dump([entry], sort_keys=False, allow_unicode=True, width=100)
    files.write_text(path, text)
    read_coders(reference)  # the file as written still reads
    return path


CODERS_HEADER = """\
# Who made each file of labels and answers in this folder: one entry per coder and round.
# kind: person or language model; for a language model also model, version and prompt
# (write 'not recorded' for what is not known). files: the files the coder made (patterns).
coders:
"""
"""The head of a new ``coders.yml`` (``themes init``, ``themes code collect``)."""


def describe_coders(records: list[CoderRecord]) -> str:
    """The coders in words, for texts and figures: ``two language-model coders``, ``one person``
    (empty without a record)."""
    numbers = {1: "one", 2: "two", 3: "three", 4: "four"}
    people = sum(r.kind == PERSON for r in records)
    models = len(records) - people
    parts = []
    if people:
        parts.append(f"{numbers.get(people, people)} {'person' if people == 1 else 'people'}")
    if models:
        parts.append(f"{numbers.get(models, models)} language-model coder{'s' * (models != 1)}")
    return " and ".join(parts)
