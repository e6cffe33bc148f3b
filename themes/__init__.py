"""themes: thematic topic modelling checked against a hand-labelled reference.

Importing the package does nothing beyond defining names: no I/O, no seeding,
no matplotlib settings.
"""

__version__ = "0.1.0"
