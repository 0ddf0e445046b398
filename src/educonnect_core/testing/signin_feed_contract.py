"""The sign-in feed contract: pytest classes every sign-in feed adapter must pass.

An adapter author subclasses :class:`SignInFeedContract` and provides two
fixtures: ``plugin`` (the module or object carrying the adapter's hooks) and
``write_feed``, a function ``(folder, records) -> Path`` writing records in the
adapter's own format, where a record is a mapping of OIDC claims (friendly
names) and may be a *spoiled* one (``None``: a record the adapter cannot read,
written as the format's idea of garbage)::

    class TestMyFeed(SignInFeedContract):
        @pytest.fixture
        def plugin(self):
            return my_package.plugin

        @pytest.fixture
        def write_feed(self):
            return write_my_format

The contract: a feed of this kind is recognized and another file is not; every
readable record yields the :class:`~educonnect_core.signins.SignIn` that
:meth:`~educonnect_core.signins.SignIn.from_oidc` builds from its claims, with
its position; an unreadable or invalid record is skipped and reported as a
finding naming the file, the line and (for an invalid value) the attribute,
and the records after it are still read.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from educonnect_core.findings import Severity
from educonnect_core.plugins import Plugins
from educonnect_core.signins import SignIn

from .signin_strategies import invalid_oidc_claims, oidc_claims

__all__ = ["FeedWriter", "SignInFeedContract"]

#: ``(folder, records) -> path``; a record ``None`` is an unreadable one
FeedWriter = Callable[[Path, Sequence[Mapping[str, Any] | None]], Path]


class SignInFeedContract:
    """Subclass it and provide the ``plugin`` and ``write_feed`` fixtures."""

    @pytest.fixture
    def plugins(self, plugin: object) -> Plugins:
        plugins = Plugins()
        plugins.register(plugin)
        return plugins

    def test_kind_is_declared_and_the_feed_recognized(
        self, plugins: Plugins, write_feed: FeedWriter, tmp_path: Path
    ) -> None:
        path = write_feed(tmp_path, [])
        feed = plugins.open_sign_in_feed(path)
        assert feed.kind in plugins.sign_in_feed_kinds()
        assert list(feed.sign_ins()) == []
        assert list(feed.findings) == []

    def test_another_file_is_not_recognized(self, plugins: Plugins, tmp_path: Path) -> None:
        other = tmp_path / "ElevesSansAdresses.xml"
        other.write_bytes(b'<?xml version="1.0" encoding="ISO-8859-15"?>\n<BEE_ELEVES/>\n')
        assert plugins.manager.hook.educonnect_open_sign_in_feed(path=other) is None

    @settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(records=st.lists(oidc_claims(), max_size=6))
    def test_every_record_yields_the_core_sign_in_in_order(
        self,
        plugins: Plugins,
        write_feed: FeedWriter,
        tmp_path_factory: pytest.TempPathFactory,
        records: list[dict[str, Any]],
    ) -> None:
        path = write_feed(tmp_path_factory.mktemp("feed"), records)
        feed = plugins.open_sign_in_feed(path)
        read = list(feed.sign_ins())
        assert [s for s, _ in read] == [SignIn.from_oidc(r) for r in records]
        positions = [n for _, n in read]
        assert positions == sorted(set(positions))
        assert list(feed.findings) == []

    @settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(spoiled=invalid_oidc_claims(), good=oidc_claims())
    def test_an_invalid_record_is_reported_and_the_rest_read(
        self,
        plugins: Plugins,
        write_feed: FeedWriter,
        tmp_path_factory: pytest.TempPathFactory,
        spoiled: tuple[dict[str, Any], str],
        good: dict[str, Any],
    ) -> None:
        claims, attribute = spoiled
        path = write_feed(tmp_path_factory.mktemp("feed"), [good, claims, None, good])
        feed = plugins.open_sign_in_feed(path)
        read = list(feed.sign_ins())
        assert [s for s, _ in read] == [SignIn.from_oidc(good)] * 2
        findings = list(feed.findings)
        assert len(findings) == 2
        assert all(f.severity is Severity.ERROR and f.file == str(path) for f in findings)
        lines = [f.line for f in findings if f.line is not None]
        assert len(lines) == 2
        assert read[0][1] < lines[0] < lines[1] < read[1][1]
        assert findings[0].field == attribute
