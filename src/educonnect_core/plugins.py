"""A typed facade over the pluggy plugin manager."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pluggy

from . import hookspecs
from .errors import PluginError
from .ports import Channel, ExportReader, SignInFeed, SourceOptions, Store
from .sources import ReadOptions

__all__ = ["ENTRY_POINT_GROUP", "Plugins"]

ENTRY_POINT_GROUP = "educonnect"


class Plugins:
    """Typed access to the hooks; raises :class:`PluginError` when none answers."""

    def __init__(self, manager: pluggy.PluginManager | None = None) -> None:
        if manager is None:
            manager = pluggy.PluginManager(hookspecs.PROJECT_NAME)
            manager.add_hookspecs(hookspecs)
        self.manager = manager

    @classmethod
    def installed(cls) -> Plugins:
        """A facade with every plugin registered under the ``educonnect`` entry points.

        Loading entry points imports the installed adapters' modules; it reads
        no data.
        """
        plugins = cls()
        plugins.manager.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
        return plugins

    def register(self, plugin: object, name: str | None = None) -> None:
        self.manager.register(plugin, name)

    def open_source(
        self, paths: Sequence[Path], options: SourceOptions | None = None
    ) -> ExportReader:
        reader: ExportReader | None = self.manager.hook.educonnect_open_source(
            paths=list(paths), options=options or ReadOptions()
        )
        if reader is None:
            kinds = ", ".join(self.source_kinds()) or "none installed"
            names = ", ".join(str(p) for p in paths)
            raise PluginError(f"no source adapter recognizes {names} (known kinds: {kinds})")
        return reader

    def source_kinds(self) -> list[str]:
        return sorted({k for ks in self.manager.hook.educonnect_source_kinds() for k in ks})

    def open_store(self, url: str) -> Store:
        store: Store | None = self.manager.hook.educonnect_open_store(url=url)
        if store is None:
            schemes = ", ".join(self.store_schemes()) or "none installed"
            raise PluginError(f"no storage backend for {url!r} (known schemes: {schemes})")
        return store

    def store_schemes(self) -> list[str]:
        return sorted({s for ss in self.manager.hook.educonnect_store_schemes() for s in ss})

    def open_channel(self, name: str, settings: Mapping[str, str] | None = None) -> Channel:
        channel: Channel | None = self.manager.hook.educonnect_open_channel(
            name=name, settings=dict(settings or {})
        )
        if channel is None:
            names = ", ".join(self.channel_names()) or "none installed"
            raise PluginError(f"no channel called {name!r} (known channels: {names})")
        return channel

    def channel_names(self) -> list[str]:
        return sorted({n for ns in self.manager.hook.educonnect_channel_names() for n in ns})

    def open_sign_in_feed(self, path: Path) -> SignInFeed:
        feed: SignInFeed | None = self.manager.hook.educonnect_open_sign_in_feed(path=path)
        if feed is None:
            kinds = ", ".join(self.sign_in_feed_kinds()) or "none installed"
            raise PluginError(f"no sign-in feed adapter recognizes {path} (known kinds: {kinds})")
        return feed

    def sign_in_feed_kinds(self) -> list[str]:
        return sorted({k for ks in self.manager.hook.educonnect_sign_in_feed_kinds() for k in ks})
