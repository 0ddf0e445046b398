from __future__ import annotations

import educonnect_core


def test_public_names_resolve() -> None:
    for name in educonnect_core.__all__:
        assert getattr(educonnect_core, name) is not None
