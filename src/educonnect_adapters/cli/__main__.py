"""``python -m educonnect_adapters.cli``: the ``educonnect`` command without its script."""

from __future__ import annotations

import sys

from educonnect_adapters.cli.main import main

sys.exit(main())
