"""``python -m themes``: the command line."""

import sys

from .cli import main

sys.exit(main())
