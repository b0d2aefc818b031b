"""The client's address, for the audit log and the login lockout (axes calls `client_ip` too).

X-Forwarded-For and X-Real-IP are written by whoever sends the request, so they are believed only
when the request comes from a reverse proxy listed in QCITY_TRUSTED_PROXIES (IPs or CIDRs; none by
default). Then the X-Forwarded-For chain is read from the right, skipping our own proxies, and the
first address that is not one of them is the client: everything left of it was written by the client.

Why not django-ipware: its trusted-proxy option compares the proxies listed inside X-Forwarded-For
(which a client can write) and never the socket peer (REMOTE_ADDR), and its default picks the first
public address of the chain, which a client on the (private) government intranet can forge. The rule
here is the one nginx's realip module and Werkzeug's ProxyFix apply; it needs only `ipaddress`.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    try:
        return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)
    except ValueError as exc:
        raise ImproperlyConfigured(f"QCITY_TRUSTED_PROXIES: {exc}") from exc


def trusted_proxies() -> tuple[Network, ...]:
    return _networks(tuple(getattr(settings, "QCITY_TRUSTED_PROXIES", ()) or ()))


def parse_address(value: str | None) -> Address | None:
    """One address from a header or REMOTE_ADDR: "1.2.3.4", "1.2.3.4:5678", "[::1]:80", "::1"; else None."""
    value = (value or "").strip().strip('"')
    if value.startswith("["):  # [IPv6]:port
        value = value[1:].split("]", 1)[0]
    elif value.count(":") == 1:  # IPv4:port
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _is_trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address.version == net.version and address in net for net in networks)


def client_ip(request) -> str | None:
    """The address of the client that sent `request`, as a string (None only without REMOTE_ADDR)."""
    meta = request.META
    peer = parse_address(meta.get("REMOTE_ADDR"))
    if peer is None:
        return meta.get("REMOTE_ADDR") or None
    networks = trusted_proxies()
    if not _is_trusted(peer, networks):
        return str(peer)  # a direct client: whatever headers it sent are its own words
    forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded.strip():
        nearest = peer
        for hop in reversed(forwarded.split(",")):
            address = parse_address(hop)
            if address is None:  # a malformed hop: believe no further than the last proxy we trust
                return str(nearest)
            if not _is_trusted(address, networks):
                return str(address)
            nearest = address
        return str(nearest)  # every hop is one of our proxies: the request started at the leftmost
    real = parse_address(meta.get("HTTP_X_REAL_IP"))
    return str(real) if real is not None else str(peer)
