"""Voters' addresses: checked, then known only by a keyed hash (the pepper is a secret of the server, so a leaked
table cannot be tested against a list of addresses), and the networks their votes came from."""

import hashlib
import hmac
import ipaddress

from django.conf import settings

# Throwaway-address services: an audience vote refuses them (one person, many addresses). AUDIENCE_THROWAWAY_DOMAINS
# adds to this list.
THROWAWAY_DOMAINS = frozenset(
    {
        "10minutemail.com",
        "20minutemail.com",
        "discard.email",
        "dispostable.com",
        "emailondeck.com",
        "fakeinbox.com",
        "getnada.com",
        "guerrillamail.com",
        "guerrillamail.net",
        "guerrillamailblock.com",
        "jetable.org",
        "mailcatch.com",
        "maildrop.cc",
        "mailinator.com",
        "mailnesia.com",
        "mintemail.com",
        "moakt.com",
        "mohmal.com",
        "mytemp.email",
        "sharklasers.com",
        "spamgourmet.com",
        "temp-mail.org",
        "tempail.com",
        "tempmail.com",
        "tempmailo.com",
        "throwawaymail.com",
        "trashmail.com",
        "trashmail.de",
        "yopmail.com",
        "yopmail.fr",
        "yopmail.net",
    }
)


def normalized(address: str) -> str:
    return address.strip().lower()


def domain_of(address: str) -> str:
    return normalized(address).rpartition("@")[2]


def is_throwaway(domain: str) -> bool:
    domain = domain.lower()
    listed = THROWAWAY_DOMAINS | {d.lower() for d in settings.AUDIENCE_THROWAWAY_DOMAINS}
    return any(domain == known or domain.endswith("." + known) for known in listed)


def in_domains(domain: str, domains: list[str]) -> bool:
    """The domain itself or one of its subdomains (eleves.lycee.fr for lycee.fr), never a lookalike."""
    return any(domain == allowed or domain.endswith("." + allowed) for allowed in domains)


def address_hash(address: str) -> str:
    """The keyed hash a voter is known by (HMAC-SHA256 of the normalised address)."""
    return hmac.new(settings.AUDIENCE_ADDRESS_PEPPER.encode(), normalized(address).encode(), hashlib.sha256).hexdigest()


def network_of(ip: str | None) -> str:
    """The /24 of an IPv4 address or the /48 of an IPv6 one: what one household, class or provider shares."""
    if not ip:
        return ""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ""
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))
