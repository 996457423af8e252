"""``python -m stance``: the same as the ``stance`` command."""

import sys

from stance._cli import main

sys.exit(main())
