"""``python -m examples.outserve.estate generate ...`` (see ``generate.main``)."""

from __future__ import annotations

import sys

from examples.outserve.estate.generate import main

sys.exit(main())
