"""Client addresses: who is really calling, and from which network.

The peer of the TCP connection is a fact; ``X-Forwarded-For`` is a claim,
honoured only when the peer is a trusted proxy, and then read from the right:
each trusted proxy vouches for the address on its left, the first address that
is not a trusted proxy is the client.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence

from educonnect_core.errors import InvalidValue

__all__ = ["Address", "Network", "client_address", "in_networks", "parse_address", "parse_networks"]

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(values: Iterable[str | Network], field: str) -> tuple[Network, ...]:
    """CIDR ranges (``10.0.0.0/8``, ``192.168.1.7``, ``::1``); :class:`InvalidValue`
    naming ``field`` and the bad range."""
    found: list[Network] = []
    for value in values:
        if isinstance(value, ipaddress.IPv4Network | ipaddress.IPv6Network):
            found.append(value)
            continue
        try:
            found.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError:
            raise InvalidValue(field, value, "expected an address or CIDR range") from None
    return tuple(found)


def parse_address(value: str | None) -> Address | None:
    """An IP address, or ``None`` for anything else (a host name, garbage)."""
    if not value:
        return None
    text = value.strip()
    if text.startswith("[") and "]" in text:  # [::1]:port
        text = text[1 : text.index("]")]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def in_networks(address: Address | None, networks: Sequence[Network]) -> bool:
    if address is None:
        return False
    return any(address.version == n.version and address in n for n in networks)


def client_address(
    peer: str | None, forwarded_for: Sequence[str], trusted_proxies: Sequence[Network]
) -> Address | None:
    """The client's address: the peer, unless the peer is a trusted proxy; then the
    rightmost ``X-Forwarded-For`` entry that is not a trusted proxy (``None`` when
    an entry on the way is not an address)."""
    address = parse_address(peer)
    if not in_networks(address, trusted_proxies):
        return address
    hops = [h for header in forwarded_for for h in header.split(",") if h.strip()]
    for hop in reversed(hops):
        hop_address = parse_address(hop)
        if hop_address is None:
            return None
        address = hop_address
        if not in_networks(address, trusted_proxies):
            return address
    return address
