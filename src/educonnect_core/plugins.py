"""A typed facade over the pluggy plugin manager."""

from __future__ import annotations

import importlib.metadata
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path

import attrs
import pluggy

from . import hookspecs
from .errors import PluginError
from .ports import Channel, ExportReader, SignInFeed, SourceOptions, Store
from .sources import ReadOptions

__all__ = ["ENTRY_POINT_GROUP", "InstalledPlugin", "PluginWarning", "Plugins"]

ENTRY_POINT_GROUP = "educonnect"


class PluginWarning(UserWarning):
    """An installed plugin could not be loaded; the others work."""


@attrs.frozen
class InstalledPlugin:
    """One plugin registered through an entry point, and what it offers.

    ``error`` is set (and the lists empty) when the plugin failed to load.
    """

    name: str
    distribution: str | None
    version: str | None
    sources: tuple[str, ...] = ()
    stores: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    sign_in_feeds: tuple[str, ...] = ()
    error: str | None = None


class Plugins:
    """Typed access to the hooks; raises :class:`PluginError` when none answers."""

    def __init__(self, manager: pluggy.PluginManager | None = None) -> None:
        if manager is None:
            manager = pluggy.PluginManager(hookspecs.PROJECT_NAME)
            manager.add_hookspecs(hookspecs)
        self.manager = manager
        self._entry_points: dict[str, importlib.metadata.EntryPoint] = {}
        self._failed: dict[str, tuple[importlib.metadata.EntryPoint, str]] = {}

    @classmethod
    def installed(cls) -> Plugins:
        """A facade with every plugin registered under the ``educonnect`` entry points.

        Loading entry points imports the installed adapters' modules; it reads
        no data. A plugin that fails to load (or to register) is left out with a
        :class:`PluginWarning` naming it and the error: every other plugin works.
        """
        plugins = cls()
        for entry_point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
            name = entry_point.name
            if plugins.manager.get_plugin(name) is not None or plugins.manager.is_blocked(name):
                continue
            try:
                plugins.manager.register(entry_point.load(), name=name)
            except Exception as error:  # any failure of foreign code: isolate it
                why = f"{type(error).__name__}: {error}"
                plugins._failed[name] = (entry_point, why)
                warnings.warn(
                    f"plugin {name!r} ({_distribution(entry_point)[0] or entry_point.value}) "
                    f"not loaded: {why}",
                    PluginWarning,
                    stacklevel=2,
                )
            else:
                plugins._entry_points[name] = entry_point
        return plugins

    def describe(self) -> list[InstalledPlugin]:
        """Every plugin loaded from an entry point (and every one that failed),
        with its distribution, version and what it offers; by name."""
        described = []
        for name, entry_point in self._entry_points.items():
            plugin = self.manager.get_plugin(name)
            distribution, version = _distribution(entry_point)
            described.append(
                InstalledPlugin(
                    name,
                    distribution,
                    version,
                    sources=self._offers(plugin, "educonnect_source_kinds"),
                    stores=self._offers(plugin, "educonnect_store_schemes"),
                    channels=self._offers(plugin, "educonnect_channel_names"),
                    sign_in_feeds=self._offers(plugin, "educonnect_sign_in_feed_kinds"),
                )
            )
        for name, (entry_point, why) in self._failed.items():
            distribution, version = _distribution(entry_point)
            described.append(InstalledPlugin(name, distribution, version, error=why))
        return sorted(described, key=lambda p: p.name)

    def _offers(self, plugin: object, hook_name: str) -> tuple[str, ...]:
        """What ``plugin`` alone answers to a listing hook."""
        for impl in getattr(self.manager.hook, hook_name).get_hookimpls():
            if impl.plugin is plugin:
                return tuple(sorted(impl.function()))
        return ()

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

    def open_store(self, url: str, *, read_only: bool = False) -> Store:
        """The store at ``url``; ``read_only``: it must exist and is only read."""
        store: Store | None = self.manager.hook.educonnect_open_store(url=url, read_only=read_only)
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


def _distribution(entry_point: importlib.metadata.EntryPoint) -> tuple[str | None, str | None]:
    dist = entry_point.dist
    if dist is None:
        return None, None
    return dist.metadata["Name"], dist.version
