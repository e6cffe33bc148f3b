"""A study's store of finished fits and coherence scores, keyed by everything they depend on.

A rerun then fits only what changed: a fit's key is a digest of its matrix (counts, vocabulary,
paragraph ids, the vectorizer's settings), its estimator (class and every parameter, the seed and
any seed words among them), its name, and the versions of the package, of the estimators' code and
of the numeric libraries; a coherence score's key is a digest of the texts it was measured on, the
measure and the topic's terms. Editing one theme's seed words changes the key of the seeded fits
only; editing a label changes no fit at all.

Fits are stored as the package's own saved models (:meth:`themes.models.TopicModel.save`: arrays
and JSON, loaded by an allow-list of classes), not with ``joblib.Memory``, which pickles: a cache
in a student's study folder may be copied between machines and people, and loading a pickle runs
whatever code it holds. Each fit is written as it finishes (whole or not at all, like every saved
model), so a run stopped part way resumes from the fits it had finished. While
:func:`use_cache` is active, :func:`themes.selection.sweep.fit_models` and the coherence scores
read and fill the store; without it (``themes verify``, a plain ``run_sweep``) nothing is cached.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
from contextvars import ContextVar
from pathlib import Path

import numpy as np

from .. import __version__, files
from ..environment import library_versions
from ..errors import ModelError
from ..models.topic_model import TopicModel
from ..text.matrix import DocumentTermMatrix

CODE = Path(__file__).resolve().parents[1] / "models"
"""The estimators' code: a change to any of its files makes every cached fit stale."""


def digest(*parts) -> str:
    """sha256 of the parts (strings, bytes, arrays, or JSON-able values), in order."""
    h = hashlib.sha256()
    for part in parts:
        if isinstance(part, np.ndarray):
            h.update(str((part.dtype.str, part.shape)).encode())
            h.update(np.ascontiguousarray(part).tobytes())
        elif isinstance(part, bytes):
            h.update(part)
        else:
            h.update(json.dumps(part, sort_keys=True, default=repr).encode())
        h.update(b"\x00")
    return h.hexdigest()


def code_digest(folder: Path = CODE) -> str:
    """sha256 of the source files of ``folder``, in name order."""
    return digest(*[p.read_bytes() for p in sorted(folder.glob("*.py"))])


def matrix_digest(dtm: DocumentTermMatrix) -> str:
    """What a fit reads of its matrix: counts, vocabulary, ids and the vectorizer's settings."""
    X = dtm.counts.tocsr()
    return digest(
        X.data,
        X.indices,
        X.indptr,
        list(X.shape),
        list(dtm.vocabulary),
        list(dtm.paragraph_ids),
        list(dtm.document_ids or ()),
        dtm.vectorizer.record(),
    )


def texts_digest(texts: list[list[str]]) -> str:
    """The token sequences coherence is measured on."""
    return digest(["\x1f".join(t) for t in texts])


class StudyCache:
    """The cache folder of a study (``<study>/.themes-cache``): fits and coherence scores.

    Parameters
    ----------
    folder : path
        Created on first use; :meth:`clear` removes it.
    """

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self._matrices: dict[int, tuple[DocumentTermMatrix, str]] = {}
        self._versions = digest(__version__, library_versions(), code_digest())
        self.hits = self.misses = 0

    # ------------------------------------------------------------ fits

    def fit_key(self, name: str, estimator, dtm: DocumentTermMatrix) -> str:
        """The key of one fit: its matrix, estimator class and parameters, name and versions."""
        held = self._matrices.get(id(dtm))
        if held is None or held[0] is not dtm:
            held = self._matrices[id(dtm)] = (dtm, matrix_digest(dtm))
        cls = type(estimator)
        params = estimator.get_params(deep=False)
        return digest("fit", name, f"{cls.__module__}.{cls.__qualname__}", params, held[1], self._versions)

    def _fit_folder(self, key: str) -> Path:
        return self.folder / "fits" / key[:2] / key

    def load_fit(self, key: str) -> TopicModel | None:
        """The stored fit of ``key``, or None (also when it cannot be read: it is then refitted)."""
        folder = self._fit_folder(key)
        if not (folder / "model.json").is_file():
            self.misses += 1
            return None
        try:
            model = TopicModel.load(folder)
        except (ModelError, OSError, ValueError, KeyError):
            shutil.rmtree(folder, ignore_errors=True)
            self.misses += 1
            return None
        self.hits += 1
        return model

    def store_fit(self, key: str, model: TopicModel) -> None:
        """Store a finished fit (written whole, or not at all)."""
        model.save(self._fit_folder(key))

    def has_fit(self, key: str) -> bool:
        return (self._fit_folder(key) / "model.json").is_file()

    def timing(self, key: str) -> float | None:
        """Seconds the fit of ``key`` took when it was made (recorded for the run's estimate)."""
        return self._timings().get(key)

    def store_timing(self, key: str, seconds: float) -> None:
        files.write_json(self.folder / "timings.json", {**self._timings(), key: round(seconds, 3)})

    def _timings(self) -> dict[str, float]:
        path = self.folder / "timings.json"
        try:
            return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        except (ValueError, OSError):
            return {}

    # ------------------------------------------------------------ coherence

    def _coherence_file(self, texts_key: str, measure: str, window: int) -> Path:
        return self.folder / "coherence" / f"{digest(texts_key, measure, window)}.json"

    def coherence(self, texts_key: str, measure: str, window: int) -> dict[str, float]:
        """The stored per-topic coherence (topic terms joined by spaces -> value) for these texts."""
        path = self._coherence_file(texts_key, measure, window)
        if not path.is_file():
            return {}
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, OSError):
            return {}

    def store_coherence(self, texts_key: str, measure: str, window: int, values: dict[str, float]) -> None:
        """Add per-topic values to the stored ones (JSON keeps every float exactly)."""
        stored = self.coherence(texts_key, measure, window)
        stored.update(values)
        files.write_json(self._coherence_file(texts_key, measure, window), dict(sorted(stored.items())))

    # ------------------------------------------------------------ the folder

    def size(self) -> tuple[int, int]:
        """(stored fits, bytes in the folder)."""
        if not self.folder.is_dir():
            return 0, 0
        fits = sum(1 for _ in (self.folder / "fits").glob("*/*/model.json"))
        return fits, sum(p.stat().st_size for p in self.folder.rglob("*") if p.is_file())

    def clear(self) -> None:
        """Remove the whole cache folder."""
        if self.folder.exists():
            shutil.rmtree(self.folder)


_ACTIVE: ContextVar[StudyCache | None] = ContextVar("themes_study_cache", default=None)


def active_cache() -> StudyCache | None:
    """The cache :func:`use_cache` made active here, or None."""
    return _ACTIVE.get()


@contextlib.contextmanager
def use_cache(cache: StudyCache | None):
    """Let the fits and coherence scores of this block read and fill ``cache`` (None: no cache)."""
    token = _ACTIVE.set(cache)
    try:
        yield cache
    finally:
        _ACTIVE.reset(token)
