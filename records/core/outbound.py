"""The one way the product opens a connection to a host someone typed (today: SMTP servers).

An organization's SMTP settings are typed by any self-registered user, so an unchecked
connection would let them probe the server's own network (``127.0.0.1:5432``, the cloud
metadata service, the LAN) and read the answer back from timing and error text. Every outbound
connection therefore goes through :func:`connect`, which

- resolves the name once, with a deadline, and checks every address it resolves to;
- refuses loopback, private, link-local, shared (CGNAT), multicast, unspecified, reserved and
  cloud-metadata addresses, IPv4 and IPv6 alike, looking through IPv4-mapped, 6to4 and NAT64
  IPv6 forms to the IPv4 address inside;
- connects to the checked address itself (never to the name again), so DNS cannot answer
  differently between the check and the connection;
- times out quickly and raises errors whose text names no socket detail.

``allow_private`` (the operator's ``SMTP_ALLOW_PRIVATE_HOSTS``) lets loopback, private,
link-local and reserved ranges through; unspecified, multicast and cloud-metadata addresses are
refused even then, because no mail server lives there.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import threading
from dataclasses import dataclass

log = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Instance-metadata and host-agent endpoints of the big clouds. Most sit in link-local space and
# are refused anyway; these stay refused even when the operator allows private addresses.
# AWS IMDS (IPv4 and IPv6), AWS ECS task metadata, AWS VPC DNS, Azure WireServer (a public-range
# address), Alibaba Cloud, Oracle Cloud Classic. GCP and Azure IMDS use 169.254.169.254 too.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",
        "fd00:ec2::254",
        "169.254.170.2",
        "169.254.169.253",
        "168.63.129.16",
        "100.100.100.200",
        "192.0.0.192",
    )
)
NAT64 = ipaddress.ip_network("64:ff9b::/96")  # RFC 6052 well-known prefix: IPv4 in the low bits

# Reasons refused by default that SMTP_ALLOW_PRIVATE_HOSTS lets through.
OPERATOR_MAY_ALLOW = frozenset({"loopback", "private", "link-local", "reserved"})

DNS_TIMEOUT = 5.0


class OutboundError(Exception):
    """A connection was refused or failed; ``str()`` is safe to show, ``detail`` is for logs."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail or message


class Refused(OutboundError):
    """The host is (or resolves to) an address this server does not connect to."""


class Unreachable(OutboundError):
    """No connection could be made (unknown name, refused, timed out): one text for all."""


@dataclass(frozen=True)
class Target:
    """One checked address to connect to."""

    family: int
    sockaddr: tuple


def _embedded_ipv4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (mapped, 6to4, NAT64), if any."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def classify(ip: IPAddress) -> str | None:
    """Why ``ip`` is not a public internet address (e.g. ``"loopback"``), or None if it is."""
    inner = _embedded_ipv4(ip)
    if inner is not None:
        return classify(inner)
    if ip in METADATA_ADDRESSES:
        return "cloud-metadata"
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_multicast:
        return "multicast"
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_reserved:
        return "reserved"
    if ip.is_private or not ip.is_global:
        # RFC 1918, unique-local, shared address space (100.64/10), documentation, benchmarking.
        return "private"
    return None


def refusal(ip: IPAddress, *, allow_private: bool) -> str | None:
    """The reason a connection to ``ip`` is refused under this policy, or None."""
    reason = classify(ip)
    if reason is None or (allow_private and reason in OPERATOR_MAY_ALLOW):
        return None
    return reason


def _parse(address: str) -> IPAddress:
    # getaddrinfo may append an IPv6 zone ("fe80::1%eth0"); the zone does not change the range.
    return ipaddress.ip_address(address.split("%", 1)[0])


def _getaddrinfo(host: str, port: int, timeout: float) -> list[tuple]:
    """getaddrinfo with a deadline: the C resolver has none of its own."""
    box: dict[str, object] = {}

    def run() -> None:
        try:
            box["infos"] = socket.getaddrinfo(
                host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
            )
        except (OSError, UnicodeError) as exc:
            box["error"] = exc

    worker = threading.Thread(target=run, name="outbound-dns", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise TimeoutError(f"resolving {host!r} took longer than {timeout}s")
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["infos"]  # type: ignore[return-value]


def resolve(
    host: str, port: int, *, allow_private: bool, timeout: float = DNS_TIMEOUT
) -> list[Target]:
    """Every address ``host`` resolves to, all checked; raises ``Refused`` if any is refused."""
    name = f"{host}:{port}"
    if not host or not 0 < port < 65536:
        raise Unreachable(f"could not connect to {name}", "empty host or port out of range")
    try:
        infos = _getaddrinfo(host.strip("[]"), port, timeout)
    except (OSError, UnicodeError) as exc:
        raise Unreachable(f"could not connect to {name}", f"resolving: {exc!r}") from None
    targets: list[Target] = []
    for family, _type, _proto, _canon, sockaddr in infos:
        if family not in (socket.AF_INET, socket.AF_INET6):
            continue
        ip = _parse(sockaddr[0])
        reason = refusal(ip, allow_private=allow_private)
        if reason:
            # One refused address refuses the name: a name that mixes public and internal
            # addresses is either misconfigured or an attempt to slip past this check.
            raise Refused(
                f"{host} is not a public internet address ({reason}); this server does not "
                "connect to it",
                f"{host} resolves to {ip} ({reason})",
            )
        target = Target(family, tuple(sockaddr))
        if target not in targets:
            targets.append(target)
    if not targets:
        raise Unreachable(f"could not connect to {name}", "no IPv4 or IPv6 address")
    return targets


def connect(host: str, port: int, *, timeout: float, allow_private: bool) -> socket.socket:
    """A TCP socket to a checked address of ``host``; raises ``Refused`` or ``Unreachable``."""
    targets = resolve(host, port, allow_private=allow_private, timeout=min(timeout, DNS_TIMEOUT))
    failures: list[str] = []
    for target in targets:
        sock = socket.socket(target.family, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        try:
            sock.connect(target.sockaddr)
        except OSError as exc:
            sock.close()
            failures.append(f"{target.sockaddr[0]}: {exc!r}")
            continue
        return sock
    # Refused, timed out, unroutable: the same words for each, so the answer cannot be used to
    # map which ports are open on someone else's network.
    raise Unreachable(f"could not connect to {host}:{port}", "; ".join(failures))


def check_host(host: str, *, allow_private: bool, port: int = 25) -> str | None:
    """Why ``host`` would be refused (for forms), or None; a name that does not resolve passes."""
    try:
        resolve(host, port, allow_private=allow_private, timeout=2.0)
    except Refused as exc:
        return exc.message
    except Unreachable:
        return None  # DNS may be down right now; sending checks again and says so
    return None
