"""The address a request came from, for attempt limits and login lockouts (django-axes asks here too, through
AXES_CLIENT_IP_CALLABLE): REMOTE_ADDR, or, behind AXES_IPWARE_PROXY_COUNT proxies of our own, the address the
outermost of them saw. Each proxy appends to X-Forwarded-For the address it received the request from, so with N
proxies the client's is the N-th entry from the right (with one proxy, the last). What a client writes further left
is its own claim and never believed; a header shorter than the proxies we declared falls back to REMOTE_ADDR."""

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.AXES_IPWARE_PROXY_COUNT
    if not proxies:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        return remote
    candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
