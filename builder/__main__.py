"""`python -m builder` is the same as `cohub`."""

import sys

from .cli import main

sys.exit(main())
