"""The package's own exception and warning types, and the one-line sentences the command line prints.

Every error a user can cause (bad input files, unknown names, impossible settings) is a
:class:`ThemesError`; the command line turns it into one sentence on standard error and exit
code 2. Errors about settings of a model are also ``ValueError``, as scikit-learn expects.
"""

import errno


class ThemesError(Exception):
    """A problem with the user's input, stated in one sentence."""


class CorpusError(ThemesError):
    """The texts could not be read or yield no analysable paragraph."""


class LabelError(ThemesError):
    """The codebook, seed words or a label file is invalid."""


class ModelError(ThemesError, ValueError):
    """A model cannot be fitted or applied with the given settings."""


class SeedWordsWarning(UserWarning):
    """Some seed words are not in the vocabulary and were ignored."""


class CorpusWarning(UserWarning):
    """A document of a larger corpus was skipped (it left no analysable paragraph)."""


class Stopped(KeyboardInterrupt):
    """The run was stopped by a signal (SIGTERM): unwinds like Ctrl-C, so that every staged output
    is removed and the previous state left in place; the command line exits with 128 + the signal."""

    def __init__(self, signal_number: int):
        super().__init__(signal_number)
        self.signal_number = signal_number


def os_error_sentence(exc: OSError) -> str:
    """One sentence for a file the operating system refused: a full disk, a read-only file system,
    permissions."""
    where = f" {exc.filename}" if exc.filename else ""
    if exc.errno == errno.ENOSPC:
        return f"the disk is full (writing{where}); free some space and run again."
    if exc.errno == errno.EROFS:
        return f"could not write{where}: the file system is read-only."
    return (
        f"could not use{where}: {exc.strerror or exc}; check that it can be read (or written) and try again."
    )


def one_line(message: str) -> str:
    """A message on one line: a control character in it (a file name holding a line break) escaped."""
    return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in message)
