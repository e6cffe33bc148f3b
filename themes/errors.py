"""The package's own exception and warning types.

Every error a user can cause (bad input files, unknown names, impossible settings) is a
:class:`ThemesError`; the command line turns it into one sentence on standard error and exit
code 2. Errors about settings of a model are also ``ValueError``, as scikit-learn expects.
"""


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
