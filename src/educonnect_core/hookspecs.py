"""The hook specifications: the whole contract between the core and adapters.

Every hook name starts with ``educonnect_``. Adapters implement hooks with
:data:`hookimpl` and register through the ``educonnect`` entry-point group,
exactly as a third party would::

    [project.entry-points.educonnect]
    mysource = "my_package.plugin"
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pluggy

from .ports import Channel, ExportReader, SignInFeed, SourceOptions, Store

__all__ = ["PROJECT_NAME", "hookimpl", "hookspec"]

PROJECT_NAME = "educonnect"
hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec(firstresult=True)
def educonnect_open_source(paths: Sequence[Path], options: SourceOptions) -> ExportReader | None:
    """Open ``paths`` as one school's export, if this adapter recognizes them.

    Contract:

    * Return ``None`` (quickly, reading at most the first bytes of each file)
      when the files are not of this adapter's kind, so that another adapter
      may answer. The first non-``None`` answer wins.
    * Otherwise return an :class:`~educonnect_core.ports.ExportReader`. Files
      may come in any order, plain or zipped; kinds are told by content.
      Its ``kind`` is one of this plugin's ``educonnect_source_kinds``.
    * A file of this kind that cannot be read raises
      :class:`~educonnect_core.errors.SourceError` naming file, line and element;
      nothing from a failing file may be yielded.
    * A field-level problem is a :class:`~educonnect_core.findings.Finding`;
      the record is kept.
    * Refuse hostile input (DTDs, entities, files over ``options.max_bytes``).
    """


@hookspec
def educonnect_source_kinds() -> Sequence[str]:
    """Names of the source kinds this plugin reads (for messages and docs).

    Contract: pure, cheap, no I/O.
    """
    return ()


@hookspec(firstresult=True)
def educonnect_open_store(url: str, read_only: bool) -> Store | None:
    """Open the storage backend for ``url`` if its scheme is this plugin's.

    Contract: return ``None`` for a scheme this plugin does not serve;
    otherwise return an open store whose schema is created or migrated forward.
    With ``read_only`` (the commands that only read) the store must already
    exist (never create it: raise StorageError), should not wait on a writer,
    and may refuse writes; an implementation may omit the argument (pluggy
    passes only the arguments a hook implementation names).
    Raise :class:`~educonnect_core.errors.StorageError` when the URL is this
    plugin's but the store cannot be opened.
    """


@hookspec
def educonnect_store_schemes() -> Sequence[str]:
    """URL schemes this plugin serves (``memory``, ``sqlite``, ``postgresql``).

    Contract: pure, cheap, no I/O.
    """
    return ()


@hookspec(firstresult=True)
def educonnect_open_channel(name: str, settings: Mapping[str, str]) -> Channel | None:
    """Open the notification channel called ``name`` with ``settings``.

    Contract: return ``None`` for a name this plugin does not serve; otherwise
    a ready :class:`~educonnect_core.channels.Channel` (its ``deliver`` contract
    is checked by :class:`educonnect_core.testing.channel_contract.ChannelContract`).
    Invalid settings raise :class:`~educonnect_core.errors.InvalidValue` naming
    the setting; a missing optional library raises
    :class:`~educonnect_core.errors.PluginError` saying what to install.
    """


@hookspec
def educonnect_channel_names() -> Sequence[str]:
    """Names of the channels this plugin provides (``paper``, ``email``, ``sms``).

    Contract: pure, cheap, no I/O.
    """
    return ()


@hookspec(firstresult=True)
def educonnect_open_sign_in_feed(path: Path) -> SignInFeed | None:
    """Open ``path`` as a feed of EduConnect sign-ins, if this adapter recognizes it.

    Contract (checked by :class:`educonnect_core.testing.signin_feed_contract.SignInFeedContract`):

    * Return ``None`` (quickly, reading at most the first bytes) when the file
      is not of this adapter's kind, so that another adapter may answer.
    * Otherwise return a :class:`~educonnect_core.ports.SignInFeed` whose
      ``kind`` is one of this plugin's ``educonnect_sign_in_feed_kinds``.
    * Each readable record yields a :class:`~educonnect_core.signins.SignIn`
      built by :meth:`~educonnect_core.signins.SignIn.from_oidc` or
      :meth:`~educonnect_core.signins.SignIn.from_saml` (so one validation
      holds for every feed), with its position.
    * A record that cannot be read is skipped and becomes a
      :class:`~educonnect_core.findings.Finding` naming file, line and
      attribute; the other records are still read. Nothing is dropped silently.
    * A file that cannot be read at all raises
      :class:`~educonnect_core.errors.SourceError` naming it.
    """


@hookspec
def educonnect_sign_in_feed_kinds() -> Sequence[str]:
    """Names of the sign-in feed kinds this plugin reads (``jsonl``).

    Contract: pure, cheap, no I/O.
    """
    return ()
