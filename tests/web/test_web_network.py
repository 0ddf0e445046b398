"""Client addresses: the peer is a fact, X-Forwarded-For a claim believed only
from trusted proxies."""

from __future__ import annotations

import ipaddress

import pytest

from educonnect_adapters.web.network import client_address, in_networks, parse_networks
from educonnect_core.errors import InvalidValue

PROXIES = parse_networks(["192.0.2.0/28", "2001:db8::1"], "trusted_proxies")


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    return ipaddress.ip_address(text)


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        ("198.51.100.7", [], "198.51.100.7"),
        ("198.51.100.7", ["10.0.0.1"], "198.51.100.7"),  # not from a proxy: ignored
        ("192.0.2.1", ["10.0.0.1"], "10.0.0.1"),
        ("192.0.2.1", ["10.0.0.1, 198.51.100.7"], "198.51.100.7"),  # rightmost untrusted
        ("192.0.2.1", ["10.0.0.1", "198.51.100.7, 192.0.2.2"], "198.51.100.7"),
        ("192.0.2.1", [], "192.0.2.1"),
        ("2001:db8::1", ["10.0.0.9"], "10.0.0.9"),
        ("::ffff:192.0.2.1", ["10.0.0.1"], "10.0.0.1"),  # IPv4 mapped in IPv6
    ],
)
def test_client_address(peer: str, forwarded: list[str], expected: str) -> None:
    assert client_address(peer, forwarded, PROXIES) == _ip(expected)


def test_a_forwarded_entry_that_is_no_address_gives_no_client() -> None:
    assert client_address("192.0.2.1", ["unknown"], PROXIES) is None
    assert client_address("testclient", [], PROXIES) is None


def test_networks() -> None:
    networks = parse_networks(["10.20.0.0/16", "fd00::/8"], "administrative_networks")
    assert in_networks(_ip("10.20.3.4"), networks)
    assert not in_networks(_ip("10.21.0.1"), networks)
    assert in_networks(_ip("fd12::1"), networks)
    assert not in_networks(None, networks)
    with pytest.raises(InvalidValue, match="administrative_networks"):
        parse_networks(["10.0.0.0/33"], "administrative_networks")
