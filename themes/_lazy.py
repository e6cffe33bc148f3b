"""Public names of a package imported on first use (PEP 562).

Each sub-package lists its public names and the module that defines them; importing the
sub-package then loads none of its modules, so ``themes --help`` or ``import themes.corpus`` does
not pay for gensim, numba or matplotlib. Written here once for every sub-package.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping


def lazy_names(package: str, sources: Mapping[str, str]) -> tuple[Callable, Callable]:
    """``__getattr__`` and ``__dir__`` for ``package``, whose name ``n`` lives in module ``sources[n]``."""
    namespace = importlib.import_module(package).__dict__

    def __getattr__(name: str):
        if name not in sources:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f".{sources[name]}", package), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(sources))

    return __getattr__, __dir__
