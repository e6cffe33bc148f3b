"""Where the grid of fits runs: joblib's local worker processes, or a Dask cluster.

:func:`connect` reaches an existing scheduler or starts a local cluster for one run;
:func:`dask_backend` sends every joblib ``Parallel`` inside it (the sweep's fits) to that cluster;
:func:`end_workers_with_parent` makes joblib's local (``loky``) workers end with the run.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, nullcontext

from joblib import parallel_config, register_parallel_backend
from joblib._parallel_backends import LokyBackend
from joblib.parallel import get_active_backend

from ..environment import exit_with_parent
from ..errors import ThemesError


def end_workers_with_parent(parent: int) -> None:
    """Every joblib ``loky`` worker started from now on ends within a second of process ``parent``
    (:func:`themes.environment.exit_with_parent`), whichever code asks for the backend: a killed
    run leaves no workers behind. The command line calls it for the commands that start workers."""
    factory = functools.partial(LokyBackend, initializer=exit_with_parent, initargs=(parent,))
    register_parallel_backend("loky", factory)


@contextmanager
def connect(*, scheduler: str | None = None, n_workers: int | None = None) -> Iterator:
    """A ``distributed.Client`` of a running scheduler or of a local cluster; None if neither is asked.

    Parameters
    ----------
    scheduler : str, optional
        Address of a running Dask scheduler, such as ``"tcp://10.0.0.5:8786"``. How long to wait
        for it is Dask's setting ``distributed.comm.timeouts.connect`` (30 s unless changed).
    n_workers : int, optional
        Start a local cluster of this many single-threaded worker processes for the duration of
        the block, and close it after.

    Yields
    ------
    distributed.Client or None
    """
    if scheduler is not None and n_workers is not None:
        raise ThemesError("give either a Dask scheduler address or a number of local workers, not both.")
    if scheduler is None and n_workers is None:
        yield None
        return
    if n_workers is not None and (type(n_workers) is not int or n_workers < 1):
        raise ThemesError(f"the number of Dask workers must be a positive whole number, not {n_workers!r}.")

    # distributed is imported here: importing themes must not load it
    import dask
    from distributed import Client, LocalCluster

    if n_workers is not None:
        # one thread per worker: each fit already pins its thread pools to one thread;
        # the scheduler's web page on any free port (the default one may be taken)
        local = LocalCluster(
            n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=":0"
        )
    else:
        local = nullcontext()
    with local:
        address = scheduler if n_workers is None else local.scheduler_address
        try:
            client = Client(address, set_as_default=False)
        except (OSError, ValueError) as exc:
            wait = dask.config.get("distributed.comm.timeouts.connect")
            raise ThemesError(
                f"no Dask scheduler answered at {address!r} (waited {wait}: {exc}); "
                "check the address, or run on a local cluster instead."
            ) from None
        with client:
            yield client


@contextmanager
def dask_backend(client, *, scatter: Iterable = ()) -> Iterator[None]:
    """Run every joblib ``Parallel`` inside the block on ``client``'s cluster; nothing if it is None.

    ``scatter`` lists large arguments the tasks share (the document-term matrices): they are
    sent to every worker once, on entering the block, instead of once per task.
    """
    if client is None:
        yield
        return
    with parallel_config(backend="dask", client=client, scatter=list(scatter)):
        yield


def dask_active() -> bool:
    """True inside :func:`dask_backend` (or any ``parallel_config(backend="dask")``)."""
    dask_module = sys.modules.get("joblib._dask")  # loaded only once a Dask backend was made
    return dask_module is not None and isinstance(get_active_backend()[0], dask_module.DaskDistributedBackend)
