"""Security headers on every main page: a Content-Security-Policy with no inline code, nosniff, same-origin
referrers, no framing; HSTS over HTTPS in production; the storage origin allowed for media and uploads."""

import re

import pytest

from accounts.models import User
from demo.services import load_demo
from tests.main_pages import main_pages

pytestmark = pytest.mark.django_db

POLICY = (
    "default-src 'self'; base-uri 'none'; connect-src 'self'; font-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; img-src 'self' data:; media-src 'self' blob:; object-src 'none'; script-src 'self'; "
    "style-src 'self'"
)
# Data blocks (json_script: type="application/json") are never run, so CSP has nothing to say about them.
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)


def _policy_parts(header: str) -> dict[str, str]:
    return {part.split(" ", 1)[0]: part for part in header.split("; ")}


def test_every_main_page_sends_the_policy_and_holds_no_inline_code(client):
    load_demo()
    problems = []
    pages = main_pages()
    assert len(pages) == 33
    for page in pages:
        client.logout()
        if page.email:
            client.force_login(User.objects.get(email=page.email))
        response = client.get(page.path)
        html = response.content.decode()
        if response.status_code != 200:
            problems.append((page.name, "status", response.status_code))
            continue
        if _policy_parts(response["Content-Security-Policy"]) != _policy_parts(POLICY):
            problems.append((page.name, "policy", response["Content-Security-Policy"]))
        for name, pattern in [
            ("inline script", INLINE_SCRIPT),
            ("event handler attribute", EVENT_HANDLER),
            ("style attribute", STYLE_ATTRIBUTE),
            ("javascript: URL", JAVASCRIPT_URL),
        ]:
            if pattern.search(html):
                problems.append((page.name, name, pattern.search(html).group(0)))
        if "<style" in html:
            problems.append((page.name, "style element", ""))
        for header, value in [
            ("X-Content-Type-Options", "nosniff"),
            ("Referrer-Policy", "same-origin"),
            ("X-Frame-Options", "DENY"),
            ("Cross-Origin-Opener-Policy", "same-origin"),
        ]:
            if response.get(header) != value:
                problems.append((page.name, header, response.get(header)))
    assert problems == []


def test_the_storage_origin_is_allowed_for_media_and_uploads_only(client, s3, moto_server):
    response = client.get("/accounts/login/")
    parts = _policy_parts(response["Content-Security-Policy"])
    assert parts["media-src"] == f"media-src 'self' blob: {moto_server}"
    assert parts["img-src"] == f"img-src 'self' data: {moto_server}"
    assert parts["connect-src"] == f"connect-src 'self' {moto_server}"
    assert parts["script-src"] == "script-src 'self'"
    assert parts["default-src"] == "default-src 'self'"


def test_a_cdn_origin_in_front_of_the_bucket_can_be_added(client, settings):
    settings.CSP_MEDIA_ORIGINS = ["https://media.palmares.example.org"]
    parts = _policy_parts(client.get("/accounts/login/")["Content-Security-Policy"])
    assert parts["media-src"] == "media-src 'self' blob: https://media.palmares.example.org"


def test_hsts_is_sent_over_https_in_production(client, settings):
    settings.SECURE_HSTS_SECONDS = 365 * 24 * 3600
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    response = client.get("/accounts/login/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "Strict-Transport-Security" not in client.get("/accounts/login/")  # never over plain HTTP


def test_production_settings_turn_hsts_and_secure_cookies_on():
    import subprocess
    import sys

    code = (
        "import django, os; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_SSL_REDIRECT, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PALMARES_ENV": "production",
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "palmares.example.org",
        "SITE_URL": "https://palmares.example.org",
        "DATABASE_URL": "postgres://u@127.0.0.1/x",
        "S3_BUCKET": "b",
    }
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)  # noqa: S603
    assert result.stdout.split()[-5:] == ["31536000", "True", "True", "True", "True"]
