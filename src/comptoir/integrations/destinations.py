"""Where comptoir agrees to send webhooks: public https addresses, or networks allowed by name.

A subscription URL makes comptoir's worker send a POST wherever it points, so an unchecked URL
lets whoever may subscribe reach the machines beside the worker: a cloud metadata service, a
database's HTTP port, an admin page on loopback (server-side request forgery, ADR 0025). Every
address the host resolves to must be public, unless it sits inside one of the networks the
operator listed in `settings.WEBHOOK_ALLOWED_NETWORKS`. The check runs when a URL is given and
again before each delivery (a name can resolve elsewhere tomorrow).
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Callable, Iterable
from functools import lru_cache
from urllib.parse import SplitResult, urlsplit

from django.conf import settings

from .errors import InvalidWebhookUrl

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
# host, port → the addresses it resolves to (as text). Tests pass their own.
Resolver = Callable[[str, int], list[str]]

# Names of cloud metadata services, refused whatever they resolve to.
METADATA_HOSTS = frozenset(
    {
        "metadata.google.internal",
        "metadata.goog",
        "metadata",
        "instance-data",
        "instance-data.ec2.internal",
    }
)
# Ranges `ipaddress` counts as global but no webhook receiver lives in, and metadata addresses
# named once more so that a change in `ipaddress`'s tables never lets them through.
REFUSED_NETWORKS = tuple(
    ipaddress.ip_network(cidr)
    for cidr in (
        "169.254.169.254/32",  # AWS, GCP, Azure, OpenStack metadata
        "fd00:ec2::254/128",  # AWS metadata over IPv6
        "100.100.100.200/32",  # Alibaba Cloud metadata
        "100.64.0.0/10",  # carrier-grade NAT
        "192.0.0.0/24",  # IETF protocol assignments (Oracle Cloud metadata at 192.0.0.192)
        "198.18.0.0/15",  # benchmarking
    )
)
# IPv6 prefixes that carry an IPv4 address in their last 32 bits (NAT64).
NAT64_PREFIXES = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))

RESOLUTION_CACHE_SECONDS = 5.0


def _refuse(message: str, detail: str) -> InvalidWebhookUrl:
    return InvalidWebhookUrl(detail, errors=[{"field": "url", "message": message}])


def system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    # A link-local IPv6 answer carries its zone ("fe80::1%eth0"); the address is before the %.
    return sorted({str(info[4][0]).split("%", 1)[0] for info in infos})


@lru_cache(maxsize=8)
def _parse_networks(cidrs: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(cidr.strip(), strict=False) for cidr in cidrs if cidr.strip())


def allowed_networks() -> tuple[Network, ...]:
    return _parse_networks(tuple(settings.WEBHOOK_ALLOWED_NETWORKS))


def _embedded_ipv4(address: Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one stands for (mapped, 6to4, Teredo, NAT64), if any."""
    if isinstance(address, ipaddress.IPv4Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if any(address in prefix for prefix in NAT64_PREFIXES):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def why_not_public(address: Address) -> str | None:
    """What kind of non-public address this is, or None for a public one."""
    embedded = _embedded_ipv4(address)
    if embedded is not None:
        reason = why_not_public(embedded)
        return f"{reason} (inside an IPv6 address)" if reason else None
    if any(address in network for network in REFUSED_NETWORKS):
        return "a metadata or reserved address"
    for reason, flag in (
        ("a loopback address", address.is_loopback),
        ("a link-local address", address.is_link_local),
        ("an unspecified address", address.is_unspecified),
        ("a multicast address", address.is_multicast),
        ("a reserved address", address.is_reserved),
        ("a private address", address.is_private),
    ):
        if flag:
            return reason
    return None if address.is_global else "a non-public address"


def _is_allowed(address: Address, networks: Iterable[Network]) -> bool:
    candidates = [address] + [a for a in [_embedded_ipv4(address)] if a is not None]
    return any(
        candidate.version == network.version and candidate in network
        for candidate in candidates
        for network in networks
    )


def _parts(url: str) -> tuple[SplitResult, str, int]:
    """The URL's parts, host and port; refuses what is not an absolute http(s) URL."""
    try:
        parts = urlsplit(url.strip())
        host, port = parts.hostname, parts.port
    except ValueError:  # an unclosed [IPv6 bracket, a port out of range or not a number
        raise _refuse(
            "a valid host and port", "The webhook URL's host or port is invalid."
        ) from None
    if parts.scheme not in {"http", "https"} or not host:
        raise _refuse("an absolute https URL", "A webhook URL must be an absolute https URL.")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise _refuse(
            "no user name or password in the URL",
            "A webhook URL may not carry credentials; receivers verify the signature instead.",
        )
    if parts.fragment or "#" in url:
        raise _refuse("no #fragment", "A webhook URL may not have a #fragment.")
    return parts, host.lower().rstrip("."), port or (443 if parts.scheme == "https" else 80)


def _check(url: str, resolve: Resolver) -> None:
    parts, host, port = _parts(url)
    if host in METADATA_HOSTS:
        raise _refuse("a cloud metadata service", f"{host} is a cloud metadata service.")
    try:
        addresses = [ipaddress.ip_address(a) for a in resolve(host, port)]
    except (OSError, UnicodeError, ValueError):
        addresses = []
    if not addresses:
        raise _refuse("the host does not resolve", f"{host} does not resolve to any address.")
    networks = allowed_networks()
    for address in addresses:
        if _is_allowed(address, networks):
            continue
        reason = why_not_public(address)
        if reason is not None:
            raise _refuse(
                f"{host} resolves to {reason}",
                f"{host} resolves to {address}, {reason}: comptoir only delivers to public"
                " addresses, or to the networks in COMPTOIR_WEBHOOK_ALLOWED_NETWORKS.",
            )
        if parts.scheme != "https":
            raise _refuse(
                "an https URL",
                "A webhook to a public address must use https; plain http is only for the"
                " networks in COMPTOIR_WEBHOOK_ALLOWED_NETWORKS.",
            )


def check_subscription_url(url: str, *, resolve: Resolver = system_resolver) -> None:
    """Refuse (InvalidWebhookUrl, 422 on `url`) a URL comptoir must not deliver to: not an
    absolute https URL, credentials or a fragment in it, a host that does not resolve, or any
    resolved address that is not public and not inside `settings.WEBHOOK_ALLOWED_NETWORKS`
    (plain http only inside those networks)."""
    _check(url, resolve)


class ResolutionCache:
    """Resolutions kept a few seconds per (host, port): a burst of deliveries to one receiver
    costs one lookup, and a name that moves is seen again within seconds."""

    def __init__(self, resolve: Resolver, *, ttl: float, monotonic: Callable[[], float]) -> None:
        self._resolve, self._ttl, self._monotonic = resolve, ttl, monotonic
        self._lock = threading.Lock()
        self._entries: dict[tuple[str, int], tuple[float, list[str]]] = {}

    def __call__(self, host: str, port: int) -> list[str]:
        now = self._monotonic()
        with self._lock:
            entry = self._entries.get((host, port))
        if entry is not None and entry[0] > now:
            return entry[1]
        addresses = self._resolve(host, port)
        with self._lock:
            self._entries[(host, port)] = (now + self._ttl, addresses)
        return addresses


_delivery_resolver = ResolutionCache(
    system_resolver, ttl=RESOLUTION_CACHE_SECONDS, monotonic=time.monotonic
)


def check_delivery_address(url: str, *, resolve: Resolver | None = None) -> None:
    """The same refusal as `check_subscription_url`, for the moment of sending: the URL was
    fine when stored, but its host may resolve elsewhere now. Resolutions are cached for
    RESOLUTION_CACHE_SECONDS per host, so the hot path rarely waits for DNS."""
    _check(url, resolve or _delivery_resolver)
