"""The Content-Security-Policy of every page (django-csp), plus the origins media come from.

Signed media URLs, posters and direct multipart uploads go to the storage's public origin (S3_PUBLIC_ENDPOINT_URL,
MinIO in docker-compose: a separate origin), which is read at request time so tests that switch storage see it."""

from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings

MEDIA_DIRECTIVES = ("img-src", "media-src", "connect-src")


def _origin(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


def media_origins() -> list[str]:
    """Origins the browser loads media from or uploads to, besides this site."""
    origins = list(getattr(settings, "CSP_MEDIA_ORIGINS", []))
    if getattr(settings, "S3_BUCKET", None):
        endpoint = _origin(settings.S3_PUBLIC_ENDPOINT_URL)
        if endpoint:
            origins.append(endpoint)
        else:  # AWS itself: path-style URLs on the regional endpoint
            origins += [f"https://s3.{settings.S3_REGION}.amazonaws.com", "https://s3.amazonaws.com"]
    return list(dict.fromkeys(origins))


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        origins = media_origins()
        if origins and not report_only:
            update = dict(parts.update or {})
            for directive in MEDIA_DIRECTIVES:
                update[directive] = [*update.get(directive, []), *origins]
            parts.update = update
        return parts
