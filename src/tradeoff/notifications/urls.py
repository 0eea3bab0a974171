"""Which webhook URLs Tradeoff will call: http(s) only, and never itself or a private network unless allowed."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from tradeoff.errors import FieldError, InvalidInput

Resolver = Callable[[str, int], list[str]]
MAX_URL = 2000


def resolve(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (IPv4 and IPv6)."""
    infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    return sorted({str(info[4][0]) for info in infos})


def own_addresses() -> set[str]:
    """The addresses this machine's own host name resolves to (a public IP of the server itself counts too)."""
    try:
        return set(resolve(socket.gethostname(), 80))
    except (OSError, UnicodeError):
        return set()


def _refused(address: str) -> str | None:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):  # an IPv4 address carried in IPv6 is judged as that address
        if ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        elif ip.sixtofour is not None:  # 2002::/16 (6to4) reaches the IPv4 address it embeds
            if _refused(str(ip.sixtofour)):
                return "a private or reserved (6to4 of " + str(ip.sixtofour) + ")"
        elif ip.teredo is not None:
            return "a tunnelled (Teredo)"
    if ip.is_loopback:
        return "a loopback (this server itself)"
    if ip.is_unspecified:
        return "an unspecified (this server itself)"
    if ip.is_link_local:
        return "a link-local"
    if ip.is_multicast:
        return "a multicast"
    if ip.is_private or ip.is_reserved or not ip.is_global:
        return "a private or reserved"
    return None


def _bad(url: str, why: str) -> InvalidInput:
    return InvalidInput(f"webhook url '{url[:200]}' {why}", [FieldError(["body", "url"], why, url[:200])])


@dataclass(frozen=True)
class Target:
    """Where a webhook URL may be sent: the URL, its host name and port, and the addresses that name resolved to
    when it was checked (every one of them allowed). Connecting to one of `addresses`, never to the name resolved
    again, is what keeps a DNS answer that changes between the check and the connection (DNS rebinding) from
    reaching the server itself or its network. No addresses: private ones are allowed, nothing to pin."""

    url: str
    host: str
    port: int
    addresses: tuple[str, ...] = ()


def check_url(url: str, *, allow_private: bool, resolver: Resolver = resolve) -> str:
    """The URL, trimmed, when Tradeoff may POST to it; otherwise InvalidInput naming the reason.

    Refused: anything but http/https, credentials in the URL, and (unless `allow_private`, i.e. the setting
    TRADEOFF_WEBHOOK_ALLOW_PRIVATE) hosts resolving to loopback, link-local, private or reserved addresses,
    which is where the server itself and its neighbours live."""
    return checked_target(url, allow_private=allow_private, resolver=resolver).url


def checked_target(url: str, *, allow_private: bool, resolver: Resolver = resolve) -> Target:
    """`check_url`, answering the host name resolved once and every address it resolved to, each checked: a
    sender connects to these addresses only."""
    url = url.strip()
    if not url:
        raise _bad(url, "is empty; give the receiver's https:// address")
    if len(url) > MAX_URL:
        raise _bad(url, f"is longer than {MAX_URL} characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise _bad(url, f"is not a valid URL ({exc})") from exc
    if parts.scheme not in ("http", "https"):
        raise _bad(url, f"must start with http:// or https:// (not '{parts.scheme or 'nothing'}')")
    host = parts.hostname
    if not host:
        raise _bad(url, "has no host name")
    if parts.username or parts.password:
        raise _bad(url, "must not carry a user name or password; the signature authenticates Tradeoff")
    port = port or (443 if parts.scheme == "https" else 80)
    if allow_private:
        return Target(url, host, port)
    if host.rstrip(".").lower() in ("localhost", "localhost.localdomain") or host.endswith(".localhost"):
        raise _bad(url, "points at this server itself (localhost); set TRADEOFF_WEBHOOK_ALLOW_PRIVATE=true to allow it")
    try:
        ipaddress.ip_address(host)
        literal = True
    except ValueError:
        literal = False
    try:
        addresses = [host] if literal else resolver(host, port)
    except (OSError, UnicodeError) as exc:
        raise _bad(url, f"has a host name that does not resolve ({host})") from exc
    if not addresses:
        raise _bad(url, f"has a host name that does not resolve ({host})")
    own = own_addresses()
    for address in addresses:
        why = _refused(address) or ("this server's own" if address in own else None)
        if why:
            raise _bad(url, f"resolves to {why} address ({address}); webhooks may only call public hosts unless "
                            "TRADEOFF_WEBHOOK_ALLOW_PRIVATE=true")
    return Target(url, host, port, tuple(addresses))
