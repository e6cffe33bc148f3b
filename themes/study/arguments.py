"""The study's settings as command-line flags of ``themes reproduce`` (kept light: the command line
imports it before any numeric library).

:func:`study_settings` turns the parsed flags into :class:`~themes.study.config.StudyConfig` field
names; :func:`themes.study.settings.study_config` checks them and lays them over the study folder's.
"""

from __future__ import annotations

import argparse

_SETTING_FLAGS = (
    ("--seeds", str, "seeds, e.g. 0,1,2 (default: five; three from 200 paragraphs)"),
    ("--k", str, "the K grid of the sweep, e.g. 3-12 or 4,6,8 (default 3-12)"),
    ("--n-boot", int, "bootstrap resamples (default 1000; fewer from 1,000 paragraphs; 200 with --quick)"),
    ("--n-perm", int, "permutations of the matching null (default 2000; 500 with --quick)"),
    (
        "--seed-word-variants",
        int,
        "seed-word variants refitted per seeded model (0: all; 12 from 200 paragraphs)",
    ),
)
_SWITCHES = (
    ("--no-seed-word-checks", "skip the seeding-effect and seed-word sensitivity checks"),
    ("--quick", "a first look: every other K, one seed, no seed-word checks; marked not for reporting"),
    ("--force", "rebuild even when nothing changed since the last run"),
    ("--no-cache", "neither read nor fill the study's cache of fits (.themes-cache)"),
    ("--clear-cache", "empty the study's cache first"),
)


def study_settings(args: argparse.Namespace) -> dict:
    """The study settings given on the command line (``--seeds 0,1`` ...), by StudyConfig's names."""
    names = {"jobs": "n_jobs", "k": "k_range", "seeds": "seeds", "n_boot": "n_boot", "n_perm": "n_perm"}
    names |= {"seed_word_variants": "seed_word_variants", "scale": "scale"}
    out = {field: getattr(args, arg) for arg, field in names.items() if getattr(args, arg) is not None}
    return (
        out
        | ({"seed_word_checks": False} if args.no_seed_word_checks else {})
        | ({"quick": True} if args.quick else {})
    )


def add_study_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags of :data:`_SETTING_FLAGS` and :data:`_SWITCHES`, and ``--scale``."""
    for flag, kind, text in _SETTING_FLAGS:
        parser.add_argument(flag, type=kind, help=text)
    for flag, text in _SWITCHES:
        parser.add_argument(flag, action="store_true", help=text)
    parser.add_argument(
        "--scale", choices=("auto", "small", "large"), help="the design's scale (default auto)"
    )
